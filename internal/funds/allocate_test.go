package funds_test

import (
	"context"
	"testing"
	"time"

	"database/sql"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestTopUpAndCreditLine(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		t.Run("OK", func(t *testing.T) {
			f.mustTopUp(t, f.sp, "100.50")
			a, err := f.svc.SetCreditLine(ctx, f.op, f.sp.p.ID, amt("50"), "line")
			wantErr(t, err, nil)
			if got, want := a.Available().String(), "150.50"; got != want {
				t.Fatalf("available %s, want %s", got, want)
			}
		})
		t.Run("ErrForbidden/Partner", func(t *testing.T) {
			_, err := f.svc.TopUp(ctx, f.sp.main, f.sp.p.ID, amt("1"), "")
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.SetCreditLine(ctx, f.sp.main, f.sp.p.ID, amt("1"), "")
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrAmount", func(t *testing.T) {
			for _, v := range []string{"0", "-1"} {
				_, err := f.svc.TopUp(ctx, f.op, f.sp.p.ID, amt(v), "")
				wantCode(t, err, "CBC.0100")
			}
			_, err := f.svc.SetCreditLine(ctx, f.op, f.sp.p.ID, amt("-1"), "")
			wantCode(t, err, "CBC.0100")
		})
		t.Run("ErrPartnerNotFound", func(t *testing.T) {
			_, err := f.svc.TopUp(ctx, f.op, "nope", amt("1"), "")
			wantErr(t, err, funds.ErrPartnerNotFound)
		})
		t.Run("CreditUsedAndRepaid", func(t *testing.T) {
			c := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)[0]
			// 150.50 available: 100.50 balance + 50 credit.
			_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, funds.Transfer{TargetID: c, Amount: amt("120.50")})
			wantErr(t, err, nil)
			a := f.partnerBalance(t, f.sp)
			if a.Balance.String() != "0.00" || a.CreditUsed.String() != "20.00" || a.Available().String() != "30.00" {
				t.Fatalf("after credit use: %+v", a)
			}
			_, err = f.svc.SetCreditLine(ctx, f.op, f.sp.p.ID, amt("10"), "")
			wantErr(t, err, funds.ErrCreditBelowUsed)
			f.mustTopUp(t, f.sp, "25")
			a = f.partnerBalance(t, f.sp)
			if a.Balance.String() != "5.00" || a.CreditUsed.String() != "0.00" {
				t.Fatalf("after repay: %+v", a)
			}
			f.mustVerify(t)
		})
	})
}

