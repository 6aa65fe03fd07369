package payment_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/testworld"
)

var (
	wantParam = testworld.WantParam
)

// partnerBalance is the partner's account balance.
func (f *fixture) partnerBalance(tb testing.TB, partnerID string) string {
	tb.Helper()
	var c int64
	err := f.DB.SQL.QueryRow("SELECT balance FROM fund_accounts WHERE kind = 'partner' AND owner_id = $1", partnerID).Scan(&c)
	if err != nil {
		tb.Fatal(err)
	}
	return money.FromCents(c).String()
}

// agent reads an order's partner-payment columns.
func (f *fixture) agent(tb testing.TB, orderID string) (int, string, string) {
	tb.Helper()
	var st int
	var paying, reason string
	if err := f.DB.SQL.QueryRow("SELECT agent_pay, paying_partner_id, agent_reject_reason FROM orders WHERE id = $1",
		orderID).Scan(&st, &paying, &reason); err != nil {
		tb.Fatal(err)
	}
	return st, paying, reason
}

// listed returns the ids of the partner-pay orders actor sees in tab.
func (f *fixture) listed(tb testing.TB, actor identity.Actor, filter order.AgentFilter) []string {
	tb.Helper()
	list, n, err := f.Orders.PartnerPayOrders(context.Background(), actor, filter)
	if err != nil {
		tb.Fatal(err)
	}
	if n != len(list) {
		tb.Fatalf("count %d, %d listed", n, len(list))
	}
	var out []string
	for _, o := range list {
		out = append(out, o.ID)
	}
	return out
}

func hasID(list []string, id string) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

// without is actor lacking permission item code.
func without(a identity.Actor, code string) identity.Actor {
	perms := map[string]bool{}
	for k, v := range a.Perms {
		perms[k] = v
	}
	delete(perms, code)
	a.Perms, a.IsMain = perms, false
	return a
}

