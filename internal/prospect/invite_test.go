package prospect_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/prospect"
)

func TestInviteAndRegister(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		am := f.mustMember(t, f.sp, identity.PresetAccountManager)
		r := f.mustReport(t, am, newReport()) // no e-mail

		in := prospect.InviteRequest{ReportIDs: []string{r.ID}, Type: customer.Reseller, Lang: i18n.EN}
		_, err := f.svc.PreviewInvitations(ctx, am, in)
		wantErr(t, err, prospect.ErrInviteEmailMissing)
		_, err = f.svc.InviteReports(ctx, am, in)
		wantErr(t, err, prospect.ErrInviteEmailMissing)

		email := strings.ToLower(unique("buyer")) + "@example.com"
		in.Emails = map[string]string{r.ID: email}
		p, err := f.svc.PreviewInvitations(ctx, am, in)
		if err != nil || !strings.Contains(p.Body, f.sp.p.Name) || p.Items[0].Email != email {
			t.Fatalf("preview %+v (%v)", p, err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM outbox WHERE recipient = $1", email); n != 0 {
			t.Fatalf("the preview sent %d messages", n)
		}
		token := f.inviteToken(t, am, r, email, customer.Reseller)
		if n := f.count(t, "SELECT COUNT(*) FROM prospect_invitations WHERE token_hash = $1", token); n != 0 {
			t.Fatal("the token is stored in clear")
		}
		got, _ := f.svc.ReportByID(ctx, am, r.ID)
		if got.Email != email {
			t.Fatalf("report e-mail %q, want the one added", got.Email)
		}

		offer, err := f.svc.OpenInvitation(ctx, token)
		if err != nil || offer.PartnerName != f.sp.p.Name || offer.Type != customer.Reseller {
			t.Fatalf("offer %+v (%v)", offer, err)
		}
		_, err = f.register(t, token, prospect.Consent{DataSharing: true})
		wantErr(t, err, prospect.ErrInviteConsent)

		c, err := f.register(t, token, allConsent)
		if err != nil {
			t.Fatal(err)
		}
		a, ok, err := f.cust.CurrentAssociation(ctx, c.ID)
		if err != nil || !ok || a.PartnerID != f.sp.p.ID || a.Type != customer.Reseller {
			t.Fatalf("association %+v %v (%v)", a, ok, err)
		}
		stored, _ := f.cust.CustomerByID(ctx, c.ID)
		if stored.FreezeState != customer.FrozenAccount {
			t.Errorf("reseller-model customer not frozen: %d", stored.FreezeState)
		}
		if stored.AccountManagerID != am.ID {
			t.Errorf("account manager %q, want the inviting account manager %q", stored.AccountManagerID, am.ID)
		}
		if got := f.reportStatus(t, r.ID); got != "associated" {
			t.Errorf("report %s, want associated", got)
		}
		invs, _, err := f.svc.ListInvitations(ctx, am, 10, 0)
		if err != nil || len(invs) != 1 || invs[0].Status != prospect.InvitationAssociated || invs[0].CustomerID != c.ID {
			t.Fatalf("history %+v (%v)", invs, err)
		}

		// Single use.
		_, err = f.svc.OpenInvitation(ctx, token)
		wantErr(t, err, prospect.ErrInviteUsed)
		fresh := f.mustAccount(t, newMobile(), "", time.Hour)
		_, err = f.svc.AcceptBySignIn(ctx, token, allConsent, fresh.Name, fresh.Password)
		wantErr(t, err, prospect.ErrInviteUsed)
		_, err = f.svc.OpenInvitation(ctx, "no-such-token")
		wantErr(t, err, prospect.ErrInviteUnknown)

		// Another partner's history does not hold it.
		other, _, err := f.svc.ListInvitations(ctx, f.sp2.main, 10, 0)
		if err != nil || len(other) != 0 {
			t.Fatalf("another partner sees %v (%v)", other, err)
		}
	})
}

func TestInviteReferralNotFrozen(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		a := f.mustAccount(t, newMobile(), strings.ToLower(unique("old"))+"@example.com", 20*24*time.Hour)
		in := newReport()
		in.Mobile, in.Email, in.IntendedType = a.Mobile, a.Email, customer.Referral
		r := f.mustReport(t, f.sp.main, in)
		if err := f.svc.ApproveReport(ctx, f.op, r.ID); err != nil {
			t.Fatal(err)
		}
		r, _ = f.svc.ReportByID(ctx, f.sp.main, r.ID)
		token := f.inviteToken(t, f.sp.main, r, "", customer.Referral)
		// The reported old account signs in and associates in the referral
		// model: not frozen, and the main account assigns no manager.
		c, err := f.svc.AcceptBySignIn(ctx, token, prospect.Consent{DataSharing: true}, a.Name, a.Password)
		if err != nil {
			t.Fatal(err)
		}
		if c.FreezeState != customer.NotFrozen || c.AccountManagerID != "" {
			t.Fatalf("referral customer %+v", c)
		}
		if ass, ok, _ := f.cust.CurrentAssociation(ctx, a.ID); !ok || ass.Type != customer.Referral {
			t.Fatalf("association %+v", ass)
		}
	})
}

func TestInviteExpiredLink(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		in := newReport()
		in.Email = strings.ToLower(unique("late")) + "@example.com"
		r := f.mustReport(t, f.sp.main, in)
		token := f.inviteToken(t, f.sp.main, r, "", customer.Reseller)
		f.clock.Advance(prospect.InvitationValidity)
		_, err := f.svc.OpenInvitation(ctx, token)
		wantErr(t, err, prospect.ErrInviteExpired)
		a := f.mustAccount(t, newMobile(), "", time.Hour)
		_, err = f.svc.AcceptBySignIn(ctx, token, allConsent, a.Name, a.Password)
		wantErr(t, err, prospect.ErrInviteExpired)
		invs, _, _ := f.svc.ListInvitations(ctx, f.sp.main, 10, 0)
		if len(invs) != 1 || invs[0].Status != prospect.InvitationExpired {
			t.Fatalf("history %+v, want the invitation expired", invs)
		}
		if _, ok, _ := f.cust.CurrentAssociation(ctx, a.ID); ok {
			t.Fatal("an expired link associated the account")
		}
	})
}

func TestInviteOnlyReported(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		a := f.mustAccount(t, newMobile(), "", 30*24*time.Hour)
		in := newReport()
		in.Mobile = a.Mobile
		r := f.mustReport(t, f.sp.main, in) // pending
		_, err := f.svc.InviteReports(ctx, f.sp.main, prospect.InviteRequest{ReportIDs: []string{r.ID}, Type: customer.Reseller,
			Emails: map[string]string{r.ID: "p@example.com"}})
		wantErr(t, err, prospect.ErrNotReported)
		_, err = f.svc.InviteReports(ctx, f.sp.main, prospect.InviteRequest{Type: customer.Reseller})
		wantErr(t, err, prospect.ErrInviteNone)
	})
}
