package prospect_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/prospect"
)

func TestReportRefusals(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		noContact := f.mustTenant(t, identity.SolutionProvider, "", false)
		finance := f.mustMember(t, f.sp, identity.PresetFinance)

		protectedMobile := newMobile()
		if _, err := f.cust.AddProtected(ctx, f.mustAdmin(t), customer.ProtectedMobile, protectedMobile, "direct sales"); err != nil {
			t.Fatal(err)
		}
		associated := f.mustAccount(t, newMobile(), "", time.Hour)
		f.mustAssociate(t, associated, f.sp2)
		lockedByOther := f.mustReport(t, f.sp2.main, newReport())
		mine := f.mustReport(t, f.sp.main, newReport())

		with := func(change func(*prospect.NewReport)) prospect.NewReport {
			in := newReport()
			change(&in)
			return in
		}
		tests := []struct {
			name  string
			actor identity.Actor
			in    prospect.NewReport
			want  *apperr.Error
		}{
			{"OK", f.sp.main, newReport(), nil},
			{"ErrForbiddenWithoutItem", finance, newReport(), identity.ErrForbidden},
			{"ErrForbiddenOperator", f.op, newReport(), identity.ErrForbidden},
			{"ErrNoPartnerContact", noContact.main, newReport(), prospect.ErrNoPartnerContact},
			{"ErrDistributor", f.dist.main, newReport(), prospect.ErrDistributor},
			{"ErrTypeNotOfferedToReseller", f.reseller.main, with(func(in *prospect.NewReport) { in.IntendedType = customer.Referral }), prospect.ErrTypeNotOffered},
			{"ResellerInResellerModel", f.reseller.main, newReport(), nil},
			{"ErrCustomerNameRequired", f.sp.main, with(func(in *prospect.NewReport) { in.CustomerName = " " }), nil},
			{"ErrContactRequired", f.sp.main, with(func(in *prospect.NewReport) { in.Mobile = "" }), nil},
			{"ErrMobileFormat", f.sp.main, with(func(in *prospect.NewReport) { in.Mobile = "12345" }), nil},
			{"ErrEmailFormat", f.sp.main, with(func(in *prospect.NewReport) { in.Email = "not-an-address" }), nil},
			{"ErrProtected", f.sp.main, with(func(in *prospect.NewReport) { in.Mobile = protectedMobile }), prospect.ErrProtected},
			{"ErrAlreadyAssociated", f.sp.main, with(func(in *prospect.NewReport) { in.Mobile = associated.Mobile }), prospect.ErrAlreadyAssociated},
			{"ErrReportedByOther", f.sp.main, with(func(in *prospect.NewReport) { in.Mobile = lockedByOther.Mobile }), prospect.ErrReportedByOther},
			{"ErrAlreadyReported", f.sp.main, with(func(in *prospect.NewReport) { in.Mobile = mine.Mobile }), prospect.ErrAlreadyReported},
			{"ForeignMobile", f.sp.main, with(func(in *prospect.NewReport) { in.CountryCode = "+852"; in.Mobile = "91234567" }), nil},
		}
		fieldErrs := map[string]string{"ErrCustomerNameRequired": "customer_name", "ErrContactRequired": "mobile",
			"ErrMobileFormat": "mobile", "ErrEmailFormat": "email"}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r, _, err := f.svc.Report(ctx, tt.actor, tt.in)
				if field, ok := fieldErrs[tt.name]; ok {
					e, isApp := apperr.As(err)
					if !isApp || e.Code != "CBC.0100" || len(e.Fields) == 0 || e.Fields[0].Field != field {
						t.Fatalf("got %v, want CBC.0100 marking %s", err, field)
					}
					return
				}
				wantErr(t, err, tt.want)
				if tt.want == nil && r.Status != prospect.StatusReported {
					t.Fatalf("status %s, want reported", r.Status)
				}
			})
		}
		t.Run("ContactOfMainAccountSuffices", func(t *testing.T) {
			f.exec(t, "UPDATE members SET mobile = $1 WHERE partner_id = $2 AND is_main", newMobile(), noContact.p.ID)
			if _, _, err := f.svc.Report(ctx, noContact.main, newReport()); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ErrPartnerRestrictedUnderDelistedDistributor", func(t *testing.T) {
			if err := f.ident.SetPartnerStatus(ctx, f.mustAdmin(t), f.dist.p.ID, identity.PartnerRestricted); err != nil {
				t.Fatal(err)
			}
			_, _, err := f.svc.Report(ctx, f.reseller.main, newReport())
			wantErr(t, err, prospect.ErrPartnerRestricted)
		})
		t.Run("EmailLocksToo", func(t *testing.T) {
			email := strings.ToLower(unique("mail")) + "@example.com"
			f.mustReport(t, f.sp2.main, prospect.NewReport{CustomerName: "X", Email: email, IntendedType: customer.Reseller})
			_, _, err := f.svc.Report(ctx, f.sp.main, prospect.NewReport{CustomerName: "X", Email: strings.ToUpper(email),
				IntendedType: customer.Reseller})
			wantErr(t, err, prospect.ErrReportedByOther)
		})
	})
}

