package moneyrun

import (
	"database/sql"
	"math/rand/v2"
	"sync"

	"partnercenter/internal/card"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
)

// moreOps are the operations of customers' own money, stored-value cards,
// partner payment and unsubscription.
func moreOps() []op {
	return []op{
		{"customer_topup", 3, false, (*run).customerTopUp},
		{"buy_card", 2, false, (*run).buyCard},
		{"request_partner_pay", 4, false, (*run).requestPartnerPay},
		{"partner_pay", 4, false, (*run).partnerPay},
		{"reject_partner_pay", 2, false, (*run).rejectPartnerPay},
		{"unsubscribe", 4, false, (*run).unsubscribe},
		{"race_disassociate", 1, true, (*run).raceDisassociate},
		{"freeze", 1, true, (*run).freeze},
	}
}

// ---- customers' own money and stored-value cards ----

func (r *run) customerTopUp(rng *rand.Rand) {
	c := r.anyCustomer(rng)
	amt := cents(rng, 1, 3000)
	_, err := r.funds.TopUpCustomer(r.ctx, c.id, amount(amt), "moneyrun")
	r.note("customer_topup", err, "%s %s", c.id, amount(amt))
	if !r.expect("customer_topup", err, funds.ErrTopUpResellerModel, funds.ErrTopUpNoPartner) {
		return
	}
	if c.partner >= 0 && c.typ == customer.Reseller && !r.isConcurrent() {
		r.fail("customer_topup: reseller-model customer %s topped up its own account", c.id)
	}
	r.mu.Lock()
	r.pos[customerKey(c.id)] += amt
	r.customerTopUps += amt
	r.mu.Unlock()
}

func (r *run) buyCard(rng *rand.Rand) {
	c := r.anyCustomer(rng)
	face := pick(rng, card.FaceValues[:3])
	if chance(rng, 0.03) {
		face = money.MustParse("123.45") // not a denomination
	}
	_, err := r.cards.Buy(r.ctx, c.id, face)
	r.note("buy_card", err, "%s %s", c.id, face)
	if !r.expect("buy_card", err, card.ErrResellerModel, card.ErrFrozen, card.ErrInsufficient, card.ErrFaceValue) {
		return
	}
	if c.partner >= 0 && c.typ == customer.Reseller && !r.isConcurrent() {
		r.fail("buy_card: reseller-model customer %s bought a card", c.id)
	}
	r.mu.Lock()
	r.pos[customerKey(c.id)] -= face.Cents()
	r.cardsBought += face.Cents()
	r.mu.Unlock()
}

// ---- partner payment (代支付) ----

var partnerPayErrors = []error{order.ErrNotFound, payment.ErrNotPayable, payment.ErrDeadlinePassed, payment.ErrFrozen,
	payment.ErrNoPartner}

func (r *run) requestPartnerPay(rng *rand.Rand) {
	cid, _ := r.customerWithOrder(rng)
	oid, ok := r.someOrder(rng, cid)
	if !ok {
		return
	}
	err := r.pay.RequestPartnerPay(r.ctx, cid, oid)
	r.note("request_partner_pay", err, "%s %s", cid, oid)
	r.expect("request_partner_pay", err, partnerPayErrors...)
}

// awaiting picks an order waiting for partner i, sometimes any order.
func (r *run) awaiting(rng *rand.Rand, i int) (string, bool) {
	list := r.strings1(`SELECT id FROM orders WHERE paying_partner_id = $1 AND agent_pay = 1 AND status = 6 ORDER BY id`,
		r.partners[i].tenant.Partner.ID)
	if len(list) == 0 || chance(rng, 0.05) {
		list = r.strings1(`SELECT id FROM orders WHERE order_type = 1 ORDER BY created_at DESC, id LIMIT 10`)
	}
	if len(list) == 0 {
		return "", false
	}
	return pick(rng, list), true
}

