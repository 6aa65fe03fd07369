package app_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/card"
	"partnercenter/internal/coupon"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// demoState is what the demo's commerce left, read through the services.
type demoState struct {
	partnerBalance  map[string]string // partner key -> balance
	customerBalance map[string]string // customer key -> balance
	coupons         []string          // reseller-reseller's: type face balance min services
	cards           []string          // sp-referral's: face balance status
	orders          []string          // sp-referral's, sorted: status official after-discount agent-pay
}

func readDemoState(t *testing.T, a *app.App, d app.Demo) demoState {
	t.Helper()
	ctx := context.Background()
	op, err := a.Identity.OperatorByUsername(ctx, d.Operator.Username)
	if err != nil {
		t.Fatal(err)
	}
	st := demoState{partnerBalance: map[string]string{}, customerBalance: map[string]string{}}
	for _, p := range d.Partners {
		acc, err := a.Funds.AccountOf(ctx, op.Actor(), p.PartnerID)
		if err != nil {
			t.Fatal(err)
		}
		st.partnerBalance[p.Key] = acc.Balance.String()
	}
	byKey := map[string]string{}
	for _, c := range d.Customers {
		byKey[c.Key] = c.DomainID
		b, err := a.Funds.CustomerBalance(ctx, c.DomainID)
		if err != nil {
			t.Fatal(err)
		}
		st.customerBalance[c.Key] = b.String()
	}
	cs, _, err := a.Coupons.CustomerCoupons(ctx, byKey["reseller-reseller"], coupon.CustomerCouponFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		st.coupons = append(st.coupons, strings.Join([]string{map[coupon.CouponType]string{coupon.CouponVoucher: "voucher",
			coupon.CouponCash: "cash"}[c.Type], c.FaceValue.String(), c.Balance.String(), c.Limits.MinOrder.String(),
			strings.Join(c.Limits.ServiceTypes, ",")}, " "))
	}
	slices.Sort(st.coupons)
	cards, _, err := a.Cards.List(ctx, byKey["sp-referral"], card.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		st.cards = append(st.cards, fmt.Sprintf("%s %s %d", c.FaceValue, c.Balance, c.Status))
	}
	orders, _, err := a.Orders.List(ctx, order.CustomerViewer(byKey["sp-referral"]), order.Filter{Ascending: true, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		st.orders = append(st.orders, fmt.Sprintf("%d %s %s %d", o.Status, o.OfficialAmount, o.AmountAfterDiscount, o.AgentPay))
	}
	slices.Sort(st.orders)
	return st
}

// demoCouponsWant are reseller-reseller's demo coupons as readDemoState
// shows them.
var demoCouponsWant = []string{"cash 30.00 30.00 0.00 ", "voucher 20.00 20.00 0.00 hws.service.type.ebs",
	"voucher 200.00 200.00 1000.00 ", "voucher 50.00 50.00 0.00 "}

// TestSeedDemoCommerce: the demo's commerce on both databases — balances
// of partners and customers, the coupons the reseller's customer holds,
// the referral customer's card and orders — is seeded once, leaves the
// ledgers balanced, and gives the reseller's customer a pay page with
// benefits that apply and benefits that do not.
func TestSeedDemoCommerce(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			a := mustStart(t, testConfig(t, dialect))
			ctx := context.Background()
			d, err := a.SeedDemo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			st := readDemoState(t, a, d)
			wantPartners := map[string]string{"sp": "100000.00", "sp2": "0.00", "dist": "200000.00", "reseller": "0.00"}
			for k, want := range wantPartners {
				if got := st.partnerBalance[k]; got != want {
					t.Errorf("partner %s balance %s, want %s", k, got, want)
				}
			}
			// sp-referral: 3000.00 topped up, a 500.00 card, 322.00 paid at 0.9.
			wantCustomers := map[string]string{"sp-reseller": "0.00", "sp-referral": "2210.20", "reseller-reseller": "2000.00"}
			for k, want := range wantCustomers {
				if got := st.customerBalance[k]; got != want {
					t.Errorf("customer %s balance %s, want %s", k, got, want)
				}
			}
			if !slices.Equal(st.coupons, demoCouponsWant) {
				t.Errorf("reseller-reseller's coupons\n%q, want\n%q", st.coupons, demoCouponsWant)
			}
			if want := []string{"500.00 500.00 1"}; !slices.Equal(st.cards, want) {
				t.Errorf("sp-referral's cards %q, want %q", st.cards, want)
			}
			if want := []string{"5 322.00 289.80 0", "6 193.20 193.20 1", "6 32.20 32.20 0"}; !slices.Equal(st.orders, want) {
				t.Errorf("sp-referral's orders %q, want %q", st.orders, want)
			}
			mustLedgersBalance(t, a)

			// Seeding again adds nothing.
			if _, err := a.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
			if again := readDemoState(t, a, d); !demoStatesEqual(st, again) {
				t.Fatalf("seeding twice changed the commerce demo:\n%+v\n%+v", st, again)
			}

			// The reseller's customer buys one year (322.00) and chooses the
			// 50.00 voucher and the cash coupon: 242.00 is due; the other
			// vouchers say why they do not apply.
			var resold string
			for _, c := range d.Customers {
				if c.Key == "reseller-reseller" {
					resold = c.DomainID
				}
			}
			o, err := a.Orders.Place(ctx, resold, order.NewOrder{Items: []order.Item{{ServiceType: "hws.service.type.ec2",
				ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux", Region: "cn-north-1",
				PeriodType: order.PeriodYear, PeriodNum: 1, Quantity: 1}}})
			if err != nil {
				t.Fatal(err)
			}
			held, _, err := a.Coupons.CustomerCoupons(ctx, resold, coupon.CustomerCouponFilter{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			face := map[string]string{}
			var chosen []string
			for _, c := range held {
				face[c.ID] = c.FaceValue.String()
				if f := c.FaceValue.String(); f == "50.00" || f == "30.00" {
					chosen = append(chosen, c.ID)
				}
			}
			ex, err := a.Payments.Explain(ctx, resold, payment.Request{OrderID: o.ID, UseCoupon: true, CouponIDs: chosen})
			if err != nil {
				t.Fatal(err)
			}
			if ex.ListPrice.String() != "322.00" || ex.Voucher.String() != "50.00" || ex.Cash.String() != "30.00" ||
				ex.Due.String() != "242.00" || ex.Balance.String() != "2000.00" {
				t.Errorf("explain %+v", ex)
			}
			reasons := map[string]string{}
			for _, b := range ex.Benefits {
				reasons[face[b.ID]] = b.Reason
			}
			want := map[string]string{"50.00": payment.ReasonApplied, "30.00": payment.ReasonApplied,
				"200.00": payment.ReasonMinimum, "20.00": payment.ReasonService}
			for f, r := range want {
				if reasons[f] != r {
					t.Errorf("the %s coupon: reason %q, want %q (all: %v)", f, reasons[f], r, reasons)
				}
			}
		})
	}
}

