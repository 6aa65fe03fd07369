package app

import (
	"context"
	"fmt"

	"partnercenter/internal/card"
	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

// The demo's commerce: what a customer meets when it buys.
//
//   - reseller-reseller, a reseller-model customer of the cloud reseller,
//     holds demoResoldBalance its partner allocated (the distributor moves
//     the money to the reseller, which allocates it to the customer), and
//     the coupons of demoResoldCoupons, issued by the reseller from quotas
//     its distributor carved out of the demo quotas: one voucher that any
//     new order may use, one whose minimum a small order does not reach,
//     one limited to cloud disks, and a cash coupon.
//   - sp-referral, a referral customer of sp with sp's 0.9 discount, has
//     topped up its own account, bought a stored-value card, paid one
//     order with the discount, has one order pending payment and one
//     waiting for sp to pay it (sp's 客户订单 > 待支付).
//
// sp-reseller stays without money, coupons or orders: the demo's fresh
// reseller-model customer.
const (
	demoResoldBalance  = "2000.00"
	demoReferralTopUp  = "3000.00"
	demoReferralCard   = "500"
	demoResoldQuota    = "1000.00" // each of the reseller's two quotas
	demoCommerceRemark = "demo"
)

// demoCoupon is one coupon the reseller issues to its demo customer.
type demoCoupon struct {
	typ          coupon.QuotaType
	face         string
	minOrder     string   // "" for the quota's (none)
	serviceTypes []string // narrows the quota's (all services)
}

var demoResoldCoupons = []demoCoupon{
	{typ: coupon.QuotaVoucher, face: "50.00"},
	{typ: coupon.QuotaVoucher, face: "200.00", minOrder: "1000.00"},
	{typ: coupon.QuotaVoucher, face: "20.00", serviceTypes: []string{"hws.service.type.ebs"}},
	{typ: coupon.QuotaCash, face: "30.00"},
}

// demoItem is a one-item order of the demo: s2.small.1.linux in
// cn-north-1, 32.20 a month, 322.00 a year.
func demoItem(period, num, qty int) order.NewOrder {
	return order.NewOrder{Items: []order.Item{{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm",
		Spec: "s2.small.1.linux", Region: "cn-north-1", PeriodType: period, PeriodNum: num, Quantity: qty}}}
}

// demoLockID is the PostgreSQL advisory lock that makes nodes seeding the
// same database at once take turns at the demo's money, coupons and
// orders, so that the second finds the first's and adds nothing.
const demoLockID = 7_301_202_707

// withDemoLock runs fn holding demoLockID on PostgreSQL (on SQLite there
// is one node).
func (a *App) withDemoLock(ctx context.Context, fn func() error) error {
	if a.DB.Dialect != db.Postgres {
		return fn()
	}
	conn, err := a.DB.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("demo lock: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", demoLockID); err != nil {
		return fmt.Errorf("demo lock: %w", err)
	}
	defer func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", demoLockID)
	}()
	return fn()
}

// seedDemoCommerce seeds the demo's commerce. Idempotent piece by piece:
// a customer that has a funds account is not funded again, a reseller
// that holds any quota gets no quotas or coupons, a customer with a card
// buys none, and a customer with any order gets no demo orders. SeedDemo
// runs it under withDemoLock.
func (a *App) seedDemoCommerce(ctx context.Context, op identity.Actor, partnerIDs map[string]string, customers []DemoCustomer) error {
	byKey := map[string]DemoCustomer{}
	for _, c := range customers {
		byKey[c.Key] = c
	}
	resold, referral := byKey["reseller-reseller"], byKey["sp-referral"]
	if err := a.seedDemoResoldFunds(ctx, op, partnerIDs["dist"], partnerIDs["reseller"], resold.DomainID); err != nil {
		return fmt.Errorf("demo funds of %s: %w", resold.Key, err)
	}
	if err := a.seedDemoResoldCoupons(ctx, op, partnerIDs["dist"], partnerIDs["reseller"], resold.DomainID); err != nil {
		return fmt.Errorf("demo coupons of %s: %w", resold.Key, err)
	}
	if err := a.seedDemoReferral(ctx, referral.DomainID); err != nil {
		return fmt.Errorf("demo orders of %s: %w", referral.Key, err)
	}
	return nil
}

// demoAdmin is the main account of a demo partner, acting.
func (a *App) demoAdmin(ctx context.Context, op identity.Actor, partnerID string) (identity.Actor, error) {
	p, err := a.Identity.Partner(ctx, op, partnerID)
	if err != nil {
		return identity.Actor{}, err
	}
	m, err := a.Identity.MainMember(ctx, p.ID)
	if err != nil {
		return identity.Actor{}, err
	}
	return m.Actor(p), nil
}

// hasCustomerAccount reports whether the customer has a funds account.
func (a *App) hasCustomerAccount(ctx context.Context, customerID string) (bool, error) {
	var n int
	err := a.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM fund_accounts WHERE kind = $1 AND owner_id = $2",
		funds.KindCustomer, customerID).Scan(&n)
	return n > 0, err
}