func (r *run) partnerPay(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	oid, ok := r.awaiting(rng, i)
	if !ok {
		return
	}
	req := payment.Request{OrderID: oid}
	var cid string
	_ = r.d.SQL.QueryRowContext(r.ctx, `SELECT customer_id FROM orders WHERE id = $1`, oid).Scan(&cid)
	if d, ok, err := r.funds.CurrentDiscount(r.ctx, r.d.SQL, cid, r.now()); err != nil {
		r.fail("current discount: %v", err)
	} else if ok && chance(rng, 0.7) {
		req.UseDiscount, req.DiscountIDs = true, []string{d.ID}
	}
	ex, err := r.pay.PayAsPartner(r.ctx, r.partners[i].tenant.Main, req)
	r.note("partner_pay", err, "%s %s discount %v → due %s", r.partners[i].name, oid, req.UseDiscount, ex.Due)
	if !r.expect("partner_pay", err, order.ErrNotFound, payment.ErrNotAwaiting, payment.ErrNotAssociated, payment.ErrNotPayable,
		payment.ErrDeadlinePassed, payment.ErrFrozen, payment.ErrInProgress, payment.ErrBenefit, payment.ErrInsufficient) {
		return
	}
	if !ex.Voucher.Add(ex.Cash).Add(ex.Cards).IsZero() {
		r.fail("partner_pay %s: coupons or cards paid %s", oid, ex.Voucher.Add(ex.Cash).Add(ex.Cards))
	}
	if got := ex.Discount.Add(ex.Due); !got.Equal(ex.ListPrice) {
		r.fail("partner_pay %s: discount %s + due %s ≠ list %s", oid, ex.Discount, ex.Due, ex.ListPrice)
	}
	r.move(map[string]int64{partnerKey(r.partners[i].tenant.Partner.ID): -ex.Due.Cents()})
}

func (r *run) rejectPartnerPay(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	var ids []string
	for range 1 + rng.IntN(3) {
		if oid, ok := r.awaiting(rng, i); ok {
			ids = append(ids, oid)
		}
	}
	if len(ids) == 0 {
		return
	}
	reason := "moneyrun: not this month"
	if chance(rng, 0.03) {
		reason = " " // refused: a rejection says why
	}
	bad, err := r.pay.RejectPartnerPay(r.ctx, r.partners[i].tenant.Main, ids, reason)
	r.note("reject_partner_pay", err, "%s %d orders, %d refused", r.partners[i].name, len(ids), len(bad))
	if reason == " " {
		if !isParam(err, "reason") {
			r.fail("reject_partner_pay without a reason: %v", err)
		}
		return
	}
	r.expect("reject_partner_pay", err)
	for _, b := range bad {
		r.expect("reject_partner_pay item", b.Err, order.ErrNotFound, payment.ErrNotAwaiting)
	}
}

// ---- unsubscription and refunds ----

func (r *run) unsubscribe(rng *rand.Rand) {
	custs := r.strings1(`SELECT DISTINCT customer_id FROM customer_resources WHERE status = 'active' ORDER BY customer_id`)
	if len(custs) == 0 {
		return
	}
	cid := pick(rng, custs)
	res := r.strings1(`SELECT id FROM customer_resources WHERE customer_id = $1 AND status = 'active' ORDER BY id`, cid)
	if chance(rng, 0.05) {
		res = r.strings1(`SELECT id FROM customer_resources WHERE customer_id = $1 ORDER BY id`, cid)
	}
	if chance(rng, 0.02) {
		res = r.strings1(`SELECT id FROM customer_resources ORDER BY id LIMIT 5`) // someone else's, maybe
	}
	rng.Shuffle(len(res), func(a, b int) { res[a], res[b] = res[b], res[a] })
	res = res[:min(len(res), 1+rng.IntN(3))]
	if len(res) == 0 {
		return
	}
	var before map[string]cust
	still := !r.isConcurrent()
	if still {
		before = map[string]cust{cid: r.custByID(cid)}
	}
	out, err := r.refunds.Unsubscribe(r.ctx, cid, refund.Request{ResourceIDs: res, Type: refund.UnsubscribeResource})
	r.note("unsubscribe", err, "%s %d resources → %d orders, %d refused", cid, len(res), len(out.OrderIDs), len(out.Failures))
	if !r.expect("unsubscribe", err, refund.ErrFrozen) {
		return
	}
	for _, f := range out.Failures {
		r.expect("unsubscribe item", f.Err, refund.ErrResourceNotFound, refund.ErrResourceGone, refund.ErrResourceExpired)
	}
	for _, uid := range out.OrderIDs {
		r.refunded(uid, before[cid], still)
	}
}