func TestPartnerPayFlow(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.Customers.AddDisassociationBlocker(f.svc)
		c := f.MustCustomer(t, "0")
		o := f.MustOrder(t, c)
		sp2 := f.SP2.Main

		t.Run("ErrOtherCustomersOrder", func(t *testing.T) {
			other := f.MustCustomer(t, "0")
			wantErr(t, f.svc.RequestPartnerPay(ctx, other, o.ID), order.ErrNotFound)
			wantParam(t, f.svc.RequestPartnerPay(ctx, c, ""), "order_id")
		})
		t.Run("OK/Request", func(t *testing.T) {
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
			if st, paying, _ := f.agent(t, o.ID); st != payment.AgentPending || paying != f.spID {
				t.Fatalf("agent_pay %d paying %q", st, paying)
			}
			// Asking again while it waits changes nothing.
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
			got, err := f.Orders.Get(ctx, order.CustomerViewer(c), o.ID, "")
			if err != nil || got.AgentPay != payment.AgentPending || got.PayingPartnerID != f.spID || got.AgentRequestedAt == nil {
				t.Fatalf("order as the customer reads it: %+v %v", got, err)
			}
		})
		t.Run("ErrCustomerCannotPayWhileWaiting", func(t *testing.T) {
			_, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID})
			wantErr(t, err, payment.ErrAwaitingPartner)
		})
		t.Run("OK/ListedForThePartnerOnly", func(t *testing.T) {
			if ids := f.listed(t, f.sp, order.AgentFilter{Tab: order.AgentTabPending}); !hasID(ids, o.ID) {
				t.Fatalf("pending tab %v lacks the order", ids)
			}
			if ids := f.listed(t, f.sp, order.AgentFilter{Tab: order.AgentTabPaid}); hasID(ids, o.ID) {
				t.Fatal("waiting order in the paid tab")
			}
			if ids := f.listed(t, f.sp, order.AgentFilter{CustomerID: c, OrderID: strings.ToUpper(o.ID)}); len(ids) != 1 {
				t.Fatalf("filtered: %v", ids)
			}
			if ids := f.listed(t, sp2, order.AgentFilter{}); hasID(ids, o.ID) {
				t.Fatal("another partner lists the order")
			}
			_, _, err := f.Orders.PartnerPayOrders(ctx, f.sp, order.AgentFilter{Tab: "bogus"})
			wantParam(t, err, "tab")
			_, _, err = f.Orders.PartnerPayOrders(ctx, without(f.sp, identity.PermOrderView), order.AgentFilter{})
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrCrossTenant", func(t *testing.T) {
			_, err := f.svc.PayAsPartner(ctx, sp2, payment.Request{OrderID: o.ID})
			wantErr(t, err, order.ErrNotFound)
			bad, err := f.svc.RejectPartnerPay(ctx, sp2, []string{o.ID}, "no")
			if err != nil || len(bad) != 1 || !apperrIs(bad[0].Err, order.ErrNotFound) {
				t.Fatalf("reject by another partner: %v %v", bad, err)
			}
			_, err = f.svc.QuotePartnerPay(ctx, sp2, o.ID)
			wantErr(t, err, order.ErrNotFound)
			if st, _, _ := f.agent(t, o.ID); st != payment.AgentPending {
				t.Fatalf("agent_pay %d after another partner's tries", st)
			}
		})
		t.Run("ErrOutsideDataScope", func(t *testing.T) {
			am := f.sp
			am.IsMain, am.Scope = false, identity.Scope{Kind: identity.ScopeOwn, ManagerIDs: []string{"another-manager"}}
			_, err := f.svc.PayAsPartner(ctx, am, payment.Request{OrderID: o.ID})
			wantErr(t, err, order.ErrNotFound)
			bad, err := f.svc.RejectPartnerPay(ctx, am, []string{o.ID}, "no")
			if err != nil || len(bad) != 1 || !apperrIs(bad[0].Err, order.ErrNotFound) {
				t.Fatalf("reject outside the scope: %v %v", bad, err)
			}
			if ids := f.listed(t, am, order.AgentFilter{}); hasID(ids, o.ID) {
				t.Fatal("listed outside the member's data scope")
			}
		})
		t.Run("ErrWithoutPermission", func(t *testing.T) {
			_, err := f.svc.PayAsPartner(ctx, without(f.sp, identity.PermOrderPay), payment.Request{OrderID: o.ID})
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.RejectPartnerPay(ctx, without(f.sp, identity.PermOrderPay), []string{o.ID}, "no")
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrDisassociationBlocked", func(t *testing.T) {
			_, err := f.Customers.RequestDisassociationByCustomer(ctx, c, "")
			wantErr(t, err, payment.ErrBlocksChange)
			e, _ := apperr.As(err)
			if e.Args["count"] != 1 {
				t.Fatalf("blocker args %v", e.Args)
			}
			_, err = f.Customers.RequestAssociationChange(ctx, f.sp, customer.ChangeRequest{CustomerID: c, Kind: customer.ChangeSwitchType})
			wantErr(t, err, payment.ErrBlocksChange)
		})
		t.Run("ErrCouponsAreTheCustomers", func(t *testing.T) {
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: []string{"x"}})
			wantParam(t, err, "coupon_infos")
		})
		t.Run("OK/Quote", func(t *testing.T) {
			q, err := f.svc.QuotePartnerPay(ctx, f.sp, o.ID)
			if err != nil || q.Payable.String() != "322.00" || q.Available.String() != "100000.00" || q.Discount != nil {
				t.Fatalf("quote %+v %v", q, err)
			}
		})
		t.Run("OK/PartnerPays", func(t *testing.T) {
			ex, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID, UseCards: true})
			if err != nil || ex.Due.String() != "322.00" {
				t.Fatalf("pay: %+v %v", ex, err)
			}
			if got := f.partnerBalance(t, f.spID); got != "99678.00" {
				t.Fatalf("partner balance %s", got)
			}
			if f.Status(t, o.ID) != 5 {
				t.Fatal("order not completed")
			}
			if st, _, _ := f.agent(t, o.ID); st != payment.AgentPaid {
				t.Fatalf("agent_pay %d", st)
			}
			var src, srcID string
			var amount int64
			if err := f.DB.SQL.QueryRow(`SELECT source, source_id, amount FROM order_payments WHERE order_id = $1`, o.ID).
				Scan(&src, &srcID, &amount); err != nil || src != payment.SourcePartner || srcID != f.spID || amount != 32200 {
				t.Fatalf("payment row %s %s %d %v", src, srcID, amount, err)
			}
			f.MustVerify(t)
		})
		t.Run("ErrPaidTwice", func(t *testing.T) {
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID})
			wantErr(t, err, payment.ErrNotPayable)
			_, err = f.svc.Pay(ctx, c, payment.Request{OrderID: o.ID})
			wantErr(t, err, payment.ErrNotPayable)
			bad, err := f.svc.RejectPartnerPay(ctx, f.sp, []string{o.ID}, "late")
			if err != nil || len(bad) != 1 || !apperrIs(bad[0].Err, payment.ErrNotAwaiting) {
				t.Fatalf("reject a paid order: %v %v", bad, err)
			}
			if ids := f.listed(t, f.sp, order.AgentFilter{Tab: order.AgentTabPaid}); !hasID(ids, o.ID) {
				t.Fatal("paid order not in the paid tab")
			}
		})
		t.Run("OK/DisassociationAllowedOncePaid", func(t *testing.T) {
			_, err := f.Customers.RequestDisassociationByCustomer(ctx, c, "")
			wantErr(t, err, nil)
		})
	})
}