// seedDemoResoldFunds gives the reseller's customer demoResoldBalance: the
// operator tops the distributor up by that much, the distributor allocates
// it to the reseller and the reseller to its customer, so the partners'
// own balances stay the demo's opening ones.
func (a *App) seedDemoResoldFunds(ctx context.Context, op identity.Actor, distID, resellerID, customerID string) error {
	if ok, err := a.hasCustomerAccount(ctx, customerID); err != nil || ok {
		return err
	}
	amount := money.MustParse(demoResoldBalance)
	dist, err := a.demoAdmin(ctx, op, distID)
	if err != nil {
		return err
	}
	reseller, err := a.demoAdmin(ctx, op, resellerID)
	if err != nil {
		return err
	}
	if _, err := a.Funds.TopUp(ctx, op, distID, amount, "demo: for the reseller's customer"); err != nil {
		return err
	}
	if _, err := a.Funds.AllocateToReseller(ctx, dist, funds.Transfer{TargetID: resellerID, Amount: amount,
		Memo: demoCommerceRemark}); err != nil {
		return err
	}
	_, err = a.Funds.AllocateToCustomer(ctx, reseller, funds.Transfer{TargetID: customerID, Amount: amount,
		Memo: demoCommerceRemark})
	return err
}

// seedDemoResoldCoupons carves a voucher and a cash quota for the reseller
// out of the distributor's demo quotas and issues demoResoldCoupons from
// them to the reseller's customer.
func (a *App) seedDemoResoldCoupons(ctx context.Context, op identity.Actor, distID, resellerID, customerID string) error {
	reseller, err := a.demoAdmin(ctx, op, resellerID)
	if err != nil {
		return err
	}
	if _, total, err := a.Coupons.ListQuotas(ctx, reseller, coupon.QuotaFilter{Limit: 1}); err != nil || total > 0 {
		return err
	}
	dist, err := a.demoAdmin(ctx, op, distID)
	if err != nil {
		return err
	}
	parents, _, err := a.Coupons.ListQuotas(ctx, dist, coupon.QuotaFilter{Statuses: []coupon.QuotaStatus{coupon.QuotaNormal},
		Limit: 100})
	if err != nil {
		return err
	}
	carved := map[coupon.QuotaType]string{}
	for _, typ := range []coupon.QuotaType{coupon.QuotaVoucher, coupon.QuotaCash} {
		parent := ""
		for _, q := range parents {
			if q.Type == typ && q.ParentQuotaID == "" && q.Balance.Cmp(money.MustParse(demoResoldQuota)) >= 0 {
				parent = q.ID
				break
			}
		}
		if parent == "" {
			return fmt.Errorf("the distributor has no quota of type %d to carve from", typ)
		}
		got, bad, err := a.Coupons.IssueQuotaToResellers(ctx, dist, parent, []string{resellerID}, money.MustParse(demoResoldQuota))
		if err == nil && len(bad) > 0 {
			err = bad[0].Err
		}
		if err != nil {
			return err
		}
		carved[typ] = got[0].QuotaID
	}
	remark := demoCommerceRemark
	for _, c := range demoResoldCoupons {
		in := coupon.IssueRequest{QuotaID: carved[c.typ], CustomerIDs: []string{customerID}, FaceValue: money.MustParse(c.face),
			ServiceTypes: c.serviceTypes, Remark: &remark}
		if c.minOrder != "" {
			m := money.MustParse(c.minOrder)
			in.MinOrder = &m
		}
		_, bad, err := a.Coupons.Issue(ctx, reseller, in)
		if err == nil && len(bad) > 0 {
			err = bad[0].Err
		}
		if err != nil {
			return fmt.Errorf("issue %s: %w", c.face, err)
		}
	}
	return nil
}

// seedDemoReferral: the referral customer tops up its own account, buys a
// stored-value card, pays a one-year order with its partner's discount
// from its balance, leaves a one-month order pending payment and asks its
// partner to pay a third order (3 months of two servers).
func (a *App) seedDemoReferral(ctx context.Context, customerID string) error {
	if ok, err := a.hasCustomerAccount(ctx, customerID); err != nil {
		return err
	} else if !ok {
		if _, err := a.Funds.TopUpCustomer(ctx, customerID, money.MustParse(demoReferralTopUp), "demo"); err != nil {
			return fmt.Errorf("top-up: %w", err)
		}
	}
	if _, n, err := a.Cards.List(ctx, customerID, card.Filter{Limit: 1}); err != nil {
		return err
	} else if n == 0 {
		if _, err := a.Cards.Buy(ctx, customerID, money.MustParse(demoReferralCard)); err != nil {
			return fmt.Errorf("card: %w", err)
		}
	}
	if _, n, err := a.Orders.List(ctx, order.CustomerViewer(customerID), order.Filter{Limit: 1}); err != nil || n > 0 {
		return err
	}
	paid, err := a.Orders.Place(ctx, customerID, demoItem(order.PeriodYear, 1, 1))
	if err != nil {
		return err
	}
	req := payment.Request{OrderID: paid.ID}
	if d, ok, err := a.Funds.CurrentDiscount(ctx, a.DB.SQL, customerID, a.Clock.Now()); err != nil {
		return err
	} else if ok {
		req.UseDiscount, req.DiscountIDs = true, []string{d.ID}
	}
	if _, err := a.Payments.Pay(ctx, customerID, req); err != nil {
		return fmt.Errorf("pay: %w", err)
	}
	if _, err := a.Orders.Place(ctx, customerID, demoItem(order.PeriodMonth, 1, 1)); err != nil {
		return err
	}
	asked, err := a.Orders.Place(ctx, customerID, demoItem(order.PeriodMonth, 3, 2))
	if err != nil {
		return err
	}
	if err := a.Payments.RequestPartnerPay(ctx, customerID, asked.ID); err != nil {
		return fmt.Errorf("ask the partner to pay: %w", err)
	}
	return nil
}
