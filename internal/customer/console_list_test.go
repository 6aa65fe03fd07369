package customer_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func consoleIDs(rows []customer.ConsoleRow) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func TestConsoleCustomers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		sp := l.sp
		l.exec(t, "UPDATE customers SET mobile_country_code = '0086', mobile = '13812345678', email = 'zhang.san@example.com' WHERE id = $1", sp[0].ID)
		l.exec(t, "UPDATE customers SET mobile_country_code = '0086', mobile = '13900000001' WHERE id = $1", sp[3].ID)
		if _, err := l.svc.FreezeCustomers(ctx, l.fixture.sp.main, customer.FreezeRequest{CustomerIDs: []string{sp[2].ID, sp[5].ID},
			Reason: "overdue"}); err != nil {
			t.Fatal(err)
		}
		id := func(i ...int) []string {
			var out []string
			for _, n := range i {
				out = append(out, sp[n].ID)
			}
			return out
		}
		at := func(i int) *string { return ptr(l.times[i].Format(customer.APITime)) }
		newest := id(5, 4, 3, 2, 1, 0)

		tests := []struct {
			name  string
			f     customer.ListFilter
			want  []string
			total int
		}{
			{"OK/NewestFirst", customer.ListFilter{}, newest, 6},
			{"OK/OldestFirst", customer.ListFilter{OldestFirst: true}, id(0, 1, 2, 3, 4, 5), 6},
			{"OK/OldestFirstPaged", customer.ListFilter{OldestFirst: true, Limit: ptr(2), Offset: ptr(2)}, id(2, 3), 6},
			{"OK/Paged", customer.ListFilter{Limit: ptr(4), Offset: ptr(4)}, id(1, 0), 6},
			{"OK/Type", customer.ListFilter{AssociationType: ptr("1")}, id(4, 1), 2},
			{"OK/TimeRange", customer.ListFilter{AssociatedOnBegin: at(0), AssociatedOnEnd: at(3)}, id(2, 1), 2},
			{"OK/FromIsInclusive", customer.ListFilter{AssociatedFrom: ptr(l.times[3])}, id(5, 4, 3), 3},
			{"OK/BeforeIsExclusive", customer.ListFilter{AssociatedBefore: ptr(l.times[2])}, id(1, 0), 2},
			{"OK/FromBefore", customer.ListFilter{AssociatedFrom: ptr(l.times[1]), AssociatedBefore: ptr(l.times[3])}, id(2, 1), 2},
			{"OK/Name", customer.ListFilter{Customer: ptr("星河")}, id(2), 1},
			{"OK/AccountName", customer.ListFilter{AccountName: ptr("alpha")}, id(4, 1, 0), 3},
			{"OK/CustomerID", customer.ListFilter{CustomerID: ptr(sp[3].ID)}, id(3), 1},
			{"OK/CustomerIDOtherPartner", customer.ListFilter{CustomerID: ptr(l.sp2.ID)}, nil, 0},
			{"OK/ManagerName", customer.ListFilter{AccountManager: ptr(l.manager.AccountName[:7])}, id(1, 0), 2},
			{"OK/ManagerNameIgnoresCase", customer.ListFilter{AccountManager: ptr(strings.ToUpper(l.director.AccountName))}, id(2), 1},
			{"OK/ManagerNameNoMatch", customer.ListFilter{AccountManager: ptr("nobody-at-all")}, nil, 0},
			{"OK/ManagerNameOfAnotherPartner", customer.ListFilter{AccountManager: ptr(l.fixture.sp2.p.DomainName)}, nil, 0},
			{"OK/Mobile", customer.ListFilter{Mobile: ptr("13812345678")}, id(0), 1},
			{"OK/MobileWithCountryCode", customer.ListFilter{Mobile: ptr("+86 139-0000-0001")}, id(3), 1},
			{"OK/MobileIsExact", customer.ListFilter{Mobile: ptr("1381234")}, nil, 0},
			{"OK/Label", customer.ListFilter{Label: ptr("VIP")}, id(2, 0), 2},
			{"OK/Frozen", customer.ListFilter{Frozen: ptr(true)}, id(5, 2), 2},
			{"OK/NotFrozen", customer.ListFilter{Frozen: ptr(false)}, id(4, 3, 1, 0), 4},
			{"OK/Unassigned", customer.ListFilter{Unassigned: true}, id(5, 4, 3), 3},
			{"OK/Combined", customer.ListFilter{Frozen: ptr(false), Unassigned: true, AssociationType: ptr("2")}, id(3), 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rows, total, err := l.svc.ConsoleCustomers(ctx, l.fixture.sp.main, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				if got := consoleIDs(rows); !slices.Equal(got, tt.want) || total != tt.total {
					t.Fatalf("got %v (count %d), want %v (count %d)", got, total, tt.want, tt.total)
				}
			})
		}

		t.Run("OK/Masked", func(t *testing.T) {
			rows, _, err := l.svc.ConsoleCustomers(ctx, l.fixture.sp.main, customer.ListFilter{CustomerID: ptr(sp[0].ID)})
			if err != nil || len(rows) != 1 {
				t.Fatalf("%v %v", rows, err)
			}
			r := rows[0]
			if r.Name != "张*" || r.AccountName != "Al****ne" || r.Mobile != "+86 138****5678" || r.Email != "z***@example.com" ||
				r.AccountManager == "" || strings.Contains(r.AccountManager, l.manager.AccountName) || !r.Assigned ||
				r.Label != "VIP" || r.Type != customer.Reseller || r.Frozen() {
				t.Fatalf("row %+v", r)
			}
		})
		t.Run("ErrMobile", func(t *testing.T) {
			_, _, err := l.svc.ConsoleCustomers(ctx, l.fixture.sp.main, customer.ListFilter{Mobile: ptr("138abc")})
			wantParam(t, err, "mobile")
		})
		t.Run("ErrForbidden", func(t *testing.T) {
			a := l.fixture.sp.main
			a.Perms = map[string]bool{identity.PermCustomerQuery: true}
			_, _, err := l.svc.ConsoleCustomers(ctx, a, customer.ListFilter{})
			wantErr(t, err, identity.ErrForbidden)
		})
	})
}