func TestCustomerTransfers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.mustTopUp(t, f.sp, "100")
		res := f.mustCustomers(t, f.sp.p.ID, 2, customer.Reseller)
		ref := f.mustCustomers(t, f.sp.p.ID, 1, customer.Referral)[0]
		other := f.mustCustomers(t, f.sp2.p.ID, 1, customer.Reseller)[0]
		tr := func(id, amount string) funds.Transfer { return funds.Transfer{TargetID: id, Amount: amt(amount)} }

		t.Run("OK", func(t *testing.T) {
			id, err := f.svc.AllocateToCustomer(ctx, f.sp.main, tr(res[0], "60.25"))
			wantErr(t, err, nil)
			if len(id) != 32 {
				t.Fatalf("transfer id %q", id)
			}
			if got, want := f.customerBalance(t, res[0]), "60.25"; got != want {
				t.Fatalf("customer balance %s, want %s", got, want)
			}
			_, err = f.svc.ReclaimFromCustomer(ctx, f.sp.main, tr(res[0], "10.25"))
			wantErr(t, err, nil)
			if got, want := f.customerBalance(t, res[0]), "50.00"; got != want {
				t.Fatalf("customer balance %s, want %s", got, want)
			}
			if got, want := f.partnerBalance(t, f.sp).Balance.String(), "50.00"; got != want {
				t.Fatalf("partner balance %s, want %s", got, want)
			}
		})
		t.Run("ErrInsufficient/Allocate", func(t *testing.T) {
			_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, tr(res[1], "50.01"))
			wantErr(t, err, funds.ErrInsufficient)
			wantCode(t, err, "CBC.99005003")
		})
		t.Run("ErrInsufficient/Reclaim", func(t *testing.T) {
			_, err := f.svc.ReclaimFromCustomer(ctx, f.sp.main, tr(res[0], "50.01"))
			wantErr(t, err, funds.ErrInsufficient)
		})
		t.Run("ErrNoAccount", func(t *testing.T) {
			_, err := f.svc.ReclaimFromCustomer(ctx, f.sp.main, tr(res[1], "1"))
			wantErr(t, err, funds.ErrNoAccount)
		})
		t.Run("ErrAmount", func(t *testing.T) {
			for _, v := range []string{"0", "-5"} {
				_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, tr(res[0], v))
				wantCode(t, err, "CBC.0100")
			}
		})
		t.Run("ErrNotResellerModel", func(t *testing.T) {
			_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, tr(ref, "1"))
			wantErr(t, err, funds.ErrNotResellerModel)
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			_, err := f.svc.AllocateToCustomer(ctx, without(f.sp.main, identity.PermFundsAllocate), tr(res[0], "1"))
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrNoCustomerPermission", func(t *testing.T) {
			a := f.sp.main
			a.Scope = identity.Scope{Kind: identity.ScopeOwn, ManagerIDs: []string{"someone"}}
			_, err := f.svc.AllocateToCustomer(ctx, a, tr(res[0], "1"))
			wantErr(t, err, funds.ErrNoCustomerPermission)
		})
		t.Run("CrossTenant", func(t *testing.T) {
			_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, tr(other, "1"))
			wantErr(t, err, funds.ErrNotYourCustomer)
			f.mustTopUp(t, f.sp2, "10")
			_, err = f.svc.ReclaimFromCustomer(ctx, f.sp2.main, tr(res[0], "1"))
			wantErr(t, err, funds.ErrNotYourCustomer)
			recs, n, err := f.svc.AdjustRecords(ctx, f.sp2.main, funds.AdjustFilter{})
			wantErr(t, err, nil)
			if n != 0 || len(recs) != 0 {
				t.Fatalf("sp2 sees %d records", n)
			}
			_, _, err = f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{IndirectPartnerID: f.reseller.p.ID})
			wantErr(t, err, funds.ErrNotYourReseller)
		})
		t.Run("Records", func(t *testing.T) {
			recs, n, err := f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{})
			wantErr(t, err, nil)
			if n != 2 || recs[0].OperationType != funds.OpTypeRetrieve || recs[1].OperationType != funds.OpTypeAdjust {
				t.Fatalf("records %d %+v", n, recs)
			}
			_, n, _ = f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{OperationType: funds.OpTypeAdjust})
			if n != 1 {
				t.Fatalf("filtered by type: %d", n)
			}
			_, n, _ = f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{TransID: recs[0].TransID})
			if n != 1 {
				t.Fatalf("filtered by trans id: %d", n)
			}
			_, n, _ = f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{TargetID: res[1]})
			if n != 0 {
				t.Fatalf("filtered by customer: %d", n)
			}
			later := t0.Add(time.Second)
			_, n, _ = f.svc.AdjustRecords(ctx, f.sp.main, funds.AdjustFilter{From: &later})
			if n != 0 {
				t.Fatalf("filtered by time: %d", n)
			}
			list, total, err := f.svc.CustomerBalances(ctx, f.sp.main, 0, 10)
			wantErr(t, err, nil)
			if total != 2 || len(list) != 2 {
				t.Fatalf("customer balances %d %+v", total, list)
			}
		})
		f.mustVerify(t)
	})
}

func TestResellerTransfers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.mustTopUp(t, f.dist, "100")
		tr := func(id, amount string) funds.Transfer { return funds.Transfer{TargetID: id, Amount: amt(amount)} }
		t.Run("OK", func(t *testing.T) {
			_, err := f.svc.AllocateToReseller(ctx, f.dist.main, tr(f.reseller.p.ID, "70"))
			wantErr(t, err, nil)
			_, err = f.svc.ReclaimFromReseller(ctx, f.dist.main, tr(f.reseller.p.ID, "20"))
			wantErr(t, err, nil)
			got, err := f.svc.PartnerAccount(ctx, f.dist.main, f.reseller.p.ID)
			wantErr(t, err, nil)
			if got.Balance.String() != "50.00" {
				t.Fatalf("reseller balance %s", got.Balance)
			}
			list, err := f.svc.ResellerBalances(ctx, f.dist.main)
			wantErr(t, err, nil)
			if len(list) != 1 || list[0].Balance.String() != "50.00" {
				t.Fatalf("reseller balances %+v", list)
			}
		})
		t.Run("ErrInsufficient", func(t *testing.T) {
			_, err := f.svc.AllocateToReseller(ctx, f.dist.main, tr(f.reseller.p.ID, "50.01"))
			wantErr(t, err, funds.ErrInsufficient)
			_, err = f.svc.ReclaimFromReseller(ctx, f.dist.main, tr(f.reseller.p.ID, "50.01"))
			wantErr(t, err, funds.ErrInsufficient)
		})
		t.Run("ResellerCreditNotReclaimed", func(t *testing.T) {
			_, err := f.svc.SetCreditLine(ctx, f.op, f.reseller.p.ID, amt("1000"), "")
			wantErr(t, err, nil)
			_, err = f.svc.ReclaimFromReseller(ctx, f.dist.main, tr(f.reseller.p.ID, "60"))
			wantErr(t, err, funds.ErrInsufficient)
		})
		t.Run("ErrNotDistributor", func(t *testing.T) {
			_, err := f.svc.AllocateToReseller(ctx, f.sp.main, tr(f.reseller.p.ID, "1"))
			wantErr(t, err, funds.ErrNotDistributor)
		})
		t.Run("CrossTenant", func(t *testing.T) {
			other := f.mustTenant(t, identity.Distributor, "")
			f.mustTopUp(t, other, "10")
			_, err := f.svc.AllocateToReseller(ctx, other.main, tr(f.reseller.p.ID, "1"))
			wantErr(t, err, funds.ErrNotYourReseller)
			_, err = f.svc.ReclaimFromReseller(ctx, other.main, tr(f.reseller.p.ID, "1"))
			wantErr(t, err, funds.ErrNotYourReseller)
			_, err = f.svc.PartnerAccount(ctx, other.main, f.reseller.p.ID)
			wantErr(t, err, funds.ErrNotYourReseller)
			_, err = f.svc.AllocateToReseller(ctx, f.dist.main, tr(f.sp.p.ID, "1"))
			wantErr(t, err, funds.ErrNotYourReseller)
		})
		t.Run("IndirectCustomer", func(t *testing.T) {
			c := f.mustCustomers(t, f.reseller.p.ID, 1, customer.Reseller)[0]
			_, err := f.svc.AllocateToCustomer(ctx, f.dist.main, funds.Transfer{TargetID: c, Amount: amt("5"), IndirectPartnerID: f.reseller.p.ID})
			wantErr(t, err, nil)
			_, err = f.svc.AllocateToCustomer(ctx, f.dist.main, funds.Transfer{TargetID: c, Amount: amt("5")})
			wantErr(t, err, funds.ErrNotYourCustomer)
			recs, n, err := f.svc.AdjustRecords(ctx, f.dist.main, funds.AdjustFilter{IndirectPartnerID: f.reseller.p.ID})
			wantErr(t, err, nil)
			if n != 1 || recs[0].TargetID != c {
				t.Fatalf("reseller records %d %+v", n, recs)
			}
		})
		f.mustVerify(t)
	})
}

