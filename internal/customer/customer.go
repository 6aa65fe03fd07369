// Package customer is the customer domain: registering customer accounts for
// partners (checking names and contacts, sending verification codes,
// creating accounts), their associations with partners, listing them, and
// freezing them. The cloud's protected contacts live here too.
//
// A customer account is created synchronously; its association with the
// partner is made by a River job (association_job.go) in a transaction of its
// own, which calls the AssociationHook so that binding notifications can be
// sent from there.
package customer

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
)

// AssociationType is how a customer is associated with a partner.
type AssociationType int

const (
	Referral AssociationType = 1 // 顾问销售: the customer pays the cloud
	Reseller AssociationType = 2 // 代售: the partner resells to the customer
)

// Valid reports whether t is a known type.
func (t AssociationType) Valid() bool { return t == Referral || t == Reseller }

// FreezeState says whether and how far a customer is frozen. Its values are
// the open API's is_frozen.
type FreezeState int

const (
	NotFrozen                FreezeState = 0
	FrozenAccount            FreezeState = 1 // may not buy, renew or change; resources keep running
	FrozenAccountAndResource FreezeState = 2 // resources stopped too
)

// Customer is an end customer's cloud account.
type Customer struct {
	// ID is the account's domain id, 32 hex characters.
	ID         string
	DomainName string
	// MobileCountryCode ("0086") and Mobile (the national number) are empty
	// for an account without a mobile.
	MobileCountryCode string
	Mobile            string
	Email             string
	// HasPassword is false for accounts that can enter only through their
	// partner's single sign-on.
	HasPassword bool
	// XAccountType and XAccountID bind the account to a user of a partner's
	// sales platform; empty for accounts made otherwise.
	XAccountType string
	XAccountID   string
	// Type is -1 (none yet), 0 individual, 1 enterprise.
	Type int
	// RealName is the real-name (实名认证) name; VerifiedStatus is -1 until
	// verified (0 reviewing, 1 rejected, 2 verified).
	RealName       string
	VerifiedStatus int
	Label          string
	Level          string
	// DomainArea is the ISO 3166 alpha-2 country of an international account.
	DomainArea     string
	CloseMarketing bool
	// AccountManagerID is the partner member the customer is assigned to;
	// empty when unassigned.
	AccountManagerID string
	FreezeState      FreezeState
	FreezeReason     string
	// CreatorPartnerID is the partner whose call created the account.
	CreatorPartnerID string
	CreatedAt        time.Time
	UpdatedAt        time.Time

	passwordHash string
}

// Frozen reports whether the customer is frozen: the customer portal lets a
// frozen customer neither sign in to buy nor change anything.
func (c Customer) Frozen() bool { return c.FreezeState != NotFrozen }

// CanUnbindSSO reports whether the account may drop its binding to the
// partner platform: only when it has a password, since single sign-on is
// otherwise its only way in.
func (c Customer) CanUnbindSSO() bool { return c.HasPassword }

// CheckPassword reports whether pw is the account's password; always false
// for an account without one.
func (c Customer) CheckPassword(pw string) bool {
	return c.passwordHash != "" && identity.CheckPassword(c.passwordHash, pw)
}

// Association is a customer's association with a partner.
type Association struct {
	ID           string
	CustomerID   string
	PartnerID    string
	Type         AssociationType
	AssociatedAt time.Time
	// EndedAt is set once the association has ended; zero while current.
	EndedAt time.Time
}

// Current reports whether the association has not ended.
func (a Association) Current() bool { return a.EndedAt.IsZero() }

// AssociationHook is told about every association the association job makes,
// inside the job's transaction, so that what must follow an association
// (the binding notification to the partner) commits or rolls back with it.
// An error rolls the association back and the job retries.
type AssociationHook interface {
	Associated(ctx context.Context, tx *sql.Tx, c Customer, a Association) error
}

// Config holds the domain's tunable limits.
type Config struct {
	// MaxAccountsPerMobile is how many accounts one mobile number may back,
	// platform-wide (default 5).
	MaxAccountsPerMobile int
	// AssociationWait is how long CreateSubCustomer waits for the
	// association when asked to report it (default 5 s).
	AssociationWait time.Duration
}

// Defaults of Config.
const (
	DefaultMaxAccountsPerMobile = 5
	DefaultAssociationWait      = 5 * time.Second
)

// Service holds the customer domain's rules. It is safe for concurrent use.
type Service struct {
	db       *db.DB
	clock    clock.Clock
	identity *identity.Service
	queue    *jobs.Queue
	outbox   *outbox.Outbox
	cfg      Config
	hook     AssociationHook
	bindHook BindHook
	rel      relationHooks // association changes (relation.go)
	// pollEvery is how often a waiting CreateSubCustomer looks for the
	// association.
	pollEvery time.Duration
	// lists caches the list's exact counts under the partner's version,
	// and which search texts are rare.
	lists *listCache
}

// NewService returns the customer service. Zero Config fields take their
// defaults. Call Register before the queue starts.
func NewService(d *db.DB, c clock.Clock, ident *identity.Service, q *jobs.Queue, o *outbox.Outbox, cfg Config) *Service {
	if cfg.MaxAccountsPerMobile <= 0 {
		cfg.MaxAccountsPerMobile = DefaultMaxAccountsPerMobile
	}
	if cfg.AssociationWait <= 0 {
		cfg.AssociationWait = DefaultAssociationWait
	}
	return &Service{db: d, clock: c, identity: ident, queue: q, outbox: o, cfg: cfg, pollEvery: 50 * time.Millisecond,
		lists: newListCache()}
}

// Config returns the limits in force.
func (s *Service) Config() Config { return s.cfg }

// SetAssociationHook installs the hook the association job calls; nil (the
// default) calls nothing. Set it before the queue starts.
func (s *Service) SetAssociationHook(h AssociationHook) { s.hook = h }

// Register adds the domain's job workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &associateWorker{s: s})
}
