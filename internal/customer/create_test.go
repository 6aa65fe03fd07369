package customer_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

var randomNamePattern = regexp.MustCompile(`^[a-z][a-z0-9]{31}$`)

func TestCreateSubCustomer(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()

		t.Run("OK/Minimal", func(t *testing.T) {
			in := newCustomer(f.sp)
			c := f.mustCreate(t, f.sp.main, in)
			if !ids.Valid(c.ID) || !randomNamePattern.MatchString(c.DomainName) || customer.CheckDomainName(c.DomainName) != nil {
				t.Fatalf("id %q, name %q: want 32 hex and a random 32-character name", c.ID, c.DomainName)
			}
			got, err := f.svc.CustomerByID(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.HasPassword || got.CheckPassword("") || got.Mobile != "" || got.XAccountID != in.XAccountID ||
				got.XAccountType != f.sp.p.XAccountType || got.Type != -1 || got.VerifiedStatus != -1 || got.Frozen() ||
				got.CreatorPartnerID != f.sp.p.ID || !got.CreatedAt.Equal(f.clock.Now()) {
				t.Fatalf("stored %+v", got)
			}
			if _, ok, _ := f.svc.CurrentAssociation(ctx, c.ID); ok {
				t.Fatal("associated before the job ran")
			}
			a, err := f.svc.AssociateNow(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if a.PartnerID != f.sp.p.ID || a.Type != customer.Reseller || !a.Current() {
				t.Fatalf("association %+v, want current reseller with sp", a)
			}
		})

		t.Run("OK/Everything", func(t *testing.T) {
			mobile := newMobile()
			in := customer.NewCustomer{XAccountID: "platform-user-1", XAccountType: f.sp.p.XAccountType,
				DomainName: ptr("Alice_Cloud-1"), MobilePhone: ptr("0086-" + mobile), Password: ptr("Secret#2025"),
				IsCloseMarketMs: ptr("true"), CooperationType: ptr("1")}
			in.VerificationCode = ptr(f.mustSendCode(t, f.sp.main, mobile))
			c := f.mustCreate(t, f.sp.main, in)
			got, err := f.svc.CustomerByDomainName(ctx, "alice_cloud-1")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != c.ID || got.DomainName != "Alice_Cloud-1" || got.MobileCountryCode != "0086" || got.Mobile != mobile ||
				!got.CheckPassword("Secret#2025") || got.CheckPassword("secret#2025") || !got.CloseMarketing {
				t.Fatalf("stored %+v", got)
			}
			a, err := f.svc.AssociateNow(ctx, c.ID)
			if err != nil || a.Type != customer.Referral {
				t.Fatalf("association %+v (%v), want referral", a, err)
			}
			// The code is used up.
			again := newCustomer(f.sp2)
			again.MobilePhone, again.VerificationCode = ptr(mobile), in.VerificationCode
			_, err = f.svc.CreateSubCustomer(ctx, f.sp2.main, again)
			wantErr(t, err, customer.ErrCodeWrong)
		})

		t.Run("OK/International", func(t *testing.T) {
			if err := f.svc.SendVerificationCode(ctx, f.sp.main, customer.CodeRequest{ReceiverType: 2, Email: "Intl@Example.com"}); err != nil {
				t.Fatal(err)
			}
			in := newCustomer(f.sp)
			in.Email, in.DomainArea, in.VerificationCode = ptr("intl@example.com"), ptr("mx"), ptr(f.lastCode(t, "intl@example.com"))
			in.Password = ptr("Abroad#2025")
			c := f.mustCreate(t, f.sp.main, in)
			if c.Email != "intl@example.com" || c.DomainArea != "MX" {
				t.Fatalf("stored %+v", c)
			}
		})

		t.Run("OK/ResellerCustomerByDistributor", func(t *testing.T) {
			in := newCustomer(f.dist)
			in.IndirectPartnerID = ptr(f.reseller.p.ID)
			c := f.mustCreate(t, f.dist.main, in)
			a, err := f.svc.AssociateNow(ctx, c.ID)
			if err != nil || a.PartnerID != f.reseller.p.ID || a.Type != customer.Reseller {
				t.Fatalf("association %+v (%v), want the reseller's", a, err)
			}
			// The reseller's own platform id works too.
			in = newCustomer(f.reseller)
			in.IndirectPartnerID = ptr(f.reseller.p.ID)
			f.mustCreate(t, f.dist.main, in)
		})

		t.Run("OK/ResellerOnItsOwn", func(t *testing.T) {
			c := f.mustCreate(t, f.reseller.main, newCustomer(f.reseller))
			if a, err := f.svc.AssociateNow(ctx, c.ID); err != nil || a.PartnerID != f.reseller.p.ID {
				t.Fatalf("association %+v (%v)", a, err)
			}
		})

		t.Run("OK/IndirectIgnoredForSolutionProviders", func(t *testing.T) {
			in := newCustomer(f.sp)
			in.IndirectPartnerID = ptr(f.reseller.p.ID)
			c := f.mustCreate(t, f.sp.main, in)
			if a, err := f.svc.AssociateNow(ctx, c.ID); err != nil || a.PartnerID != f.sp.p.ID {
				t.Fatalf("association %+v (%v), want sp's", a, err)
			}
		})

		t.Run("OK/NameRules", func(t *testing.T) {
			for _, name := range []string{"_abcd", "-abcd", "abcde", "a" + strings.Repeat("1", 31), "Z_-9z"} {
				in := newCustomer(f.sp)
				in.DomainName = ptr(name)
				f.mustCreate(t, f.sp.main, in)
			}
			in := newCustomer(f.sp)
			in.DomainName = ptr("")
			if c := f.mustCreate(t, f.sp.main, in); !randomNamePattern.MatchString(c.DomainName) {
				t.Fatalf("empty name gave %q, want a random one", c.DomainName)
			}
		})

		taken := f.mustCreate(t, f.sp.main, customer.NewCustomer{XAccountID: "taken", XAccountType: f.sp.p.XAccountType,
			DomainName: ptr("TakenName")})
		with := func(change func(*customer.NewCustomer)) customer.NewCustomer {
			in := newCustomer(f.sp)
			change(&in)
			return in
		}
		bad := []struct {
			name  string
			in    customer.NewCustomer
			field string
			err   *apperr.Error
		}{
			{"ErrXAccountIDMissing", with(func(in *customer.NewCustomer) { in.XAccountID = "" }), "xaccount_id", nil},
			{"ErrXAccountIDTooLong", with(func(in *customer.NewCustomer) { in.XAccountID = strings.Repeat("x", 129) }), "xaccount_id", nil},
			{"ErrXAccountTypeMissing", with(func(in *customer.NewCustomer) { in.XAccountType = "" }), "xaccount_type", nil},
			{"ErrXAccountTypeOfAnotherPartner", with(func(in *customer.NewCustomer) { in.XAccountType = f.sp2.p.XAccountType }),
				"xaccount_type", nil},
			{"ErrDomainNameShort", with(func(in *customer.NewCustomer) { in.DomainName = ptr("abcd") }), "", customer.ErrDomainNameFormat},
			{"ErrDomainNameLong", with(func(in *customer.NewCustomer) { in.DomainName = ptr("a" + strings.Repeat("b", 32)) }), "",
				customer.ErrDomainNameFormat},
			{"ErrDomainNameDigitFirst", with(func(in *customer.NewCustomer) { in.DomainName = ptr("1abcde") }), "", customer.ErrDomainNameFormat},
			{"ErrDomainNameAllDigits", with(func(in *customer.NewCustomer) { in.DomainName = ptr("123456") }), "", customer.ErrDomainNameFormat},
			{"ErrDomainNameOp", with(func(in *customer.NewCustomer) { in.DomainName = ptr("op_customer") }), "", customer.ErrDomainNameFormat},
			{"ErrDomainNameShadow", with(func(in *customer.NewCustomer) { in.DomainName = ptr("SHADOW_customer") }), "",
				customer.ErrDomainNameFormat},
			{"ErrDomainNameCharacters", with(func(in *customer.NewCustomer) { in.DomainName = ptr("bad.name") }), "", customer.ErrDomainNameFormat},
			{"ErrDomainNameTaken", with(func(in *customer.NewCustomer) { in.DomainName = ptr("takenNAME") }), "", customer.ErrDomainNameTaken},
			{"ErrDomainNameOfAPartner", with(func(in *customer.NewCustomer) { in.DomainName = ptr(strings.ToUpper(f.sp2.p.DomainName)) }), "",
				customer.ErrDomainNameTaken},
			{"ErrMobileFormat", with(func(in *customer.NewCustomer) { in.MobilePhone, in.VerificationCode = ptr("12345"), ptr("123456") }), "",
				customer.ErrMobileFormat},
			{"ErrMobileForeign", with(func(in *customer.NewCustomer) {
				in.MobilePhone, in.VerificationCode = ptr("+44-7700900000"), ptr("123456")
			}), "", customer.ErrMobileFormat},
			{"ErrEmailFormat", with(func(in *customer.NewCustomer) { in.Email, in.VerificationCode = ptr("no-at-sign"), ptr("123456") }), "",
				customer.ErrEmailFormat},
			{"ErrCodeMissing", with(func(in *customer.NewCustomer) { in.MobilePhone = ptr(newMobile()) }), "verification_code", nil},
			{"ErrCodeEmpty", with(func(in *customer.NewCustomer) { in.VerificationCode = ptr("") }), "verification_code", nil},
			{"ErrCodeLength", with(func(in *customer.NewCustomer) { in.MobilePhone, in.VerificationCode = ptr(newMobile()), ptr("12345") }),
				"verification_code", nil},
			{"ErrPasswordEmpty", with(func(in *customer.NewCustomer) { in.Password = ptr("") }), "password", nil},
			{"ErrPasswordShort", with(func(in *customer.NewCustomer) { in.Password = ptr("Ab1!") }), "", customer.ErrPasswordFormat},
			{"ErrPasswordLong", with(func(in *customer.NewCustomer) { in.Password = ptr("Ab1!" + strings.Repeat("x", 29)) }), "",
				customer.ErrPasswordFormat},
			{"ErrPasswordOneKind", with(func(in *customer.NewCustomer) { in.Password = ptr("abcdefghij") }), "", customer.ErrPasswordFormat},
			{"ErrPasswordIsName", with(func(in *customer.NewCustomer) { in.DomainName, in.Password = ptr("Name_12345"), ptr("name_12345") }), "",
				customer.ErrPasswordFormat},
			{"ErrPasswordIsNameReversed", with(func(in *customer.NewCustomer) {
				in.DomainName, in.Password = ptr("Name_12345"), ptr("54321_emaN")
			}), "", customer.ErrPasswordFormat},
			{"ErrPasswordContainsMobile", with(func(in *customer.NewCustomer) {
				in.MobilePhone, in.VerificationCode, in.Password = ptr("13912345678"), ptr("123456"), ptr("Pw13912345678")
			}), "", customer.ErrPasswordFormat},
			{"ErrPasswordContainsEmail", with(func(in *customer.NewCustomer) {
				in.Email, in.VerificationCode, in.Password = ptr("a@b.cn"), ptr("123456"), ptr("X1-A@B.CN-x")
			}), "", customer.ErrPasswordFormat},
			{"ErrCloseMarketMs", with(func(in *customer.NewCustomer) { in.IsCloseMarketMs = ptr("yes") }), "is_close_market_ms", nil},
			{"ErrDomainArea", with(func(in *customer.NewCustomer) { in.DomainArea = ptr("MEX") }), "domain_area", nil},
			{"ErrIndirectTooLong", with(func(in *customer.NewCustomer) { in.IndirectPartnerID = ptr(strings.Repeat("a", 65)) }),
				"indirect_partner_id", nil},
			{"ErrXAccountTaken", with(func(in *customer.NewCustomer) { in.XAccountID = "taken" }), "", customer.ErrXAccountTaken},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				before := f.count(t, "SELECT COUNT(*) FROM customers")
				_, err := f.svc.CreateSubCustomer(ctx, f.sp.main, tt.in)
				if tt.field != "" {
					wantParam(t, err, tt.field)
				} else {
					wantErr(t, err, tt.err)
				}
				if got := f.count(t, "SELECT COUNT(*) FROM customers"); got != before {
					t.Fatalf("a refused creation made %d accounts", got-before)
				}
			})
		}
		_ = taken

		t.Run("ErrForbidden", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCustomerQuery: true}
			_, err := f.svc.CreateSubCustomer(ctx, a, newCustomer(f.sp))
			wantErr(t, err, identity.ErrForbidden)
			_, err = f.svc.CreateSubCustomer(ctx, f.op, newCustomer(f.sp))
			wantErr(t, err, identity.ErrForbidden)
		})
	})
}

