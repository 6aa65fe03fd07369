package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// TestPay seeds the demo data and a payments benchmark on both databases,
// then pays every written order once through the payment service with the
// customer the written key resolves to: all succeed, every generated
// customer's balance is zero again and both ledgers verify.
func TestPay(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			cfg := app.Defaults()
			cfg.LogLevel = "error"
			store := []string{}
			if dc := dbtest.Config(t, dialect); dialect == db.SQLite {
				cfg.DataDir = dc.DataDir
				store = append(store, "--data", dc.DataDir)
			} else {
				cfg.DatabaseURL = dc.URL
				store = append(store, "--database-url", dc.URL)
			}
			open := func() *app.App {
				a, err := app.New(ctx, cfg, app.WithLogOutput(io.Discard))
				if err != nil {
					t.Fatal(err)
				}
				return a
			}
			a := open()
			if _, err := a.SeedDemo(ctx); err != nil {
				t.Fatal(err)
			}
			a.Shutdown(ctx)

			dir := t.TempDir()
			plain, withCoupon := filepath.Join(dir, "pay.txt"), filepath.Join(dir, "pay-coupon.txt")
			args := append([]string{"pay"}, store...)
			args = append(args, "-partner", "sp", "-customers", "5", "-prefix", "t1", "-orders", "23", "-out", plain,
				"-coupon-orders", "7", "-coupon-face", "2.50", "-coupon-out", withCoupon, "-workers", "3")
			var stdout, stderr bytes.Buffer
			if err := run(ctx, args, &stdout, &stderr); err != nil {
				t.Fatalf("%v\n%s%s", err, stdout.String(), stderr.String())
			}
			var again bytes.Buffer
			if err := run(ctx, args, &again, &again); err == nil || !strings.Contains(err.Error(), "prefix") {
				t.Errorf("a second run with the same prefix: %v", err)
			}

			a = open()
			defer a.Shutdown(ctx)
			customers := map[string]bool{}
			pay := func(path string, fields int) {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for line := range strings.Lines(string(b)) {
					f := strings.Fields(line)
					if len(f) != fields {
						t.Fatalf("line %q: %d fields, want %d", line, len(f), fields)
					}
					orderID, ak, sk, cust := f[0], f[1], f[2], f[3]
					if seen[orderID] {
						t.Fatalf("order %s written twice", orderID)
					}
					seen[orderID] = true
					actor, secret, err := a.Identity.CustomerAccessKeyActor(ctx, ak)
					if err != nil || secret != sk || actor.ID != cust {
						t.Fatalf("key %s: %v, secret ok %v, customer %s want %s", ak, err, secret == sk, actor.ID, cust)
					}
					customers[cust] = true
					req := payment.Request{OrderID: orderID, UseCards: true}
					if fields == 5 {
						req.UseCoupon, req.CouponIDs = true, []string{f[4]}
					}
					ex, err := a.Payments.Pay(ctx, cust, req)
					if err != nil {
						t.Fatalf("pay %s: %v", orderID, err)
					}
					if fields == 5 && (ex.Cash.String() != "2.50" || ex.Due.String() != "29.70") {
						t.Errorf("order %s: cash %s, due %s; want 2.50 and 29.70", orderID, ex.Cash, ex.Due)
					}
				}
			}
			pay(plain, 4)
			pay(withCoupon, 5)
			if len(customers) != 5 {
				t.Errorf("%d customers paid, want 5", len(customers))
			}
			for c := range customers {
				var bal int64
				if err := a.DB.SQL.QueryRow(`SELECT balance FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1`, c).
					Scan(&bal); err != nil {
					t.Fatalf("balance of %s: %d (%v)", c, bal, err)
				}
				if bal != 0 {
					t.Errorf("balance of %s after paying every order: %d cents, want 0", c, bal)
				}
			}
			cr, err := a.Coupons.VerifyLedger(ctx)
			if err != nil {
				t.Fatal(err)
			}
			fr, err := a.Funds.VerifyLedger(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if p := append(cr.Problems, fr.Problems...); len(p) > 0 {
				t.Fatalf("ledger problems:\n%s", strings.Join(p, "\n"))
			}
		})
	}
}

func TestPayFlags(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"ErrNoOut", []string{"pay", "-orders", "3"}, "-out"},
		{"ErrNoCouponOut", []string{"pay", "-orders", "0", "-coupon-orders", "3"}, "-coupon-out"},
		{"ErrNoOrders", []string{"pay", "-orders", "0", "-out", "x"}, "at least one order"},
		{"ErrFace", []string{"pay", "-coupon-face", "0", "-out", "x"}, "-coupon-face"},
		{"ErrCustomers", []string{"pay", "-customers", "0", "-out", "x"}, "-customers"},
		{"ErrPrefix", []string{"pay", "-prefix", "Bad!", "-out", "x"}, "-prefix"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), append(tt.args, "--data", t.TempDir()), &out, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err %v, want one naming %q", err, tt.want)
			}
		})
	}
}
