package refund_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/refund"
	"partnercenter/internal/testworld"
)

func TestUnsubscribeRefusals(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "1000")
		other := f.MustCustomer(t, "1000")
		_, mine := f.mustPaid(t, c)
		_, gone := f.mustPaid(t, c)
		f.unsubscribe(t, c, gone.ID)
		_, theirs := f.mustPaid(t, other)
		req := func(ids ...string) refund.Request {
			return refund.Request{ResourceIDs: ids, Type: refund.UnsubscribeResource}
		}
		for _, tc := range []struct {
			name  string
			req   refund.Request
			param string
		}{
			{"ErrNoIDs", req(), "resource_ids"},
			{"ErrElevenIDs", req("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"), "resource_ids"},
			{"ErrDuplicateID", req(mine.ID, mine.ID), "resource_ids"},
			{"ErrEmptyID", req(""), "resource_ids"},
			{"ErrLongID", req(strings.Repeat("x", 65)), "resource_ids"},
			{"ErrType", refund.Request{ResourceIDs: []string{mine.ID}, Type: 3}, "unsubscribe_type"},
			{"ErrReasonType", refund.Request{ResourceIDs: []string{mine.ID}, Type: 1, ReasonType: 6}, "unsubscribe_reason_type"},
			{"ErrReason", refund.Request{ResourceIDs: []string{mine.ID}, Type: 1, Reason: strings.Repeat("理", 401)}, "unsubscribe_reason"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.Unsubscribe(ctx, c, tc.req)
				testworld.WantParam(t, err, tc.param)
			})
		}
		t.Run("PartialFailures", func(t *testing.T) {
			res, err := f.svc.Unsubscribe(ctx, c, req("nope", theirs.ID, gone.ID, mine.ID))
			wantErr(t, err, nil)
			if len(res.OrderIDs) != 1 || len(res.Failures) != 3 {
				t.Fatalf("result %+v", res)
			}
			want := []struct{ id, code string }{{"nope", "CBC.99003012"}, {theirs.ID, "CBC.99003012"}, {gone.ID, "CBC.30000067"}}
			for i, w := range want {
				if res.Failures[i].ResourceID != w.id || res.Failures[i].Err.Code != w.code {
					t.Fatalf("failure %d: %+v, want %s %s", i, res.Failures[i], w.id, w.code)
				}
			}
		})
		t.Run("CrossTenantResourceUntouched", func(t *testing.T) {
			r := f.mustResource(t, other, theirs.OrderID)
			if r.Status != refund.StatusActive {
				t.Fatalf("another customer's resource is %s", r.Status)
			}
			if got := f.balance(t, funds.KindCustomer, other); got != "678.00" {
				t.Fatalf("other customer's balance %s", got)
			}
		})
		t.Run("RenewalsOnly", func(t *testing.T) {
			res, err := f.svc.Unsubscribe(ctx, other, refund.Request{ResourceIDs: []string{theirs.ID}, Type: refund.UnsubscribeRenewals})
			wantErr(t, err, nil)
			if len(res.OrderIDs) != 0 || len(res.Failures) != 1 || res.Failures[0].Err.Code != "CBC.99003128" {
				t.Fatalf("result %+v", res)
			}
		})
		t.Run("Expired", func(t *testing.T) {
			f.Clock.Advance(366 * 24 * 3600 * 1e9)
			defer f.Clock.Set(f.Clock.Now().Add(-366 * 24 * 3600 * 1e9))
			res, err := f.svc.Unsubscribe(ctx, other, req(theirs.ID))
			wantErr(t, err, nil)
			if len(res.Failures) != 1 || !isErr(res.Failures[0].Err, refund.ErrResourceExpired) {
				t.Fatalf("result %+v", res)
			}
			_, err = f.svc.Preview(ctx, other, []string{theirs.ID})
			wantErr(t, err, refund.ErrResourceExpired)
		})
		t.Run("ErrFrozen", func(t *testing.T) {
			f.Exec(t, "UPDATE customers SET frozen = 1 WHERE id = $1", other)
			defer f.Exec(t, "UPDATE customers SET frozen = 0 WHERE id = $1", other)
			_, err := f.svc.Unsubscribe(ctx, other, req(theirs.ID))
			wantErr(t, err, refund.ErrFrozen)
		})
		t.Run("PreviewOfAnotherCustomersResource", func(t *testing.T) {
			_, err := f.svc.Preview(ctx, c, []string{theirs.ID})
			wantErr(t, err, refund.ErrResourceNotFound)
		})
		f.MustVerify(t)
	})
}

func isErr(e *apperr.Error, want *apperr.Error) bool { return e != nil && e.Is(want) }

