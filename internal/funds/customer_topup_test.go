package funds_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/testworld"
)

func TestTopUpCustomer(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		ref := f.mustCustomers(t, f.sp.p.ID, 2, customer.Referral)
		resale := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)[0]

		t.Run("OK/Referral", func(t *testing.T) {
			bal, err := f.svc.TopUpCustomer(ctx, ref[0], amt("120.50"), "pay-1")
			wantErr(t, err, nil)
			if bal.String() != "120.50" || f.customerBalance(t, ref[0]) != "120.50" {
				t.Fatalf("balance %s / %s", bal, f.customerBalance(t, ref[0]))
			}
			bal, err = f.svc.TopUpCustomer(ctx, ref[0], amt("0.01"), "pay-2")
			wantErr(t, err, nil)
			if bal.String() != "120.51" {
				t.Fatalf("second top-up: %s", bal)
			}
			var partner string
			if err := d.SQL.QueryRow("SELECT partner_id FROM fund_accounts WHERE kind = 'customer' AND owner_id = $1", ref[0]).Scan(&partner); err != nil || partner != f.sp.p.ID {
				t.Fatalf("account under %q, %v", partner, err)
			}
			if n := f.count(t, `SELECT COUNT(*) FROM fund_ledger l JOIN fund_accounts a ON a.id = l.account_id
				WHERE a.owner_id = $1 AND l.operation = 'topup' AND l.reason LIKE '%pay-1'`, ref[0]); n != 1 {
				t.Fatalf("%d topup rows", n)
			}
		})
		t.Run("ErrResellerModel", func(t *testing.T) {
			_, err := f.svc.TopUpCustomer(ctx, resale, amt("10"), "x")
			wantErr(t, err, funds.ErrTopUpResellerModel)
		})
		t.Run("ErrAmount", func(t *testing.T) {
			for _, a := range []string{"0", "-1"} {
				_, err := f.svc.TopUpCustomer(ctx, ref[1], amt(a), "x")
				testworld.WantParam(t, err, "amount")
			}
		})
		t.Run("ErrReference", func(t *testing.T) {
			_, err := f.svc.TopUpCustomer(ctx, ref[1], amt("1"), strings.Repeat("r", 65))
			testworld.WantParam(t, err, "reference")
		})
		t.Run("ErrUnknownCustomer", func(t *testing.T) {
			_, err := f.svc.TopUpCustomer(ctx, ids.New(), amt("1"), "x")
			wantErr(t, err, funds.ErrTopUpCustomerNotFound)
		})
		t.Run("ErrNeverAssociated", func(t *testing.T) {
			id := ids.New()
			f.exec(t, `INSERT INTO customers (id, domain_name, domain_name_key, created_at, updated_at) VALUES ($1, $2, $2, $3, $3)`,
				id, unique("lone"), f.clock.Now())
			_, err := f.svc.TopUpCustomer(ctx, id, amt("1"), "x")
			wantErr(t, err, funds.ErrTopUpNoPartner)
		})
		t.Run("OK/AfterResaleEnded", func(t *testing.T) {
			id := f.mustCustomers(t, f.sp2.p.ID, 1, customer.Reseller)[0]
			f.exec(t, "UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2", f.clock.Now(), id)
			bal, err := f.svc.TopUpCustomer(ctx, id, amt("5"), "x")
			if err != nil || bal.String() != "5.00" {
				t.Fatalf("%s %v", bal, err)
			}
		})
		f.mustVerify(t)
	})
}

// A referral customer's own money stays with it when its association ends
// or switches to the reseller model; a reseller-model customer's goes back
// to the partner (TestOnDisassociatedReclaimsBalance).
func TestOnDisassociatedKeepsReferralMoney(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		c := f.mustCustomers(t, f.sp.p.ID, 3, customer.Referral)
		for _, id := range c {
			if _, err := f.svc.TopUpCustomer(ctx, id, amt("30"), "own"); err != nil {
				t.Fatal(err)
			}
		}
		hook := func(id, reason string) error {
			return d.InTx(ctx, func(tx *sql.Tx) error { return f.svc.OnDisassociated(ctx, tx, id, f.sp.p.ID, reason) })
		}
		end := func(id string) {
			f.clock.Advance(1e9)
			f.exec(t, "UPDATE customer_associations SET ended_at = $1 WHERE customer_id = $2 AND ended_at IS NULL", f.clock.Now(), id)
		}
		t.Run("OK/Disassociated", func(t *testing.T) {
			end(c[0])
			wantErr(t, hook(c[0], "disassociate"), nil)
			if got := f.customerBalance(t, c[0]); got != "30.00" {
				t.Fatalf("customer keeps %s, want 30.00", got)
			}
		})
		t.Run("OK/SwitchedToReseller", func(t *testing.T) {
			end(c[1])
			f.exec(t, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at) VALUES ($1, $2, $3, 2, $4)`,
				ids.New(), c[1], f.sp.p.ID, f.clock.Now())
			wantErr(t, hook(c[1], "switch_type"), nil)
			if got := f.customerBalance(t, c[1]); got != "30.00" {
				t.Fatalf("customer keeps %s, want 30.00", got)
			}
		})
		t.Run("OK/ResaleEndsAfterReferralPast", func(t *testing.T) {
			// c[2] was referral, switched to resale, got an allocation; the
			// resale association then ends: all goes back to the partner.
			end(c[2])
			f.exec(t, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at) VALUES ($1, $2, $3, 2, $4)`,
				ids.New(), c[2], f.sp.p.ID, f.clock.Now())
			end(c[2])
			wantErr(t, hook(c[2], "disassociate"), nil)
			if got := f.customerBalance(t, c[2]); got != "0.00" {
				t.Fatalf("customer keeps %s, want 0.00", got)
			}
		})
		if n := f.count(t, "SELECT COUNT(*) FROM fund_adjustments WHERE operation_type = $1", funds.OpTypeUnbind); n != 1 {
			t.Fatalf("%d unbind records, want 1", n)
		}
		f.mustVerify(t)
	})
}
