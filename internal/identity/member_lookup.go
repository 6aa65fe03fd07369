package identity

import (
	"context"
	"database/sql"
	"strings"

	"partnercenter/internal/platform/db"
)

// MemberDeleteHook is told inside DeleteMember's transaction that a member
// is about to be deleted, so that a higher domain can let go of what it
// holds for the member (customers assigned to it) in the same transaction.
// An error aborts the deletion.
type MemberDeleteHook interface {
	MemberDeleting(ctx context.Context, tx *sql.Tx, partnerID, memberID string) error
}

// SetMemberDeleteHook installs the hook DeleteMember calls; nil (the
// default) calls nothing. Set it before serving requests.
func (s *Service) SetMemberDeleteHook(h MemberDeleteHook) { s.memberDeleteHook = h }

// MemberRefsByName lists up to limit members of a partner (any status)
// whose account name or display name contains query, ignoring case, in id
// order. For domains that filter their rows by the member they are
// assigned to; the caller has already checked the actor. Read-only.
func (s *Service) MemberRefsByName(ctx context.Context, partnerID, query string, limit int) ([]MemberRef, error) {
	w := db.NewWhere("partner_id = ?", partnerID).Contains(strings.TrimSpace(query), "account_name", "display_name")
	page, args := w.Page(limit, 0)
	return s.memberRefs(ctx, "SELECT id, account_name, display_name FROM members"+w.SQL()+" ORDER BY id"+page, args...)
}

// ActiveMemberRefs lists a partner's active members in id order, for
// pickers of other domains (the account manager a customer is assigned
// to); the caller has already checked the actor. Read-only.
func (s *Service) ActiveMemberRefs(ctx context.Context, partnerID string) ([]MemberRef, error) {
	return s.memberRefs(ctx, `SELECT id, account_name, display_name FROM members
		WHERE partner_id = $1 AND status = $2 ORDER BY id`, partnerID, MemberActive)
}

// PartnerRef names a partner in pickers of other domains.
type PartnerRef struct {
	ID         string
	Name       string
	DomainName string
}

// ResellersOf lists a distributor's cloud resellers by name (none for any
// other partner). Read-only.
func (s *Service) ResellersOf(ctx context.Context, distributorID string) ([]PartnerRef, error) {
	list, err := s.resellersOf(ctx, distributorID)
	out := make([]PartnerRef, len(list))
	for i, p := range list {
		out[i] = PartnerRef{ID: p.ID, Name: p.Name, DomainName: p.DomainName}
	}
	return out, err
}
