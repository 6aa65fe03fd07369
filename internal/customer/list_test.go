package customer_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// listFixture is sp with six associated customers, one a minute apart
// (newest last), plus customers of other partners.
type listFixture struct {
	*fixture
	sp                []customer.Customer // in association order
	times             []time.Time
	sp2               customer.Customer
	resold            customer.Customer // the reseller's, created by the distributor
	manager, director identity.Member
}

func mustListFixture(t *testing.T, d *db.DB) listFixture {
	t.Helper()
	f := mustFixture(t, d)
	l := listFixture{fixture: f}
	specs := []struct {
		name, real, label string
		referral          bool
	}{
		{"Alpha-One", "张三", "VIP", false},
		{"alpha-two", "李四", "vip", true},
		{"Beta-Corp", "北京星河科技有限公司", "VIP-gold", false},
		{"gamma_x", "", "", false},
		{"delta-ALPHA", "Alice Smith", "Top", true},
		{"epsilon", "王五", "", false},
	}
	for _, s := range specs {
		in := newCustomer(f.sp)
		in.DomainName = ptr(s.name)
		if s.referral {
			in.CooperationType = ptr("1")
		}
		c := f.mustAssociated(t, f.sp, in)
		f.exec(t, "UPDATE customers SET real_name = $1, label = $2 WHERE id = $3", s.real, s.label, c.ID)
		l.sp = append(l.sp, c)
		l.times = append(l.times, f.clock.Now())
		f.clock.Advance(time.Minute)
	}
	// One more of sp, not associated yet: never listed.
	f.mustCreate(t, f.sp.main, newCustomer(f.sp))
	l.sp2 = f.mustAssociated(t, f.sp2, customer.NewCustomer{XAccountID: "x", XAccountType: f.sp2.p.XAccountType, DomainName: ptr("alpha-sp2")})
	in := newCustomer(f.dist)
	in.IndirectPartnerID, in.DomainName = ptr(f.reseller.p.ID), ptr("alpha-resold")
	l.resold = f.mustCreate(t, f.dist.main, in)
	if _, err := f.svc.AssociateNow(context.Background(), l.resold.ID); err != nil {
		t.Fatal(err)
	}

	// An account manager holding the first two customers, a director over it.
	ctx := context.Background()
	var err error
	if l.director, _, err = f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("director"),
		Roles: []string{identity.PresetDirector}}); err != nil {
		t.Fatal(err)
	}
	if l.manager, _, err = f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("manager"),
		Roles: []string{identity.PresetAccountManager}, DirectorID: l.director.ID}); err != nil {
		t.Fatal(err)
	}
	f.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id IN ($2, $3)", l.manager.ID, l.sp[0].ID, l.sp[1].ID)
	f.exec(t, "UPDATE customers SET account_manager_id = $1 WHERE id = $2", l.director.ID, l.sp[2].ID)
	return l
}

// actorOf returns member m's actor as the API builds it.
func (l listFixture) actorOf(t *testing.T, m identity.Member) identity.Actor {
	t.Helper()
	a := m.Actor(l.fixture.sp.p)
	var err error
	if a.Perms, a.Scope, err = l.ident.MemberAccess(context.Background(), l.fixture.sp.p.ID, m.ID); err != nil {
		t.Fatal(err)
	}
	return a
}

func names(list []customer.Listed) []string {
	var out []string
	for _, l := range list {
		out = append(out, l.Customer.DomainName)
	}
	return out
}

