package customer_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestRevealCustomers(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		l := mustListFixture(t, d)
		ctx := context.Background()
		sp := l.sp
		l.exec(t, "UPDATE customers SET mobile_country_code = '0086', mobile = '13812345678', email = 'zhang.san@example.com' WHERE id = $1", sp[0].ID)
		admin := l.fixture.sp.main
		admin.Kind, admin.Name = identity.ActorMember, "admin-of-sp"
		reveals := func() int {
			return l.count(t, "SELECT COUNT(*) FROM customer_reveals WHERE partner_id = $1", l.fixture.sp.p.ID)
		}
		req := func(col string, ids ...string) customer.RevealRequest {
			return customer.RevealRequest{Column: col, CustomerIDs: ids, ClientIP: "203.0.113.7", UserAgent: "test-agent"}
		}

		t.Run("OK/EveryColumn", func(t *testing.T) {
			want := map[string]map[string]string{
				customer.RevealName:           {sp[0].ID: "张三", sp[3].ID: ""},
				customer.RevealAccountName:    {sp[0].ID: "Alpha-One", sp[3].ID: "gamma_x"},
				customer.RevealMobile:         {sp[0].ID: "+86 13812345678", sp[3].ID: ""},
				customer.RevealEmail:          {sp[0].ID: "zhang.san@example.com", sp[3].ID: ""},
				customer.RevealAccountManager: {sp[0].ID: l.manager.AccountName, sp[3].ID: ""},
			}
			for col, values := range want {
				before := reveals()
				got, err := l.svc.RevealCustomers(ctx, admin, req(col, sp[0].ID, sp[3].ID, sp[0].ID))
				if err != nil {
					t.Fatalf("%s: %v", col, err)
				}
				if len(got) != len(values) {
					t.Fatalf("%s: got %v, want %v", col, got, values)
				}
				for id, v := range values {
					if got[id] != v {
						t.Errorf("%s of %s: got %q, want %q", col, id, got[id], v)
					}
				}
				if reveals() != before+1 {
					t.Fatalf("%s: no audit row", col)
				}
			}
		})
		t.Run("OK/AuditRow", func(t *testing.T) {
			if _, err := l.svc.RevealCustomers(ctx, admin, req(customer.RevealMobile, sp[1].ID, sp[2].ID)); err != nil {
				t.Fatal(err)
			}
			list, total, err := l.svc.ListReveals(ctx, admin, customer.RevealFilter{Limit: 1})
			if err != nil || len(list) != 1 || total < 1 {
				t.Fatalf("%v %d %v", list, total, err)
			}
			r := list[0]
			if r.MemberID != admin.ID || r.MemberName != "admin-of-sp" || r.Column != customer.RevealMobile ||
				strings.Join(r.CustomerIDs, ",") != sp[1].ID+","+sp[2].ID || r.ClientIP != "203.0.113.7" ||
				r.UserAgent != "test-agent" || !r.At.Equal(l.clock.Now()) {
				t.Fatalf("audit row %+v", r)
			}
		})
		t.Run("ErrRevealForbidden", func(t *testing.T) {
			before := reveals()
			a := admin
			a.Perms = map[string]bool{identity.PermCustomerList: true}
			got, err := l.svc.RevealCustomers(ctx, a, req(customer.RevealMobile, sp[0].ID))
			wantErr(t, err, customer.ErrRevealForbidden)
			if got != nil || reveals() != before {
				t.Fatalf("refused reveal returned %v or was audited", got)
			}
			// The preset account manager does not hold the item.
			_, err = l.svc.RevealCustomers(ctx, l.actorOf(t, l.manager), req(customer.RevealMobile, sp[0].ID))
			wantErr(t, err, customer.ErrRevealForbidden)
			_, _, err = l.svc.ListReveals(ctx, a, customer.RevealFilter{})
			wantErr(t, err, customer.ErrRevealForbidden)
		})
		t.Run("ErrNotYourCustomer/CrossTenant", func(t *testing.T) {
			before := reveals()
			got, err := l.svc.RevealCustomers(ctx, admin, req(customer.RevealMobile, sp[0].ID, l.sp2.ID))
			wantErr(t, err, customer.ErrNotYourCustomer)
			if got != nil || reveals() != before {
				t.Fatalf("cross-tenant reveal returned %v or was audited", got)
			}
			sp2 := l.fixture.sp2.main
			_, err = l.svc.RevealCustomers(ctx, sp2, req(customer.RevealName, sp[0].ID))
			wantErr(t, err, customer.ErrNotYourCustomer)
			// A distributor sees its resellers' customers masked only.
			_, err = l.svc.RevealCustomers(ctx, l.dist.main, req(customer.RevealAccountName, l.resold.ID))
			wantErr(t, err, customer.ErrNotYourCustomer)
			_, err = l.svc.RevealCustomers(ctx, admin, req(customer.RevealAccountName, "0123456789abcdef0123456789abcdef"))
			wantErr(t, err, customer.ErrNotYourCustomer)
		})
		t.Run("ErrNotYourCustomer/OutOfScope", func(t *testing.T) {
			// A director holding the item still reveals only its team's.
			director := l.actorOf(t, l.director)
			director.Perms[identity.PermCustomerReveal] = true
			if _, err := l.svc.RevealCustomers(ctx, director, req(customer.RevealEmail, sp[0].ID, sp[2].ID)); err != nil {
				t.Fatal(err)
			}
			_, err := l.svc.RevealCustomers(ctx, director, req(customer.RevealEmail, sp[0].ID, sp[3].ID))
			wantErr(t, err, customer.ErrNotYourCustomer)
			// Its audit view holds its own reveals only.
			list, total, err := l.svc.ListReveals(ctx, director, customer.RevealFilter{})
			if err != nil || total != 1 || len(list) != 1 || list[0].MemberID != l.director.ID {
				t.Fatalf("director's audit %+v (%d, %v)", list, total, err)
			}
			_, total, err = l.svc.ListReveals(ctx, admin, customer.RevealFilter{})
			if err != nil || total != reveals() {
				t.Fatalf("admin's audit has %d of %d (%v)", total, reveals(), err)
			}
			// Another partner's audit is empty.
			sp2 := l.fixture.sp2.main
			if _, total, err := l.svc.ListReveals(ctx, sp2, customer.RevealFilter{}); err != nil || total != 0 {
				t.Fatalf("sp2 sees %d reveals (%v)", total, err)
			}
		})
		t.Run("ErrParams", func(t *testing.T) {
			_, err := l.svc.RevealCustomers(ctx, admin, req("password", sp[0].ID))
			wantParam(t, err, "column")
			_, err = l.svc.RevealCustomers(ctx, admin, req(customer.RevealName))
			wantParam(t, err, "customer_ids")
			many := make([]string, 101)
			for i := range many {
				many[i] = strings.Repeat("a", 31) + string(rune('a'+i%26)) + string(rune('a'+i/26))
			}
			_, err = l.svc.RevealCustomers(ctx, admin, req(customer.RevealName, many...))
			wantParam(t, err, "customer_ids")
		})
	})
}