func TestDebitAndCreditTx(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.mustTopUp(t, f.sp, "10")
		c := f.mustCustomers(t, f.sp.p.ID, 1, customer.Reseller)[0]
		_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, funds.Transfer{TargetID: c, Amount: amt("8")})
		wantErr(t, err, nil)
		inTx := func(fn func(tx *sql.Tx) error) error { return d.InTx(ctx, fn) }
		t.Run("Debit", func(t *testing.T) {
			err := inTx(func(tx *sql.Tx) error {
				return f.svc.DebitTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: c, Amount: amt("7.99"), Reason: "order 1"})
			})
			wantErr(t, err, nil)
			if got := f.customerBalance(t, c); got != "0.01" {
				t.Fatalf("balance %s", got)
			}
		})
		t.Run("ErrInsufficient", func(t *testing.T) {
			err := inTx(func(tx *sql.Tx) error {
				return f.svc.DebitTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: c, Amount: amt("0.02")})
			})
			wantErr(t, err, funds.ErrInsufficient)
			err = inTx(func(tx *sql.Tx) error {
				return f.svc.DebitTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: "none", Amount: amt("0.02")})
			})
			wantErr(t, err, funds.ErrInsufficient)
		})
		t.Run("RolledBackWithCaller", func(t *testing.T) {
			err := inTx(func(tx *sql.Tx) error {
				if err := f.svc.DebitTx(ctx, tx, funds.Movement{Kind: funds.KindPartner, OwnerID: f.sp.p.ID, Amount: amt("1")}); err != nil {
					return err
				}
				return funds.ErrInsufficient // the caller's payment fails later
			})
			wantErr(t, err, funds.ErrInsufficient)
			if got := f.partnerBalance(t, f.sp).Balance.String(); got != "2.00" {
				t.Fatalf("partner balance %s after rollback", got)
			}
		})
		t.Run("Refund", func(t *testing.T) {
			err := inTx(func(tx *sql.Tx) error {
				if err := f.svc.CreditTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: c, Amount: amt("3"), Reason: "refund"}, f.sp.p.ID); err != nil {
					return err
				}
				return f.svc.CreditTx(ctx, tx, funds.Movement{Kind: funds.KindPartner, OwnerID: f.sp.p.ID, Amount: amt("1")}, "")
			})
			wantErr(t, err, nil)
			if got := f.customerBalance(t, c); got != "3.01" {
				t.Fatalf("balance %s", got)
			}
			err = inTx(func(tx *sql.Tx) error {
				return f.svc.CreditTx(ctx, tx, funds.Movement{Kind: funds.KindCustomer, OwnerID: c, Amount: amt("0")}, f.sp.p.ID)
			})
			wantCode(t, err, "CBC.0100")
		})
		rep := f.mustVerify(t)
		if rep.Accounts != 2 {
			t.Fatalf("verified %d accounts", rep.Accounts)
		}
	})
}

func TestVerifyLedgerFindsTampering(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		f.mustTopUp(t, f.sp, "10")
		f.mustVerify(t)
		f.exec(t, "UPDATE fund_accounts SET balance = balance + 1 WHERE owner_id = $1", f.sp.p.ID)
		rep, err := f.svc.VerifyLedger(context.Background())
		wantErr(t, err, nil)
		if len(rep.Problems) != 1 {
			t.Fatalf("problems %v", rep.Problems)
		}
	})
}
