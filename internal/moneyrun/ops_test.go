package moneyrun

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/money"
)

// op is one kind of operation and how often the generator picks it.
type op struct {
	name   string
	weight int
	// still: the operation changes who is associated with whom or moves
	// money the model can only follow in a still world; it runs only while
	// one goroutine drives the run.
	still bool
	fn    func(r *run, rng *rand.Rand)
}

// ops are the operations of the run.
func ops() []op {
	return []op{
		{"topup", 2, false, (*run).topUp},
		{"credit_line", 1, false, (*run).creditLine},
		{"allocate_customer", 8, false, (*run).allocateCustomer},
		{"reclaim_customer", 4, false, (*run).reclaimCustomer},
		{"allocate_reseller", 2, false, (*run).allocateReseller},
		{"reclaim_reseller", 1, false, (*run).reclaimReseller},
		{"grant_quota", 1, false, (*run).grantQuota},
		{"carve_quota", 1, false, (*run).carveQuota},
		{"reclaim_reseller_quota", 1, false, (*run).reclaimResellerQuota},
		{"issue_coupons", 7, false, (*run).issueCoupons},
		{"reclaim_coupon", 2, false, (*run).reclaimCoupon},
		{"set_discount", 2, false, (*run).setDiscount},
		{"place_order", 14, false, (*run).placeOrder},
		{"pay", 18, false, (*run).payOrder},
		{"cancel", 2, false, (*run).cancelOrder},
		// The clock moves only in a still world: an operation reads it once
		// and stamps its rows with that time, so moving it under a running
		// operation would date rows before what they followed.
		{"advance_clock", 3, true, (*run).advanceClock},
		{"jobs", 2, false, (*run).runJobs},
		{"race_pay", 1, true, (*run).racePay},
		{"disassociate", 1, true, (*run).disassociate},
		{"reassociate", 1, true, (*run).reassociate},
	}
}

// ---- operator ----

func (r *run) topUp(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	c := cents(rng, 500, 20000)
	id := r.partners[i].tenant.Partner.ID
	_, err := r.funds.TopUp(r.ctx, r.w.Operator, id, amount(c), "moneyrun")
	r.note("topup", err, "%s %s", r.partners[i].name, amount(c))
	if r.expect("topup", err) {
		r.mu.Lock()
		r.pos[partnerKey(id)] += c
		r.toppedUp += c
		r.mu.Unlock()
	}
}

func (r *run) creditLine(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	c := int64(0)
	if chance(rng, 0.8) {
		c = cents(rng, 0, 8000)
	}
	_, err := r.funds.SetCreditLine(r.ctx, r.w.Operator, r.partners[i].tenant.Partner.ID, amount(c), "moneyrun")
	r.note("credit_line", err, "%s %s", r.partners[i].name, amount(c))
	r.expect("credit_line", err, funds.ErrCreditBelowUsed)
}

// ---- allocations ----

// fundsTarget picks a partner and a customer to move money between: mostly
// one of its reseller-model customers, sometimes anyone.
func (r *run) fundsTarget(rng *rand.Rand) (int, cust) {
	i := rng.IntN(len(r.partners))
	c, ok := r.customerOf(rng, i, customer.Reseller)
	if !ok || chance(rng, 0.08) {
		c = r.anyCustomer(rng)
	}
	return i, c
}

func (r *run) allocateCustomer(rng *rand.Rand) {
	i, c := r.fundsTarget(rng)
	a, indirect := r.actorFor(rng, i)
	amt := cents(rng, 1, 3000)
	if chance(rng, 0.05) {
		amt = cents(rng, 50000, 90000) // more than anyone has
	}
	_, err := r.funds.AllocateToCustomer(r.ctx, a, funds.Transfer{TargetID: c.id, Amount: amount(amt), IndirectPartnerID: indirect})
	r.note("allocate_customer", err, "%s→%s %s", r.partners[i].name, c.id, amount(amt))
	if r.expect("allocate_customer", err, funds.ErrInsufficient, funds.ErrNotYourCustomer, funds.ErrNotResellerModel) {
		r.checkWas("allocate_customer", c, i, customer.Reseller)
		r.move(map[string]int64{partnerKey(r.partners[i].tenant.Partner.ID): -amt, customerKey(c.id): amt})
	}
}

