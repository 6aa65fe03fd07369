// Package identity knows who is acting: the cloud's operators, partners
// (solution providers, distributors and their cloud resellers), the people who
// sign in to a partner's console, and their access keys. Every other domain
// asks it for an Actor and trusts what the Actor says.
package identity

import (
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
)

// Service holds identity's business rules. It is safe for concurrent use.
type Service struct {
	db    *db.DB
	clock clock.Clock
	box   *secretbox.Box
	// apiAuth caches open API credentials (apiauth_cache.go).
	apiAuth apiAuthState
	// outbox sends password-reset codes (SetOutbox); nil until set.
	outbox *outbox.Outbox
	// notifyLoopback admits loopback notification URLs (access_config_update.go).
	notifyLoopback bool
	// memberDeleteHook is told of member deletions (member_lookup.go).
	memberDeleteHook MemberDeleteHook
}

// NewService returns the identity service. box encrypts access-key secrets.
func NewService(d *db.DB, c clock.Clock, box *secretbox.Box) *Service {
	return &Service{db: d, clock: c, box: box}
}
