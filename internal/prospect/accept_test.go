package prospect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/prospect"
)

func TestGenericLink(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		am := f.mustMember(t, f.sp, identity.PresetAccountManager)
		if _, ok, err := f.svc.GenericLink(ctx, am); err != nil || ok {
			t.Fatalf("a link before any was made (%v)", err)
		}
		_, err := f.svc.NewGenericLink(ctx, f.reseller.main, customer.Referral)
		wantErr(t, err, prospect.ErrTypeNotOffered)
		_, err = f.svc.NewGenericLink(ctx, f.dist.main, customer.Reseller)
		wantErr(t, err, prospect.ErrDistributor)

		old, err := f.svc.NewGenericLink(ctx, am, customer.Reseller)
		if err != nil {
			t.Fatal(err)
		}
		l, err := f.svc.NewGenericLink(ctx, am, customer.Reseller)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.OpenInvitation(ctx, old.Token)
		wantErr(t, err, prospect.ErrInviteUnknown)

		// New accounts through the link belong to the member, and the
		// link keeps working for the next customer.
		for range 2 {
			c, err := f.register(t, l.Token, allConsent)
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := f.cust.CustomerByID(ctx, c.ID)
			if stored.AccountManagerID != am.ID || stored.FreezeState != customer.FrozenAccount {
				t.Fatalf("customer %+v, want managed by %s and frozen", stored, am.ID)
			}
		}

		// An existing young account signs in through it.
		young := f.mustAccount(t, newMobile(), "", 2*24*time.Hour)
		if _, err := f.svc.AcceptBySignIn(ctx, l.Token, allConsent, young.Name, "wrong-Passw0rd"); err == nil {
			t.Fatal("a wrong password associated")
		}
		c, err := f.svc.AcceptBySignIn(ctx, l.Token, allConsent, young.Name, young.Password)
		if err != nil || c.ID != young.ID {
			t.Fatalf("sign-in association: %+v (%v)", c, err)
		}
		invs, _, err := f.svc.ListInvitations(ctx, am, 20, 0)
		if err != nil || len(invs) != 3 {
			t.Fatalf("history %d rows (%v), want 3", len(invs), err)
		}
		for _, inv := range invs {
			if inv.Kind != prospect.KindLink || inv.Status != prospect.InvitationAssociated {
				t.Errorf("history row %+v", inv)
			}
		}
	})
}

func TestAcceptEligibility(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		l, err := f.svc.NewGenericLink(ctx, f.sp.main, customer.Reseller)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("ErrInviteNeedsReport", func(t *testing.T) {
			old := f.mustAccount(t, newMobile(), "", 10*24*time.Hour)
			_, err := f.svc.AcceptBySignIn(ctx, l.Token, allConsent, old.Name, old.Password)
			wantErr(t, err, prospect.ErrInviteNeedsReport)
			spender := f.mustAccount(t, newMobile(), "", time.Hour)
			f.spending.spent[spender.ID] = true
			_, err = f.svc.AcceptBySignIn(ctx, l.Token, allConsent, spender.Name, spender.Password)
			wantErr(t, err, prospect.ErrInviteNeedsReport)
			// Reported (and approved), the old account may associate.
			in := newReport()
			in.Mobile = old.Mobile
			r := f.mustReport(t, f.sp.main, in)
			if err := f.svc.ApproveReport(ctx, f.op, r.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.AcceptBySignIn(ctx, l.Token, allConsent, old.Name, old.Password); err != nil {
				t.Fatal(err)
			}
			if got := f.reportStatus(t, r.ID); got != "associated" {
				t.Errorf("report %s, want associated", got)
			}
		})
		t.Run("ErrInviteReportedByOther", func(t *testing.T) {
			a := f.mustAccount(t, newMobile(), "", time.Hour)
			in := newReport()
			in.Mobile = a.Mobile
			f.mustReport(t, f.sp2.main, in)
			_, err := f.svc.AcceptBySignIn(ctx, l.Token, allConsent, a.Name, a.Password)
			wantErr(t, err, prospect.ErrInviteReportedByOther)
		})
		t.Run("ErrInviteAssociated", func(t *testing.T) {
			a := f.mustAccount(t, newMobile(), "", time.Hour)
			f.mustAssociate(t, a, f.sp2)
			_, err := f.svc.AcceptBySignIn(ctx, l.Token, allConsent, a.Name, a.Password)
			wantErr(t, err, customer.ErrInviteAssociated)
		})
		t.Run("ErrInviteOtherAccount", func(t *testing.T) {
			invited := f.mustAccount(t, newMobile(), "", time.Hour)
			in := newReport()
			in.Mobile = invited.Mobile
			r := f.mustReport(t, f.sp.main, in)
			token := f.inviteToken(t, f.sp.main, r, strings.ToLower(unique("inv"))+"@example.com", customer.Reseller)
			intruder := f.mustAccount(t, newMobile(), "", time.Hour)
			_, err := f.svc.AcceptBySignIn(ctx, token, allConsent, intruder.Name, intruder.Password)
			wantErr(t, err, prospect.ErrInviteOtherAccount)
			// The right account still can: a failure does not use the link.
			if _, err := f.svc.AcceptBySignIn(ctx, token, allConsent, invited.Name, invited.Password); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("FailuresRecorded", func(t *testing.T) {
			invs, _, err := f.svc.ListInvitations(ctx, f.sp.main, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			causes := map[string]bool{}
			for _, inv := range invs {
				if inv.Status == prospect.InvitationFailed {
					causes[inv.Failure] = true
				}
			}
			for _, want := range []string{prospect.ErrInviteNeedsReport.Key, prospect.ErrInviteReportedByOther.Key,
				customer.ErrInviteAssociated.Key} {
				if !causes[want] {
					t.Errorf("no failed history row with cause %s (have %v)", want, causes)
				}
			}
		})
		t.Run("ReferralNotFrozen", func(t *testing.T) {
			rl, err := f.svc.NewGenericLink(ctx, f.sp2.main, customer.Referral)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.register(t, rl.Token, prospect.Consent{}) // no data-sharing consent
			wantErr(t, err, prospect.ErrInviteConsent)
			c, err := f.register(t, rl.Token, prospect.Consent{DataSharing: true}) // no notice needed
			if err != nil {
				t.Fatal(err)
			}
			stored, _ := f.cust.CustomerByID(ctx, c.ID)
			if stored.FreezeState != customer.NotFrozen || stored.AccountManagerID != f.sp2.main.ID {
				t.Fatalf("referral customer %+v", stored)
			}
		})
	})
}