func (r *run) reclaimCustomer(rng *rand.Rand) {
	i, c := r.fundsTarget(rng)
	a, indirect := r.actorFor(rng, i)
	r.mu.Lock()
	have := r.pos[customerKey(c.id)]
	r.mu.Unlock()
	amt := cents(rng, 1, 300)
	if have > 0 && chance(rng, 0.7) {
		amt = 1 + rng.Int64N(have+have/10+1) // sometimes above the balance
	}
	_, err := r.funds.ReclaimFromCustomer(r.ctx, a, funds.Transfer{TargetID: c.id, Amount: amount(amt), IndirectPartnerID: indirect})
	r.note("reclaim_customer", err, "%s←%s %s", r.partners[i].name, c.id, amount(amt))
	if r.expect("reclaim_customer", err, funds.ErrInsufficient, funds.ErrNoAccount, funds.ErrNotYourCustomer, funds.ErrNotResellerModel) {
		r.checkWas("reclaim_customer", c, i, customer.Reseller)
		r.move(map[string]int64{partnerKey(r.partners[i].tenant.Partner.ID): amt, customerKey(c.id): -amt})
	}
}

// checkWas fails the run when an operation that needs the customer to be
// partner i's of model typ succeeded although the model says otherwise
// (only a still world can tell).
func (r *run) checkWas(op string, c cust, i int, typ customer.AssociationType) {
	if c.partner != i || c.typ != typ {
		r.fail("%s succeeded for customer %s, which is partner %d's (type %d), not partner %d's of type %d",
			op, c.id, c.partner, c.typ, i, typ)
	}
}

func (r *run) allocateReseller(rng *rand.Rand) {
	amt := cents(rng, 1, 3000)
	if chance(rng, 0.05) {
		amt = cents(rng, 50000, 90000)
	}
	d, rs := r.partners[r.dist].tenant, r.partners[r.reseller].tenant
	_, err := r.funds.AllocateToReseller(r.ctx, d.Main, funds.Transfer{TargetID: rs.Partner.ID, Amount: amount(amt)})
	r.note("allocate_reseller", err, "%s", amount(amt))
	if r.expect("allocate_reseller", err, funds.ErrInsufficient) {
		r.move(map[string]int64{partnerKey(d.Partner.ID): -amt, partnerKey(rs.Partner.ID): amt})
	}
}

func (r *run) reclaimReseller(rng *rand.Rand) {
	d, rs := r.partners[r.dist].tenant, r.partners[r.reseller].tenant
	r.mu.Lock()
	have := r.pos[partnerKey(rs.Partner.ID)]
	r.mu.Unlock()
	amt := cents(rng, 1, 500)
	if have > 0 && chance(rng, 0.7) {
		amt = 1 + rng.Int64N(have+have/10+1)
	}
	_, err := r.funds.ReclaimFromReseller(r.ctx, d.Main, funds.Transfer{TargetID: rs.Partner.ID, Amount: amount(amt)})
	r.note("reclaim_reseller", err, "%s", amount(amt))
	if r.expect("reclaim_reseller", err, funds.ErrInsufficient, funds.ErrNoAccount) {
		r.move(map[string]int64{partnerKey(d.Partner.ID): amt, partnerKey(rs.Partner.ID): -amt})
	}
}

// ---- coupons ----

var (
	serviceTypes = []string{"hws.service.type.ec2", "hws.service.type.ebs"}
	regions      = []string{"cn-north-1", "cn-north-4", "cn-east-3"}
)

