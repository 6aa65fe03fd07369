package cbcapi_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
)

// customerEach runs fn on every database with River's tables, which
// creating customers needs.
func customerEach(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.Each(t, fn, jobs.Migrate)
}

// mustTenantOf creates a partner of typ (under parent for a reseller) whose
// main account holds a key.
func (f *fixture) mustTenantOf(tb testing.TB, typ identity.PartnerType, parent string) tenant {
	tb.Helper()
	ctx := context.Background()
	p, acct, err := f.ident.CreatePartner(ctx, f.admin, identity.NewPartner{Type: typ, ParentID: parent,
		Name: "Partner", DomainName: fmt.Sprintf("partner%d", seq.Add(1))})
	if err != nil {
		tb.Fatal(err)
	}
	m, _, err := f.ident.SignInMember(ctx, p.DomainName, "", acct.Password)
	if err != nil {
		tb.Fatal(err)
	}
	main := m.Actor(p)
	return tenant{partner: p, password: acct.Password, main: main, key: f.mustKey(tb, main)}
}

// mustCustomer creates and associates a customer of t through the service.
func (f *fixture) mustCustomer(tb testing.TB, t tenant, name string, referral bool) customer.Customer {
	tb.Helper()
	in := customer.NewCustomer{XAccountID: "x-" + name, XAccountType: t.partner.XAccountType, DomainName: &name}
	if referral {
		one := "1"
		in.CooperationType = &one
	}
	c, err := f.customers.CreateSubCustomer(context.Background(), t.main, in)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := f.customers.AssociateNow(context.Background(), c.ID); err != nil {
		tb.Fatal(err)
	}
	return c
}

var codeIn = regexp.MustCompile(`\d{6}`)

// codeSentTo returns the code of the newest message to receiver.
func (f *fixture) codeSentTo(tb testing.TB, receiver string) string {
	tb.Helper()
	msgs, err := f.outbox.List(context.Background(), outbox.Filter{To: receiver, Limit: 1})
	if err != nil || len(msgs) == 0 {
		tb.Fatalf("no message to %s (%v)", receiver, err)
	}
	return codeIn.FindString(msgs[0].Body)
}

// apiScenario is one call and what it must answer.
type apiScenario struct {
	name   string
	target string
	body   string
	as     *testSigner // sp's key when nil
	lang   string
	want   check
}

func (f *fixture) run(t *testing.T, def *testSigner, tests []apiScenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signer := tt.as
			if signer == nil {
				signer = def
			}
			w := f.do(t, request{method: http.MethodPost, target: tt.target, body: tt.body, signer: signer,
				headers: map[string]string{"X-Language": tt.lang}})
			assertResponse(t, w, tt.want)
		})
	}
}

func TestCheckUserIdentityAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		sp := f.mustTenant(t)
		f.mustCustomer(t, sp, "taken-name", false)
		_, plain := f.mustPlainMember(t, sp, "plain")
		const path = "/v2/partners/sub-customers/users/check-identity"
		f.run(t, &sp.key, []apiScenario{
			{name: "OK/NameAvailable", target: path, body: `{"search_type":"name","search_value":"ceshiyonghu001"}`,
				want: check{status: 200, code: "CBC.0000", msg: "success", json: map[string]any{
					"check_result": "available", "mobile_remain_available_num": absent}}},
			{name: "OK/NameUsed", target: path, body: `{"search_type":"name","search_value":"Taken-Name"}`,
				want: check{status: 200, code: "CBC.0000", json: map[string]any{"check_result": "used_by_user"}}},
			{name: "OK/Mobile", target: path, body: `{"search_type":"mobile","search_value":"0086-13800000000"}`,
				want: check{status: 200, code: "CBC.0000", json: map[string]any{"check_result": "available",
					"mobile_remain_available_num": 5}}},
			{name: "OK/Email", target: path, body: `{"search_type":"email","search_value":"a@example.com"}`,
				want: check{status: 200, code: "CBC.0000", json: map[string]any{"check_result": "available"}}},
			{name: "ErrSearchTypeMissing", target: path, body: `{"search_value":"abcdef"}`,
				want: check{status: 400, code: "CBC.0100", msg: "search_type"}},
			{name: "ErrSearchTypeUnknown", target: path, body: `{"search_type":"phone","search_value":"abcdef"}`, lang: "en_US",
				want: check{status: 400, code: "CBC.0100", msg: "Invalid parameter: search_type"}},
			{name: "ErrSearchTypeNotAString", target: path, body: `{"search_type":1,"search_value":"abcdef"}`,
				want: check{status: 400, code: "CBC.0100", msg: "search_type"}},
			{name: "ErrValueMissing", target: path, body: `{"search_type":"name"}`,
				want: check{status: 400, code: "CBC.0100", msg: "search_value"}},
			{name: "ErrMobileFormat", target: path, body: `{"search_type":"mobile","search_value":"13800000000"}`,
				want: check{status: 400, code: "CBC.0100", msg: "search_value"}},
			{name: "ErrMalformedJSON", target: path, body: `{"search_type":`, want: check{status: 400, code: "CBC.0100"}},
			{name: "ErrNoPermission", target: path, body: `{"search_type":"name","search_value":"abcdef"}`, as: &plain,
				want: check{status: 403, code: "CBC.0151"}},
		})
	})
}

func TestSendVerificationCodeAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		sp := f.mustTenant(t)
		const path = "/v2/bases/verificationcode/send"

		for _, tt := range []struct{ name, body, to string }{
			{"OK/SMS", `{"receiver_type":1,"mobile_phone":"13800000001","timeout":5,"lang":"en-us","scene":29}`, "+8613800000001"},
			{"OK/SMSDefaults", `{"receiver_type":1,"mobile_phone":"13800000002"}`, "+8613800000002"},
			{"OK/Email", `{"receiver_type":2,"email":"Intl@Example.com","lang":"en-us"}`, "intl@example.com"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				w := f.do(t, request{method: http.MethodPost, target: path, body: tt.body, signer: &sp.key})
				if w.Code != http.StatusNoContent || w.Body.Len() != 0 || w.Header().Get("X-Request-Id") == "" {
					t.Fatalf("got %d %q, want 204 with no body", w.Code, w.Body.String())
				}
				if code := f.codeSentTo(t, tt.to); code == "" {
					t.Fatal("no code sent")
				}
			})
		}
		f.run(t, &sp.key, []apiScenario{
			{name: "ErrReceiverTypeMissing", target: path, body: `{"mobile_phone":"13800000001"}`,
				want: check{status: 400, code: "CBC.0100", msg: "receiver_type"}},
			{name: "ErrReceiverType", target: path, body: `{"receiver_type":3,"mobile_phone":"13800000001"}`,
				want: check{status: 400, code: "CBC.0100", msg: "receiver_type"}},
			{name: "ErrMobileFormat", target: path, body: `{"receiver_type":1,"mobile_phone":"1380000"}`,
				want: check{status: 400, code: "CBC.5017"}},
			{name: "ErrSceneEmptyString", target: path, body: `{"receiver_type":1,"mobile_phone":"13800000001","scene":""}`,
				want: check{status: 400, code: "CBC.0100", msg: "scene"}},
			{name: "ErrTimeout", target: path, body: `{"receiver_type":1,"mobile_phone":"13800000001","timeout":0}`,
				want: check{status: 400, code: "CBC.0100", msg: "timeout"}},
			{name: "ErrCustomerNotYours", target: path,
				body: `{"receiver_type":1,"mobile_phone":"13800000001","scene":18,"customer_id":"` + ids.New() + `"}`,
				want: check{status: 400, code: "CBC.99000035"}},
		})
		t.Run("ErrSendLimit", func(t *testing.T) {
			body := `{"receiver_type":1,"mobile_phone":"13800000009"}`
			for i := range customer.MaxCodeSendsPerHour {
				if w := f.do(t, request{method: http.MethodPost, target: path, body: body, signer: &sp.key}); w.Code != 204 {
					t.Fatalf("send %d: %d %s", i+1, w.Code, w.Body.String())
				}
			}
			w := f.do(t, request{method: http.MethodPost, target: path, body: body, signer: &sp.key,
				headers: map[string]string{"X-Language": "en_US"}})
			assertResponse(t, w, check{status: 400, code: "CBC.99004015", msg: "15 per hour, 60 per day"})
		})
	})
}

func TestCreateSubCustomerAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		sp := f.mustTenant(t)
		dist := f.mustTenantOf(t, identity.Distributor, "")
		reseller := f.mustTenantOf(t, identity.CloudReseller, dist.partner.ID)
		f.mustCustomer(t, sp, "taken-name", false)
		const path = "/v2/partners/sub-customers"
		xt := sp.partner.XAccountType
		body := func(fields string) string {
			return fmt.Sprintf(`{"xaccount_id":"%s","xaccount_type":"%s"%s}`, ids.New(), xt, fields)
		}
		sendCode := func(mobile string) string {
			w := f.do(t, request{method: http.MethodPost, target: "/v2/bases/verificationcode/send",
				body: `{"receiver_type":1,"mobile_phone":"` + mobile + `"}`, signer: &sp.key})
			if w.Code != 204 {
				t.Fatalf("send code: %d %s", w.Code, w.Body.String())
			}
			return f.codeSentTo(t, "+86"+mobile)
		}
		code := sendCode("13900000001")

		t.Run("OK", func(t *testing.T) {
			w := f.do(t, request{method: http.MethodPost, target: path, signer: &sp.key, body: body(
				`,"domain_name":"api-user-1","mobile_phone":"13900000001","verification_code":"` + code +
					`","password":"Api#User2025","is_close_market_ms":"false","cooperation_type":"1"`)})
			assertResponse(t, w, check{status: 200, json: map[string]any{"domain_name": "api-user-1", "error_code": absent}})
			if id, _ := decode(t, w)["domain_id"].(string); !ids.Valid(id) {
				t.Fatalf("domain_id %q", id)
			}
		})
		t.Run("OK/RandomName", func(t *testing.T) {
			w := f.do(t, request{method: http.MethodPost, target: path, signer: &sp.key, body: body(`,"domain_name":null`)})
			assertResponse(t, w, check{status: 200})
			if name, _ := decode(t, w)["domain_name"].(string); len(name) != 32 {
				t.Fatalf("random name %q", name)
			}
		})
		t.Run("ErrAssociationTimeout", func(t *testing.T) {
			// No queue runs in this fixture, so the association never comes.
			w := f.do(t, request{method: http.MethodPost, target: path, signer: &sp.key,
				body: body(`,"domain_name":"waits-user","include_association_result":true`)})
			assertResponse(t, w, check{status: 500, code: "CBC.99000050", json: map[string]any{"domain_name": "waits-user"}})
			if id, _ := decode(t, w)["domain_id"].(string); !ids.Valid(id) {
				t.Fatalf("domain_id %q", id)
			}
		})
		f.run(t, &sp.key, []apiScenario{
			{name: "ErrXAccountIDMissing", target: path, body: `{"xaccount_type":"` + xt + `"}`,
				want: check{status: 400, code: "CBC.0100", msg: "xaccount_id"}},
			{name: "ErrIncludeNotABool", target: path, body: body(`,"include_association_result":"yes"`),
				want: check{status: 400, code: "CBC.0100", msg: "include_association_result"}},
			{name: "ErrDomainNameFormat", target: path, body: body(`,"domain_name":"op_someone"`), want: check{status: 400, code: "CBC.99000031"}},
			{name: "ErrDomainNameTaken", target: path, body: body(`,"domain_name":"TAKEN-name"`), want: check{status: 400, code: "CBC.99000038"}},
			{name: "ErrPasswordFormat", target: path, body: body(`,"password":"password"`), want: check{status: 400, code: "CBC.99000036"}},
			{name: "ErrPasswordEmpty", target: path, body: body(`,"password":""`), want: check{status: 400, code: "CBC.0100", msg: "password"}},
			{name: "ErrMobileFormat", target: path, body: body(`,"mobile_phone":"12","verification_code":"123456"`),
				want: check{status: 400, code: "CBC.5017"}},
			{name: "ErrCodeWrong", target: path, body: body(`,"mobile_phone":"13900000002","verification_code":"123456"`),
				want: check{status: 400, code: "CBC.99004010"}},
			{name: "ErrXAccountTaken", target: path, body: `{"xaccount_id":"x-taken-name","xaccount_type":"` + xt + `"}`,
				want: check{status: 400, code: "CBC.99000039"}},
			{name: "ErrDistributorDirect", target: path, as: &dist.key,
				body: `{"xaccount_id":"d1","xaccount_type":"` + dist.partner.XAccountType + `"}`, want: check{status: 400, code: "CBC.50010059"}},
			{name: "ErrNotYourReseller", target: path, as: &dist.key,
				body: `{"xaccount_id":"d1","xaccount_type":"` + dist.partner.XAccountType + `","indirect_partner_id":"` + sp.partner.ID + `"}`,
				want: check{status: 400, code: "CBC.99000037"}},
			{name: "OK/ForAReseller", target: path, as: &dist.key,
				body: `{"xaccount_id":"d1","xaccount_type":"` + dist.partner.XAccountType + `","indirect_partner_id":"` + reseller.partner.ID + `"}`,
				want: check{status: 200}},
		})
	})
}

func TestListSubCustomersAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		sp, sp2 := f.mustTenant(t), f.mustTenant(t)
		dist := f.mustTenantOf(t, identity.Distributor, "")
		first := f.mustCustomer(t, sp, "first-customer", false)
		f.mustCustomer(t, sp, "second-customer", true)
		if _, err := f.db.SQL.Exec(`UPDATE customers SET real_name = '张三丰', mobile_country_code = '0086', mobile = '13812345678',
			email = 'zhang@example.com', label = 'VIP', account_manager_id = $1 WHERE id = $2`, sp.main.ID, first.ID); err != nil {
			t.Fatal(err)
		}
		const path = "/v2/partners/sub-customers/query"
		f.run(t, &sp.key, []apiScenario{
			{name: "OK/All", target: path, body: `{}`, want: check{status: 200, json: map[string]any{
				"count": 2, "customer_infos.0.account_name": "second-customer", "customer_infos.0.association_type": "1",
				"customer_infos.1.account_name": "first-customer", "customer_infos.2": absent}}},
			{name: "OK/Fields", target: path, body: `{"customer_id":"` + first.ID + `"}`, want: check{status: 200, json: map[string]any{
				"count":                                            1,
				"customer_infos.0.customer_id":                     first.ID,
				"customer_infos.0.customer":                        "张**",
				"customer_infos.0.telephone":                       "138****5678",
				"customer_infos.0.country_code":                    "0086",
				"customer_infos.0.email":                           "z***@example.com",
				"customer_infos.0.label":                           "VIP",
				"customer_infos.0.association_type":                "2",
				"customer_infos.0.associated_on":                   "2025-03-01T08:00:00Z",
				"customer_infos.0.verified_status":                 "-1",
				"customer_infos.0.customer_type":                   -1,
				"customer_infos.0.is_frozen":                       0,
				"customer_infos.0.customer_level":                  "V0",
				"customer_infos.0.xaccount_id":                     "x-first-customer",
				"customer_infos.0.xaccount_type":                   sp.partner.XAccountType,
				"customer_infos.0.account_managers.0.account_name": sp.partner.DomainName,
			}}},
			{name: "OK/Filters", target: path, body: `{"account_name":"SECOND","association_type":"1","limit":1,"offset":0}`,
				want: check{status: 200, json: map[string]any{"count": 1, "customer_infos.0.account_name": "second-customer"}}},
			{name: "OK/Paging", target: path, body: `{"limit":1,"offset":1}`, want: check{status: 200, json: map[string]any{
				"count": 2, "customer_infos.0.account_name": "first-customer", "customer_infos.1": absent}}},
			{name: "OK/EmptyBody", target: path, body: ``, want: check{status: 200, json: map[string]any{"count": 2}}},
			{name: "OK/AnotherPartner", target: path, body: `{}`, as: &sp2.key, want: check{status: 200, json: map[string]any{
				"count": 0, "customer_infos": []any{}}}},
			{name: "ErrLimit", target: path, body: `{"limit":101}`, want: check{status: 400, code: "CBC.0100", msg: "limit"}},
			{name: "ErrOffsetType", target: path, body: `{"offset":"1"}`, want: check{status: 400, code: "CBC.0100", msg: "offset"}},
			{name: "ErrBeginEmpty", target: path, body: `{"associated_on_begin":""}`,
				want: check{status: 400, code: "CBC.0100", msg: "associated_on_begin"}},
			{name: "ErrNotYourReseller", target: path, as: &dist.key, body: `{"indirect_partner_id":"` + sp.partner.ID + `"}`,
				want: check{status: 400, code: "CBC.99000037"}},
		})
	})
}

func TestFreezeSubCustomersAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		sp, sp2 := f.mustTenant(t), f.mustTenant(t)
		resale := f.mustCustomer(t, sp, "resale-customer", false)
		referral := f.mustCustomer(t, sp, "referral-customer", true)
		other := f.mustCustomer(t, sp2, "other-customer", false)
		_, plain := f.mustPlainMember(t, sp, "plain")
		ids2 := func(list ...string) string { return `["` + strings.Join(list, `","`) + `"]` }
		f.run(t, &sp.key, []apiScenario{
			{name: "OK/Freeze", target: "/v2/partners/sub-customers/freeze",
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"Arrears","freeze_type":"ACCOUNT"}`,
				want: check{status: 200, json: map[string]any{"error_details": absent}}},
			{name: "OK/PartialFailure", target: "/v2/partners/sub-customers/freeze", lang: "en_US",
				body: `{"customer_ids":` + ids2(resale.ID, referral.ID, other.ID) + `,"reason":"Arrears"}`,
				want: check{status: 200, json: map[string]any{
					"error_details.0.id": referral.ID, "error_details.0.error_code": "CBC.0150",
					"error_details.0.error_msg": "Only customers associated in the reseller model can be frozen or unfrozen.",
					"error_details.1.id":        other.ID, "error_details.1.error_code": "CBC.99000035",
					"error_details.2": absent}}},
			{name: "OK/UnfreezeTypeMismatch", target: "/v2/partners/sub-customers/unfreeze",
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"paid","unfreeze_type":"ACCOUNT_AND_RESOURCE"}`,
				want: check{status: 200, json: map[string]any{"error_details.0.id": resale.ID, "error_details.0.error_code": "CBC.0150"}}},
			{name: "OK/Unfreeze", target: "/v2/partners/sub-customers/unfreeze",
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"paid"}`,
				want: check{status: 200, json: map[string]any{"error_details": absent}}},
			{name: "ErrNoIDs", target: "/v2/partners/sub-customers/freeze", body: `{"customer_ids":[],"reason":"r"}`,
				want: check{status: 400, code: "CBC.0100", msg: "customer_ids"}},
			{name: "ErrNoReason", target: "/v2/partners/sub-customers/freeze", body: `{"customer_ids":` + ids2(resale.ID) + `}`,
				want: check{status: 400, code: "CBC.0100", msg: "reason"}},
			{name: "ErrFreezeTypeEmpty", target: "/v2/partners/sub-customers/freeze",
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"r","freeze_type":""}`,
				want: check{status: 400, code: "CBC.0100", msg: "freeze_type"}},
			{name: "ErrUnfreezeTypeUnknown", target: "/v2/partners/sub-customers/unfreeze",
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"r","unfreeze_type":"ALL"}`,
				want: check{status: 400, code: "CBC.0100", msg: "unfreeze_type"}},
			{name: "ErrNoPermission", target: "/v2/partners/sub-customers/freeze", as: &plain,
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"r"}`, want: check{status: 403, code: "CBC.0151"}},
			{name: "CrossTenant", target: "/v2/partners/sub-customers/freeze", as: &sp2.key,
				body: `{"customer_ids":` + ids2(resale.ID) + `,"reason":"r"}`,
				want: check{status: 200, json: map[string]any{"error_details.0.error_code": "CBC.99000035"}}},
		})
		c, err := f.customers.CustomerByID(context.Background(), resale.ID)
		if err != nil || c.Frozen() {
			t.Fatalf("after the scenarios the customer must be unfrozen: %+v %v", c, err)
		}
	})
}