func TestPartnerPayReject(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.Customers.AddDisassociationBlocker(f.svc)
		c := f.MustCustomer(t, "1000")
		o1, o2 := f.MustOrder(t, c), f.MustOrder(t, c)
		theirs := f.AssociatedCustomers(t, f.SP2.Partner.ID, 1, customer.Referral)[0]
		ot := f.MustOrder(t, theirs)
		for _, x := range []struct{ cust, id string }{{c, o1.ID}, {c, o2.ID}, {theirs, ot.ID}} {
			wantErr(t, f.svc.RequestPartnerPay(ctx, x.cust, x.id), nil)
		}

		t.Run("ErrValidation", func(t *testing.T) {
			_, err := f.svc.RejectPartnerPay(ctx, f.sp, []string{o1.ID}, "  ")
			wantParam(t, err, "reason")
			_, err = f.svc.RejectPartnerPay(ctx, f.sp, []string{o1.ID}, strings.Repeat("驳", payment.MaxRejectReason+1))
			wantParam(t, err, "reason")
			_, err = f.svc.RejectPartnerPay(ctx, f.sp, nil, "reason")
			wantParam(t, err, "order_ids")
			many := make([]string, payment.MaxRejectBatch+1)
			for i := range many {
				many[i] = o1.ID
			}
			_, err = f.svc.RejectPartnerPay(ctx, f.sp, many, "reason")
			wantParam(t, err, "order_ids")
			if st, _, _ := f.agent(t, o1.ID); st != payment.AgentPending {
				t.Fatal("a refused rejection changed the order")
			}
		})
		t.Run("ErrDisassociationBlocked", func(t *testing.T) {
			_, err := f.Customers.RequestDisassociationByCustomer(ctx, c, "")
			wantErr(t, err, payment.ErrBlocksChange)
			if e, _ := apperr.As(err); e.Args["count"] != 2 {
				t.Fatalf("count %v", e.Args)
			}
		})
		t.Run("OK/Batch", func(t *testing.T) {
			reason := strings.Repeat("预", payment.MaxRejectReason-4) + "算不足了"
			bad, err := f.svc.RejectPartnerPay(ctx, f.sp, []string{o1.ID, o2.ID, ot.ID, "no-such-order", o1.ID}, reason)
			if err != nil || len(bad) != 2 {
				t.Fatalf("batch: %v %v", bad, err)
			}
			for _, b := range bad {
				if (b.ID != ot.ID && b.ID != "no-such-order") || !apperrIs(b.Err, order.ErrNotFound) {
					t.Fatalf("item error %s %v", b.ID, b.Err)
				}
			}
			for _, id := range []string{o1.ID, o2.ID} {
				if st, _, got := f.agent(t, id); st != payment.AgentRejected || got != reason {
					t.Fatalf("order %s: agent_pay %d reason %q", id, st, got)
				}
				if f.Status(t, id) != 6 {
					t.Fatal("a rejected order left pending payment")
				}
			}
			if st, _, _ := f.agent(t, ot.ID); st != payment.AgentPending {
				t.Fatal("another partner's order was rejected")
			}
			got, err := f.Orders.Get(ctx, order.CustomerViewer(c), o1.ID, "")
			if err != nil || got.AgentRejectReason != reason || got.AgentDecidedAt == nil || got.AgentDecidedBy == "" {
				t.Fatalf("the customer's view of the rejection: %+v %v", got, err)
			}
			if ids := f.listed(t, f.sp, order.AgentFilter{Tab: order.AgentTabRejected}); !hasID(ids, o1.ID) || !hasID(ids, o2.ID) {
				t.Fatalf("rejected tab %v", ids)
			}
			if ids := f.listed(t, f.sp, order.AgentFilter{Tab: order.AgentTabPending}); len(ids) != 0 {
				t.Fatalf("pending tab %v", ids)
			}
		})
		t.Run("ErrRejectedIsNotPayableByThePartner", func(t *testing.T) {
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o1.ID})
			wantErr(t, err, payment.ErrNotAwaiting)
			bad, err := f.svc.RejectPartnerPay(ctx, f.sp, []string{o1.ID}, "again")
			if err != nil || len(bad) != 1 || !apperrIs(bad[0].Err, payment.ErrNotAwaiting) {
				t.Fatalf("second rejection: %v %v", bad, err)
			}
		})
		t.Run("OK/DisassociationNoLongerBlocked", func(t *testing.T) {
			wantErr(t, f.svc.CheckDisassociation(ctx, nil, c, f.spID, customer.ChangeDisassociate), nil)
		})
		t.Run("OK/CustomerPaysTheRejectedOrder", func(t *testing.T) {
			_, err := f.svc.Pay(ctx, c, payment.Request{OrderID: o1.ID})
			wantErr(t, err, nil)
			if f.Balance(t, c) != "678.00" || f.partnerBalance(t, f.spID) != "99000.00" {
				t.Fatalf("balances %s %s", f.Balance(t, c), f.partnerBalance(t, f.spID))
			}
			f.MustVerify(t)
		})
		t.Run("OK/CustomerAsksAgain", func(t *testing.T) {
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o2.ID), nil)
			if st, _, reason := f.agent(t, o2.ID); st != payment.AgentPending || reason != "" {
				t.Fatalf("asked again: %d %q", st, reason)
			}
			// The customer cancels instead: the partner sees it cancelled.
			wantErr(t, f.Orders.Cancel(ctx, c, o2.ID), nil)
			if ids := f.listed(t, f.sp, order.AgentFilter{Tab: order.AgentTabCancelled}); !hasID(ids, o2.ID) {
				t.Fatalf("cancelled tab %v", ids)
			}
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o2.ID})
			wantErr(t, err, payment.ErrNotPayable)
		})
	})
}