func randomLimits(rng *rand.Rand, typ coupon.QuotaType) coupon.Limits {
	var l coupon.Limits
	switch rng.IntN(4) {
	case 1:
		l.ServiceTypes = []string{serviceTypes[0]}
	case 2:
		l.ServiceTypes = []string{serviceTypes[1]}
	case 3:
		l.ServiceTypes = slices.Clone(serviceTypes)
	}
	if chance(rng, 0.3) {
		l.Regions = []string{pick(rng, regions)}
	}
	switch rng.IntN(6) {
	case 0:
		l.OrderTypes = []coupon.OrderType{coupon.OrderRenew} // never applies to new purchases
	case 1:
		l.OrderTypes = []coupon.OrderType{coupon.OrderNew}
	}
	if chance(rng, 0.4) {
		l.MinOrder = money.FromCents(pick(rng, []int64{5000, 30000, 100000}))
	}
	if typ == coupon.QuotaCash && chance(rng, 0.6) {
		l.MaxOrderShare = pick(rng, []int{10, 30, 50, 100})
	}
	return l
}

func (r *run) grantQuota(rng *rand.Rand) {
	i := rng.IntN(3) // SP, SP2, Dist: the operator grants no quota to cloud resellers
	typ := coupon.QuotaType(rng.IntN(2))
	now := r.now()
	from := now.Add(-time.Hour)
	if chance(rng, 0.1) {
		from = now.Add(time.Duration(rng.IntN(72)) * time.Hour) // not yet effective
	}
	until := now.Add(time.Duration(10+rng.IntN(200)) * 24 * time.Hour)
	q, err := r.coupons.GrantQuota(r.ctx, r.w.Operator, coupon.NewQuota{PartnerID: r.partners[i].tenant.Partner.ID, Type: typ,
		Value: amount(cents(rng, 500, 20000)), EffectiveAt: from, ExpiresAt: until, Limits: randomLimits(rng, typ)})
	r.note("grant_quota", err, "%s type %d", r.partners[i].name, typ)
	if r.expect("grant_quota", err) {
		r.mu.Lock()
		r.partners[i].quotas = append(r.partners[i].quotas, q.ID)
		r.mu.Unlock()
	}
}

func (r *run) quotaOf(rng *rand.Rand, i int) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.partners[i].quotas) == 0 {
		return "", false
	}
	return pick(rng, r.partners[i].quotas), true
}

func (r *run) carveQuota(rng *rand.Rand) {
	q, ok := r.quotaOf(rng, r.dist)
	if !ok {
		return
	}
	amt := cents(rng, 50, 3000)
	got, bad, err := r.coupons.IssueQuotaToResellers(r.ctx, r.partners[r.dist].tenant.Main, q,
		[]string{r.partners[r.reseller].tenant.Partner.ID}, amount(amt))
	r.note("carve_quota", err, "%s %s", q, amount(amt))
	if !r.expect("carve_quota", err, coupon.ErrQuotaNotFound, coupon.ErrQuotaNotIssuable, coupon.ErrQuotaNotEffective,
		coupon.ErrBalance, coupon.ErrQuotaStatus) {
		return
	}
	if len(bad) > 0 {
		r.fail("carve_quota: reseller refused: %v", bad)
	}
	r.mu.Lock()
	for _, g := range got {
		r.partners[r.reseller].quotas = append(r.partners[r.reseller].quotas, g.QuotaID)
	}
	r.mu.Unlock()
}

func (r *run) reclaimResellerQuota(rng *rand.Rand) {
	if !chance(rng, 0.3) {
		return
	}
	q, ok := r.quotaOf(rng, r.reseller)
	if !ok {
		return
	}
	_, bad, err := r.coupons.ReclaimResellerQuotas(r.ctx, r.partners[r.dist].tenant.Main, []string{q}, "moneyrun")
	r.note("reclaim_reseller_quota", err, "%s %d refused", q, len(bad))
	r.expect("reclaim_reseller_quota", err, coupon.ErrQuotaNotFound)
	for _, b := range bad {
		r.expect("reclaim_reseller_quota item", b.Err, coupon.ErrQuotaNotFound, coupon.ErrNotReclaimable, coupon.ErrQuotaStatus)
	}
}