func TestConsoleCustomersScope(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		sp := l.sp
		list := func(a identity.Actor, f customer.ListFilter) []string {
			t.Helper()
			rows, total, err := l.svc.ConsoleCustomers(ctx, a, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(rows) {
				t.Errorf("count %d for %d rows", total, len(rows))
			}
			return consoleIDs(rows)
		}
		manager, director := l.actorOf(t, l.manager), l.actorOf(t, l.director)
		if got, want := list(manager, customer.ListFilter{}), []string{sp[1].ID, sp[0].ID}; !slices.Equal(got, want) {
			t.Errorf("manager sees %v, want %v", got, want)
		}
		if got, want := list(director, customer.ListFilter{}), []string{sp[2].ID, sp[1].ID, sp[0].ID}; !slices.Equal(got, want) {
			t.Errorf("director sees %v, want %v", got, want)
		}
		if got := list(l.fixture.sp.main, customer.ListFilter{}); len(got) != 6 {
			t.Errorf("admin sees %v", got)
		}
		// Filters narrow the scope, never widen it.
		if got := list(manager, customer.ListFilter{CustomerID: ptr(sp[2].ID)}); len(got) != 0 {
			t.Errorf("manager finds the director's customer: %v", got)
		}
		if got := list(manager, customer.ListFilter{Unassigned: true}); len(got) != 0 {
			t.Errorf("manager sees unassigned customers: %v", got)
		}
		if got, want := list(director, customer.ListFilter{AccountManager: ptr(l.manager.AccountName)}), []string{sp[1].ID, sp[0].ID}; !slices.Equal(got, want) {
			t.Errorf("director filtering by manager sees %v, want %v", got, want)
		}
		if _, err := l.svc.ConsoleCustomer(ctx, manager, sp[2].ID); err == nil {
			t.Error("manager opens the director's customer")
		}
		if c, err := l.svc.ConsoleCustomer(ctx, director, sp[0].ID); err != nil || c.ID != sp[0].ID || c.AccountName != "Al****ne" {
			t.Errorf("director opens %+v (%v)", c, err)
		}
	})
}

