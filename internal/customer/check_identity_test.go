package customer_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

func TestCheckIdentity(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, withMaxPerMobile(3))
		ctx := context.Background()
		taken := f.mustCreate(t, f.sp.main, customer.NewCustomer{XAccountID: "u1", XAccountType: f.sp.p.XAccountType,
			DomainName: ptr("Taken-Name")})
		busy := newMobile()
		for _, tn := range []tenant{f.sp, f.sp2} {
			in := newCustomer(tn)
			in.MobilePhone, in.VerificationCode = ptr(busy), ptr(f.mustSendCode(t, tn.main, busy))
			f.mustCreate(t, tn.main, in)
		}
		full := newMobile()
		f.exec(t, "UPDATE customers SET mobile_country_code = '0086', mobile = $1 WHERE id = $2", full, taken.ID)
		for _, tn := range []tenant{f.sp2, f.reseller} {
			in := newCustomer(tn)
			in.MobilePhone, in.VerificationCode = ptr(full), ptr(f.mustSendCode(t, tn.main, full))
			f.mustCreate(t, tn.main, in)
		}
		protected := newMobile()
		if _, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedMobile, protected, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedEmail, "Boss@Direct.example.com", ""); err != nil {
			t.Fatal(err)
		}
		f.exec(t, "UPDATE customers SET email = 'used@example.com' WHERE id = $1", taken.ID)

		tests := []struct {
			name, typ, value string
			available        bool
			remaining        int // -1: not reported
		}{
			{"Name/Available", "name", "free-name1", true, -1},
			{"Name/UsedByCustomer", "name", "taken-NAME", false, -1},
			{"Name/UsedByPartner", "name", strings.ToUpper(f.dist.p.DomainName), false, -1},
			{"Name/HyphenFirst", "name", "-abcd", true, -1},
			{"Mobile/Available", "mobile", "0086-" + newMobile(), true, 3},
			{"Mobile/Backs2Of3", "mobile", "0086-" + busy, true, 1},
			{"Mobile/AtLimit", "mobile", "0086-" + full, false, 0},
			{"Mobile/Protected", "mobile", "0086-" + protected, false, 0},
			{"Email/Available", "email", "someone@example.com", true, -1},
			{"Email/UsedByCustomer", "email", "USED@example.com", false, -1},
			{"Email/Protected", "email", "boss@direct.example.com", false, -1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := f.svc.CheckIdentity(ctx, f.sp.main, tt.typ, tt.value)
				if err != nil {
					t.Fatal(err)
				}
				if got.Available != tt.available {
					t.Errorf("available %v, want %v", got.Available, tt.available)
				}
				switch {
				case tt.remaining < 0 && got.MobileRemaining != nil:
					t.Errorf("remaining %d reported for %s", *got.MobileRemaining, tt.typ)
				case tt.remaining >= 0 && (got.MobileRemaining == nil || *got.MobileRemaining != tt.remaining):
					t.Errorf("remaining %v, want %d", got.MobileRemaining, tt.remaining)
				}
			})
		}

		bad := []struct{ name, typ, value, field string }{
			{"ErrSearchType", "phone", "x", "search_type"},
			{"ErrSearchTypeEmpty", "", "x", "search_type"},
			{"ErrValueEmpty", "name", "", "search_value"},
			{"ErrValueTooLong", "email", strings.Repeat("a", 60) + "@x.com", "search_value"},
			{"ErrNameShort", "name", "abcd", "search_value"},
			{"ErrNameLong", "name", "a" + strings.Repeat("b", 32), "search_value"},
			{"ErrNameUnderscoreFirst", "name", "_abcde", "search_value"},
			{"ErrNameDigitFirst", "name", "1abcde", "search_value"},
			{"ErrNameReservedOp", "name", "OP_abcde", "search_value"},
			{"ErrNameReservedShadow", "name", "shadow_x", "search_value"},
			{"ErrMobileNoCountryCode", "mobile", "13800000000", "search_value"},
			{"ErrMobileOtherCountry", "mobile", "0044-7700900000", "search_value"},
			{"ErrMobileLetters", "mobile", "0086-1380000000a", "search_value"},
			{"ErrEmailNoAt", "email", "someone.example.com", "search_value"},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.CheckIdentity(ctx, f.sp.main, tt.typ, tt.value)
				wantParam(t, err, tt.field)
			})
		}

		t.Run("ErrForbidden", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCustomerQuery: true}
			_, err := f.svc.CheckIdentity(ctx, a, "name", "whatever1")
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.CheckIdentity(ctx, f.op, "name", "whatever1")
			wantErr(t, err, identity.ErrForbidden)
		})
	})
}