func (r *run) issueCoupons(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	q, ok := r.quotaOf(rng, i)
	if !ok {
		return
	}
	a, indirect := r.actorFor(rng, i)
	var ids []string
	for range 1 + rng.IntN(3) {
		c, ok := r.customerOf(rng, i, customer.Reseller)
		if !ok || chance(rng, 0.05) {
			c = r.anyCustomer(rng)
		}
		ids = append(ids, c.id)
	}
	req := coupon.IssueRequest{QuotaID: q, CustomerIDs: ids, FaceValue: amount(cents(rng, 1, 400)), IndirectPartnerID: indirect}
	if chance(rng, 0.3) {
		until := r.now().Add(time.Duration(1+rng.IntN(60*24)) * time.Hour)
		req.ExpiresAt = &until
	}
	if chance(rng, 0.2) {
		m := money.FromCents(pick(rng, []int64{10000, 50000}))
		req.MinOrder = &m
	}
	if chance(rng, 0.2) {
		req.ServiceTypes = []string{pick(rng, serviceTypes)}
	}
	got, bad, err := r.coupons.Issue(r.ctx, a, req)
	r.note("issue_coupons", err, "%s %s×%d ok %d", r.partners[i].name, req.FaceValue, len(ids), len(got))
	if req.ExpiresAt != nil && isParam(err, "expire_time") {
		return // past the quota's expiry: the request's fault
	}
	if !r.expect("issue_coupons", err, coupon.ErrQuotaNotFound, coupon.ErrQuotaStatus, coupon.ErrQuotaNotEffective,
		coupon.ErrLimitsOutside, funds.ErrNotYourReseller, identity.ErrForbidden) {
		return
	}
	for _, b := range bad {
		r.expect("issue_coupons item", b.Err, coupon.ErrNotYourCustomer, coupon.ErrReferralCustomer, coupon.ErrBalance)
	}
	if !r.isConcurrent() {
		for _, g := range got {
			r.checkWas("issue_coupons", r.custByID(g.CustomerID), i, customer.Reseller)
		}
	}
}

func (r *run) isConcurrent() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.concurrent
}

func (r *run) custByID(id string) cust {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.custs {
		if c.id == id {
			return *c
		}
	}
	return cust{id: id, partner: -1}
}

func (r *run) reclaimCoupon(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	a, indirect := r.actorFor(rng, i)
	ids := r.strings1(`SELECT id FROM coupons WHERE partner_id = $1 ORDER BY id`, r.partners[i].tenant.Partner.ID)
	if len(ids) == 0 {
		return
	}
	id := pick(rng, ids)
	_, err := r.coupons.Reclaim(r.ctx, a, id, indirect)
	r.note("reclaim_coupon", err, "%s %s", r.partners[i].name, id)
	r.expect("reclaim_coupon", err, coupon.ErrNotReclaimable, coupon.ErrReclaimReferral, coupon.ErrCouponNotUsable,
		coupon.ErrCouponNotFound)
}

// ---- discounts ----

func (r *run) setDiscount(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	c, ok := r.customerOf(rng, i, customer.Referral)
	if !ok || chance(rng, 0.1) {
		c = r.anyCustomer(rng)
	}
	a, indirect := r.actorFor(rng, i)
	rate := decimal.New(8000+rng.Int64N(2000), -4)
	switch {
	case chance(rng, 0.15):
		rate = decimal.NewFromInt(1) // removes it
	case chance(rng, 0.05):
		rate = decimal.RequireFromString("0.75") // refused
	}
	until := r.now().Add(time.Duration(1+rng.IntN(24*40)) * time.Hour)
	in := funds.DiscountInput{CustomerID: c.id, Rate: rate, ExpiresAt: &until}
	if chance(rng, 0.1) {
		from := r.now().Add(time.Duration(rng.IntN(48)) * time.Hour)
		in.EffectiveAt = &from
	}
	bad, err := r.funds.SetDiscounts(r.ctx, a, indirect, []funds.DiscountInput{in})
	r.note("set_discount", err, "%s %s rate %s", r.partners[i].name, c.id, rate)
	r.expect("set_discount", err)
	for _, b := range bad {
		r.expect("set_discount item", b.Err, funds.ErrNotYourCustomer, funds.ErrNotReferral, funds.ErrDiscountRate,
			funds.ErrDiscountValidity)
	}
}

// ---- orders ----

var vmSpecs = []string{"s2.small.1.linux", "s2.medium.2.win", "s6.large.2.linux", "c6.large.2.win", "m6.large.8.linux"}

