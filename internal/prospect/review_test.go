package prospect_test

import (
	"context"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/prospect"
)

func TestReview(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		pending := func() prospect.Report {
			a := f.mustAccount(t, newMobile(), "", 30*24*time.Hour)
			in := newReport()
			in.Mobile = a.Mobile
			r := f.mustReport(t, f.sp.main, in)
			if r.Status != prospect.StatusPending {
				t.Fatalf("status %s, want pending", r.Status)
			}
			return r
		}
		t.Run("Approve", func(t *testing.T) {
			r := pending()
			list, total, err := f.svc.ListPending(ctx, f.op, 100, 0)
			if err != nil || total == 0 || !containsReport(list, r.ID) {
				t.Fatalf("pending list %v (%v) lacks the report", list, err)
			}
			f.clock.Advance(time.Hour)
			if err := f.svc.ApproveReport(ctx, f.op, r.ID); err != nil {
				t.Fatal(err)
			}
			got, err := f.svc.ReportByID(ctx, f.sp.main, r.ID)
			if err != nil || got.Status != prospect.StatusReported || !got.ExpiresAt.Equal(f.clock.Now().Add(prospect.ReportValidity)) {
				t.Fatalf("after approval %+v (%v)", got, err)
			}
			wantErr(t, f.svc.ApproveReport(ctx, f.op, r.ID), prospect.ErrNotPending)
		})
		t.Run("RejectNeedsReasonAndFreesLock", func(t *testing.T) {
			r := pending()
			wantErr(t, f.svc.RejectReport(ctx, f.op, r.ID, "  "), prospect.ErrRejectReason)
			if err := f.svc.RejectReport(ctx, f.op, r.ID, "客户由直销跟进"); err != nil {
				t.Fatal(err)
			}
			got, _ := f.svc.ReportByID(ctx, f.sp.main, r.ID)
			if got.Status != prospect.StatusFailed || got.RejectReason != "客户由直销跟进" {
				t.Fatalf("after rejection %+v", got)
			}
			in := newReport()
			in.Mobile = r.Mobile
			if _, _, err := f.svc.Report(ctx, f.sp2.main, in); err != nil {
				t.Fatalf("lock not freed: %v", err)
			}
		})
		t.Run("ErrForbiddenForPartners", func(t *testing.T) {
			r := pending()
			wantErr(t, f.svc.ApproveReport(ctx, f.sp.main, r.ID), identity.ErrForbidden)
			wantErr(t, f.svc.RejectReport(ctx, f.sp2.main, r.ID, "no"), identity.ErrForbidden)
			_, _, err := f.svc.ListPending(ctx, f.sp.main, 10, 0)
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("StalePendingExpires", func(t *testing.T) {
			r := pending()
			f.clock.Advance(prospect.ReportValidity)
			wantErr(t, f.svc.ApproveReport(ctx, f.op, r.ID), prospect.ErrNotPending)
			if _, err := f.svc.ExpireReports(ctx); err != nil {
				t.Fatal(err)
			}
			if got := f.reportStatus(t, r.ID); got != "expired" {
				t.Fatalf("stored status %s, want expired", got)
			}
		})
	})
}

func containsReport(list []prospect.PendingReport, id string) bool {
	for _, r := range list {
		if r.ID == id {
			return true
		}
	}
	return false
}