func TestCreateSubCustomerPartnerRules(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		other := f.mustTenant(t, identity.Distributor, "")
		otherReseller := f.mustTenant(t, identity.CloudReseller, other.p.ID)
		indirect := func(id string) customer.NewCustomer {
			in := newCustomer(f.dist)
			in.IndirectPartnerID = ptr(id)
			return in
		}
		create := func(a identity.Actor, in customer.NewCustomer) error {
			_, err := f.svc.CreateSubCustomer(ctx, a, in)
			return err
		}

		t.Run("ErrDistributorDirect", func(t *testing.T) {
			wantErr(t, create(f.dist.main, newCustomer(f.dist)), customer.ErrDistributorDirect)
			wantErr(t, create(f.dist.main, indirect("")), customer.ErrDistributorDirect)
		})
		t.Run("ErrNotYourReseller", func(t *testing.T) {
			wantErr(t, create(f.dist.main, indirect(otherReseller.p.ID)), customer.ErrNotYourReseller)
			wantErr(t, create(f.dist.main, indirect(f.sp.p.ID)), customer.ErrNotYourReseller)
			wantErr(t, create(f.dist.main, indirect(ids.New())), customer.ErrNotYourReseller)
		})
		t.Run("ErrPartnerRestricted", func(t *testing.T) {
			mustStatus(t, f, f.sp.p.ID, identity.PartnerRestricted)
			defer mustStatus(t, f, f.sp.p.ID, identity.PartnerNormal)
			wantErr(t, create(f.sp.main, newCustomer(f.sp)), customer.ErrPartnerRestricted)
		})
		t.Run("ErrPartnerRestricted/TheReseller", func(t *testing.T) {
			mustStatus(t, f, f.reseller.p.ID, identity.PartnerRestricted)
			defer mustStatus(t, f, f.reseller.p.ID, identity.PartnerNormal)
			wantErr(t, create(f.dist.main, indirect(f.reseller.p.ID)), customer.ErrPartnerRestricted)
			wantErr(t, create(f.reseller.main, newCustomer(f.reseller)), customer.ErrPartnerRestricted)
		})
		t.Run("ErrParentRestricted", func(t *testing.T) {
			mustStatus(t, f, f.dist.p.ID, identity.PartnerRestricted)
			defer mustStatus(t, f, f.dist.p.ID, identity.PartnerNormal)
			wantErr(t, create(f.reseller.main, newCustomer(f.reseller)), customer.ErrParentRestricted)
			wantErr(t, create(f.dist.main, indirect(f.reseller.p.ID)), customer.ErrParentRestricted)
		})
		t.Run("ErrTestPartner", func(t *testing.T) {
			if err := f.ident.SetPartnerTest(ctx, f.op, f.sp2.p.ID, true); err != nil {
				t.Fatal(err)
			}
			wantErr(t, create(f.sp2.main, newCustomer(f.sp2)), customer.ErrTestPartner)
			if err := f.ident.SetPartnerTest(ctx, f.op, f.sp2.p.ID, false); err != nil {
				t.Fatal(err)
			}
			if err := create(f.sp2.main, newCustomer(f.sp2)); err != nil {
				t.Fatal(err)
			}
		})
		if got := f.count(t, "SELECT COUNT(*) FROM customers"); got != 1 {
			t.Fatalf("%d customers, want only the last one", got)
		}
	})
}