func randomItems(rng *rand.Rand) []order.Item {
	n := 1 + rng.IntN(3)
	items := make([]order.Item, n)
	disk := chance(rng, 0.35)
	for k := range items {
		if disk {
			items[k] = order.Item{ServiceType: "hws.service.type.ebs", ResourceType: "hws.resource.type.volume",
				Spec: pick(rng, []string{"SATA", "SSD", "GPSSD"}), Region: pick(rng, regions), PeriodType: order.PeriodMonth,
				PeriodNum: 1 + rng.IntN(6), Quantity: 1, ResourceSize: int64(10 + rng.IntN(300)), SizeMeasureID: 17}
			continue
		}
		pt := order.PeriodMonth
		if chance(rng, 0.4) {
			pt = order.PeriodYear
		}
		items[k] = order.Item{ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm",
			Spec: pick(rng, vmSpecs), Region: pick(rng, regions), PeriodType: pt, PeriodNum: 1 + rng.IntN(3), Quantity: 1}
	}
	return items
}

func (r *run) placeOrder(rng *rand.Rand) {
	c := r.anyCustomer(rng)
	o, err := r.orders.Place(r.ctx, c.id, order.NewOrder{Items: randomItems(rng)})
	r.note("place_order", err, "%s %s", c.id, o.OfficialAmount)
	r.expect("place_order", err, order.ErrFrozen)
	if !r.isConcurrent() && (err == nil) == r.custByID(c.id).frozen {
		r.fail("place_order: customer %s frozen=%v, placing it gave %v", c.id, r.custByID(c.id).frozen, err)
	}
}

// someOrder picks one of the customer's pending orders; sometimes any of
// its orders or someone else's.
func (r *run) someOrder(rng *rand.Rand, customerID string) (string, bool) {
	var list []string
	switch {
	case chance(rng, 0.05):
		list = r.strings1(`SELECT id FROM orders ORDER BY created_at DESC, id LIMIT 20`)
	case chance(rng, 0.1):
		list = r.strings1(`SELECT id FROM orders WHERE customer_id = $1 ORDER BY id`, customerID)
	default:
		list = r.strings1(`SELECT id FROM orders WHERE customer_id = $1 AND status = 6 ORDER BY id`, customerID)
	}
	if len(list) == 0 {
		return "", false
	}
	return pick(rng, list), true
}

// customerWithOrder picks a customer with a pending order, mostly.
func (r *run) customerWithOrder(rng *rand.Rand) (string, bool) {
	ids := r.strings1(`SELECT DISTINCT customer_id FROM orders WHERE status = 6 ORDER BY customer_id`)
	if len(ids) == 0 || chance(rng, 0.05) {
		return r.anyCustomer(rng).id, true
	}
	return pick(rng, ids), true
}

// benefits chooses what to pay with: some of the customer's coupons
// (valid or not, sometimes another customer's), its discount (or one it
// does not hold), cards.
func (r *run) benefits(rng *rand.Rand, customerID, orderID string) payment.Request {
	req := payment.Request{OrderID: orderID, UseCards: chance(rng, 0.5)}
	held, _, err := r.coupons.CustomerCoupons(r.ctx, customerID, coupon.CustomerCouponFilter{Limit: 100})
	if err != nil {
		r.fail("customer coupons: %v", err)
		return req
	}
	var usable []string
	for _, c := range held {
		if c.Status == coupon.CouponUsable || chance(rng, 0.1) {
			usable = append(usable, c.ID)
		}
	}
	if chance(rng, 0.03) {
		if other := r.strings1(`SELECT id FROM coupons WHERE customer_id <> $1 ORDER BY id LIMIT 5`, customerID); len(other) > 0 {
			usable = append(usable, pick(rng, other))
		}
	}
	rng.Shuffle(len(usable), func(a, b int) { usable[a], usable[b] = usable[b], usable[a] })
	if n := min(len(usable), rng.IntN(4)); n > 0 {
		req.UseCoupon, req.CouponIDs = true, usable[:n]
	}
	d, ok, err := r.funds.CurrentDiscount(r.ctx, r.d.SQL, customerID, r.now())
	if err != nil {
		r.fail("current discount: %v", err)
	}
	switch {
	case ok && chance(rng, 0.7):
		req.UseDiscount, req.DiscountIDs = true, []string{d.ID}
	case chance(rng, 0.03):
		req.UseDiscount, req.DiscountIDs = true, []string{"no-such-discount"}
	}
	return req
}

