package customer_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
)

// relHook records the DisassociationHook's calls and fails when told to.
type relHook struct {
	mu    sync.Mutex
	calls []string
	fail  error
}

func (h *relHook) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail != nil {
		return h.fail
	}
	// The hook runs inside the change: the association has ended in tx.
	var ended int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM customer_associations WHERE customer_id = $1 AND partner_id = $2
		AND ended_at IS NOT NULL`, customerID, partnerID).Scan(&ended); err != nil {
		return err
	}
	if ended == 0 {
		return errors.New("hook called before the association ended")
	}
	h.calls = append(h.calls, customerID+"/"+partnerID+"/"+reason)
	return nil
}

func (h *relHook) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.calls...)
}

// blocker refuses with err while on.
type blocker struct {
	on   bool
	err  error
	seen []string
}

func (b *blocker) CheckDisassociation(_ context.Context, _ *sql.Tx, customerID, partnerID string, kind customer.ChangeKind) error {
	b.seen = append(b.seen, string(kind))
	if b.on {
		return b.err
	}
	return nil
}

// relFixture is the fixture with the relation hooks installed.
type relFixture struct {
	*fixture
	hook  *relHook
	binds *bindRecorder
	block *blocker
}

// errPendingPayment stands in for the commerce domain's refusal.
var errPendingPayment = apperr.New("PC.0409", "err.relations_pending").With("why", "orders awaiting partner payment")

func mustRelFixture(t *testing.T, d *db.DB) *relFixture {
	f := &relFixture{fixture: mustFixture(t, d), hook: &relHook{}, binds: &bindRecorder{},
		block: &blocker{err: errPendingPayment}}
	f.svc.SetDisassociationHook(f.hook)
	f.svc.SetBindHook(f.binds)
	f.svc.AddDisassociationBlocker(f.block)
	return f
}

// mustRelCustomer is an associated customer of t (reseller model) with a
// password, a platform binding and a mobile.
func (f *relFixture) mustRelCustomer(tb testing.TB, t tenant) customer.Customer {
	tb.Helper()
	c := f.mustPasswordCustomer(tb, t)
	c.MobileCountryCode, c.Mobile = "0086", newMobile()
	f.exec(tb, "UPDATE customers SET mobile_country_code = $1, mobile = $2 WHERE id = $3", c.MobileCountryCode, c.Mobile, c.ID)
	return c
}

func (f *relFixture) mustRequest(tb testing.TB, actor identity.Actor, c customer.Customer, kind customer.ChangeKind) customer.AssociationRequest {
	tb.Helper()
	r, err := f.svc.RequestAssociationChange(context.Background(), actor, customer.ChangeRequest{CustomerID: c.ID, Kind: kind, Reason: "r"})
	if err != nil {
		tb.Fatalf("request %s of %s: %v", kind, c.ID, err)
	}
	return r
}

// mustCode sends the confirmation code of r to c and reads it from the
// outbox.
func (f *relFixture) mustCode(tb testing.TB, c customer.Customer, r customer.AssociationRequest) string {
	tb.Helper()
	f.clock.Advance(time.Second)
	if err := f.svc.SendRelationCode(context.Background(), c.ID, r.ID); err != nil {
		tb.Fatalf("send code: %v", err)
	}
	return f.lastCode(tb, "+86"+c.Mobile)
}

func (f *relFixture) mustConfirm(tb testing.TB, c customer.Customer, r customer.AssociationRequest) {
	tb.Helper()
	if _, err := f.svc.ConfirmAssociationRequest(context.Background(), c.ID, r.ID, f.mustCode(tb, c, r)); err != nil {
		tb.Fatalf("confirm: %v", err)
	}
}

func (f *relFixture) current(tb testing.TB, id string) (customer.Association, bool) {
	tb.Helper()
	a, ok, err := f.svc.CurrentAssociation(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return a, ok
}

func (f *relFixture) status(tb testing.TB, requestID string) string {
	tb.Helper()
	var st string
	if err := f.db.SQL.QueryRow("SELECT status FROM association_requests WHERE id = $1", requestID).Scan(&st); err != nil {
		tb.Fatal(err)
	}
	return st
}

func TestPartnerDisassociationConfirmed(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		m, _, err := f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("am"),
			Roles: []string{identity.PresetAccountManager}})
		if err != nil {
			t.Fatal(err)
		}
		f.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id = $2", m.ID, c.ID)

		r := f.mustRequest(t, f.sp.main, c, customer.ChangeDisassociate)
		if r.Initiator != customer.InitiatedByPartner || r.FromType != customer.Reseller || !r.Pending() ||
			!r.ExpiresAt.Equal(f.clock.Now().Add(customer.RequestTTL)) {
			t.Fatalf("request %+v", r)
		}
		msgs, err := f.outbox.List(ctx, outbox.Filter{To: "+86" + c.Mobile, Limit: 1})
		if err != nil || len(msgs) != 1 || !strings.Contains(msgs[0].Body, f.sp.p.Name) {
			t.Fatalf("no notice to the customer: %v %v", msgs, err)
		}
		mine, err := f.svc.MyRelations(ctx, c.ID)
		wantErr(t, err, nil)
		if len(mine.Awaiting) != 1 || mine.Awaiting[0].ID != r.ID || mine.Filed != nil {
			t.Fatalf("awaiting %+v", mine.Awaiting)
		}

		t.Run("ErrCodeWrong", func(t *testing.T) {
			code := f.mustCode(t, c, r)
			wrong := "000000"
			if code == wrong {
				wrong = "111111"
			}
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, wrong)
			wantErr(t, err, customer.ErrCodeWrong)
			if _, ok := f.current(t, c.ID); !ok || f.status(t, r.ID) != "pending" {
				t.Fatal("a wrong code changed the association")
			}
		})
		t.Run("ErrCodeExpired", func(t *testing.T) {
			code := f.mustCode(t, c, r)
			f.clock.Advance(customer.DefaultCodeTTL + time.Second)
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, code)
			wantErr(t, err, customer.ErrCodeExpired)
			if _, ok := f.current(t, c.ID); !ok {
				t.Fatal("an expired code changed the association")
			}
		})
		t.Run("RegistrationCodeDoesNotConfirm", func(t *testing.T) {
			code := f.mustSendCode(t, f.sp.main, c.Mobile)
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, code)
			if !errors.Is(err, customer.ErrCodeWrong) && !errors.Is(err, customer.ErrCodeExpired) {
				t.Fatalf("got %v", err)
			}
		})
		t.Run("OK", func(t *testing.T) {
			f.mustConfirm(t, c, r)
			if _, ok := f.current(t, c.ID); ok {
				t.Fatal("still associated")
			}
			if got := f.hook.got(); len(got) != 1 || got[0] != c.ID+"/"+f.sp.p.ID+"/disassociate" {
				t.Fatalf("hook calls %v", got)
			}
			if len(f.binds.unbound) != 1 || f.binds.unbound[0] != f.sp.p.ID+"/"+c.ID+"/"+c.XAccountID {
				t.Fatalf("unbind notices %v", f.binds.unbound)
			}
			now, err := f.svc.CustomerByID(ctx, c.ID)
			wantErr(t, err, nil)
			if now.XAccountID != "" || now.AccountManagerID != "" || now.Frozen() {
				t.Fatalf("the partnership's traces stay: %+v", now)
			}
			if f.status(t, r.ID) != "completed" {
				t.Fatal("request not completed")
			}
			if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'customer.relation_completed' AND target = $1", c.ID); n != 1 {
				t.Fatalf("%d audit rows", n)
			}
			mine, err := f.svc.MyRelations(ctx, c.ID)
			wantErr(t, err, nil)
			if mine.Associated || len(mine.Records) != 1 || mine.Records[0].EndedBy == nil || mine.Records[0].EndedBy.ID != r.ID ||
				mine.Records[0].PartnerName != f.sp.p.Name {
				t.Fatalf("records %+v", mine.Records)
			}
			// The partner still sees its history with the customer.
			rel, err := f.svc.CustomerRelations(ctx, f.sp.main, c.ID)
			wantErr(t, err, nil)
			if rel.Associated || len(rel.Records) != 1 || len(rel.Requests) != 1 || rel.Open != nil {
				t.Fatalf("relations %+v", rel)
			}
		})
		t.Run("ErrRequestNotPending", func(t *testing.T) {
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, "123456")
			wantErr(t, err, customer.ErrRequestNotPending)
			if len(f.hook.got()) != 1 {
				t.Fatal("hook called twice")
			}
		})
		t.Run("NoBindingNoNotice", func(t *testing.T) {
			other := f.mustRelCustomer(t, f.sp)
			f.exec(t, "UPDATE customers SET xaccount_type = NULL, xaccount_id = NULL WHERE id = $1", other.ID)
			n := len(f.binds.unbound)
			f.mustConfirm(t, other, f.mustRequest(t, f.sp.main, other, customer.ChangeDisassociate))
			if len(f.binds.unbound) != n {
				t.Fatal("an unbound customer's disassociation sent an unbind notice")
			}
		})
	})
}

func TestPartnerSwitchType(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		f.exec(t, "UPDATE customer_associations SET type = 1 WHERE customer_id = $1", c.ID)
		old, _ := f.current(t, c.ID)

		r := f.mustRequest(t, f.sp.main, c, customer.ChangeSwitchType)
		if r.FromType != customer.Referral || r.ToType != customer.Reseller {
			t.Fatalf("request %+v", r)
		}
		f.clock.Advance(time.Hour)
		f.mustConfirm(t, c, r)
		now, ok := f.current(t, c.ID)
		if !ok || now.ID == old.ID || now.Type != customer.Reseller || now.PartnerID != f.sp.p.ID || !now.AssociatedAt.Equal(f.clock.Now()) {
			t.Fatalf("current %+v (old %+v)", now, old)
		}
		got, err := f.svc.CustomerByID(ctx, c.ID)
		wantErr(t, err, nil)
		if got.FreezeState != customer.FrozenAccount || got.XAccountID != c.XAccountID {
			t.Fatalf("after the switch to reseller: %+v", got)
		}
		if h := f.hook.got(); len(h) != 1 || h[0] != c.ID+"/"+f.sp.p.ID+"/switch_type" {
			t.Fatalf("hook calls %v", h)
		}
		if len(f.binds.unbound) != 0 {
			t.Fatal("a switch sent an unbind notice")
		}
		rel, err := f.svc.CustomerRelations(ctx, f.sp.main, c.ID)
		wantErr(t, err, nil)
		if len(rel.Records) != 2 || rel.Records[0].StartedBy == nil || rel.Records[0].StartedBy.ID != r.ID ||
			rel.Records[1].EndedBy == nil || rel.Records[1].EndedBy.ID != r.ID {
			t.Fatalf("records %+v", rel.Records)
		}
		if want := r.CreatedAt.AddDate(0, 3, 0); !rel.NextAllowed.Equal(want) {
			t.Fatalf("next allowed %v, want %v", rel.NextAllowed, want)
		}
		t.Run("BackToReferralUnfreezes", func(t *testing.T) {
			f.clock.Advance(92 * 24 * time.Hour)
			f.mustConfirm(t, c, f.mustRequest(t, f.sp.main, c, customer.ChangeSwitchType))
			a, _ := f.current(t, c.ID)
			got, _ := f.svc.CustomerByID(ctx, c.ID)
			if a.Type != customer.Referral || got.Frozen() {
				t.Fatalf("%+v frozen %v", a, got.FreezeState)
			}
			if n := f.count(t, "SELECT COUNT(*) FROM customer_associations WHERE customer_id = $1", c.ID); n != 3 {
				t.Fatalf("%d associations, want 3", n)
			}
		})
	})
}

func TestRelationOncePerThreeMonths(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		req := func(kind customer.ChangeKind) error {
			_, err := f.svc.RequestAssociationChange(ctx, f.sp.main, customer.ChangeRequest{CustomerID: c.ID, Kind: kind})
			return err
		}

		first := f.mustRequest(t, f.sp.main, c, customer.ChangeSwitchType)
		t.Run("ErrRelationPending", func(t *testing.T) {
			wantErr(t, req(customer.ChangeDisassociate), customer.ErrRelationPending)
			_, err := f.svc.RequestDisassociationByCustomer(ctx, c.ID, "")
			wantErr(t, err, customer.ErrRelationPending)
		})
		t.Run("DeclinedDoesNotCount", func(t *testing.T) {
			wantErr(t, f.svc.DeclineAssociationRequest(ctx, c.ID, first.ID), nil)
			if f.status(t, first.ID) != "declined" {
				t.Fatal("not declined")
			}
			wantErr(t, f.svc.DeclineAssociationRequest(ctx, c.ID, first.ID), customer.ErrRequestNotPending)
		})
		var second customer.AssociationRequest
		t.Run("ExpiresAfterSevenDays", func(t *testing.T) {
			second = f.mustRequest(t, f.sp.main, c, customer.ChangeSwitchType)
			code := f.mustCode(t, c, second)
			f.clock.Advance(customer.RequestTTL)
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, second.ID, code)
			wantErr(t, err, customer.ErrRequestExpired)
			list, _, err := f.svc.ListAssociationRequests(ctx, f.sp.main, customer.RequestFilter{Status: customer.RequestExpired})
			wantErr(t, err, nil)
			if len(list) != 1 || list[0].ID != second.ID {
				t.Fatalf("expired list %+v", list)
			}
		})
		t.Run("ConfirmedCounts", func(t *testing.T) {
			third := f.mustRequest(t, f.sp.main, c, customer.ChangeSwitchType)
			if f.status(t, second.ID) != "expired" {
				t.Fatal("the stale request was not marked expired")
			}
			f.mustConfirm(t, c, third)
			f.clock.Advance(80 * 24 * time.Hour)
			err := req(customer.ChangeDisassociate)
			wantErr(t, err, customer.ErrRelationTooSoon)
			if e, _ := apperr.As(err); e.Args["next"] != third.CreatedAt.Add(8*time.Hour).AddDate(0, 3, 0).Format("2006-01-02") {
				t.Fatalf("next %v", e.Args)
			}
			f.clock.Set(third.CreatedAt.AddDate(0, 3, 0).Add(-time.Second))
			wantErr(t, req(customer.ChangeDisassociate), customer.ErrRelationTooSoon)
			f.clock.Set(third.CreatedAt.AddDate(0, 3, 0))
			wantErr(t, req(customer.ChangeDisassociate), nil)
		})
		t.Run("PerPartner", func(t *testing.T) {
			// Another customer of the same partner has its own window.
			other := f.mustRelCustomer(t, f.sp)
			f.mustRequest(t, f.sp.main, other, customer.ChangeDisassociate)
		})
	})
}

func TestCustomerDisassociationRequest(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)

		r, err := f.svc.RequestDisassociationByCustomer(ctx, c.ID, "moving on")
		wantErr(t, err, nil)
		if r.Initiator != customer.InitiatedByCustomer || r.PartnerID != f.sp.p.ID || r.Kind != customer.ChangeDisassociate {
			t.Fatalf("request %+v", r)
		}
		t.Run("PartnerSeesIt", func(t *testing.T) {
			list, total, err := f.svc.ListAssociationRequests(ctx, f.sp.main, customer.RequestFilter{
				Status: customer.RequestPending, Initiator: customer.InitiatedByCustomer})
			wantErr(t, err, nil)
			if total != 1 || len(list) != 1 || list[0].ID != r.ID || list[0].Reason != "moving on" || list[0].CustomerName != c.DomainName {
				t.Fatalf("list %d %+v", total, list)
			}
			list, _, err = f.svc.ListAssociationRequests(ctx, f.sp.main, customer.RequestFilter{Initiator: customer.InitiatedByPartner})
			wantErr(t, err, nil)
			if len(list) != 0 {
				t.Fatalf("partner-initiated filter shows %+v", list)
			}
		})
		t.Run("CustomerCannotConfirmItsOwn", func(t *testing.T) {
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, "123456")
			wantErr(t, err, customer.ErrRequestNotFound)
		})
		t.Run("ErrRejectReasonRequired", func(t *testing.T) {
			wantErr(t, f.svc.RejectAssociationRequest(ctx, f.sp.main, r.ID, "  "), customer.ErrRejectReasonRequired)
		})
		t.Run("Rejected", func(t *testing.T) {
			wantErr(t, f.svc.RejectAssociationRequest(ctx, f.sp.main, r.ID, "unpaid invoices"), nil)
			mine, err := f.svc.MyRelations(ctx, c.ID)
			wantErr(t, err, nil)
			if len(mine.Requests) != 1 || mine.Requests[0].Status != customer.RequestRejected ||
				mine.Requests[0].DecisionReason != "unpaid invoices" || !mine.Associated || !mine.NextAllowed.IsZero() {
				t.Fatalf("mine %+v", mine)
			}
			_, err = f.svc.ApproveAssociationRequest(ctx, f.sp.main, r.ID)
			wantErr(t, err, customer.ErrRequestNotPending)
		})
		t.Run("Approved", func(t *testing.T) {
			again, err := f.svc.RequestDisassociationByCustomer(ctx, c.ID, "")
			wantErr(t, err, nil)
			done, err := f.svc.ApproveAssociationRequest(ctx, f.sp.main, again.ID)
			wantErr(t, err, nil)
			if done.Status != customer.RequestCompleted {
				t.Fatalf("%+v", done)
			}
			if _, ok := f.current(t, c.ID); ok {
				t.Fatal("still associated")
			}
			if got := f.hook.got(); len(got) != 1 || !strings.HasSuffix(got[0], "/disassociate") {
				t.Fatalf("hook calls %v", got)
			}
			if len(f.binds.unbound) != 1 {
				t.Fatalf("unbind notices %v", f.binds.unbound)
			}
			_, err = f.svc.RequestDisassociationByCustomer(ctx, c.ID, "")
			wantErr(t, err, customer.ErrRelationNotAssociated)
		})
		t.Run("CustomerOncePerThreeMonths", func(t *testing.T) {
			// Associated with another partner within the window, the
			// customer may not file again.
			f.exec(t, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
				VALUES ($1, $2, $3, 1, $4)`, unique("assoc"), c.ID, f.sp2.p.ID, f.clock.Now())
			f.clock.Advance(30 * 24 * time.Hour)
			_, err := f.svc.RequestDisassociationByCustomer(ctx, c.ID, "")
			wantErr(t, err, customer.ErrRelationTooSoon)
			f.clock.Advance(62 * 24 * time.Hour)
			_, err = f.svc.RequestDisassociationByCustomer(ctx, c.ID, "")
			wantErr(t, err, nil)
		})
	})
}