func TestListSubCustomers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		at := func(i int) *string { return ptr(l.times[i].Format(customer.APITime)) }
		all := []string{"epsilon", "delta-ALPHA", "gamma_x", "Beta-Corp", "alpha-two", "Alpha-One"}

		tests := []struct {
			name  string
			f     customer.ListFilter
			want  []string
			total int
		}{
			{"OK/All", customer.ListFilter{}, all, 6},
			{"OK/AccountNamePrefix", customer.ListFilter{AccountName: ptr("alpha")}, []string{"delta-ALPHA", "alpha-two", "Alpha-One"}, 3},
			{"OK/AccountNameInfix", customer.ListFilter{AccountName: ptr("TA-c")}, []string{"Beta-Corp"}, 1},
			{"OK/AccountNameSuffix", customer.ListFilter{AccountName: ptr("_X")}, []string{"gamma_x"}, 1},
			{"OK/AccountNameWildcardsAreLiteral", customer.ListFilter{AccountName: ptr("%")}, nil, 0},
			{"OK/AccountNameEmptyIsNoFilter", customer.ListFilter{AccountName: ptr("")}, all, 6},
			{"OK/CustomerFuzzy", customer.ListFilter{Customer: ptr("星河")}, []string{"Beta-Corp"}, 1},
			{"OK/CustomerCaseInsensitive", customer.ListFilter{Customer: ptr("alice")}, []string{"delta-ALPHA"}, 1},
			{"OK/LabelCaseSensitive", customer.ListFilter{Label: ptr("VIP")}, []string{"Beta-Corp", "Alpha-One"}, 2},
			{"OK/LabelLower", customer.ListFilter{Label: ptr("vip")}, []string{"alpha-two"}, 1},
			{"OK/LabelSuffix", customer.ListFilter{Label: ptr("gold")}, []string{"Beta-Corp"}, 1},
			{"OK/Referral", customer.ListFilter{AssociationType: ptr("1")}, []string{"delta-ALPHA", "alpha-two"}, 2},
			{"OK/Reseller", customer.ListFilter{AssociationType: ptr("2")}, []string{"epsilon", "gamma_x", "Beta-Corp", "Alpha-One"}, 4},
			{"OK/ResellerIntlCode", customer.ListFilter{AssociationType: ptr("3")}, []string{"epsilon", "gamma_x", "Beta-Corp", "Alpha-One"}, 4},
			{"OK/TypeEmptyIsNoFilter", customer.ListFilter{AssociationType: ptr("")}, all, 6},
			{"OK/BeginIsExclusive", customer.ListFilter{AssociatedOnBegin: at(3)}, []string{"epsilon", "delta-ALPHA"}, 2},
			{"OK/EndIsExclusive", customer.ListFilter{AssociatedOnEnd: at(2)}, []string{"alpha-two", "Alpha-One"}, 2},
			{"OK/Between", customer.ListFilter{AssociatedOnBegin: at(0), AssociatedOnEnd: at(3)}, []string{"Beta-Corp", "alpha-two"}, 2},
			{"OK/CustomerID", customer.ListFilter{CustomerID: ptr(l.sp[2].ID)}, []string{"Beta-Corp"}, 1},
			{"OK/CustomerIDOfAnotherPartner", customer.ListFilter{CustomerID: ptr(l.sp2.ID)}, nil, 0},
			{"OK/Combined", customer.ListFilter{AccountName: ptr("a"), AssociationType: ptr("2"), Label: ptr("VIP")},
				[]string{"Beta-Corp", "Alpha-One"}, 2},
			{"OK/Limit", customer.ListFilter{Limit: ptr(2)}, all[:2], 6},
			{"OK/Offset", customer.ListFilter{Limit: ptr(2), Offset: ptr(1)}, all[1:3], 6},
			{"OK/LastPage", customer.ListFilter{Limit: ptr(4), Offset: ptr(4)}, all[4:], 6},
			{"OK/PastTheEnd", customer.ListFilter{Offset: ptr(6)}, nil, 6},
			{"OK/MaxLimit", customer.ListFilter{Limit: ptr(100)}, all, 6},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := l.svc.ListSubCustomers(ctx, l.fixture.sp.main, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(list); !slices.Equal(got, tt.want) || total != tt.total {
					t.Fatalf("got %v (count %d), want %v (count %d)", got, total, tt.want, tt.total)
				}
			})
		}

		t.Run("OK/Fields", func(t *testing.T) {
			list, _, err := l.svc.ListSubCustomers(ctx, l.fixture.sp.main, customer.ListFilter{CustomerID: ptr(l.sp[0].ID)})
			if err != nil || len(list) != 1 {
				t.Fatalf("%v %v", list, err)
			}
			got := list[0]
			if got.Customer.RealName != "张三" || got.Customer.Label != "VIP" || got.Association.Type != customer.Reseller ||
				!got.Association.AssociatedAt.Equal(l.times[0]) || got.AccountManager != l.manager.AccountName ||
				got.Customer.XAccountType != l.fixture.sp.p.XAccountType {
				t.Fatalf("row %+v", got)
			}
		})

		t.Run("OK/DefaultLimitIs10", func(t *testing.T) {
			for range 6 {
				l.mustAssociated(t, l.fixture.sp, newCustomer(l.fixture.sp))
			}
			list, total, err := l.svc.ListSubCustomers(ctx, l.fixture.sp.main, customer.ListFilter{})
			if err != nil || len(list) != 10 || total != 12 {
				t.Fatalf("%d rows, count %d (%v); want 10 of 12", len(list), total, err)
			}
		})

		bad := []struct {
			name  string
			f     customer.ListFilter
			field string
		}{
			{"ErrLimitZero", customer.ListFilter{Limit: ptr(0)}, "limit"},
			{"ErrLimitTooLarge", customer.ListFilter{Limit: ptr(101)}, "limit"},
			{"ErrOffsetNegative", customer.ListFilter{Offset: ptr(-1)}, "offset"},
			{"ErrOffsetTooLarge", customer.ListFilter{Offset: ptr(40_000_001)}, "offset"},
			{"ErrAccountNameSpace", customer.ListFilter{AccountName: ptr("alpha one")}, "account_name"},
			{"ErrAccountNameLong", customer.ListFilter{AccountName: ptr(strings.Repeat("a", 65))}, "account_name"},
			{"ErrCustomerSpace", customer.ListFilter{Customer: ptr("张 三")}, "customer"},
			{"ErrLabelLong", customer.ListFilter{Label: ptr(strings.Repeat("l", 65))}, "label"},
			{"ErrAssociationType", customer.ListFilter{AssociationType: ptr("4")}, "association_type"},
			{"ErrBeginEmpty", customer.ListFilter{AssociatedOnBegin: ptr("")}, "associated_on_begin"},
			{"ErrBeginFormat", customer.ListFilter{AssociatedOnBegin: ptr("2025-03-01 08:00:00")}, "associated_on_begin"},
			{"ErrEndFormat", customer.ListFilter{AssociatedOnEnd: ptr("2025-03-01T08:00:00+08:00")}, "associated_on_end"},
			{"ErrCustomerIDLong", customer.ListFilter{CustomerID: ptr(strings.Repeat("a", 65))}, "customer_id"},
			{"ErrIndirectLong", customer.ListFilter{IndirectPartnerID: ptr(strings.Repeat("a", 65))}, "indirect_partner_id"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				_, _, err := l.svc.ListSubCustomers(ctx, l.fixture.sp.main, tt.f)
				wantParam(t, err, tt.field)
			})
		}
	})
}