// refunded moves the model by what unsubscribe order uid gave back to
// fund accounts and, in a still world, checks where each refund went
// (console.md §4.6) against who the customer is with now.
func (r *run) refunded(uid string, c cust, still bool) {
	rows, err := r.d.SQL.QueryContext(r.ctx, `SELECT f.destination, f.destination_id, f.amount, p.source, p.source_id, p.funded_by
		FROM order_refunds f JOIN order_payments p ON p.id = f.payment_id WHERE f.order_id = $1`, uid)
	if err != nil {
		r.fail("read refunds of %s: %v", uid, err)
		return
	}
	defer rows.Close()
	deltas := map[string]int64{}
	for rows.Next() {
		var dest, destID, source, sourceID, fundedBy string
		var amt int64
		if err := rows.Scan(&dest, &destID, &amt, &source, &sourceID, &fundedBy); err != nil {
			r.fail("scan refund: %v", err)
			return
		}
		switch dest {
		case funds.KindCustomer:
			deltas[customerKey(destID)] += amt
		case funds.KindPartner:
			deltas[partnerKey(destID)] += amt
		}
		if !still {
			continue
		}
		wantDest, wantID := "", ""
		switch source {
		case payment.SourcePartner:
			wantDest, wantID = funds.KindPartner, sourceID
		case payment.SourceCustomer:
			wantDest, wantID = funds.KindCustomer, c.id
			if fundedBy != "" && !(c.partner >= 0 && r.partners[c.partner].tenant.Partner.ID == fundedBy && c.typ == customer.Reseller) {
				wantDest, wantID = funds.KindPartner, fundedBy
			}
		case payment.SourceCard:
			// An expired card's share goes to the customer's account.
			wantDest, wantID = refund.DestCard, sourceID
			if r.scalarInt(`SELECT COUNT(*) FROM stored_value_cards WHERE id = $1 AND expires_at <= $2`, sourceID, r.now()) > 0 {
				wantDest, wantID = funds.KindCustomer, c.id
			}
		case payment.SourceCash:
			wantDest, wantID = refund.DestCash, sourceID
		case payment.SourceVoucher:
			wantDest = "never"
		}
		if dest != wantDest || destID != wantID {
			r.fail("unsubscribe order %s: %s of a %s payment (%s, funded by %q) went to %s %s, want %s %s (customer with partner %d, type %d)",
				uid, amount(amt), source, sourceID, fundedBy, dest, destID, wantDest, wantID, c.partner, c.typ)
		}
	}
	if err := rows.Err(); err != nil && err != sql.ErrNoRows {
		r.fail("refund rows: %v", err)
	}
	r.move(deltas)
}