func TestConsoleCustomerDetailTenants(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		_, err := l.svc.ConsoleCustomer(ctx, l.fixture.sp2.main, l.sp[0].ID)
		wantErr(t, err, customer.ErrCustomerNotFound)
		_, err = l.svc.ConsoleCustomer(ctx, l.fixture.sp.main, l.sp2.ID)
		wantErr(t, err, customer.ErrCustomerNotFound)
		// A distributor's reseller's customer has no page at the distributor.
		_, err = l.svc.ConsoleCustomer(ctx, l.dist.main, l.resold.ID)
		wantErr(t, err, customer.ErrCustomerNotFound)
		c, err := l.svc.ConsoleCustomer(ctx, l.fixture.sp.main, l.sp[2].ID)
		if err != nil || c.Name != "北*********" || c.AssociationID == "" || c.CreatedAt.IsZero() {
			t.Fatalf("detail %+v (%v)", c, err)
		}
	})
}

func TestConsoleResellersTab(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		// A second reseller of the distributor with a customer of its own,
		// and one of another distributor that must never show.
		r2 := l.mustTenant(t, identity.CloudReseller, l.dist.p.ID)
		in := newCustomer(l.dist)
		in.IndirectPartnerID, in.DomainName = ptr(r2.p.ID), ptr("beta-resold")
		second := l.mustCreate(t, l.dist.main, in)
		if _, err := l.svc.AssociateNow(ctx, second.ID); err != nil {
			t.Fatal(err)
		}
		otherDist := l.mustTenant(t, identity.Distributor, "")
		otherReseller := l.mustTenant(t, identity.CloudReseller, otherDist.p.ID)
		in = newCustomer(otherDist)
		in.IndirectPartnerID = ptr(otherReseller.p.ID)
		foreign := l.mustCreate(t, otherDist.main, in)
		if _, err := l.svc.AssociateNow(ctx, foreign.ID); err != nil {
			t.Fatal(err)
		}
		l.exec(t, "UPDATE customers SET account_manager_id = 'someone' WHERE id = $1", second.ID)

		rows, total, err := l.svc.ConsoleCustomers(ctx, l.dist.main, customer.ListFilter{AllResellers: true})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := consoleIDs(rows), []string{second.ID, l.resold.ID}; !slices.Equal(got, want) || total != 2 {
			t.Fatalf("dist's resellers' customers %v (count %d), want %v", got, total, want)
		}
		if rows[0].PartnerID != r2.p.ID || rows[0].AccountManager != "" || rows[0].AccountName != "be****ld" || rows[0].Assigned {
			t.Fatalf("basic row %+v", rows[0])
		}
		rows, total, err = l.svc.ConsoleCustomers(ctx, l.dist.main, customer.ListFilter{AllResellers: true, IndirectPartnerID: ptr(r2.p.ID)})
		if err != nil || !slices.Equal(consoleIDs(rows), []string{second.ID}) || total != 1 {
			t.Fatalf("one reseller: %v (count %d, %v)", consoleIDs(rows), total, err)
		}
		_, _, err = l.svc.ConsoleCustomers(ctx, l.dist.main, customer.ListFilter{AllResellers: true, IndirectPartnerID: ptr(otherReseller.p.ID)})
		wantErr(t, err, customer.ErrNotYourReseller)
		rows, total, err = l.svc.ConsoleCustomers(ctx, l.dist.main, customer.ListFilter{AllResellers: true, AccountName: ptr("beta")})
		if err != nil || !slices.Equal(consoleIDs(rows), []string{second.ID}) || total != 1 {
			t.Fatalf("filtered: %v (count %d, %v)", consoleIDs(rows), total, err)
		}
		// Other partners have no resellers' tab.
		rows, total, err = l.svc.ConsoleCustomers(ctx, l.fixture.sp.main, customer.ListFilter{AllResellers: true})
		if err != nil || len(rows) != 0 || total != 0 {
			t.Fatalf("sp's resellers' tab: %v (count %d, %v)", consoleIDs(rows), total, err)
		}
		// The distributor's own tab stays its own.
		rows, _, err = l.svc.ConsoleCustomers(ctx, l.dist.main, customer.ListFilter{})
		if err != nil || len(rows) != 0 {
			t.Fatalf("dist's own: %v (%v)", consoleIDs(rows), err)
		}
		refs, err := l.svc.ConsoleResellers(ctx, l.dist.main)
		if err != nil || len(refs) != 2 {
			t.Fatalf("resellers %v (%v)", refs, err)
		}
		if refs, err := l.svc.ConsoleResellers(ctx, l.fixture.sp.main); err != nil || len(refs) != 0 {
			t.Fatalf("sp's resellers %v (%v)", refs, err)
		}
	})
}
