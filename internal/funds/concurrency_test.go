package funds_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/platform/db"
)

// TestRacingAllocationsNeverOverdraw races allocations and reclaims from
// one partner account: exactly as many allocations succeed as the balance
// covers, nothing goes negative, and the ledger verifies clean.
func TestRacingAllocationsNeverOverdraw(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		f.mustTopUp(t, f.sp, "100")
		custs := f.mustCustomers(t, f.sp.p.ID, 4, customer.Reseller)
		const workers, each = 8, 5 // 40 attempts of 5.00 against 100.00
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, refused := 0, 0
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range each {
					c := custs[(w+i)%len(custs)]
					_, err := f.svc.AllocateToCustomer(ctx, f.sp.main, funds.Transfer{TargetID: c, Amount: amt("5")})
					mu.Lock()
					switch {
					case err == nil:
						ok++
					case errors.Is(err, funds.ErrInsufficient):
						refused++
					default:
						t.Errorf("allocate: %v", err)
					}
					mu.Unlock()
					if i%2 == 1 { // a reclaim racing in the other direction
						_, err := f.svc.ReclaimFromCustomer(ctx, f.sp.main, funds.Transfer{TargetID: c, Amount: amt("0.01")})
						if err != nil && !errors.Is(err, funds.ErrInsufficient) && !errors.Is(err, funds.ErrNoAccount) {
							t.Errorf("reclaim: %v", err)
						}
					}
				}
			}()
		}
		wg.Wait()
		if ok+refused != workers*each || ok < 20 {
			t.Fatalf("%d allocations succeeded, %d refused", ok, refused)
		}
		a := f.partnerBalance(t, f.sp)
		if a.Balance.IsNegative() {
			t.Fatalf("negative balance %s", a.Balance)
		}
		var sum int64
		if err := d.SQL.QueryRow("SELECT COALESCE(SUM(balance), 0) FROM fund_accounts WHERE kind = 'customer'").Scan(&sum); err != nil {
			t.Fatal(err)
		}
		if total := sum + a.Balance.Cents(); total != 10000 {
			t.Fatalf("money created or lost: %d cents in all", total)
		}
		f.mustVerify(t)
	})
}