// TestUnsubscribeRace: unsubscriptions of one resource racing refund once.
func TestUnsubscribeRace(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "500")
		_, r := f.mustPaid(t, c)
		const n = 8
		var wg sync.WaitGroup
		results := make([]refund.Result, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = f.svc.Unsubscribe(ctx, c, refund.Request{ResourceIDs: []string{r.ID}, Type: refund.UnsubscribeResource})
			}()
		}
		wg.Wait()
		won := 0
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("unsubscribe %d: %v", i, errs[i])
			}
			switch {
			case len(results[i].OrderIDs) == 1:
				won++
			case len(results[i].Failures) != 1 || results[i].Failures[0].Err.Code != "CBC.30000067":
				t.Fatalf("loser %d: %+v", i, results[i])
			}
		}
		if won != 1 {
			t.Fatalf("%d unsubscriptions won", won)
		}
		if got := f.balance(t, funds.KindCustomer, c); got != "500.00" {
			t.Fatalf("balance %s, want 500.00 (refunded once)", got)
		}
		if k := f.Count(t, "SELECT COUNT(*) FROM order_refunds WHERE base_order_id = $1", r.OrderID); k != 1 {
			t.Fatalf("%d refunds", k)
		}

		// Two resources of one order unsubscribed at once: each its share,
		// together the whole payment, never more.
		c2 := f.MustCustomer(t, "1000")
		o := f.MustOrder(t, c2, vm(1), vm(2))
		if _, err := f.Payments.Pay(ctx, c2, payment.Request{OrderID: o.ID}); err != nil {
			t.Fatal(err)
		}
		list, _, err := f.svc.Resources(ctx, c2, refund.Filter{OrderID: o.ID})
		if err != nil || len(list) != 2 {
			t.Fatal(list, err)
		}
		errs2 := make([]error, 2)
		for i, res := range list {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out refund.Result
				out, errs2[i] = f.svc.Unsubscribe(ctx, c2, refund.Request{ResourceIDs: []string{res.ID}, Type: refund.UnsubscribeResource})
				if errs2[i] == nil && len(out.OrderIDs) != 1 {
					t.Errorf("unsubscribe %s: %+v", res.ID, out)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs2 {
			wantErr(t, err, nil)
		}
		if got := f.balance(t, funds.KindCustomer, c2); got != "1000.00" {
			t.Fatalf("balance %s, want 1000.00", got)
		}
		if k := f.Count(t, "SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND refunded = amount", o.ID); k != 1 {
			t.Fatal("payment not exactly refunded")
		}
		f.MustVerify(t)
	})
}

// TestRefundDetailsVisibility: the customer reads its own; the partner its
// customers' naming the customer; nobody else.
func TestRefundDetailsVisibility(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.MustCustomer(t, "500")
		_, r := f.mustPaid(t, c)
		uid := f.unsubscribe(t, c, r.ID)
		sp, sp2 := order.PartnerViewer(f.SP.Main), order.PartnerViewer(f.SP2.Main)
		other := f.AssociatedCustomers(t, f.SP2.Partner.ID, 1, customer.Reseller)[0]

		det, err := f.svc.RefundDetails(ctx, sp, uid, c, "")
		wantErr(t, err, nil)
		if len(det.Infos) != 1 || det.Infos[0].Amount.String() != "322.00" || det.Infos[0].CustomerID != c {
			t.Fatalf("partner's details %+v", det)
		}
		_, err = f.svc.RefundDetails(ctx, sp, uid, "", "")
		wantCode(t, err, "CBC.0100")
		_, err = f.svc.RefundDetails(ctx, sp2, uid, c, "")
		wantErr(t, err, order.ErrNotFound)
		_, err = f.svc.RefundDetails(ctx, sp, uid, other, "")
		wantErr(t, err, order.ErrNotFound)
		_, err = f.svc.RefundDetails(ctx, order.CustomerViewer(other), uid, "", "")
		wantErr(t, err, order.ErrNotFound)
		_, err = f.svc.RefundDetails(ctx, order.PartnerViewer(identity.Actor{PartnerID: f.spID, Kind: identity.ActorMember}), uid, c, "")
		wantErr(t, err, identity.ErrForbidden)
		// Resources: the partner lists its customer's; another partner none.
		if list, n, err := f.svc.PartnerResources(ctx, f.SP.Main, c, refund.Filter{}); err != nil || n != 1 || list[0].ID != r.ID {
			t.Fatalf("partner's resources: %d %v", n, err)
		}
		if _, n, err := f.svc.PartnerResources(ctx, f.SP2.Main, c, refund.Filter{}); err != nil || n != 0 {
			t.Fatalf("another partner sees %d resources (%v)", n, err)
		}
		_, _, err = f.svc.PartnerResources(ctx, f.SP.Main, "", refund.Filter{})
		wantCode(t, err, "CBC.0100")
		_, _, err = f.svc.PartnerResources(ctx, identity.Actor{PartnerID: f.spID, Kind: identity.ActorMember}, c, refund.Filter{})
		wantErr(t, err, identity.ErrForbidden)
		// A new-purchase order has no refund details.
		det, err = f.svc.RefundDetails(ctx, order.CustomerViewer(c), r.OrderID, "", "")
		wantErr(t, err, nil)
		if len(det.Infos) != 0 {
			t.Fatalf("purchase order refund details %+v", det.Infos)
		}
	})
}