// payErrors are the refusals a payment may give.
var payErrors = []error{order.ErrNotFound, payment.ErrFrozen, payment.ErrNotPayable, payment.ErrDeadlinePassed,
	payment.ErrAwaitingPartner, payment.ErrInProgress, coupon.ErrCouponNotFound, payment.ErrBenefit, payment.ErrInsufficient}

func (r *run) payOrder(rng *rand.Rand) {
	cid, _ := r.customerWithOrder(rng)
	oid, ok := r.someOrder(rng, cid)
	if !ok {
		return
	}
	req := r.benefits(rng, cid, oid)
	var before payment.Explanation
	var explainErr error
	still := !r.isConcurrent()
	if still {
		before, explainErr = r.pay.Explain(r.ctx, cid, req)
	}
	ex, err := r.pay.Pay(r.ctx, cid, req)
	r.note("pay", err, "%s %s coupons %d discount %v cards %v → due %s", cid, oid, len(req.CouponIDs), req.UseDiscount,
		req.UseCards, ex.Due)
	if still {
		frozen := r.custByID(cid).frozen
		switch {
		case err == nil && frozen:
			r.fail("pay %s: frozen customer %s paid", oid, cid)
		case errors.Is(err, payment.ErrFrozen) && !frozen:
			r.fail("pay %s: customer %s refused as frozen, but nobody froze it", oid, cid)
		}
	}
	if !r.expect("pay", err, payErrors...) {
		if still {
			r.compareRefusal(req, before, explainErr, err)
		}
		return
	}
	r.paid(cid, req, ex)
	if still {
		r.compareExplain(req, before, explainErr, ex)
		r.checkFundedBy(cid, oid)
	}
}

// paid checks a payment's own arithmetic and moves the model.
func (r *run) paid(customerID string, req payment.Request, ex payment.Explanation) {
	if got := ex.Discount.Add(ex.Payable); !got.Equal(ex.ListPrice) {
		r.fail("pay %s: list %s ≠ discount %s + payable %s", req.OrderID, ex.ListPrice, ex.Discount, ex.Payable)
	}
	if got := ex.Voucher.Add(ex.Cash).Add(ex.Cards).Add(ex.Due); !got.Equal(ex.Payable) {
		r.fail("pay %s: voucher %s + cash %s + cards %s + due %s ≠ payable %s", req.OrderID, ex.Voucher, ex.Cash, ex.Cards, ex.Due, ex.Payable)
	}
	for _, v := range []money.Amount{ex.Discount, ex.Voucher, ex.Cash, ex.Cards, ex.Due} {
		if v.IsNegative() {
			r.fail("pay %s: a negative step in %+v", req.OrderID, ex)
		}
	}
	if !req.UseDiscount && !ex.Discount.IsZero() {
		r.fail("pay %s: a discount of %s nobody chose", req.OrderID, ex.Discount)
	}
	if !req.UseCoupon && !ex.Voucher.Add(ex.Cash).IsZero() {
		r.fail("pay %s: coupons paid %s, none chosen", req.OrderID, ex.Voucher.Add(ex.Cash))
	}
	r.move(map[string]int64{customerKey(customerID): -ex.Due.Cents()})
}

// compareExplain: in a still world the dry run before a payment says what
// the payment then did.
func (r *run) compareExplain(req payment.Request, before payment.Explanation, explainErr error, ex payment.Explanation) {
	if explainErr != nil {
		r.fail("pay %s succeeded but its explain failed: %s", req.OrderID, errName(explainErr))
		return
	}
	type step struct {
		name string
		a, b money.Amount
	}
	for _, s := range []step{{"list", before.ListPrice, ex.ListPrice}, {"discount", before.Discount, ex.Discount},
		{"payable", before.Payable, ex.Payable}, {"voucher", before.Voucher, ex.Voucher}, {"cash", before.Cash, ex.Cash},
		{"cards", before.Cards, ex.Cards}, {"due", before.Due, ex.Due}} {
		if !s.a.Equal(s.b) {
			r.fail("pay %s: explain said %s %s, payment did %s (request %+v)", req.OrderID, s.name, s.a, s.b, req)
		}
	}
	if before.Due.Cmp(before.Balance) > 0 {
		r.fail("pay %s: explain said due %s above balance %s, yet it paid", req.OrderID, before.Due, before.Balance)
	}
	for _, b := range before.Benefits {
		if b.Chosen && !b.Applies {
			r.fail("pay %s: explain refused %s (%s), yet it paid", req.OrderID, b.ID, b.Reason)
		}
	}
}