func mustStatus(tb testing.TB, f *fixture, partnerID string, s identity.PartnerStatus) {
	tb.Helper()
	if err := f.ident.SetPartnerStatus(context.Background(), f.op, partnerID, s); err != nil {
		tb.Fatal(err)
	}
}

func TestCreateSubCustomerContacts(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, withMaxPerMobile(2))
		ctx := context.Background()
		create := func(tn tenant, mobile string) error {
			in := newCustomer(tn)
			if tn.p.ID == f.dist.p.ID {
				in.IndirectPartnerID = ptr(f.reseller.p.ID)
			}
			in.MobilePhone, in.VerificationCode = ptr(mobile), ptr(f.mustSendCode(t, tn.main, mobile))
			_, err := f.svc.CreateSubCustomer(ctx, tn.main, in)
			return err
		}

		t.Run("ErrMobileTaken", func(t *testing.T) {
			mobile := newMobile()
			if err := create(f.sp, mobile); err != nil {
				t.Fatal(err)
			}
			// Pending or associated, the mobile is one of sp's customers'.
			wantErr(t, create(f.sp, mobile), customer.ErrMobileTaken)
			c, _ := f.svc.CustomerByXAccount(ctx, f.sp.p.XAccountType, lastXAccount(t, f, mobile))
			if _, err := f.svc.AssociateNow(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			wantErr(t, create(f.sp, mobile), customer.ErrMobileTaken)
		})
		t.Run("ErrMobileLimit", func(t *testing.T) {
			mobile := newMobile()
			if err := create(f.sp, mobile); err != nil {
				t.Fatal(err)
			}
			if err := create(f.sp2, mobile); err != nil {
				t.Fatal(err)
			}
			err := create(f.dist, mobile)
			wantErr(t, err, customer.ErrMobileLimit)
			if !strings.Contains(err.Error(), "2") {
				t.Errorf("the error should name the cap: %v", err)
			}
		})
		t.Run("ErrProtected", func(t *testing.T) {
			mobile := newMobile()
			if _, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedMobile, "+86"+mobile, "direct sales"); err != nil {
				t.Fatal(err)
			}
			wantErr(t, create(f.sp, mobile), customer.ErrProtected)
			if _, err := f.svc.AddProtected(ctx, f.op, customer.ProtectedEmail, "vip@example.com", ""); err != nil {
				t.Fatal(err)
			}
			in := newCustomer(f.sp)
			in.Email, in.VerificationCode = ptr("VIP@example.com"), ptr("123456")
			_, err := f.svc.CreateSubCustomer(ctx, f.sp.main, in)
			wantErr(t, err, customer.ErrProtected)
		})
	})
}

