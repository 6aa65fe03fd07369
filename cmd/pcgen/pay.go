package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"partnercenter/internal/app"
	"partnercenter/internal/coupon"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/platform/money"
)

// pcgen pay seeds a payments benchmark (scripts/bench-pay): -customers
// reseller-model customers of -partner (rows as pcgen writes them), each
// with an access key; -orders pending orders spread round-robin over them
// (order.Service.Place: one month of s2.small.1.linux in cn-north-1); the
// partner topped up by the demo operator with exactly what the orders cost
// and that money allocated to each customer (funds service: ledger rows);
// and, with -coupon-orders K, K more orders each with a cash coupon of
// -coupon-face issued to its customer from a new cash-coupon quota
// (coupon service). It writes one line per order for pcload -ids-creds:
//
//	ORDER_ID AK SK DOMAIN_ID            to -out
//	ORDER_ID AK SK DOMAIN_ID COUPON_ID  to -coupon-out
//
// Every order line pays once; the balance allocated is exactly what the
// orders leave after their coupons, so once all are paid every generated
// customer's balance is zero again.
//
//	pcgen pay [--data DIR | --database-url URL] -partner sp -customers 32 -orders 5000 -prefix p1 -out pay.txt
//	          [-coupon-orders 1000 -coupon-face 5.00 -coupon-out pay-coupon.txt] [-workers 4]
func runPay(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	cfg, err := app.FromEnv()
	if err != nil {
		return err
	}
	cfg.LogLevel = "error"
	var p payConfig
	g := genConfig{seed: 1, batch: 500, txRows: 20_000, resellerOnly: true}
	fs := flag.NewFlagSet("pcgen pay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (PC_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL; empty for SQLite (PC_DATABASE_URL)")
	partner := fs.String("partner", "sp", "the partner's account name, or a demo key (sp is demo-sp)")
	fs.IntVar(&g.n, "customers", 32, "reseller-model customers to create, each with an access key")
	fs.StringVar(&g.prefix, "prefix", "p", "prefix of every generated customer name (letters and digits, 1–6); one per run")
	fs.IntVar(&p.orders, "orders", 1000, "pending orders paid from the balance (lines of -out)")
	fs.IntVar(&p.couponOrders, "coupon-orders", 0, "more pending orders, each with a cash coupon (lines of -coupon-out)")
	face := fs.String("coupon-face", "5.00", "face value of each cash coupon, yuan")
	fs.StringVar(&p.out, "out", "", "write the balance orders' lines 'ORDER_ID AK SK DOMAIN_ID' to `FILE`")
	fs.StringVar(&p.couponOut, "coupon-out", "", "write the coupon orders' lines 'ORDER_ID AK SK DOMAIN_ID COUPON_ID' to `FILE`")
	fs.IntVar(&p.workers, "workers", 4, "orders placed at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.faceValue, err = money.Parse(*face); err != nil || !p.faceValue.Decimal().IsPositive() {
		return fmt.Errorf("-coupon-face %q: want a positive amount", *face)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case g.n < 1:
		return errors.New("-customers: want 1 or more")
	case p.orders < 0 || p.couponOrders < 0 || p.orders+p.couponOrders < 1:
		return errors.New("-orders and -coupon-orders: want 0 or more, at least one order in all")
	case p.orders > 0 && p.out == "":
		return errors.New("-orders: give -out FILE")
	case p.couponOrders > 0 && p.couponOut == "":
		return errors.New("-coupon-orders: give -coupon-out FILE")
	case p.workers < 1 || p.workers > 64:
		return errors.New("-workers: want 1 to 64")
	}
	if err := g.check(); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.WithLogOutput(io.Discard))
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	g.db, g.now = a.DB, a.Clock.Now().UTC()
	p.a = a

	target, err := a.Identity.PartnerByDomainName(ctx, *partner)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		target, err = a.Identity.PartnerByDomainName(ctx, "demo-"+*partner)
	}
	if err != nil {
		return fmt.Errorf("partner %q: %w (run 'partnercenter demo' first for demo keys)", *partner, err)
	}
	op, err := a.Identity.OperatorByUsername(ctx, "operator")
	if err != nil {
		return fmt.Errorf("demo operator: %w (run 'partnercenter demo' first)", err)
	}
	admin, err := a.Identity.MainMember(ctx, target.ID)
	if err != nil {
		return err
	}
	p.op, p.admin, p.partnerID = op.Actor(), admin.Actor(target), target.ID
	if err := g.prefixFree(ctx); err != nil {
		return err
	}

	start := time.Now()
	var idsBuf bytes.Buffer
	g.ids, g.idsFor = &idsBuf, target.ID
	if _, err := g.insert(ctx, []identity.Partner{target}, g.n, 0); err != nil {
		return err
	}
	if err := p.keys(ctx, strings.Fields(idsBuf.String())); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d reseller-model customers of %s with access keys in %.1f s\n", len(p.customers), target.DomainName,
		time.Since(start).Seconds())

	t1 := time.Now()
	plain, err := p.place(ctx, p.orders, 0)
	if err != nil {
		return err
	}
	withCoupon, err := p.place(ctx, p.couponOrders, p.orders)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d pending orders placed in %.1f s (%d workers, %.0f orders/s)\n", len(plain)+len(withCoupon),
		time.Since(t1).Seconds(), p.workers, float64(len(plain)+len(withCoupon))/time.Since(t1).Seconds())

	t2 := time.Now()
	total, err := p.fund(ctx, plain, withCoupon)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "topped up %s by %s and allocated it to its customers in %.1f s\n", target.DomainName, total,
		time.Since(t2).Seconds())
	if len(withCoupon) > 0 {
		t3 := time.Now()
		if err := p.coupons(ctx, withCoupon); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d cash coupons of %s issued in %.1f s\n", len(withCoupon), p.faceValue, time.Since(t3).Seconds())
	}
	if err := p.write(p.out, plain); err != nil {
		return err
	}
	return p.write(p.couponOut, withCoupon)
}