func TestDisassociationBlocker(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		t.Run("RefusesTheRequest", func(t *testing.T) {
			f.block.on = true
			defer func() { f.block.on = false }()
			_, err := f.svc.RequestAssociationChange(ctx, f.sp.main, customer.ChangeRequest{CustomerID: c.ID, Kind: customer.ChangeDisassociate})
			wantErr(t, err, errPendingPayment)
			if e, _ := apperr.As(err); e.Args["why"] != "orders awaiting partner payment" {
				t.Fatalf("the blocker's reason was lost: %v", err)
			}
			_, err = f.svc.RequestDisassociationByCustomer(ctx, c.ID, "")
			wantErr(t, err, errPendingPayment)
			if n := f.count(t, "SELECT COUNT(*) FROM association_requests WHERE customer_id = $1", c.ID); n != 0 {
				t.Fatalf("%d requests stored", n)
			}
		})
		t.Run("RefusesTheCompletion", func(t *testing.T) {
			r := f.mustRequest(t, f.sp.main, c, customer.ChangeDisassociate)
			code := f.mustCode(t, c, r)
			f.block.on = true
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, code)
			f.block.on = false
			wantErr(t, err, errPendingPayment)
			if _, ok := f.current(t, c.ID); !ok || f.status(t, r.ID) != "pending" || len(f.hook.got()) != 0 {
				t.Fatal("a blocked confirmation changed something")
			}
			// Once the blocker is gone, the same request completes.
			f.mustConfirm(t, c, r)
			if _, ok := f.current(t, c.ID); ok {
				t.Fatal("still associated")
			}
		})
	})
}

