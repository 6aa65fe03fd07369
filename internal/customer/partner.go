package customer

import (
	"context"
	"errors"

	"partnercenter/internal/identity"
)

// owner is the partner whose customers a call concerns: the caller itself,
// or — when a distributor names one of its cloud resellers with
// indirect_partner_id — that reseller.
type owner struct {
	caller   identity.PartnerStanding
	partner  identity.PartnerStanding
	indirect bool
}

// ownerFor resolves the partner a call acts on. indirect_partner_id is
// honoured for distributors only (the reference: "otherwise ignored") and
// must name one of the caller's own cloud resellers, else ErrNotYourReseller.
// Actors without a partner (operators) get identity.ErrForbidden.
func (s *Service) ownerFor(ctx context.Context, actor identity.Actor, indirectID string) (owner, error) {
	if actor.PartnerID == "" {
		return owner{}, identity.ErrForbidden
	}
	if len(indirectID) > maxIndirectID {
		return owner{}, errParam("indirect_partner_id")
	}
	caller, err := s.identity.PartnerStanding(ctx, actor.PartnerID)
	if err != nil {
		return owner{}, err
	}
	o := owner{caller: caller, partner: caller}
	if caller.Type != identity.Distributor || indirectID == "" {
		return o, nil
	}
	r, err := s.identity.PartnerStanding(ctx, indirectID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return owner{}, ErrNotYourReseller
	}
	if err != nil {
		return owner{}, err
	}
	if r.Type != identity.CloudReseller || r.ParentID != caller.ID {
		return owner{}, ErrNotYourReseller
	}
	o.partner, o.indirect = r, true
	return o, nil
}