// mustAdmin is a platform admin, who curates the protected list.
func (f *fixture) mustAdmin(tb testing.TB) identity.Actor {
	tb.Helper()
	op, err := f.ident.CreateOperator(context.Background(), identity.NewOperator{Username: unique("padm"), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	return op.Actor()
}

func TestReportChooser(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		mobile := newMobile()
		a := f.mustAccount(t, mobile, "", time.Hour)
		b := f.mustAccount(t, mobile, "", 2*time.Hour)
		in := newReport()
		in.Mobile = mobile

		_, cands, err := f.svc.Report(ctx, f.sp.main, in)
		wantErr(t, err, prospect.ErrChooseAccount)
		if got, want := len(cands), 2; got != want {
			t.Fatalf("%d candidates, want %d", got, want)
		}
		for _, c := range cands {
			if c.MaskedName == a.Name || c.MaskedName == b.Name || !strings.Contains(c.MaskedName, "****") {
				t.Errorf("candidate name %q is not masked", c.MaskedName)
			}
		}
		in.AccountID = "not-one-of-them"
		_, cands, err = f.svc.Report(ctx, f.sp.main, in)
		wantErr(t, err, prospect.ErrBadChoice)
		if len(cands) != 2 {
			t.Fatalf("bad choice lost the candidates")
		}
		in.AccountID = a.ID
		r, _, err := f.svc.Report(ctx, f.sp.main, in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := r.CustomerID, a.ID; got != want {
			t.Fatalf("report names %s, want %s", got, want)
		}
		// The account is locked for another partner, by id too.
		_, _, err = f.svc.Report(ctx, f.sp2.main, prospect.NewReport{CustomerName: "Other", Mobile: mobile,
			IntendedType: customer.Reseller, AccountID: a.ID})
		wantErr(t, err, prospect.ErrReportedByOther)
	})
}

func TestReportNeedsReview(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		tests := []struct {
			name      string
			age       time.Duration
			spent     bool
			want      prospect.Status
			wantCause string
		}{
			{"Young", 6 * 24 * time.Hour, false, prospect.StatusReported, ""},
			{"Registered7d", 8 * 24 * time.Hour, false, prospect.StatusPending, prospect.CauseRegistered7d},
			{"Spending", time.Hour, true, prospect.StatusPending, prospect.CauseSpending},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				a := f.mustAccount(t, newMobile(), "", tt.age)
				f.spending.spent[a.ID] = tt.spent
				in := newReport()
				in.Mobile = a.Mobile
				r := f.mustReport(t, f.sp.main, in)
				if r.Status != tt.want || r.ReviewCause != tt.wantCause {
					t.Fatalf("status %s (%q), want %s (%q)", r.Status, r.ReviewCause, tt.want, tt.wantCause)
				}
			})
		}
	})
}

func TestReportCap(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		for range prospect.MaxActiveReports - 5 {
			f.mustReport(t, f.sp.main, newReport())
		}
		// Twenty concurrent reports for the last five places.
		var (
			wg          sync.WaitGroup
			mu          sync.Mutex
			ok, capped  int
			otherErrors []error
		)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := f.svc.Report(ctx, f.sp.main, newReport())
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errors.Is(err, prospect.ErrCap):
					capped++
				default:
					otherErrors = append(otherErrors, err)
				}
			}()
		}
		wg.Wait()
		if len(otherErrors) > 0 {
			t.Fatalf("unexpected errors: %v", otherErrors)
		}
		if ok != 5 || capped != 15 {
			t.Fatalf("%d reported and %d capped, want 5 and 15", ok, capped)
		}
		c, err := f.svc.Readiness(ctx, f.sp.main)
		wantErr(t, err, prospect.ErrCap)
		if c.Active != prospect.MaxActiveReports || !c.Full() {
			t.Fatalf("capacity %+v, want full", c)
		}
		// Another partner is not affected by this one's cap.
		f.mustReport(t, f.sp2.main, newReport())
		// Expiry frees places.
		f.clock.Advance(prospect.ReportValidity)
		if _, err := f.svc.Readiness(ctx, f.sp.main); err != nil {
			t.Fatalf("after expiry: %v", err)
		}
	})
}

