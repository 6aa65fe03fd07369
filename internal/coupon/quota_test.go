package coupon_test

import (
	"context"
	"testing"
	"time"

	"partnercenter/internal/coupon"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestGrantQuota(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		now := f.clock.Now()
		valid := coupon.NewQuota{PartnerID: f.sp.p.ID, Type: coupon.QuotaCash, Value: amt("1000.50"),
			EffectiveAt: now, ExpiresAt: now.AddDate(0, 6, 0),
			Limits: coupon.Limits{ServiceTypes: []string{"hws.service.type.ec2", "hws.service.type.ec2", ""},
				Regions: []string{"cn-north-4"}, OrderTypes: []coupon.OrderType{coupon.OrderNew, coupon.OrderRenew},
				MinOrder: amt("100"), MaxOrderShare: 50}}
		t.Run("OK", func(t *testing.T) {
			q, err := f.svc.GrantQuota(ctx, f.op, valid)
			wantErr(t, err, nil)
			if !q.Balance.Equal(amt("1000.50")) || q.Status != coupon.QuotaNormal || q.Currency != "CNY" ||
				len(q.Limits.ServiceTypes) != 1 || q.Limits.MaxOrderShare != 50 || !q.Limits.MinOrder.Equal(amt("100")) {
				t.Fatalf("got %+v", q)
			}
			f.mustVerify(t)
		})
		t.Run("DistributorOK", func(t *testing.T) {
			in := valid
			in.PartnerID = f.dist.p.ID
			_, err := f.svc.GrantQuota(ctx, f.op, in)
			wantErr(t, err, nil)
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			_, err := f.svc.GrantQuota(ctx, f.sp.main, valid)
			wantErr(t, err, identity.ErrForbidden)
			rev := f.op
			rev.OperatorRoles = []identity.OperatorRole{identity.RoleReviewer}
			_, err = f.svc.GrantQuota(ctx, rev, valid)
			wantErr(t, err, identity.ErrForbidden)
		})
		t.Run("ErrResellerType", func(t *testing.T) {
			in := valid
			in.PartnerID = f.reseller.p.ID
			_, err := f.svc.GrantQuota(ctx, f.op, in)
			wantErr(t, err, coupon.ErrQuotaPartnerType)
		})
		cases := []struct {
			field string
			edit  func(*coupon.NewQuota)
		}{
			{"partner_id", func(q *coupon.NewQuota) { q.PartnerID = "nope" }},
			{"quota_type", func(q *coupon.NewQuota) { q.Type = 2 }},
			{"quota_value", func(q *coupon.NewQuota) { q.Value = amt("0") }},
			{"quota_value", func(q *coupon.NewQuota) { q.Value = amt("-1") }},
			{"expire_time", func(q *coupon.NewQuota) { q.ExpiresAt = q.EffectiveAt }},
			{"order_types", func(q *coupon.NewQuota) { q.Limits.OrderTypes = []coupon.OrderType{"refund"} }},
			{"max_order_share", func(q *coupon.NewQuota) { q.Limits.MaxOrderShare = 101 }},
			{"max_order_share", func(q *coupon.NewQuota) { q.Type = coupon.QuotaVoucher }},
			{"min_order_amount", func(q *coupon.NewQuota) { q.Limits.MinOrder = amt("-1") }},
		}
		for _, c := range cases {
			t.Run("Err_"+c.field, func(t *testing.T) {
				in := valid
				c.edit(&in)
				_, err := f.svc.GrantQuota(ctx, f.op, in)
				wantParam(t, err, c.field)
			})
		}
	})
}

