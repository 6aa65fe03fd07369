package moneyrun

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/refund"
	"partnercenter/internal/testworld"
)

// raceRounds is how many times each race below is run; each round is a
// new customer.
const raceRounds = 120

// raceDisassociation runs, for raceRounds new reseller-model customers of
// SP with money in their accounts, the partner's approval of the
// customer's disassociation request at the same time as move (which acts
// on the customer as SP), and then checks what must hold in every order
// the two can take.
func raceDisassociation(t *testing.T, d *db.DB, move func(r *run, customerID string) error,
	check func(r *run, customerID string) string) {
	raceDisassociationPrepared(t, d, nil, move, check)
}

// raceDisassociationPrepared is raceDisassociation with prepare run for
// each customer before its disassociation is requested.
func raceDisassociationPrepared(t *testing.T, d *db.DB, prepare func(r *run, customerID string),
	move func(r *run, customerID string) error, check func(r *run, customerID string) string) {
	r := newRun(t, d, 1)
	sp := r.partners[0].tenant
	if _, err := r.funds.TopUp(r.ctx, r.w.Operator, sp.Partner.ID, amount(1_000_000_00), "race"); err != nil {
		t.Fatal(err)
	}
	var broken []string
	for i := range raceRounds {
		c := r.w.AssociatedCustomers(t, sp.Partner.ID, 1, customer.Reseller)[0]
		if _, err := r.funds.AllocateToCustomer(r.ctx, sp.Main, funds.Transfer{TargetID: c, Amount: amount(100_00)}); err != nil {
			t.Fatal(err)
		}
		if prepare != nil {
			prepare(r, c)
		}
		req, err := r.w.Customers.RequestDisassociationByCustomer(r.ctx, c, "race")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var approveErr, moveErr error
		wg.Go(func() { _, approveErr = r.w.Customers.ApproveAssociationRequest(r.ctx, sp.Main, req.ID) })
		wg.Go(func() { moveErr = move(r, c) })
		wg.Wait()
		r.expect("approve", approveErr, payment.ErrBlocksChange)
		r.expect("move", moveErr, funds.ErrNotYourCustomer, coupon.ErrNotYourCustomer)
		if r.failed() {
			t.Fatalf("round %d: unexpected outcomes: %v", i, r.failures)
		}
		if p := check(r, c); p != "" {
			broken = append(broken, fmt.Sprintf("round %d (move: %v): %s", i, moveErr, p))
		}
	}
	if r.failed() {
		t.Fatalf("unexpected outcomes: %v", r.failures)
	}
	if len(broken) > 0 {
		t.Fatalf("%d of %d rounds broke the rule:\n%s", len(broken), raceRounds, strings.Join(broken, "\n"))
	}
}

// TestIssueRacesDisassociation: a coupon issued while the customer's
// disassociation completes is either refused (the customer is no longer
// the partner's) or reclaimed by the disassociation; never left usable
// with a customer that has left the partner.
func TestIssueRacesDisassociation(t *testing.T) {
	testworld.Each(t, func(t *testing.T, d *db.DB) {
		var quota string
		raceDisassociation(t, d, func(r *run, c string) error {
			if quota == "" {
				now := r.now()
				q, err := r.coupons.GrantQuota(r.ctx, r.w.Operator, coupon.NewQuota{PartnerID: r.partners[0].tenant.Partner.ID,
					Type: coupon.QuotaCash, Value: amount(1_000_000_00), EffectiveAt: now.Add(-1e9), ExpiresAt: now.AddDate(1, 0, 0)})
				if err != nil {
					return err
				}
				quota = q.ID
			}
			_, bad, err := r.coupons.Issue(r.ctx, r.partners[0].tenant.Main, coupon.IssueRequest{QuotaID: quota,
				CustomerIDs: []string{c}, FaceValue: amount(10_00)})
			if err == nil && len(bad) > 0 {
				err = bad[0].Err
			}
			return err
		}, func(r *run, c string) string {
			if n := r.scalarInt(`SELECT COUNT(*) FROM coupons WHERE customer_id = $1 AND status = 2`, c); n > 0 {
				return fmt.Sprintf("customer %s holds %d usable coupon(s) of the partner it left", c, n)
			}
			return ""
		})
	})
}

// TestAllocateRacesDisassociation: money allocated while the customer's
// disassociation completes is either refused or swept back to the partner
// with the rest of the balance; the customer's account never keeps the
// partner's allocation after it left.
func TestAllocateRacesDisassociation(t *testing.T) {
	testworld.Each(t, func(t *testing.T, d *db.DB) {
		raceDisassociation(t, d, func(r *run, c string) error {
			_, err := r.funds.AllocateToCustomer(r.ctx, r.partners[0].tenant.Main, funds.Transfer{TargetID: c, Amount: amount(7_00)})
			return err
		}, func(r *run, c string) string {
			if n := r.scalarInt(`SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1`, c); n != 0 {
				return fmt.Sprintf("customer %s's account keeps %s of the partner's allocations", c, amount(n))
			}
			return ""
		})
	})
}

