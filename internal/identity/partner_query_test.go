package identity_test

import (
	"context"
	"slices"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
)

func TestPartnerScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		a, aAcct := mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider})
		b, _ := mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider})
		dist, distAcct := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
		r1, r1Acct := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID})
		r2, _ := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID})
		reviewer := mustOperator(t, f, "reviewer", identity.RoleReviewer)
		memberA := mustMainActor(t, f, a, aAcct)
		memberDist := mustMainActor(t, f, dist, distAcct)
		memberR1 := mustMainActor(t, f, r1, r1Acct)

		tests := []struct {
			name  string
			actor identity.Actor
			id    string
			want  error
		}{
			{"OKOperatorReadsAny", f.admin, b.ID, nil},
			{"OKReviewerReadsAny", reviewer, r2.ID, nil},
			{"OKMemberReadsOwn", memberA, a.ID, nil},
			{"OKDistributorReadsItsReseller", memberDist, r1.ID, nil},
			{"OKResellerReadsOwn", memberR1, r1.ID, nil},
			{"ErrPartnerNotFound/MemberReadsUnrelated", memberA, b.ID, identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/MemberReadsReseller", memberA, r1.ID, identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/ResellerReadsSibling", memberR1, r2.ID, identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/ResellerReadsItsDistributor", memberR1, dist.ID, identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/DistributorReadsUnrelated", memberDist, a.ID, identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/Missing", f.admin, ids.New(), identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/MemberReadsMissing", memberA, ids.New(), identity.ErrPartnerNotFound},
			{"ErrPartnerNotFound/NoActor", identity.Actor{}, a.ID, identity.ErrPartnerNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := f.svc.Partner(ctx, tt.actor, tt.id)
				assertErr(t, err, tt.want)
				if tt.want == nil && p.ID != tt.id {
					t.Fatalf("got partner %q, want %q", p.ID, tt.id)
				}
				if tt.want != nil && p.ID != "" {
					t.Fatalf("a refused read returned partner %q", p.ID)
				}
			})
		}
	})
}

func TestListPartners(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		// Created in this order, so newest first is the reverse.
		acme, _ := mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider, Name: "Acme Cloud", DomainName: "acme-cloud"})
		dist, _ := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor, Name: "远航云总经销", DomainName: "yuanhang"})
		reseller, _ := mustPartner(t, f, identity.NewPartner{Type: identity.CloudReseller, ParentID: dist.ID, Name: "星河云", DomainName: "xinghe-acme"})
		frozen, _ := mustPartner(t, f, identity.NewPartner{Type: identity.SolutionProvider, Name: "Blue Sky", DomainName: "bluesky"})
		if err := f.svc.SetPartnerStatus(ctx, f.admin, frozen.ID, identity.PartnerFrozen); err != nil {
			t.Fatal(err)
		}
		all := []string{frozen.ID, reseller.ID, dist.ID, acme.ID}
		sp, dt, cr := identity.SolutionProvider, identity.Distributor, identity.CloudReseller
		normal, frz, restricted := identity.PartnerNormal, identity.PartnerFrozen, identity.PartnerRestricted

		tests := []struct {
			name      string
			filter    identity.PartnerFilter
			wantIDs   []string
			wantTotal int
		}{
			{"OKAllNewestFirst", identity.PartnerFilter{}, all, 4},
			{"OKTypeSolutionProvider", identity.PartnerFilter{Type: &sp}, []string{frozen.ID, acme.ID}, 2},
			{"OKTypeDistributor", identity.PartnerFilter{Type: &dt}, []string{dist.ID}, 1},
			{"OKTypeCloudReseller", identity.PartnerFilter{Type: &cr}, []string{reseller.ID}, 1},
			{"OKStatusFrozen", identity.PartnerFilter{Status: &frz}, []string{frozen.ID}, 1},
			{"OKStatusNormal", identity.PartnerFilter{Status: &normal}, []string{reseller.ID, dist.ID, acme.ID}, 3},
			{"OKStatusNone", identity.PartnerFilter{Status: &restricted}, nil, 0},
			{"OKTypeAndStatus", identity.PartnerFilter{Type: &sp, Status: &normal}, []string{acme.ID}, 1},
			{"OKQueryName", identity.PartnerFilter{Query: "远航"}, []string{dist.ID}, 1},
			{"OKQueryDomainName", identity.PartnerFilter{Query: "bluesk"}, []string{frozen.ID}, 1},
			{"OKQueryNameOrDomainName", identity.PartnerFilter{Query: "cme"}, []string{reseller.ID, acme.ID}, 2},
			{"OKQueryNoMatch", identity.PartnerFilter{Query: "nothing"}, nil, 0},
			{"OKQueryAndType", identity.PartnerFilter{Query: "acme", Type: &cr}, []string{reseller.ID}, 1},
			{"OKFirstPage", identity.PartnerFilter{Limit: 3}, all[:3], 4},
			{"OKSecondPage", identity.PartnerFilter{Limit: 3, Offset: 3}, all[3:], 4},
			{"OKPastTheEnd", identity.PartnerFilter{Limit: 3, Offset: 9}, nil, 4},
			{"OKNegativeOffset", identity.PartnerFilter{Limit: 2, Offset: -5}, all[:2], 4},
			{"OKPagedFilter", identity.PartnerFilter{Type: &sp, Limit: 1, Offset: 1}, []string{acme.ID}, 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := f.svc.ListPartners(ctx, f.admin, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := total, tt.wantTotal; got != want {
					t.Errorf("total %d, want %d", got, want)
				}
				if got, want := partnerIDs(list), tt.wantIDs; !slices.Equal(got, want) {
					t.Errorf("ids %v, want %v", got, want)
				}
			})
		}

		t.Run("OKQueryIgnoresCase", func(t *testing.T) {
			// An operator typing "ACME" looks for Acme Cloud; both databases
			// must answer alike (SQLite's LIKE ignores ASCII case,
			// PostgreSQL's does not).
			list, total, err := f.svc.ListPartners(ctx, f.admin, identity.PartnerFilter{Query: "ACME"})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := partnerIDs(list), []string{reseller.ID, acme.ID}; !slices.Equal(got, want) || total != 2 {
				t.Errorf("ids %v (total %d), want %v", got, total, want)
			}
		})

		t.Run("OKReviewerLists", func(t *testing.T) {
			_, total, err := f.svc.ListPartners(ctx, mustOperator(t, f, "reviewer", identity.RoleReviewer), identity.PartnerFilter{})
			assertErr(t, err, nil)
			if total != 4 {
				t.Errorf("total %d, want 4", total)
			}
		})

		t.Run("OKDistributors", func(t *testing.T) {
			list, err := f.svc.Distributors(ctx, f.admin)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := partnerIDs(list), []string{dist.ID}; !slices.Equal(got, want) {
				t.Errorf("distributors %v, want %v", got, want)
			}
		})

		t.Run("ErrForbidden/Member", func(t *testing.T) {
			p, acct := mustPartner(t, f, identity.NewPartner{Type: identity.Distributor})
			list, _, err := f.svc.ListPartners(ctx, mustMainActor(t, f, p, acct), identity.PartnerFilter{})
			assertErr(t, err, identity.ErrForbidden)
			if len(list) != 0 {
				t.Errorf("a refused list returned %d partners", len(list))
			}
		})
	})
}

func partnerIDs(list []identity.Partner) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.ID)
	}
	return out
}