// raceDisassociate has a partner approve a reseller-model customer's
// disassociation while the customer pays an order (with its coupons) and
// the partner allocates to and reclaims from it, all at once. Whatever the
// order the database puts them in, no money is lost or made: when the
// disassociation wins, the customer's account ends empty and the partner
// holds what both held less what the order took.
func (r *run) raceDisassociate(rng *rand.Rand) {
	ids := r.strings1(`SELECT DISTINCT o.customer_id FROM orders o JOIN customer_associations a ON a.customer_id = o.customer_id
		AND a.ended_at IS NULL AND a.type = 2 JOIN fund_accounts f ON f.kind = 'customer' AND f.owner_id = o.customer_id
		AND f.balance > 0 WHERE o.status = 6 AND o.agent_pay <> 1 ORDER BY o.customer_id`)
	if len(ids) == 0 {
		return
	}
	c := r.custByID(pick(rng, ids))
	if c.partner < 0 || c.typ != customer.Reseller {
		r.fail("race_disassociate: customer %s is not in the reseller model in the run's model (%d, %d)", c.id, c.partner, c.typ)
		return
	}
	p := r.partners[c.partner]
	oid, ok := r.someOrder(rng, c.id)
	if !ok {
		return
	}
	req, err := r.w.Customers.RequestDisassociationByCustomer(r.ctx, c.id, "moneyrun race")
	r.note("race_disassociate request", err, "%s from %s", c.id, p.name)
	if !r.expect("race_disassociate request", err, customer.ErrRelationTooSoon, customer.ErrRelationPending, payment.ErrBlocksChange) {
		return
	}
	payReq := r.benefits(rng, c.id, oid)
	r.mu.Lock()
	p0, c0 := r.pos[partnerKey(p.tenant.Partner.ID)], r.pos[customerKey(c.id)]
	r.mu.Unlock()
	alloc, back := cents(rng, 1, 500), cents(rng, 1, 500)
	var (
		wg                   sync.WaitGroup
		approveErr, payErr   error
		allocErr, reclaimErr error
		ex                   payment.Explanation
	)
	wg.Go(func() { _, approveErr = r.w.Customers.ApproveAssociationRequest(r.ctx, p.tenant.Main, req.ID) })
	wg.Go(func() { ex, payErr = r.pay.Pay(r.ctx, c.id, payReq) })
	wg.Go(func() {
		_, allocErr = r.funds.AllocateToCustomer(r.ctx, p.tenant.Main, funds.Transfer{TargetID: c.id, Amount: amount(alloc)})
	})
	wg.Go(func() {
		_, reclaimErr = r.funds.ReclaimFromCustomer(r.ctx, p.tenant.Main, funds.Transfer{TargetID: c.id, Amount: amount(back)})
	})
	var issueErr error
	var issued []coupon.Issued
	var issueBad []coupon.ItemError
	if q, ok := r.quotaOf(rng, c.partner); ok {
		wg.Go(func() {
			issued, issueBad, issueErr = r.coupons.Issue(r.ctx, p.tenant.Main, coupon.IssueRequest{QuotaID: q,
				CustomerIDs: []string{c.id}, FaceValue: amount(cents(rand.New(rand.NewPCG(1, 2)), 1, 50))})
		})
	}
	wg.Wait()
	r.note("race_disassociate issue", issueErr, "%s %d issued", c.id, len(issued))
	if r.expect("race_disassociate issue", issueErr, coupon.ErrQuotaNotFound, coupon.ErrQuotaStatus, coupon.ErrQuotaNotEffective,
		coupon.ErrLimitsOutside) {
		for _, b := range issueBad {
			r.expect("race_disassociate issue item", b.Err, coupon.ErrNotYourCustomer, coupon.ErrBalance)
		}
	}
	r.note("race_disassociate approve", approveErr, "%s", c.id)
	r.note("race_disassociate pay", payErr, "%s %s → due %s", c.id, oid, ex.Due)
	r.note("race_disassociate allocate", allocErr, "%s %s", c.id, amount(alloc))
	r.note("race_disassociate reclaim", reclaimErr, "%s %s", c.id, amount(back))
	approved := r.expect("race_disassociate approve", approveErr, payment.ErrBlocksChange)
	paid := r.expect("race_disassociate pay", payErr, payErrors...)
	allocated := r.expect("race_disassociate allocate", allocErr, funds.ErrInsufficient, funds.ErrNotYourCustomer)
	reclaimed := r.expect("race_disassociate reclaim", reclaimErr, funds.ErrInsufficient, funds.ErrNotYourCustomer)
	var due int64
	if paid {
		due = ex.Due.Cents()
		r.paid(c.id, payReq, ex)                         // moves the customer by −due
		r.move(map[string]int64{customerKey(c.id): due}) // undone: settled below
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	pk, ck := partnerKey(p.tenant.Partner.ID), customerKey(c.id)
	if approved {
		r.pos[pk], r.pos[ck] = p0+c0-due, 0
		for _, x := range r.custs {
			if x.id == c.id {
				x.partner, x.frozen = -1, false
			}
		}
		return
	}
	r.pos[ck] = c0 - due
	r.pos[pk] = p0
	if allocated {
		r.pos[pk] -= alloc
		r.pos[ck] += alloc
	}
	if reclaimed {
		r.pos[pk] += back
		r.pos[ck] -= back
	}
}

// freeze has a partner freeze or unfreeze one of its reseller-model
// customers: a frozen customer can neither place nor pay orders.
func (r *run) freeze(rng *rand.Rand) {
	i := rng.IntN(len(r.partners))
	c, ok := r.customerOf(rng, i, customer.Reseller)
	if !ok {
		return
	}
	a, indirect := r.actorFor(rng, i)
	in := customer.FreezeRequest{CustomerIDs: []string{c.id}, Reason: "moneyrun"}
	if indirect != "" {
		in.IndirectPartnerID = &indirect
	}
	var bad []customer.ItemError
	var err error
	frozen := chance(rng, 0.4)
	if frozen {
		bad, err = r.w.Customers.FreezeCustomers(r.ctx, a, in)
	} else {
		bad, err = r.w.Customers.UnfreezeCustomers(r.ctx, a, in)
	}
	r.note("freeze", err, "%s %s frozen=%v, %d refused", r.partners[i].name, c.id, frozen, len(bad))
	if !r.expect("freeze", err) {
		return
	}
	if len(bad) > 0 {
		r.fail("freeze %s: refused: %v", c.id, bad[0].Err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, x := range r.custs {
		if x.id == c.id {
			x.frozen = frozen
		}
	}
}