func TestDisassociationHookRollsBack(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		r := f.mustRequest(t, f.sp.main, c, customer.ChangeDisassociate)
		code := f.mustCode(t, c, r)
		f.hook.fail = errors.New("coupon reclaim failed")
		_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, code)
		if err == nil || !strings.Contains(err.Error(), "coupon reclaim failed") {
			t.Fatalf("got %v", err)
		}
		got, _ := f.svc.CustomerByID(ctx, c.ID)
		if _, ok := f.current(t, c.ID); !ok || f.status(t, r.ID) != "pending" || got.XAccountID != c.XAccountID {
			t.Fatal("the failed change was partly kept")
		}
		if n := f.count(t, "SELECT COUNT(*) FROM verification_codes WHERE receiver = $1 AND used_at IS NOT NULL", "+86"+c.Mobile); n != 0 {
			t.Fatal("the code was spent on a failed change")
		}
		f.hook.fail = nil
		_, err = f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, code)
		wantErr(t, err, nil)
	})
}

func TestConcurrentConfirmations(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		r := f.mustRequest(t, f.sp.main, c, customer.ChangeSwitchType)
		code := f.mustCode(t, c, r)
		const n = 4
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, code)
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
				continue
			}
			if _, isApp := apperr.As(err); !isApp {
				t.Errorf("unexpected error %v", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d confirmations succeeded (%v), want 1", ok, errs)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM customer_associations WHERE customer_id = $1 AND ended_at IS NULL", c.ID); n != 1 {
			t.Fatalf("%d current associations", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM customer_associations WHERE customer_id = $1", c.ID); n != 2 {
			t.Fatalf("%d associations, want 2", n)
		}
		if got := f.hook.got(); len(got) != 1 {
			t.Fatalf("hook calls %v", got)
		}
	})
}