func TestPartnerPayRefusals(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		t.Run("ErrDeadlinePassed", func(t *testing.T) {
			c := f.MustCustomer(t, "0")
			o, late := f.MustOrder(t, c), f.MustOrder(t, c)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
			f.Clock.Advance(order.DefaultPaymentWindow + time.Minute)
			defer f.Clock.Set(t0)
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID})
			wantErr(t, err, payment.ErrDeadlinePassed)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, late.ID), payment.ErrDeadlinePassed)
			// An overdue order no longer blocks: the deadline job cancels it.
			wantErr(t, f.svc.CheckDisassociation(ctx, nil, c, f.spID, customer.ChangeDisassociate), nil)
			if f.partnerBalance(t, f.spID) != "100000.00" {
				t.Fatal("money moved")
			}
		})
		t.Run("ErrNoPartner", func(t *testing.T) {
			c := f.MustCustomer(t, "0")
			o := f.MustOrder(t, c)
			f.Exec(t, `UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2`, f.Clock.Now(), c)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), payment.ErrNoPartner)
		})
		t.Run("ErrFrozen", func(t *testing.T) {
			c := f.MustCustomer(t, "0")
			o := f.MustOrder(t, c)
			f.Exec(t, `UPDATE customers SET frozen = 1 WHERE id = $1`, c)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), payment.ErrFrozen)
		})
		t.Run("ErrCustomerLeftThePartner", func(t *testing.T) {
			c := f.MustCustomer(t, "0")
			o := f.MustOrder(t, c)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
			f.Exec(t, `UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2`, f.Clock.Now(), c)
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID})
			wantErr(t, err, payment.ErrNotAssociated)
		})
		t.Run("ErrNotAsked", func(t *testing.T) {
			c := f.MustCustomer(t, "0")
			o := f.MustOrder(t, c)
			_, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID})
			wantErr(t, err, order.ErrNotFound)
		})
		t.Run("ErrInsufficient", func(t *testing.T) {
			poor := f.NewTenant(t, identity.SolutionProvider, "")
			c := f.AssociatedCustomers(t, poor.Partner.ID, 1, customer.Referral)[0]
			o := f.MustOrder(t, c)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
			_, err := f.svc.PayAsPartner(ctx, poor.Main, payment.Request{OrderID: o.ID})
			wantErr(t, err, funds.ErrInsufficient)
			// The credit line counts.
			if _, err := f.Funds.SetCreditLine(ctx, f.Operator, poor.Partner.ID, amt("500"), "test"); err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.PayAsPartner(ctx, poor.Main, payment.Request{OrderID: o.ID})
			wantErr(t, err, nil)
			f.MustVerify(t)
		})
		t.Run("OK/DistributorListsItsResellersOrders", func(t *testing.T) {
			c := f.AssociatedCustomers(t, f.Reseller.Partner.ID, 1, customer.Referral)[0]
			o := f.MustOrder(t, c)
			wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
			if ids := f.listed(t, f.Reseller.Main, order.AgentFilter{}); !hasID(ids, o.ID) {
				t.Fatal("the reseller does not list its order")
			}
			if ids := f.listed(t, f.Dist.Main, order.AgentFilter{IndirectPartnerID: f.Reseller.Partner.ID}); !hasID(ids, o.ID) {
				t.Fatal("the distributor does not list its reseller's order")
			}
			if ids := f.listed(t, f.Dist.Main, order.AgentFilter{}); hasID(ids, o.ID) {
				t.Fatal("the reseller's order is listed as the distributor's own")
			}
			_, _, err := f.Orders.PartnerPayOrders(ctx, f.sp, order.AgentFilter{IndirectPartnerID: f.Reseller.Partner.ID})
			if err != nil {
				t.Fatal(err) // not a distributor: the parameter is ignored
			}
			_, _, err = f.Orders.PartnerPayOrders(ctx, f.Dist.Main, order.AgentFilter{IndirectPartnerID: f.spID})
			wantErr(t, err, customer.ErrNotYourReseller)
			_, err = f.svc.PayAsPartner(ctx, f.Dist.Main, payment.Request{OrderID: o.ID})
			wantErr(t, err, order.ErrNotFound)
		})
	})
}