// compareRefusal: a refused benefit or a short balance is what the dry
// run said.
func (r *run) compareRefusal(req payment.Request, before payment.Explanation, explainErr, err error) {
	switch {
	case errors.Is(err, payment.ErrBenefit):
		if explainErr != nil {
			// Explain checks that every chosen coupon is held before it
			// prices; the payment refuses the first chosen coupon that
			// cannot pay, which may come before one that is not held.
			if !errors.Is(explainErr, payment.ErrBenefit) && !errors.Is(explainErr, coupon.ErrCouponNotFound) {
				r.fail("pay %s refused a benefit (%s), explain failed with %s", req.OrderID, errName(err), errName(explainErr))
			}
			return
		}
		refused := false
		for _, b := range before.Benefits {
			refused = refused || (b.Chosen && !b.Applies)
		}
		if !refused {
			r.fail("pay %s refused a benefit (%v), explain applied every chosen one", req.OrderID, err)
		}
	case errors.Is(err, payment.ErrInsufficient):
		if explainErr != nil {
			r.fail("pay %s: insufficient, explain failed with %s", req.OrderID, errName(explainErr))
			return
		}
		if before.Due.Cmp(before.Balance) <= 0 {
			r.fail("pay %s: insufficient although explain said due %s within balance %s", req.OrderID, before.Due, before.Balance)
		}
	case errors.Is(err, coupon.ErrCouponNotFound):
		if !errors.Is(explainErr, coupon.ErrCouponNotFound) {
			r.fail("pay %s: coupon not found, explain said %v", req.OrderID, explainErr)
		}
	}
}

func (r *run) cancelOrder(rng *rand.Rand) {
	cid, _ := r.customerWithOrder(rng)
	oid, ok := r.someOrder(rng, cid)
	if !ok {
		return
	}
	err := r.orders.Cancel(r.ctx, cid, oid)
	r.note("cancel", err, "%s %s", cid, oid)
	r.expect("cancel", err, order.ErrNotFound, order.ErrNotCancellable)
}

// ---- time and jobs ----

func (r *run) advanceClock(rng *rand.Rand) {
	d := time.Duration(1+rng.IntN(240)) * time.Minute
	switch {
	case chance(rng, 0.1):
		d = time.Duration(20+rng.IntN(40)) * time.Hour // past payment deadlines
	case chance(rng, 0.02):
		d = time.Duration(20+rng.IntN(20)) * 24 * time.Hour // past coupon expiries
	}
	r.w.Clock.Advance(d)
	r.note("advance_clock", nil, "%s → %s", d, r.now().Format(time.DateTime))
}

func (r *run) runJobs(rng *rand.Rand) {
	n, err := r.orders.CancelOverdue(r.ctx)
	r.note("jobs", err, "cancelled %d", n)
	r.expect("cancel overdue", err)
	n, err = r.coupons.ExpireCoupons(r.ctx)
	r.note("jobs", err, "expired %d", n)
	r.expect("expire coupons", err)
}

