package funds_test

import (
	"context"
	"database/sql"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/platform/db"
)

func TestOnDisassociatedReclaimsBalance(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.mustTopUp(t, f.sp, "50")
		c := f.mustCustomers(t, f.sp.p.ID, 2, customer.Reseller)
		_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, funds.Transfer{TargetID: c[0], Amount: amt("20.20")})
		wantErr(t, err, nil)
		hook := func(id string) error {
			return d.InTx(ctx, func(tx *sql.Tx) error { return f.svc.OnDisassociated(ctx, tx, id, f.sp.p.ID, "disassociate") })
		}
		t.Run("OK", func(t *testing.T) {
			wantErr(t, hook(c[0]), nil)
			if got := f.customerBalance(t, c[0]); got != "0.00" {
				t.Fatalf("customer keeps %s", got)
			}
			if got := f.partnerBalance(t, f.sp).Balance.String(); got != "50.00" {
				t.Fatalf("partner balance %s", got)
			}
			recs, n, err := f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{OperationType: funds.OpTypeUnbind})
			wantErr(t, err, nil)
			if n != 1 || recs[0].Amount.String() != "20.20" || recs[0].TargetID != c[0] {
				t.Fatalf("unbind records %d %+v", n, recs)
			}
		})
		t.Run("Idempotent", func(t *testing.T) {
			wantErr(t, hook(c[0]), nil)
			wantErr(t, hook(c[1]), nil) // no account at all
			if n := f.count(t, "SELECT COUNT(*) FROM fund_adjustments WHERE operation_type = $1", funds.OpTypeUnbind); n != 1 {
				t.Fatalf("%d unbind records", n)
			}
		})
		f.mustVerify(t)
	})
}