// lastXAccount returns the xaccount_id of the newest customer with mobile.
func lastXAccount(tb testing.TB, f *fixture, mobile string) string {
	tb.Helper()
	var id string
	if err := f.db.SQL.QueryRow("SELECT xaccount_id FROM customers WHERE mobile = $1 ORDER BY id DESC LIMIT 1", mobile).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}

func TestCreateSubCustomerCode(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		attempt := func(a identity.Actor, mobile, code string) error {
			in := customer.NewCustomer{XAccountID: unique("u"), XAccountType: f.sp.p.XAccountType,
				MobilePhone: ptr(mobile), VerificationCode: ptr(code)}
			if a.PartnerID == f.sp2.p.ID {
				in.XAccountType = f.sp2.p.XAccountType
			}
			_, err := f.svc.CreateSubCustomer(ctx, a, in)
			return err
		}
		wrong := func(code string) string {
			if code == "000000" {
				return "000001"
			}
			return "000000"
		}

		t.Run("ErrCodeWrong/NoneSent", func(t *testing.T) {
			wantErr(t, attempt(f.sp.main, newMobile(), "123456"), customer.ErrCodeWrong)
		})
		t.Run("ErrCodeWrong/AnotherPartnersCode", func(t *testing.T) {
			mobile := newMobile()
			code := f.mustSendCode(t, f.sp2.main, mobile)
			wantErr(t, attempt(f.sp.main, mobile, code), customer.ErrCodeWrong)
			if err := attempt(f.sp2.main, mobile, code); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("ErrCodeExpired", func(t *testing.T) {
			mobile := newMobile()
			code := f.mustSendCode(t, f.sp.main, mobile)
			f.clock.Advance(customer.DefaultCodeTTL - time.Second)
			wantErr(t, attempt(f.sp.main, mobile, wrong(code)), customer.ErrCodeWrong)
			f.clock.Advance(time.Second)
			wantErr(t, attempt(f.sp.main, mobile, code), customer.ErrCodeExpired)
		})
		t.Run("ErrCodeExpired/ShortTimeout", func(t *testing.T) {
			mobile := newMobile()
			if err := f.svc.SendVerificationCode(ctx, f.sp.main, customer.CodeRequest{ReceiverType: 1, MobilePhone: mobile,
				Timeout: ptr(120)}); err != nil {
				t.Fatal(err)
			}
			code := f.lastCode(t, "+86"+mobile)
			f.clock.Advance(customer.ForcedCodeTTL)
			wantErr(t, attempt(f.sp.main, mobile, code), customer.ErrCodeExpired)
		})
		t.Run("ErrCodeAttempts", func(t *testing.T) {
			mobile := newMobile()
			code := f.mustSendCode(t, f.sp.main, mobile)
			for i := range customer.MaxCodeFailures {
				wantErr(t, attempt(f.sp.main, mobile, wrong(code)), customer.ErrCodeWrong)
				_ = i
			}
			wantErr(t, attempt(f.sp.main, mobile, wrong(code)), customer.ErrCodeAttempts)
			// Dead: even the right code is refused, and the expiry no longer matters.
			wantErr(t, attempt(f.sp.main, mobile, code), customer.ErrCodeAttempts)
			f.clock.Advance(time.Hour)
			wantErr(t, attempt(f.sp.main, mobile, code), customer.ErrCodeAttempts)
			// A new code brings new tries.
			if err := attempt(f.sp.main, mobile, f.mustSendCode(t, f.sp.main, mobile)); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("OK/RightCodeAfterThreeFailures", func(t *testing.T) {
			mobile := newMobile()
			code := f.mustSendCode(t, f.sp.main, mobile)
			for range customer.MaxCodeFailures {
				wantErr(t, attempt(f.sp.main, mobile, wrong(code)), customer.ErrCodeWrong)
			}
			if err := attempt(f.sp.main, mobile, code); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("RulesBeforeTheCode", func(t *testing.T) {
			// A request that fails for another reason spends no try.
			mobile := newMobile()
			code := f.mustSendCode(t, f.sp.main, mobile)
			for range 5 {
				in := customer.NewCustomer{XAccountID: unique("u"), XAccountType: f.sp.p.XAccountType, DomainName: ptr(f.sp2.p.DomainName),
					MobilePhone: ptr(mobile), VerificationCode: ptr(wrong(code))}
				_, err := f.svc.CreateSubCustomer(ctx, f.sp.main, in)
				wantErr(t, err, customer.ErrDomainNameTaken)
			}
			if err := attempt(f.sp.main, mobile, code); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// TestCreateSubCustomerRetry: the same body sent again, or many times at
// once, makes one account.
func TestCreateSubCustomerRetry(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		mobile := newMobile()
		in := customer.NewCustomer{XAccountID: "retried", XAccountType: f.sp.p.XAccountType, DomainName: ptr("retried-user"),
			MobilePhone: ptr(mobile), Password: ptr("Retry#2025")}
		in.VerificationCode = ptr(f.mustSendCode(t, f.sp.main, mobile))
		f.mustCreate(t, f.sp.main, in)
		_, err := f.svc.CreateSubCustomer(ctx, f.sp.main, in)
		wantErr(t, err, customer.ErrXAccountTaken)

		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		// With a name too: whichever unique index the database checks first,
		// the losers read ErrXAccountTaken.
		in = customer.NewCustomer{XAccountID: "concurrent", XAccountType: f.sp.p.XAccountType, DomainName: ptr("concurrent-name")}
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.CreateSubCustomer(ctx, f.sp.main, in)
			}()
		}
		wg.Wait()
		okCount := 0
		for _, err := range errs {
			switch {
			case err == nil:
				okCount++
			case !errors.Is(err, customer.ErrXAccountTaken):
				t.Errorf("concurrent create: %v", err)
			}
		}
		if okCount != 1 {
			t.Fatalf("%d concurrent creations succeeded, want 1", okCount)
		}
		if got := f.count(t, "SELECT COUNT(*) FROM customers WHERE xaccount_id IN ('retried', 'concurrent')"); got != 2 {
			t.Fatalf("%d accounts, want 2", got)
		}
		// The same with a mobile and its code: the losers wait for the
		// mobile's lock and must still read a duplicate, not a mobile clash.
		mobile = newMobile()
		in = customer.NewCustomer{XAccountID: "concurrent-mobile", XAccountType: f.sp.p.XAccountType,
			DomainName: ptr("concurrent-mobile"), MobilePhone: ptr(mobile)}
		in.VerificationCode = ptr(f.mustSendCode(t, f.sp.main, mobile))
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.CreateSubCustomer(ctx, f.sp.main, in)
			}()
		}
		wg.Wait()
		okCount = 0
		for _, err := range errs {
			switch {
			case err == nil:
				okCount++
			case !errors.Is(err, customer.ErrXAccountTaken):
				t.Errorf("concurrent create with a mobile: %v", err)
			}
		}
		if okCount != 1 {
			t.Fatalf("%d concurrent creations with a mobile succeeded, want 1", okCount)
		}
		// Another partner's platform may use the same user id.
		same := customer.NewCustomer{XAccountID: "concurrent", XAccountType: f.sp2.p.XAccountType}
		f.mustCreate(t, f.sp2.main, same)
	})
}

// TestCreateSubCustomerConcurrentMobile: concurrent creations never push a
// mobile past the cap.
func TestCreateSubCustomerConcurrentMobile(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, withMaxPerMobile(2))
		ctx := context.Background()
		mobile := newMobile()
		tenants := []tenant{f.sp, f.sp2, f.reseller, f.mustTenant(t, identity.SolutionProvider, "")}
		reqs := make([]customer.NewCustomer, len(tenants))
		for i, tn := range tenants {
			reqs[i] = newCustomer(tn)
			reqs[i].MobilePhone, reqs[i].VerificationCode = ptr(mobile), ptr(f.mustSendCode(t, tn.main, mobile))
		}
		var wg sync.WaitGroup
		errs := make([]error, len(tenants))
		for i, tn := range tenants {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.CreateSubCustomer(ctx, tn.main, reqs[i])
			}()
		}
		wg.Wait()
		created := 0
		for _, err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, customer.ErrMobileLimit):
				t.Errorf("create: %v", err)
			}
		}
		if created != 2 || f.count(t, "SELECT COUNT(*) FROM customers WHERE mobile = $1", mobile) != 2 {
			t.Fatalf("%d created, want 2", created)
		}
	})
}