// payConfig is one pcgen pay run.
type payConfig struct {
	orders, couponOrders, workers int
	faceValue                     money.Amount
	out, couponOut                string

	a         *app.App
	op, admin identity.Actor
	partnerID string
	customers []payCustomer
}

type payCustomer struct{ id, ak, sk string }

// payOrder is one placed order of customer (an index of customers), with
// its cash coupon once issued.
type payOrder struct {
	id       string
	customer int
	amount   money.Amount
	coupon   string
}

// keys gives every customer an access key through the identity service.
func (p *payConfig) keys(ctx context.Context, ids []string) error {
	for _, id := range ids {
		k, secret, err := p.a.Identity.CreateCustomerAccessKey(ctx, id, "pcgen pay")
		if err != nil {
			return fmt.Errorf("access key of %s: %w", id, err)
		}
		p.customers = append(p.customers, payCustomer{id: id, ak: k.AccessKey, sk: secret})
	}
	return nil
}

// place places n orders through order.Service.Place, order first+i going
// to customer (first+i) mod customers, from p.workers goroutines.
func (p *payConfig) place(ctx context.Context, n, first int) ([]payOrder, error) {
	out := make([]payOrder, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range p.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				c := (first + i) % len(p.customers)
				o, err := p.a.Orders.Place(ctx, p.customers[c].id, order.NewOrder{Items: []order.Item{{
					ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: "s2.small.1.linux",
					Region: "cn-north-1", PeriodType: order.PeriodMonth, PeriodNum: 1, Quantity: 1}}})
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = fmt.Errorf("place order %d: %w", first+i, err)
					}
					mu.Unlock()
					return
				}
				out[i] = payOrder{id: o.ID, customer: c, amount: o.AmountAfterDiscount}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return out, firstErr
}

