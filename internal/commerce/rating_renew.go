package commerce

import (
	"context"
	"errors"

	"github.com/shopspring/decimal"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// RenewalResource is a yearly/monthly resource as bought: whose it is
// (ProjectID, the customer's domain id) and what product.
type RenewalResource struct {
	ProjectID       string
	Product         ProductRef
	SubscriptionNum int
}

// RenewalResources finds the resources a renewal inquiry names. The orders
// part implements it; until it is wired in, no resource is known.
type RenewalResources interface {
	RenewalResources(ctx context.Context, ids []string) (map[string]RenewalResource, error)
}

// SetRenewalResources installs the resource lookup of renewal inquiries.
func (c *Catalog) SetRenewalResources(r RenewalResources) { c.renewals = r }

// RenewInquiry is ListRenewRateOnPeriod's question.
type RenewInquiry struct {
	ResourceIDs []string
	PeriodType  int
	PeriodNum   int
}

// RenewResult is the renewal price of one resource.
type RenewResult struct {
	ResourceID     string
	Amount         decimal.Decimal
	OfficialAmount decimal.Decimal
	DiscountAmount decimal.Decimal
}

// RenewFailure is a resource that could not be priced, with why.
type RenewFailure struct {
	ResourceID string
	Err        *apperr.Error
}

// RenewRating answers a renewal inquiry: the priced resources with their
// totals, and the ones that failed.
type RenewRating struct {
	OfficialAmount decimal.Decimal
	DiscountAmount decimal.Decimal
	Amount         decimal.Decimal
	Currency       string
	Results        []RenewResult
	Failed         []RenewFailure
}

// RateRenewal prices renewing yearly/monthly resources for period_num
// months or years at today's list price (ListRenewRateOnPeriod). A resource
// that is unknown, or not the caller's own or its customers', is listed in
// Failed (ErrProductNotFound, ErrProjectNotFound); the call fails only on
// a malformed request (CBC.0100, ErrDuplicateID). Read-only.
func (c *Catalog) RateRenewal(ctx context.Context, actor identity.Actor, in RenewInquiry) (RenewRating, error) {
	if actor.PartnerID == "" {
		return RenewRating{}, identity.ErrForbidden
	}
	if len(in.ResourceIDs) == 0 || len(in.ResourceIDs) > MaxInquiryProducts {
		return RenewRating{}, errParam("resource_ids")
	}
	seen := map[string]bool{}
	for _, id := range in.ResourceIDs {
		if id == "" || len(id) > maxIDLen {
			return RenewRating{}, errParam("resource_ids")
		}
		if seen[id] {
			return RenewRating{}, ErrDuplicateID.With("id", id)
		}
		seen[id] = true
	}
	if in.PeriodType != PeriodMonth && in.PeriodType != PeriodYear {
		return RenewRating{}, errParam("period_type")
	}
	if in.PeriodNum < 1 || (in.PeriodType == PeriodMonth && in.PeriodNum > maxMonths) || (in.PeriodType == PeriodYear && in.PeriodNum > maxYears) {
		return RenewRating{}, errParam("period_num")
	}
	found := map[string]RenewalResource{}
	if c.renewals != nil {
		var err error
		if found, err = c.renewals.RenewalResources(ctx, in.ResourceIDs); err != nil {
			return RenewRating{}, err
		}
	}
	c.refreshSoon(ctx)
	s := c.prices.Load()
	out := RenewRating{Currency: Currency}
	for _, id := range in.ResourceIDs {
		res, ok := found[id]
		if !ok {
			out.Failed = append(out.Failed, RenewFailure{id, ErrProductNotFound.With("id", id)})
			continue
		}
		if err := c.checkProject(ctx, actor, res.ProjectID); err != nil {
			e, ok := apperr.As(err)
			if !ok || !errors.Is(err, ErrProjectNotFound) {
				return RenewRating{}, err
			}
			out.Failed = append(out.Failed, RenewFailure{id, e})
			continue
		}
		p := PeriodProduct{ProductRef: res.Product, PeriodType: in.PeriodType, PeriodNum: in.PeriodNum, SubscriptionNum: max(res.SubscriptionNum, 1)}
		p.ID = id
		official, pid, err := s.periodPrice(p, "resource_ids")
		if err != nil {
			e, ok := apperr.As(err)
			if !ok {
				return RenewRating{}, err
			}
			out.Failed = append(out.Failed, RenewFailure{id, e})
			continue
		}
		mode := Monthly
		if in.PeriodType == PeriodYear {
			mode = Yearly
		}
		r, err := c.discounted(ctx, res.ProjectID, PricedLine{ProductRef: p.ProductRef, ProductID: pid, Mode: mode, Official: official}, PrecisionDefault)
		if err != nil {
			return RenewRating{}, err
		}
		out.Results = append(out.Results, RenewResult{ResourceID: id, Amount: r.Amount, OfficialAmount: r.OfficialAmount, DiscountAmount: r.DiscountAmount})
		out.OfficialAmount = out.OfficialAmount.Add(r.OfficialAmount)
		out.DiscountAmount = out.DiscountAmount.Add(r.DiscountAmount)
		out.Amount = out.Amount.Add(r.Amount)
	}
	return out, nil
}