// TestPartnerPayDiscount: the partner pays a referral customer's order
// with the customer's partner-granted discount.
func TestPartnerPayDiscount(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "0")
		disc := f.mustReferralDiscount(t, c, "0.9")
		o := f.MustOrder(t, c)
		wantErr(t, f.svc.RequestPartnerPay(ctx, c, o.ID), nil)
		q, err := f.svc.QuotePartnerPay(ctx, f.sp, o.ID)
		if err != nil || q.Discount == nil || q.Payable.String() != "289.80" {
			t.Fatalf("quote %+v %v", q, err)
		}
		ex, err := f.svc.PayAsPartner(ctx, f.sp, payment.Request{OrderID: o.ID, UseDiscount: true, DiscountIDs: []string{disc}})
		if err != nil || ex.Due.String() != "289.80" || ex.Discount.String() != "32.20" {
			t.Fatalf("pay: %+v %v", ex, err)
		}
		if got := f.partnerBalance(t, f.spID); got != "99710.20" {
			t.Fatalf("partner balance %s", got)
		}
		var n int
		if err := f.DB.SQL.QueryRow(`SELECT COUNT(*) FROM order_discounts WHERE order_id = $1 AND discount_id = $2`, o.ID, disc).Scan(&n); err != nil || n != 1 {
			t.Fatalf("discount rows %d %v", n, err)
		}
		f.MustVerify(t)
	})
}

// TestPartnerPayRace: members of the partner paying the same order at
// once: one wins, the partner is debited once.
func TestPartnerPayRace(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		c := f.MustCustomer(t, "0")
		o := f.MustOrder(t, c)
		wantErr(t, f.svc.RequestPartnerPay(context.Background(), c, o.ID), nil)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.PayAsPartner(context.Background(), f.sp, payment.Request{OrderID: o.ID})
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case apperrIs(err, payment.ErrNotPayable), apperrIs(err, payment.ErrInProgress):
			default:
				t.Fatalf("unexpected %v", err)
			}
		}
		if wins != 1 || f.partnerBalance(t, f.spID) != "99678.00" {
			t.Fatalf("%d wins, partner balance %s", wins, f.partnerBalance(t, f.spID))
		}
		var rows int
		if err := f.DB.SQL.QueryRow(`SELECT COUNT(*) FROM order_payments WHERE order_id = $1`, o.ID).Scan(&rows); err != nil || rows != 1 {
			t.Fatalf("%d payment rows %v", rows, err)
		}
		f.MustVerify(t)
	})
}
