package identity_test

import (
	"context"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
)

func TestSetPartnerStatus(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		p, acct := mustPartner(t, f, identity.NewPartner{})
		member := mustMainActor(t, f, p, acct)
		eco := mustOperator(t, f, "eco", identity.RoleEcoManager)
		reviewer := mustOperator(t, f, "reviewer", identity.RoleReviewer)

		tests := []struct {
			name   string
			actor  identity.Actor
			id     string
			status identity.PartnerStatus
			want   error
		}{
			{"OKFrozen", f.admin, p.ID, identity.PartnerFrozen, nil},
			{"OKFrozenAgain", f.admin, p.ID, identity.PartnerFrozen, nil},
			{"OKRestrictedByEcoManager", eco, p.ID, identity.PartnerRestricted, nil},
			{"OKNormal", f.admin, p.ID, identity.PartnerNormal, nil},
			{"ErrPartnerNotFound", f.admin, ids.New(), identity.PartnerFrozen, identity.ErrPartnerNotFound},
			{"ErrPartnerStatus/Unknown", f.admin, p.ID, "deleted", identity.ErrPartnerStatus},
			{"ErrPartnerStatus/Empty", f.admin, p.ID, "", identity.ErrPartnerStatus},
			{"ErrForbidden/Member", member, p.ID, identity.PartnerNormal, identity.ErrForbidden},
			{"ErrForbidden/Reviewer", reviewer, p.ID, identity.PartnerFrozen, identity.ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := mustReadPartner(t, f, p.ID)
				f.clock.Advance(time.Minute)
				err := f.svc.SetPartnerStatus(ctx, tt.actor, tt.id, tt.status)
				assertErr(t, err, tt.want)
				after := mustReadPartner(t, f, p.ID)
				if tt.want != nil {
					if after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
						t.Fatalf("a refused change altered the partner: %s -> %s", before.Status, after.Status)
					}
					return
				}
				if got, want := after.Status, tt.status; got != want {
					t.Errorf("status %q, want %q", got, want)
				}
				if !after.UpdatedAt.Equal(f.clock.Now()) {
					t.Errorf("updated at %s, want %s", after.UpdatedAt, f.clock.Now())
				}
			})
		}

		t.Run("OKWritesAudit", func(t *testing.T) {
			q, _ := mustPartner(t, f, identity.NewPartner{})
			if err := f.svc.SetPartnerStatus(ctx, f.admin, q.ID, identity.PartnerRestricted); err != nil {
				t.Fatal(err)
			}
			n := countRows(t, f, `SELECT COUNT(*) FROM audit_log WHERE partner_id = $1 AND action = 'partner.status'
				AND detail = 'restricted' AND actor_id = $2`, q.ID, f.admin.ID)
			if n != 1 {
				t.Errorf("%d audit rows, want 1", n)
			}
		})
	})
}

func TestSetEcoManager(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		p, acct := mustPartner(t, f, identity.NewPartner{})
		member := mustMainActor(t, f, p, acct)
		eco := mustOperator(t, f, "eco", identity.RoleEcoManager)
		reviewer := mustOperator(t, f, "reviewer", identity.RoleReviewer)
		li := identity.EcoManager{Name: "李明", Email: "liming@eco.example.com", Mobile: "13800000001"}

		tests := []struct {
			name  string
			actor identity.Actor
			id    string
			m     identity.EcoManager
			want  error
		}{
			{"OK", f.admin, p.ID, li, nil},
			{"OKByEcoManager", eco, p.ID, identity.EcoManager{Name: "王芳", Email: "wangfang@eco.example.com"}, nil},
			{"OKCleared", f.admin, p.ID, identity.EcoManager{}, nil},
			{"ErrPartnerNotFound", f.admin, ids.New(), li, identity.ErrPartnerNotFound},
			{"ErrEmailFormat", f.admin, p.ID, identity.EcoManager{Name: "X", Email: "x@"}, identity.ErrEmailFormat},
			{"ErrMobileFormat", f.admin, p.ID, identity.EcoManager{Name: "X", Mobile: "phone"}, identity.ErrMobileFormat},
			{"ErrForbidden/Member", member, p.ID, li, identity.ErrForbidden},
			{"ErrForbidden/Reviewer", reviewer, p.ID, li, identity.ErrForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := mustReadPartner(t, f, p.ID)
				err := f.svc.SetEcoManager(ctx, tt.actor, tt.id, tt.m)
				assertErr(t, err, tt.want)
				after := mustReadPartner(t, f, p.ID)
				want := tt.m
				if tt.want != nil {
					want = before.EcoManager
				}
				if got := after.EcoManager; got != want {
					t.Errorf("eco manager %+v, want %+v", got, want)
				}
			})
		}
	})
}

func mustReadPartner(tb testing.TB, f fixture, id string) identity.Partner {
	tb.Helper()
	p, err := f.svc.Partner(context.Background(), f.admin, id)
	if err != nil {
		tb.Fatalf("read partner %s: %v", id, err)
	}
	return p
}
