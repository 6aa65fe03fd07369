package notify_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/notify"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/saml"
)

func TestDelivery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()

		t.Run("OKSignedNotice", func(t *testing.T) {
			p := f.mustTenant(t)
			rc := mustReceiver(t)
			f.mustNotifyURL(t, p, rc.srv.URL+"/bind")
			f.mustEnqueue(t, notify.Notice{PartnerID: p.p.ID, DomainID: "0123456789abcdef0123456789abcdef",
				DomainName: "yongzhi", XUserID: "user-7", Action: notify.ActionBind})
			got := f.waitStatus(t, p, notify.StatusDelivered)
			if got.Attempts != 1 || got.DeliveredAt.IsZero() || got.LastError != "" {
				t.Fatalf("delivery %+v", got)
			}
			forms := rc.received()
			if len(forms) != 1 {
				t.Fatalf("received %d notices, want 1", len(forms))
			}
			if got, want := forms[0].Get("SigAlg"), "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"; got != want {
				t.Fatalf("SigAlg %q, want %q", got, want)
			}
			n, err := saml.VerifyNotice(f.mustCert(t), forms[0])
			if err != nil {
				t.Fatalf("verify with the SP metadata certificate: %v", err)
			}
			if n.DomainName != "yongzhi" || n.XUserID != "user-7" {
				t.Fatalf("notice %+v", n)
			}
			raw, err := base64.StdEncoding.DecodeString(forms[0].Get("bindRequest"))
			if err != nil {
				t.Fatal(err)
			}
			var body map[string]any
			if err := json.Unmarshal(raw, &body); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{"domainName": "yongzhi", "domainId": "0123456789abcdef0123456789abcdef",
				"xUserId": "user-7", "bindAction": float64(1)}
			for k, v := range want {
				if body[k] != v {
					t.Errorf("bindRequest %s = %v, want %v (%s)", k, body[k], v, raw)
				}
			}
			// A tampered bindRequest no longer verifies.
			forms[0].Set("bindRequest", base64.StdEncoding.EncodeToString([]byte(`{"xUserId":"other"}`)))
			if _, err := saml.VerifyNotice(f.mustCert(t), forms[0]); !errors.Is(err, saml.ErrNoticeSignature) {
				t.Fatalf("tampered notice: %v", err)
			}
		})

		t.Run("OKRetriedUntilDelivered", func(t *testing.T) {
			p := f.mustTenant(t)
			rc := mustReceiver(t, http.StatusInternalServerError, http.StatusInternalServerError)
			f.mustNotifyURL(t, p, rc.srv.URL)
			f.mustEnqueue(t, notify.Notice{PartnerID: p.p.ID, DomainID: "d1", DomainName: "n1", XUserID: "u1", Action: notify.ActionBind})
			got := f.waitStatus(t, p, notify.StatusDelivered)
			if got.Attempts != 3 || len(rc.received()) != 3 || !got.NextAttemptAt.IsZero() {
				t.Fatalf("delivery %+v after %d posts, want 3 attempts", got, len(rc.received()))
			}
		})

		t.Run("ErrFailedAfterWindow", func(t *testing.T) {
			p := f.mustTenant(t)
			rc := mustReceiver(t)
			rc.always = http.StatusBadGateway
			f.mustNotifyURL(t, p, rc.srv.URL)
			f.mustEnqueue(t, notify.Notice{PartnerID: p.p.ID, DomainID: "d2", DomainName: "n2", XUserID: "u2", Action: notify.ActionUnbind})
			retrying := f.waitStatus(t, p, notify.StatusRetrying)
			if retrying.LastError == "" || retrying.NextAttemptAt.IsZero() {
				t.Fatalf("retrying delivery %+v", retrying)
			}
			f.clock.Advance(24*time.Hour + time.Second)
			failed := f.waitStatus(t, p, notify.StatusFailed)
			if failed.Attempts < 2 || !failed.NextAttemptAt.IsZero() || failed.LastError == "" {
				t.Fatalf("failed delivery %+v", failed)
			}
			posts := len(rc.received())
			f.waitNoJobs(t, "notify.deliver")
			if got := len(rc.received()); got != posts {
				t.Fatalf("%d posts after failing, want none", got-posts)
			}
			f.clock.Advance(-24*time.Hour - time.Second)
		})

		t.Run("OKSkippedWithoutURL", func(t *testing.T) {
			p := f.mustTenant(t)
			f.mustEnqueue(t, notify.Notice{PartnerID: p.p.ID, DomainID: "d3", DomainName: "n3", XUserID: "u3", Action: notify.ActionBind})
			got := f.waitStatus(t, p, notify.StatusSkipped)
			if got.LastError != "skipped: no notification URL" || got.Attempts != 0 {
				t.Fatalf("skipped delivery %+v", got)
			}
		})

		t.Run("OKAssociationNotifiesOnce", func(t *testing.T) {
			p := f.mustTenant(t)
			p.main.Kind = identity.ActorAPIKey
			rc := mustReceiver(t)
			f.mustNotifyURL(t, p, rc.srv.URL)
			c, err := f.cust.CreateSubCustomer(ctx, p.main, customer.NewCustomer{XAccountID: "platform-user-9", XAccountType: p.p.XAccountType})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.cust.AssociateNow(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			got := f.waitStatus(t, p, notify.StatusDelivered)
			f.waitNoJobs(t, "customer.associate")
			f.waitNoJobs(t, "notify.deliver")
			list, total, err := f.n.List(ctx, p.main, notify.Filter{})
			if err != nil || total != 1 || len(list) != 1 || len(rc.received()) != 1 {
				t.Fatalf("%d deliveries, %d posts (%v), want 1", total, len(rc.received()), err)
			}
			if got.Notice.XUserID != "platform-user-9" || got.Notice.DomainID != c.ID || got.Notice.DomainName != c.DomainName ||
				got.Notice.Action != notify.ActionBind {
				t.Fatalf("notice %+v of customer %+v", got.Notice, c)
			}
		})

		t.Run("OKNoXAccountNoNotice", func(t *testing.T) {
			p := f.mustTenant(t)
			err := d.InTx(ctx, func(tx *sql.Tx) error {
				return f.n.Associated(ctx, tx, customer.Customer{ID: "d4", DomainName: "n4"}, customer.Association{PartnerID: p.p.ID})
			})
			if _, total, _ := f.n.List(ctx, p.main, notify.Filter{}); err != nil || total != 0 {
				t.Fatalf("%d deliveries (%v), want none", total, err)
			}
		})

		t.Run("ErrInvalidNotice", func(t *testing.T) {
			err := d.InTx(ctx, func(tx *sql.Tx) error {
				return f.n.EnqueueTx(ctx, tx, notify.Notice{PartnerID: "x", DomainID: "d", XUserID: "u", Action: notify.Action(7)})
			})
			if !errors.Is(err, notify.ErrInvalidNotice) {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("ResendAndTenantScope", func(t *testing.T) {
			p, other := f.mustTenant(t), f.mustTenant(t)
			rc := mustReceiver(t)
			f.mustNotifyURL(t, p, rc.srv.URL)
			f.mustEnqueue(t, notify.Notice{PartnerID: p.p.ID, DomainID: "d5", DomainName: "n5", XUserID: "u5", Action: notify.ActionBind})
			got := f.waitStatus(t, p, notify.StatusDelivered)

			if err := f.n.Resend(ctx, other.main, got.ID); !errors.Is(err, notify.ErrNoticeNotFound) {
				t.Fatalf("another partner's resend: %v", err)
			}
			if list, total, err := f.n.List(ctx, other.main, notify.Filter{}); err != nil || total != 0 || len(list) != 0 {
				t.Fatalf("another partner sees %d deliveries (%v)", total, err)
			}
			if _, _, err := f.n.List(ctx, identity.Actor{PartnerID: p.p.ID}, notify.Filter{}); !errors.Is(err, identity.ErrForbidden) {
				t.Fatalf("list without the item: %v", err)
			}

			if err := f.n.Resend(ctx, p.main, got.ID); err != nil {
				t.Fatal(err)
			}
			if err := f.n.Resend(ctx, p.main, got.ID); err != nil && !errors.Is(err, notify.ErrNoticeInFlight) {
				t.Fatalf("second resend: %v", err)
			}
			f.waitNoJobs(t, "notify.deliver")
			again := f.waitStatus(t, p, notify.StatusDelivered)
			if again.ID != got.ID || again.Attempts != 2 || len(rc.received()) != 2 {
				t.Fatalf("after resend %+v, %d posts", again, len(rc.received()))
			}
		})
	}, jobs.Migrate)
}

// waitNoJobs polls until no job of kind is waiting or running (10 s).
func (f *fixture) waitNoJobs(tb testing.TB, kind string) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := f.db.SQL.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = $1
			AND state NOT IN ('completed', 'cancelled', 'discarded')`, kind).Scan(&n); err != nil {
			tb.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("%s jobs still pending", kind)
}