// TestUnsubscribeRacesDisassociation: a refund of what a reseller-model
// customer paid from its partner's allocations goes to the customer's
// account while it is the partner's and to the partner after (console.md
// §4.6); an unsubscription racing the disassociation must not leave the
// refund in the account of a customer that has left.
func TestUnsubscribeRacesDisassociation(t *testing.T) {
	testworld.Each(t, func(t *testing.T, d *db.DB) {
		raceDisassociationPrepared(t, d, func(r *run, c string) {
			o, err := r.orders.Place(r.ctx, c, order.NewOrder{Items: []order.Item{{ServiceType: "hws.service.type.ebs",
				ResourceType: "hws.resource.type.volume", Spec: "SATA", Region: "cn-north-4", PeriodType: order.PeriodMonth,
				PeriodNum: 1, Quantity: 1, ResourceSize: 100, SizeMeasureID: 17}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.pay.Pay(r.ctx, c, payment.Request{OrderID: o.ID}); err != nil {
				t.Fatal(err)
			}
			// What is left in the account is reclaimed, so that only the
			// refund can be there afterwards.
			left := r.scalarInt(`SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1`, c)
			if _, err := r.funds.ReclaimFromCustomer(r.ctx, r.partners[0].tenant.Main, funds.Transfer{TargetID: c,
				Amount: amount(left)}); err != nil {
				t.Fatal(err)
			}
			r.w.Clock.Advance(time.Hour)
		}, func(r *run, c string) error {
			res := r.strings1(`SELECT id FROM customer_resources WHERE customer_id = $1 AND status = 'active'`, c)
			out, err := r.refunds.Unsubscribe(r.ctx, c, refund.Request{ResourceIDs: res, Type: refund.UnsubscribeResource})
			if err == nil && len(out.Failures) > 0 {
				err = out.Failures[0].Err
			}
			return err
		}, func(r *run, c string) string {
			if n := r.scalarInt(`SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1`, c); n != 0 {
				return fmt.Sprintf("customer %s's account keeps %s refunded from the partner's allocations", c, amount(n))
			}
			return ""
		})
	})
}

// TestRequestPartnerPayRacesDisassociation: orders waiting for the
// partner's payment block the customer's disassociation (console.md §4.4);
// a request racing the disassociation is either refused (no partner any
// more) or blocks it — never an order left waiting for a partner the
// customer has left.
func TestRequestPartnerPayRacesDisassociation(t *testing.T) {
	testworld.Each(t, func(t *testing.T, d *db.DB) {
		orders := map[string]string{}
		raceDisassociationPrepared(t, d, func(r *run, c string) {
			o, err := r.orders.Place(r.ctx, c, order.NewOrder{Items: randomItems(rand.New(rand.NewPCG(3, 4)))})
			if err != nil {
				t.Fatal(err)
			}
			orders[c] = o.ID
		}, func(r *run, c string) error {
			err := r.pay.RequestPartnerPay(r.ctx, c, orders[c])
			if errors.Is(err, payment.ErrNoPartner) {
				return nil
			}
			return err
		}, func(r *run, c string) string {
			if n := r.scalarInt(`SELECT COUNT(*) FROM orders o WHERE o.customer_id = $1 AND o.agent_pay = 1 AND o.status = 6
				AND NOT EXISTS (SELECT 1 FROM customer_associations a WHERE a.customer_id = o.customer_id
				AND a.partner_id = o.paying_partner_id AND a.ended_at IS NULL)`, c); n > 0 {
				return fmt.Sprintf("customer %s left its partner with an order waiting for the partner's payment", c)
			}
			return ""
		})
	})
}

// TestRefundAfterDisassociation: ending an association reclaims the
// partner's usable coupons; a cash coupon used up before and refunded by
// an unsubscription after must not become usable again in the hands of a
// customer that has left the partner.
func TestRefundAfterDisassociation(t *testing.T) {
	testworld.Each(t, func(t *testing.T, d *db.DB) {
		r := newRun(t, d, 1)
		sp := r.partners[0].tenant
		c := r.w.AssociatedCustomers(t, sp.Partner.ID, 1, customer.Reseller)[0]
		now := r.now()
		q, err := r.coupons.GrantQuota(r.ctx, r.w.Operator, coupon.NewQuota{PartnerID: sp.Partner.ID, Type: coupon.QuotaCash,
			Value: amount(1000_00), EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0)})
		if err != nil {
			t.Fatal(err)
		}
		o, err := r.orders.Place(r.ctx, c, order.NewOrder{Items: []order.Item{{ServiceType: "hws.service.type.ebs",
			ResourceType: "hws.resource.type.volume", Spec: "SATA", Region: "cn-north-4", PeriodType: order.PeriodMonth,
			PeriodNum: 1, Quantity: 1, ResourceSize: 100, SizeMeasureID: 17}}})
		if err != nil {
			t.Fatal(err)
		}
		got, bad, err := r.coupons.Issue(r.ctx, sp.Main, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: []string{c},
			FaceValue: o.OfficialAmount})
		if err != nil || len(bad) > 0 {
			t.Fatalf("issue: %v %v", err, bad)
		}
		id := got[0].CouponID
		if _, err := r.pay.Pay(r.ctx, c, payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: []string{id}}); err != nil {
			t.Fatalf("pay: %v", err)
		}
		req, err := r.w.Customers.RequestDisassociationByCustomer(r.ctx, c, "leaving")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.w.Customers.ApproveAssociationRequest(r.ctx, sp.Main, req.ID); err != nil {
			t.Fatal(err)
		}
		r.w.Clock.Advance(time.Hour)
		res := r.strings1(`SELECT id FROM customer_resources WHERE customer_id = $1`, c)
		if _, err := r.refunds.Unsubscribe(r.ctx, c, refund.Request{ResourceIDs: res, Type: refund.UnsubscribeResource}); err != nil {
			t.Fatalf("unsubscribe: %v", err)
		}
		held, _, err := r.coupons.CustomerCoupons(r.ctx, c, coupon.CustomerCouponFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range held {
			if k.Status == coupon.CouponUsable {
				t.Errorf("customer %s left partner %s, yet holds its cash coupon %s usable again with %s (refunded by the unsubscription)",
					c, sp.Partner.ID, k.ID, k.Balance)
			}
		}
		if p := r.failures; len(p) > 0 {
			t.Fatal(p)
		}
	})
}