func TestReportExpiry(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		r := f.mustReport(t, f.sp.main, newReport())
		other := newReport()
		other.Mobile = r.Mobile

		f.clock.Advance(prospect.ReportValidity - time.Second)
		_, _, err := f.svc.Report(ctx, f.sp2.main, other)
		wantErr(t, err, prospect.ErrReportedByOther)
		if n, err := f.svc.ExpireReports(ctx); err != nil || n != 0 {
			t.Fatalf("expired %d (%v) before the time", n, err)
		}

		f.clock.Advance(time.Second)
		// The lock is free at once, before the job has run.
		list, _, err := f.svc.ListReports(ctx, f.sp.main, prospect.ReportFilter{})
		if err != nil || len(list) != 1 || list[0].Status != prospect.StatusExpired {
			t.Fatalf("list %+v (%v), want the report expired", list, err)
		}
		if n, err := f.svc.ExpireReports(ctx); err != nil || n != 1 {
			t.Fatalf("expired %d (%v), want 1", n, err)
		}
		if got := f.reportStatus(t, r.ID); got != "expired" {
			t.Fatalf("stored status %s, want expired", got)
		}
		f.mustReport(t, f.sp2.main, other)
		// And now the first partner is the one locked out.
		again := newReport()
		again.Mobile = r.Mobile
		_, _, err = f.svc.Report(ctx, f.sp.main, again)
		wantErr(t, err, prospect.ErrReportedByOther)
	})
}

func TestReportScopeAndTenancy(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		am := f.mustMember(t, f.sp, identity.PresetAccountManager)
		am2 := f.mustMember(t, f.sp, identity.PresetAccountManager)
		byAM := f.mustReport(t, am, newReport())
		byMain := f.mustReport(t, f.sp.main, newReport())
		if byAM.ManagerID != am.ID || byMain.ManagerID != "" {
			t.Fatalf("managers %q and %q, want the account manager and none", byAM.ManagerID, byMain.ManagerID)
		}
		ids := func(a identity.Actor) []string {
			list, _, err := f.svc.ListReports(ctx, a, prospect.ReportFilter{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range list {
				out = append(out, r.ID)
			}
			return out
		}
		if got := ids(f.sp.main); len(got) != 2 {
			t.Errorf("main account sees %v, want both", got)
		}
		if got := ids(am); len(got) != 1 || got[0] != byAM.ID {
			t.Errorf("account manager sees %v, want its own", got)
		}
		if got := ids(am2); len(got) != 0 {
			t.Errorf("other account manager sees %v, want none", got)
		}
		if got := ids(f.sp2.main); len(got) != 0 {
			t.Errorf("another partner sees %v", got)
		}
		_, err := f.svc.ReportByID(ctx, f.sp2.main, byMain.ID)
		wantErr(t, err, prospect.ErrReportNotFound)
		_, err = f.svc.ReportByID(ctx, am2, byAM.ID)
		wantErr(t, err, prospect.ErrReportNotFound)
		_, err = f.svc.InviteReports(ctx, f.sp2.main, prospect.InviteRequest{ReportIDs: []string{byMain.ID}, Type: customer.Reseller,
			Emails: map[string]string{byMain.ID: "x@example.com"}})
		wantErr(t, err, prospect.ErrReportNotFound)
		revealed, err := f.svc.RevealReports(ctx, f.sp2.main, []string{byMain.ID}, prospect.RevealMobile, "127.0.0.1")
		if err != nil || len(revealed) != 0 {
			t.Fatalf("another partner revealed %v (%v)", revealed, err)
		}
		_, err = f.svc.RevealReports(ctx, am, []string{byAM.ID}, prospect.RevealMobile, "127.0.0.1")
		wantErr(t, err, identity.ErrForbidden) // account managers lack the reveal item
		revealed, err = f.svc.RevealReports(ctx, f.sp.main, []string{byMain.ID}, prospect.RevealMobile, "127.0.0.1")
		if err != nil || revealed[byMain.ID] != "+86 "+byMain.Mobile {
			t.Fatalf("revealed %v (%v)", revealed, err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'prospect.reveal' AND actor_id = $1", f.sp.main.ID); n != 1 {
			t.Fatalf("%d reveal audit rows, want 1", n)
		}
	})
}

// TestPeriodicExpiryJob: the expiry job is declared for the queue, and its
// worker is registered under the same kind.
func TestPeriodicExpiryJob(t *testing.T) {
	jobs := prospect.PeriodicJobs()
	if len(jobs) != 1 {
		t.Fatalf("%d periodic jobs, want 1", len(jobs))
	}
	if got, want := (prospect.ExpireArgs{}).Kind(), "prospect.expire_reports"; got != want {
		t.Fatalf("kind %q, want %q", got, want)
	}
}