// fund tops the partner up by what the orders leave to pay from the
// balance (the demo operator), and allocates each customer what its
// orders leave (the partner's main account): the whole amount, less the
// cash coupon's face value (the quota sets no order-share limit) for a
// coupon order. It returns the total.
func (p *payConfig) fund(ctx context.Context, plain, withCoupon []payOrder) (money.Amount, error) {
	due := make([]money.Amount, len(p.customers))
	var total money.Amount
	add := func(o payOrder, off money.Amount) {
		if off.Cmp(o.amount) > 0 {
			off = o.amount
		}
		d := o.amount.Sub(off)
		due[o.customer] = due[o.customer].Add(d)
		total = total.Add(d)
	}
	for _, o := range plain {
		add(o, money.Amount{})
	}
	for _, o := range withCoupon {
		add(o, p.faceValue)
	}
	if !total.Decimal().IsPositive() {
		return total, nil // the coupons pay everything
	}
	if _, err := p.a.Funds.TopUp(ctx, p.op, p.partnerID, total, "pcgen pay"); err != nil {
		return total, fmt.Errorf("top up: %w", err)
	}
	for i, c := range p.customers {
		if !due[i].Decimal().IsPositive() {
			continue
		}
		if _, err := p.a.Funds.AllocateToCustomer(ctx, p.admin, funds.Transfer{TargetID: c.id, Amount: due[i],
			Memo: "pcgen pay"}); err != nil {
			return total, fmt.Errorf("allocate to %s: %w", c.id, err)
		}
	}
	return total, nil
}

// coupons grants the partner a cash-coupon quota worth one coupon per
// order and issues each order's customer one coupon for it, in rounds of
// up to 100 customers a call.
func (p *payConfig) coupons(ctx context.Context, orders []payOrder) error {
	now := p.a.Clock.Now()
	value := money.FromCents(p.faceValue.Cents() * int64(len(orders)))
	q, err := p.a.Coupons.GrantQuota(ctx, p.op, coupon.NewQuota{PartnerID: p.partnerID, Type: coupon.QuotaCash, Value: value,
		EffectiveAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(1, 0, 0), Remark: "pcgen pay"})
	if err != nil {
		return fmt.Errorf("grant cash-coupon quota: %w", err)
	}
	// Round r issues the r-th coupon to every customer with more than r
	// coupon orders.
	byCustomer := make([][]int, len(p.customers))
	for i, o := range orders {
		byCustomer[o.customer] = append(byCustomer[o.customer], i)
	}
	for r := 0; ; r++ {
		var batch []int // order indices
		for _, list := range byCustomer {
			if r < len(list) {
				batch = append(batch, list[r])
			}
		}
		if len(batch) == 0 {
			return nil
		}
		for len(batch) > 0 {
			k := min(len(batch), 100)
			part := batch[:k]
			batch = batch[k:]
			ids := make([]string, len(part))
			for j, oi := range part {
				ids[j] = p.customers[orders[oi].customer].id
			}
			got, bad, err := p.a.Coupons.Issue(ctx, p.admin, coupon.IssueRequest{QuotaID: q.ID, CustomerIDs: ids, FaceValue: p.faceValue})
			if err != nil {
				return fmt.Errorf("issue cash coupons: %w", err)
			}
			if len(bad) > 0 {
				return fmt.Errorf("issue cash coupons: %s: %v", bad[0].ID, bad[0].Err)
			}
			byID := map[string]string{}
			for _, g := range got {
				byID[g.CustomerID] = g.CouponID
			}
			for _, oi := range part {
				c := byID[p.customers[orders[oi].customer].id]
				if c == "" {
					return fmt.Errorf("issue cash coupons: none for order %s", orders[oi].id)
				}
				orders[oi].coupon = c
			}
		}
	}
}

// write writes the orders' lines for pcload -ids-creds.
func (p *payConfig) write(path string, orders []payOrder) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, o := range orders {
		c := p.customers[o.customer]
		fmt.Fprintf(w, "%s %s %s %s", o.id, c.ak, c.sk, c.id)
		if o.coupon != "" {
			fmt.Fprintf(w, " %s", o.coupon)
		}
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