func demoStatesEqual(a, b demoState) bool {
	for k, v := range a.partnerBalance {
		if b.partnerBalance[k] != v {
			return false
		}
	}
	for k, v := range a.customerBalance {
		if b.customerBalance[k] != v {
			return false
		}
	}
	return slices.Equal(a.coupons, b.coupons) && slices.Equal(a.cards, b.cards) && slices.Equal(a.orders, b.orders)
}

// mustLedgersBalance fails the test when the funds, coupon or card ledger
// has a problem.
func mustLedgersBalance(t *testing.T, a *app.App) {
	t.Helper()
	ctx := context.Background()
	fr, err := a.Funds.VerifyLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := a.Coupons.VerifyLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kr, err := a.Cards.VerifyLedger(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := append(append(fr.Problems, cr.Problems...), kr.Problems...); len(p) > 0 {
		t.Fatalf("ledger problems:\n%s", strings.Join(p, "\n"))
	}
}

// TestSeedDemoCommerceTwoNodes: two nodes on one PostgreSQL database that
// seed at the same moment leave the demo's quotas, money, coupons, card and
// orders once, not twice.
func TestSeedDemoCommerceTwoNodes(t *testing.T) {
	cfg := testConfig(t, db.Postgres)
	a, b := mustStart(t, cfg), mustStart(t, cfg)
	ctx := context.Background()
	var wg sync.WaitGroup
	demos := make([]app.Demo, 2)
	errs := make([]error, 2)
	for i, n := range []*app.App{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			demos[i], errs[i] = n.SeedDemo(ctx)
		}()
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("seeding at once: %v / %v", errs[0], errs[1])
	}
	st := readDemoState(t, a, demos[0])
	if st.customerBalance["reseller-reseller"] != "2000.00" || st.customerBalance["sp-referral"] != "2210.20" ||
		len(st.coupons) != len(demoCouponsWant) || len(st.cards) != 1 || len(st.orders) != 3 ||
		st.partnerBalance["dist"] != "200000.00" {
		t.Fatalf("two nodes seeded the commerce demo more than once: %+v", st)
	}
	op, err := a.Identity.OperatorByUsername(ctx, demos[0].Operator.Username)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range demos[0].Partners {
		_, n, err := a.Coupons.OperatorQuotas(ctx, op.Actor(), p.PartnerID, 0, 10)
		want := map[string]int{"sp": 2, "dist": 2, "reseller": 2}[p.Key]
		if err != nil || n != want {
			t.Errorf("%s holds %d quotas (%v), want %d", p.Key, n, err, want)
		}
	}
	mustLedgersBalance(t, a)
}