func TestQuotaStatusAndLists(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		v := f.mustQuota(t, f.sp, coupon.QuotaVoucher, "500", coupon.Limits{})
		c := f.mustQuota(t, f.sp, coupon.QuotaCash, "300", coupon.Limits{MaxOrderShare: 30})
		other := f.mustQuota(t, f.sp2, coupon.QuotaVoucher, "100", coupon.Limits{})

		wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, c.ID, coupon.QuotaFrozen), nil)
		wantParam(t, f.svc.SetQuotaStatus(ctx, f.op, c.ID, coupon.QuotaReclaimed), "quota_status")
		wantErr(t, f.svc.SetQuotaStatus(ctx, f.sp.main, c.ID, coupon.QuotaNormal), identity.ErrForbidden)
		wantErr(t, f.svc.SetQuotaStatus(ctx, f.op, "missing", coupon.QuotaNormal), coupon.ErrQuotaNotFound)

		all, total, err := f.svc.OperatorQuotas(ctx, f.op, "", 0, 10)
		if err != nil || total != 3 || len(all) != 3 {
			t.Fatalf("operator quotas: %d %d %v", len(all), total, err)
		}
		mine, total, err := f.svc.OperatorQuotas(ctx, f.op, f.sp2.p.ID, 0, 10)
		if err != nil || total != 1 || mine[0].ID != other.ID || mine[0].PartnerAccountName != f.sp2.p.DomainName {
			t.Fatalf("operator quotas of sp2: %+v %d %v", mine, total, err)
		}
		if _, _, err := f.svc.OperatorQuotas(ctx, f.sp.main, "", 0, 10); err == nil {
			t.Fatal("a partner must not list every quota")
		}

		list, total, err := f.svc.ListQuotas(ctx, f.sp.main, coupon.QuotaFilter{})
		if err != nil || total != 2 || len(list) != 2 {
			t.Fatalf("list: %v %d %v", list, total, err)
		}
		list, _, _ = f.svc.ListQuotas(ctx, f.sp.main, coupon.QuotaFilter{Statuses: []coupon.QuotaStatus{coupon.QuotaFrozen}})
		if len(list) != 1 || list[0].ID != c.ID || list[0].Status != coupon.QuotaFrozen {
			t.Fatalf("status filter: %+v", list)
		}
		list, _, _ = f.svc.ListQuotas(ctx, f.sp.main, coupon.QuotaFilter{Type: ptr(coupon.QuotaVoucher)})
		if len(list) != 1 || list[0].ID != v.ID {
			t.Fatalf("type filter: %+v", list)
		}
		list, _, _ = f.svc.ListQuotas(ctx, f.sp.main, coupon.QuotaFilter{IDs: []string{v.ID, other.ID}})
		if len(list) != 1 || list[0].ID != v.ID {
			t.Fatalf("ids filter must not reach sp2's quota: %+v", list)
		}
		from := f.clock.Now().Add(time.Hour)
		list, _, _ = f.svc.ListQuotas(ctx, f.sp.main, coupon.QuotaFilter{ExpiresFrom: &from, Limit: 1})
		if len(list) != 1 {
			t.Fatalf("expiry filter with limit: %+v", list)
		}
		t.Run("CrossTenant", func(t *testing.T) {
			if _, err := f.svc.Quota(ctx, f.sp2.main, v.ID); err == nil {
				t.Fatal("sp2 read sp's quota")
			}
			if got, err := f.svc.Quota(ctx, f.sp.main, v.ID); err != nil || got.ID != v.ID {
				t.Fatalf("own quota: %v", err)
			}
			list, total, _ := f.svc.ListQuotas(ctx, f.sp2.main, coupon.QuotaFilter{IDs: []string{v.ID, c.ID}})
			if total != 0 || len(list) != 0 {
				t.Fatalf("sp2 listed sp's quotas: %+v", list)
			}
			_, _, err := f.svc.ListQuotas(ctx, f.sp.main, coupon.QuotaFilter{IndirectPartnerID: f.reseller.p.ID})
			if err != nil {
				t.Fatalf("a solution provider's indirect id is ignored: %v", err)
			}
			_, _, err = f.svc.ListQuotas(ctx, f.dist.main, coupon.QuotaFilter{IndirectPartnerID: f.sp.p.ID})
			wantErr(t, err, coupon.ErrNotYourReseller)
		})
		t.Run("ErrNoPermission", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{}
			_, _, err := f.svc.ListQuotas(ctx, a, coupon.QuotaFilter{})
			wantErr(t, err, identity.ErrForbidden)
		})
	})
}