// racePay has several goroutines pay one pending order at once, the same
// coupons chosen, while another pays a second order of the customer with
// the same coupons: at most one payment of an order wins, and no coupon
// pays more than it holds.
func (r *run) racePay(rng *rand.Rand) {
	ids := r.strings1(`SELECT customer_id FROM orders WHERE status = 6 GROUP BY customer_id HAVING COUNT(*) >= 2 ORDER BY customer_id`)
	if len(ids) == 0 {
		return
	}
	cid := pick(rng, ids)
	orders := r.strings1(`SELECT id FROM orders WHERE customer_id = $1 AND status = 6 ORDER BY id`, cid)
	req := r.benefits(rng, cid, orders[0])
	req2 := req
	req2.OrderID = orders[1]
	type result struct {
		req payment.Request
		ex  payment.Explanation
		err error
	}
	results := make(chan result, 4)
	var wg sync.WaitGroup
	for k := range 4 {
		rq := req
		if k == 3 {
			rq = req2
		}
		wg.Go(func() {
			ex, err := r.pay.Pay(r.ctx, cid, rq)
			results <- result{rq, ex, err}
		})
	}
	wg.Wait()
	close(results)
	wins := map[string]int{}
	for res := range results {
		r.note("race_pay", res.err, "%s %s coupons %d", cid, res.req.OrderID, len(res.req.CouponIDs))
		if r.expect("race_pay", res.err, payErrors...) {
			wins[res.req.OrderID]++
			r.paid(cid, res.req, res.ex)
		}
	}
	if wins[orders[0]] > 1 {
		r.fail("race_pay: order %s paid %d times", orders[0], wins[orders[0]])
	}
}

// ---- associations ----

// disassociate has a customer ask to end its association and its partner
// approve: the partner's coupons are reclaimed and a reseller-model
// customer's balance goes back to the partner.
func (r *run) disassociate(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	c, ok := r.customerOf(rng, i, 0)
	if !ok {
		return
	}
	req, err := r.w.Customers.RequestDisassociationByCustomer(r.ctx, c.id, "moneyrun")
	r.note("disassociate", err, "%s from %s", c.id, r.partners[i].name)
	if !r.expect("disassociate request", err, customer.ErrRelationTooSoon, customer.ErrRelationPending, payment.ErrBlocksChange) {
		return
	}
	_, err = r.w.Customers.ApproveAssociationRequest(r.ctx, r.partners[i].tenant.Main, req.ID)
	r.note("disassociate approve", err, "%s", c.id)
	if !r.expect("disassociate approve", err, payment.ErrBlocksChange) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c.typ == customer.Reseller {
		r.pos[partnerKey(r.partners[i].tenant.Partner.ID)] += r.pos[customerKey(c.id)]
		r.pos[customerKey(c.id)] = 0
	}
	for _, x := range r.custs {
		if x.id == c.id {
			x.partner, x.frozen = -1, false
		}
	}
}

// reassociate associates a customer without a partner with a random one,
// in a random model, as the association job does.
func (r *run) reassociate(rng *rand.Rand) {
	c, ok := r.customerOf(rng, -1, 0)
	if !ok {
		return
	}
	i := rng.IntN(len(r.partners))
	typ := customer.Reseller
	if chance(rng, 0.4) {
		typ = customer.Referral
	}
	if _, err := r.d.SQL.ExecContext(r.ctx, `UPDATE customers SET pending_partner_id = $1, pending_type = $2 WHERE id = $3`,
		r.partners[i].tenant.Partner.ID, int(typ), c.id); err != nil {
		r.fail("reassociate: %v", err)
		return
	}
	_, err := r.w.Customers.AssociateNow(r.ctx, c.id)
	r.note("reassociate", err, "%s with %s as %d", c.id, r.partners[i].name, typ)
	if !r.expect("reassociate", err) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.custs {
		if x.id == c.id {
			x.partner, x.typ = i, typ
		}
	}
}

// checkFundedBy: the account row of a customer's payment names the partner
// whose allocations paid it exactly when the customer is in that
// partner's reseller model (refunds follow it, console.md §4.6).
func (r *run) checkFundedBy(customerID, orderID string) {
	c := r.custByID(customerID)
	want := ""
	if c.partner >= 0 && c.typ == customer.Reseller {
		want = r.partners[c.partner].tenant.Partner.ID
	}
	for _, got := range r.strings1(`SELECT funded_by FROM order_payments WHERE order_id = $1 AND source = 'customer'`, orderID) {
		if got != want {
			r.fail("pay %s: customer %s's account payment funded by %q, want %q", orderID, customerID, got, want)
		}
	}
}