func TestRelationsCrossTenant(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		c := f.mustRelCustomer(t, f.sp)
		theirs := f.mustRelCustomer(t, f.sp)
		pr := f.mustRequest(t, f.sp.main, c, customer.ChangeDisassociate)
		cr, err := f.svc.RequestDisassociationByCustomer(ctx, theirs.ID, "")
		wantErr(t, err, nil)

		t.Run("AnotherPartner", func(t *testing.T) {
			_, err := f.svc.RequestAssociationChange(ctx, f.sp2.main, customer.ChangeRequest{CustomerID: theirs.ID, Kind: customer.ChangeDisassociate})
			wantErr(t, err, customer.ErrNotYourCustomer)
			_, err = f.svc.CustomerRelations(ctx, f.sp2.main, c.ID)
			wantErr(t, err, customer.ErrNotYourCustomer)
			list, total, err := f.svc.ListAssociationRequests(ctx, f.sp2.main, customer.RequestFilter{})
			wantErr(t, err, nil)
			if total != 0 || len(list) != 0 {
				t.Fatalf("sp2 sees %+v", list)
			}
			_, err = f.svc.ApproveAssociationRequest(ctx, f.sp2.main, cr.ID)
			wantErr(t, err, customer.ErrRequestNotFound)
			wantErr(t, f.svc.RejectAssociationRequest(ctx, f.sp2.main, cr.ID, "no"), customer.ErrRequestNotFound)
			// The distributor is not the solution provider either.
			_, err = f.svc.ApproveAssociationRequest(ctx, f.dist.main, cr.ID)
			wantErr(t, err, customer.ErrRequestNotFound)
		})
		t.Run("AnotherCustomer", func(t *testing.T) {
			wantErr(t, f.svc.SendRelationCode(ctx, theirs.ID, pr.ID), customer.ErrRequestNotFound)
			_, err := f.svc.ConfirmAssociationRequest(ctx, theirs.ID, pr.ID, "123456")
			wantErr(t, err, customer.ErrRequestNotFound)
			wantErr(t, f.svc.DeclineAssociationRequest(ctx, theirs.ID, pr.ID), customer.ErrRequestNotFound)
			mine, err := f.svc.MyRelations(ctx, theirs.ID)
			wantErr(t, err, nil)
			for _, r := range mine.Requests {
				if r.ID == pr.ID {
					t.Fatal("another customer sees the request")
				}
			}
		})
		t.Run("Forbidden", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCustomerList: true}
			_, err := f.svc.RequestAssociationChange(ctx, a, customer.ChangeRequest{CustomerID: c.ID, Kind: customer.ChangeDisassociate})
			wantErr(t, err, identity.ErrForbidden)
			_, _, err = f.svc.ListAssociationRequests(ctx, a, customer.RequestFilter{})
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.ApproveAssociationRequest(ctx, a, cr.ID)
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.RequestAssociationChange(ctx, f.op, customer.ChangeRequest{CustomerID: c.ID, Kind: customer.ChangeDisassociate})
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("FrozenPartner", func(t *testing.T) {
			f.exec(t, "UPDATE partners SET status = 'frozen' WHERE id = $1", f.sp2.p.ID)
			other := f.mustRelCustomer(t, f.sp)
			f.exec(t, "UPDATE customer_associations SET partner_id = $1 WHERE customer_id = $2", f.sp2.p.ID, other.ID)
			_, err := f.svc.RequestAssociationChange(ctx, f.sp2.main, customer.ChangeRequest{CustomerID: other.ID, Kind: customer.ChangeDisassociate})
			wantErr(t, err, customer.ErrRelationPartnerFrozen)
		})
	})
}

