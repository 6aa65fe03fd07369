package customer_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/db"
)

// recordingHook records the associations it is told about and fails while
// fail is set.
type recordingHook struct {
	mu   sync.Mutex
	seen []customer.Association
	with []customer.Customer
	fail error
}

func (h *recordingHook) Associated(ctx context.Context, tx *sql.Tx, c customer.Customer, a customer.Association) error {
	// The hook runs inside the job's transaction: the association is
	// visible through tx.
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM customer_associations WHERE id = $1", a.ID).Scan(&n); err != nil || n != 1 {
		return errors.New("association not visible in the hook's transaction")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail != nil {
		return h.fail
	}
	h.seen = append(h.seen, a)
	h.with = append(h.with, c)
	return nil
}

func (h *recordingHook) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.seen)
}

func TestAssociationJob(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		hook := &recordingHook{}
		f.svc.SetAssociationHook(hook)
		f.startQueue(t)
		ctx := context.Background()

		t.Run("OK/TheJobAssociates", func(t *testing.T) {
			c := f.mustCreate(t, f.sp.main, newCustomer(f.sp))
			a := waitAssociation(t, f, c.ID)
			if a.PartnerID != f.sp.p.ID || a.Type != customer.Reseller || !a.AssociatedAt.Equal(f.clock.Now()) {
				t.Fatalf("association %+v", a)
			}
			if hook.count() != 1 || hook.with[0].ID != c.ID || hook.seen[0].ID != a.ID {
				t.Fatalf("hook saw %+v", hook.seen)
			}
		})

		t.Run("OK/IncludeAssociationResult", func(t *testing.T) {
			in := newCustomer(f.dist)
			in.IndirectPartnerID, in.IncludeAssociationResult, in.CooperationType = ptr(f.reseller.p.ID), ptr(true), ptr("1")
			c, err := f.svc.CreateSubCustomer(ctx, f.dist.main, in)
			if err != nil {
				t.Fatal(err)
			}
			a, ok, err := f.svc.CurrentAssociation(ctx, c.ID)
			if err != nil || !ok || a.PartnerID != f.reseller.p.ID || a.Type != customer.Referral {
				t.Fatalf("right after the call: %+v %v %v", a, ok, err)
			}
		})

		t.Run("OK/AssociateNowIsIdempotent", func(t *testing.T) {
			c := f.mustCreate(t, f.sp2.main, newCustomer(f.sp2))
			first, err := f.svc.AssociateNow(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			second, err := f.svc.AssociateNow(ctx, c.ID)
			if err != nil || second.ID != first.ID {
				t.Fatalf("second run: %+v (%v), want %+v", second, err, first)
			}
			time.Sleep(300 * time.Millisecond) // let the job find it made
			if got := f.count(t, "SELECT COUNT(*) FROM customer_associations WHERE customer_id = $1", c.ID); got != 1 {
				t.Fatalf("%d associations, want 1", got)
			}
		})

		t.Run("HookFailureRollsBack", func(t *testing.T) {
			hook.mu.Lock()
			hook.fail = errors.New("notification store down")
			hook.mu.Unlock()
			c := f.mustCreate(t, f.sp.main, newCustomer(f.sp))
			if _, err := f.svc.AssociateNow(ctx, c.ID); err == nil {
				t.Fatal("AssociateNow succeeded though the hook failed")
			}
			if _, ok, _ := f.svc.CurrentAssociation(ctx, c.ID); ok {
				t.Fatal("the association survived the hook's failure")
			}
			hook.mu.Lock()
			hook.fail = nil
			hook.mu.Unlock()
			if _, err := f.svc.AssociateNow(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("ErrUnknownCustomer", func(t *testing.T) {
			_, err := f.svc.AssociateNow(ctx, "0123456789abcdef0123456789abcdef")
			wantErr(t, err, customer.ErrCustomerNotFound)
		})
	})
}

func TestIncludeAssociationResultTimeout(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		// No queue runs: the association cannot come.
		f := mustFixture(t, d, withWait(200*time.Millisecond))
		in := newCustomer(f.sp)
		in.IncludeAssociationResult = ptr(true)
		start := time.Now()
		c, err := f.svc.CreateSubCustomer(context.Background(), f.sp.main, in)
		wantErr(t, err, customer.ErrAssociationTimeout)
		if elapsed := time.Since(start); elapsed < 200*time.Millisecond || elapsed > 3*time.Second {
			t.Errorf("waited %s, want about 200ms", elapsed)
		}
		if c.ID == "" || c.DomainName == "" {
			t.Fatalf("the timeout must still carry the account: %+v", c)
		}
		if _, err := f.svc.CustomerByID(context.Background(), c.ID); err != nil {
			t.Fatalf("the account must exist: %v", err)
		}
	})
}

// waitAssociation polls until the job has associated customerID.
func waitAssociation(tb testing.TB, f *fixture, customerID string) customer.Association {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		a, ok, err := f.svc.CurrentAssociation(context.Background(), customerID)
		if err != nil {
			tb.Fatal(err)
		}
		if ok {
			return a
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("customer %s was not associated within 15 s", customerID)
	return customer.Association{}
}