func TestListSubCustomersTenantsAndScope(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		list := func(a identity.Actor, f customer.ListFilter) ([]string, error) {
			rows, total, err := l.svc.ListSubCustomers(ctx, a, f)
			if err == nil && total != len(rows) {
				t.Errorf("count %d for %d rows", total, len(rows))
			}
			return names(rows), err
		}

		t.Run("AnotherPartnerSeesOnlyItsOwn", func(t *testing.T) {
			got, err := list(l.fixture.sp2.main, customer.ListFilter{})
			if err != nil || !slices.Equal(got, []string{"alpha-sp2"}) {
				t.Fatalf("sp2 sees %v (%v)", got, err)
			}
			// indirect_partner_id means nothing for a solution provider.
			got, err = list(l.fixture.sp2.main, customer.ListFilter{IndirectPartnerID: ptr(l.fixture.sp.p.ID)})
			if err != nil || !slices.Equal(got, []string{"alpha-sp2"}) {
				t.Fatalf("sp2 naming sp sees %v (%v)", got, err)
			}
			got, err = list(l.fixture.sp2.main, customer.ListFilter{CustomerID: ptr(l.sp[0].ID)})
			if err != nil || len(got) != 0 {
				t.Fatalf("sp2 finds sp's customer by id: %v (%v)", got, err)
			}
		})
		t.Run("DistributorListsItsResellersCustomers", func(t *testing.T) {
			got, err := list(l.dist.main, customer.ListFilter{IndirectPartnerID: ptr(l.reseller.p.ID)})
			if err != nil || !slices.Equal(got, []string{"alpha-resold"}) {
				t.Fatalf("dist sees %v (%v)", got, err)
			}
			got, err = list(l.dist.main, customer.ListFilter{})
			if err != nil || len(got) != 0 {
				t.Fatalf("dist's own customers: %v (%v)", got, err)
			}
			got, err = list(l.reseller.main, customer.ListFilter{})
			if err != nil || !slices.Equal(got, []string{"alpha-resold"}) {
				t.Fatalf("the reseller sees %v (%v)", got, err)
			}
			_, err = list(l.dist.main, customer.ListFilter{IndirectPartnerID: ptr(l.fixture.sp.p.ID)})
			wantErr(t, err, customer.ErrNotYourReseller)
			// A reseller cannot reach its distributor or siblings.
			got, err = list(l.reseller.main, customer.ListFilter{IndirectPartnerID: ptr(l.dist.p.ID)})
			if err != nil || !slices.Equal(got, []string{"alpha-resold"}) {
				t.Fatalf("reseller naming dist sees %v (%v)", got, err)
			}
		})
		t.Run("AccountManagerSeesItsOwn", func(t *testing.T) {
			got, err := list(l.actorOf(t, l.manager), customer.ListFilter{})
			if err != nil || !slices.Equal(got, []string{"alpha-two", "Alpha-One"}) {
				t.Fatalf("the manager sees %v (%v)", got, err)
			}
			got, err = list(l.actorOf(t, l.director), customer.ListFilter{})
			if err != nil || !slices.Equal(got, []string{"Beta-Corp", "alpha-two", "Alpha-One"}) {
				t.Fatalf("the director sees %v (%v)", got, err)
			}
		})
		t.Run("ZeroScopeSeesNothing", func(t *testing.T) {
			a := l.fixture.sp.main
			a.Scope = identity.Scope{}
			got, err := list(a, customer.ListFilter{})
			if err != nil || len(got) != 0 {
				t.Fatalf("zero scope sees %v (%v)", got, err)
			}
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			a := l.fixture.sp.main
			a.Perms = map[string]bool{identity.PermCustomerCreate: true}
			_, err := list(a, customer.ListFilter{})
			wantErr(t, err, identity.ErrForbidden)
			_, err = list(l.op, customer.ListFilter{})
			wantErr(t, err, identity.ErrForbidden)
			a.Perms = map[string]bool{identity.PermCustomerList: true}
			if _, err := list(a, customer.ListFilter{}); err != nil {
				t.Fatalf("the console's permission: %v", err)
			}
		})
	})
}
