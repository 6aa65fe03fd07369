package coupon

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

var zero = money.Amount{}

// owner is the partner a partner call acts on: the caller itself, or a
// distributor's cloud reseller named by indirect_partner_id.
type owner struct {
	partnerID string
	indirect  bool
}

// ownerFor resolves indirect_partner_id as the customer domain does: it is
// honoured for distributors only ("otherwise ignored") and must name one of
// the caller's own cloud resellers, else ErrNotYourReseller (CBC.99000037).
// Actors without a partner get identity.ErrForbidden.
func (s *Service) ownerFor(ctx context.Context, actor identity.Actor, indirectID string) (owner, error) {
	if actor.PartnerID == "" {
		return owner{}, identity.ErrForbidden
	}
	if indirectID == "" {
		return owner{partnerID: actor.PartnerID}, nil
	}
	if len(indirectID) > 64 {
		return owner{}, errParam("indirect_partner_id")
	}
	typ := actor.PartnerType
	if typ == "" {
		st, err := s.Identity.PartnerStanding(ctx, actor.PartnerID)
		if err != nil {
			return owner{}, err
		}
		typ = st.Type
	}
	if typ != identity.Distributor {
		return owner{partnerID: actor.PartnerID}, nil
	}
	r, err := s.Identity.PartnerStanding(ctx, indirectID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return owner{}, ErrNotYourReseller
	}
	if err != nil {
		return owner{}, err
	}
	if r.Type != identity.CloudReseller || r.ParentID != actor.PartnerID {
		return owner{}, ErrNotYourReseller
	}
	return owner{partnerID: r.ID, indirect: true}, nil
}

// requireActive refuses partners who may not issue benefits: restricted
// or frozen ones, and resellers of such distributors.
func (s *Service) requireActive(ctx context.Context, partnerID string) (identity.PartnerStanding, error) {
	st, err := s.Identity.PartnerStanding(ctx, partnerID)
	if err != nil {
		return st, err
	}
	if st.Status != identity.PartnerNormal {
		return st, customer.ErrPartnerRestricted
	}
	if st.ParentID != "" && st.ParentStatus != identity.PartnerNormal {
		return st, customer.ErrParentRestricted
	}
	return st, nil
}

// audit writes one audit row in the use case's transaction.
func audit(ctx context.Context, tx *sql.Tx, a identity.Actor, partnerID, action, target, detail string, at time.Time) error {
	kind := string(a.Kind)
	if kind == "" {
		kind = systemOperator
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, actor_type, actor_id, partner_id, action, target, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ids.New(), kind, a.ID, partnerID, action, target, detail, at)
	return err
}
