package coupon

import (
	"context"

	"partnercenter/internal/identity"
)

// Issuable reports whether coupons can be issued from the quota: only a
// normal one (not invalid, not being adjusted).
func (q Quota) Issuable() bool { return q.Status == QuotaNormal }

// Reclaimable reports whether the coupon's balance can be taken back:
// only a usable one.
func (c Coupon) Reclaimable() bool { return c.Status == CouponUsable }

// ReclaimPreview is a coupon of typ the actor issued, as a confirmation
// page shows it before Reclaim takes its whole balance back; or the
// refusal: ErrCouponNotFound (not the actor's, or another type),
// ErrNotReclaimable (no longer usable). Reclaim decides again, under its
// lock. Read-only.
func (s *Service) ReclaimPreview(ctx context.Context, actor identity.Actor, id string, typ CouponType) (Coupon, error) {
	c, _, err := s.IssuedCoupon(ctx, actor, id)
	switch {
	case err != nil:
		return Coupon{}, err
	case c.Type != typ:
		return Coupon{}, ErrCouponNotFound
	case !c.Reclaimable():
		return Coupon{}, ErrNotReclaimable
	}
	return c, nil
}

// ResellerQuotaReclaimPreview is a distributor's reseller quota of typ,
// as a confirmation page shows it before ReclaimResellerQuotas takes it
// back: only a reseller's quota carved from the distributor's;
// ErrQuotaNotFound for anything else, ErrQuotaStatus when it is not
// normal. ReclaimResellerQuotas decides again, under its lock. Read-only.
func (s *Service) ResellerQuotaReclaimPreview(ctx context.Context, actor identity.Actor, id string, typ QuotaType) (Quota, error) {
	q, err := s.Quota(ctx, actor, id)
	switch {
	case err != nil:
		return Quota{}, err
	case q.PartnerID == actor.PartnerID || q.ParentQuotaID == "" || q.Type != typ:
		return Quota{}, ErrQuotaNotFound
	case q.Status != QuotaNormal:
		return Quota{}, ErrQuotaStatus
	}
	return q, nil
}
