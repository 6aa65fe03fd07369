package payment

import (
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/money"
)

// input is everything one computation needs, read by Explain or inside
// Pay's transaction.
type input struct {
	order    order.Order
	lines    []order.LineItem
	coupons  []coupon.Coupon // the customer's coupons: the chosen ones first, in request order
	discount *funds.Discount
	req      Request
	now      time.Time
}

func orderType(t order.Type) coupon.OrderType {
	switch t {
	case order.TypeNew:
		return coupon.OrderNew
	}
	return ""
}

// eligible returns the official amount of the order lines within the
// coupon's service, product and region limits, or the reason none is.
func eligible(in input, c coupon.Coupon) (money.Amount, string) {
	l := c.Limits
	if len(l.OrderTypes) > 0 && !slices.Contains(l.OrderTypes, orderType(in.order.Type)) {
		return money.Amount{}, ReasonOrderType
	}
	var sum money.Amount
	reason := ""
	for _, li := range in.lines {
		switch {
		case len(l.ServiceTypes) > 0 && !slices.Contains(l.ServiceTypes, li.ServiceTypeCode):
			reason = ReasonService
		case len(l.ProductIDs) > 0 && !slices.Contains(l.ProductIDs, li.ProductID):
			reason = ReasonProduct
		case len(l.Regions) > 0 && !slices.Contains(l.Regions, li.Region):
			reason = ReasonRegion
		default:
			sum = sum.Add(li.OfficialAmount)
		}
	}
	if sum.Cmp(money.Amount{}) <= 0 {
		if reason == "" {
			reason = ReasonNothingLeft
		}
		return money.Amount{}, reason
	}
	if l.MinOrder.Cmp(money.Amount{}) > 0 && sum.Cmp(l.MinOrder) < 0 {
		return money.Amount{}, ReasonMinimum
	}
	return sum, ""
}

// usable says why a coupon cannot pay this order at all, or "".
func usable(in input, c coupon.Coupon) string {
	switch {
	case c.Status == coupon.CouponExpired || !in.now.Before(c.ExpiresAt):
		return ReasonExpired
	case c.Status != coupon.CouponUsable || c.Balance.Cmp(money.Amount{}) <= 0:
		return ReasonNotUsable
	case in.now.Before(c.EffectiveAt):
		return ReasonNotEffective
	case c.LockOrderID != "" && c.LockOrderID != in.order.ID:
		return ReasonLocked
	}
	return ""
}

func minAmount(a, b money.Amount) money.Amount {
	if a.Cmp(b) < 0 {
		return a
	}
	return b
}

// compute runs the stacking rules: discount, then one voucher, then cash
// coupons, then the balance. Chosen benefits that do not apply carry their
// reason; refused reports the first of them (Pay refuses the payment).
func compute(in input) (ex Explanation, refused *Benefit) {
	ex.OrderID = in.order.ID
	ex.ListPrice = in.order.OfficialAmount
	ex.Payable = ex.ListPrice
	chosen := map[string]bool{}
	for _, id := range in.req.CouponIDs {
		chosen[id] = true
	}
	// 1. The discount.
	discountOn := false
	rate := decimal.NewFromInt(1)
	if in.discount != nil {
		d := *in.discount
		b := Benefit{ID: d.ID, Kind: KindDiscount, Rate: d.Rate.String(), Chosen: in.req.UseDiscount && slices.Contains(in.req.DiscountIDs, d.ID)}
		payable := money.Round2(ex.ListPrice.Mul(d.Rate))
		off := ex.ListPrice.Sub(payable)
		if b.Chosen {
			discountOn, rate = true, d.Rate
			b.Applies, b.Amount, b.Reason = true, off, ReasonApplied
			ex.Discount, ex.Payable = off, payable
		} else {
			b.Amount, b.Reason = off, ReasonNotChosen
		}
		ex.Benefits = append(ex.Benefits, b)
	}
	remaining := ex.Payable
	// 2. One voucher (exclusive with the discount). 3. Cash coupons within
	// their share of the payable amount.
	voucherUsed := false
	var cashSoFar money.Amount
	// capLimit is the most the order's cash coupons may pay together: the
	// smallest order-share cap among those applied so far (none: the
	// payable amount). A cap binds every cash coupon, whichever comes
	// first, so the total never exceeds any applied coupon's share.
	capLimit := ex.Payable
	for _, c := range in.coupons {
		b := Benefit{ID: c.ID, Balance: c.Balance, Chosen: chosen[c.ID], Kind: KindCash}
		if c.Type == coupon.CouponVoucher {
			b.Kind = KindVoucher
		}
		reason := usable(in, c)
		var base money.Amount
		if reason == "" {
			base, reason = eligible(in, c)
		}
		if reason == "" && b.Kind == KindVoucher {
			switch {
			case discountOn:
				reason = ReasonExclusive
			case voucherUsed:
				reason = ReasonSecondVouch
			}
		}
		if reason == "" && discountOn {
			base = money.Round2(base.Mul(rate))
		}
		var amount money.Amount
		if reason == "" {
			amount = minAmount(minAmount(c.Balance, base), remaining)
			limit := capLimit
			if b.Kind == KindCash && c.Limits.MaxOrderShare > 0 {
				limit = minAmount(limit, money.FromCents(ex.Payable.Cents()*int64(c.Limits.MaxOrderShare)/100))
			}
			if b.Kind == KindCash {
				room := limit.Sub(cashSoFar)
				if room.Cmp(amount) < 0 {
					b.Capped = true
					amount = room
					if amount.Cmp(money.Amount{}) <= 0 {
						amount, reason = money.Amount{}, ReasonShareCap
					}
				}
			}
			if reason == "" && amount.Cmp(money.Amount{}) <= 0 {
				reason = ReasonNothingLeft
			}
		}
		switch {
		case reason != "":
			b.Reason = reason
		case !b.Chosen:
			b.Reason, b.Amount = ReasonNotChosen, amount
		default:
			b.Applies, b.Amount, b.Reason = true, amount, ReasonApplied
			remaining = remaining.Sub(amount)
			if b.Kind == KindVoucher {
				voucherUsed = true
				ex.Voucher = ex.Voucher.Add(amount)
			} else {
				cashSoFar = cashSoFar.Add(amount)
				ex.Cash = ex.Cash.Add(amount)
				if c.Limits.MaxOrderShare > 0 {
					capLimit = minAmount(capLimit, money.FromCents(ex.Payable.Cents()*int64(c.Limits.MaxOrderShare)/100))
				}
			}
		}
		ex.Benefits = append(ex.Benefits, b)
		if b.Chosen && !b.Applies && refused == nil {
			rb := b
			refused = &rb
		}
	}
	ex.Due = remaining
	return ex, refused
}