func TestRelationsDataScope(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		mine := f.mustRelCustomer(t, f.sp)
		theirs := f.mustRelCustomer(t, f.sp)
		m, _, err := f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("am"),
			Roles: []string{identity.PresetAccountManager}})
		if err != nil {
			t.Fatal(err)
		}
		f.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id = $2", m.ID, mine.ID)
		am := m.Actor(f.sp.p)
		if _, am.Scope, err = f.ident.MemberAccess(ctx, f.sp.p.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		am.Perms = map[string]bool{identity.PermCustomerRelation: true}
		mineReq, err := f.svc.RequestDisassociationByCustomer(ctx, mine.ID, "")
		wantErr(t, err, nil)
		theirReq, err := f.svc.RequestDisassociationByCustomer(ctx, theirs.ID, "")
		wantErr(t, err, nil)

		list, total, err := f.svc.ListAssociationRequests(ctx, am, customer.RequestFilter{})
		wantErr(t, err, nil)
		if total != 1 || len(list) != 1 || list[0].ID != mineReq.ID {
			t.Fatalf("account manager sees %d %+v", total, list)
		}
		if _, total, _ := f.svc.ListAssociationRequests(ctx, f.sp.main, customer.RequestFilter{}); total != 2 {
			t.Fatalf("admin sees %d, want 2", total)
		}
		_, err = f.svc.CustomerRelations(ctx, am, theirs.ID)
		wantErr(t, err, customer.ErrNotYourCustomer)
		_, err = f.svc.CustomerRelations(ctx, am, mine.ID)
		wantErr(t, err, nil)
		_, err = f.svc.ApproveAssociationRequest(ctx, am, theirReq.ID)
		wantErr(t, err, customer.ErrRequestNotFound)
		wantErr(t, f.svc.RejectAssociationRequest(ctx, am, theirReq.ID, "no"), customer.ErrRequestNotFound)
		wantErr(t, f.svc.RejectAssociationRequest(ctx, am, mineReq.ID, "no"), nil)
		_, err = f.svc.RequestAssociationChange(ctx, am, customer.ChangeRequest{CustomerID: theirs.ID, Kind: customer.ChangeSwitchType})
		wantErr(t, err, customer.ErrNotYourCustomer)
	})
}

func TestRelationCodeChannels(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustRelFixture(t, d)
		ctx := context.Background()
		t.Run("EmailWithoutMobile", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			email := unique("rel") + "@example.com"
			f.exec(t, "UPDATE customers SET email = $1 WHERE id = $2", email, c.ID)
			r := f.mustRequest(t, f.sp.main, c, customer.ChangeDisassociate)
			f.clock.Advance(time.Second)
			wantErr(t, f.svc.SendRelationCode(ctx, c.ID, r.ID), nil)
			_, err := f.svc.ConfirmAssociationRequest(ctx, c.ID, r.ID, f.lastCode(t, email))
			wantErr(t, err, nil)
		})
		t.Run("ErrRelationNoContact", func(t *testing.T) {
			c := f.mustPasswordCustomer(t, f.sp)
			r := f.mustRequest(t, f.sp.main, c, customer.ChangeDisassociate)
			wantErr(t, f.svc.SendRelationCode(ctx, c.ID, r.ID), customer.ErrRelationNoContact)
			// Declining needs no code.
			wantErr(t, f.svc.DeclineAssociationRequest(ctx, c.ID, r.ID), nil)
		})
	})
}
