package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
	"github.com/shopspring/decimal"
)

// The coupon APIs' contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §5) through services/bss/v2 against the real
// binary: quotas, issuing (with a partial failure), issued coupons,
// reclaiming, the operation log, a distributor's reseller quotas, a
// customer's own coupons with its own access key, and cross-tenant refusal.
// The quotas are the demo data's vouchers and cash-coupon quotas of sp and
// dist.

func dec(s string) *decimal.Decimal {
	d := decimal.RequireFromString(s)
	return &d
}

// sdkQuotas lists a partner's quotas of typ (0 vouchers, 1 cash coupons).
func sdkQuotas(t *testing.T, c *bss.BssClient, typ int32, body model.QueryCouponQuotasReqExt) []model.CouponQuotaV2 {
	t.Helper()
	body.QuotaType = i32(typ)
	resp, err := c.ListQuotaCoupons(&model.ListQuotaCouponsRequest{Body: &body})
	if err != nil {
		t.Fatalf("ListQuotaCoupons: %v", err)
	}
	if resp.HttpStatusCode != http.StatusOK || resp.TotalCount == nil || resp.Quotas == nil {
		t.Fatalf("ListQuotaCoupons: %d %s", resp.HttpStatusCode, resp.String())
	}
	return *resp.Quotas
}

// usableQuota returns a normal quota of typ with at least min left.
func usableQuota(t *testing.T, c *bss.BssClient, who string, typ int32, min string) model.CouponQuotaV2 {
	t.Helper()
	for _, q := range sdkQuotas(t, c, typ, model.QueryCouponQuotasReqExt{QuotaStatusList: &[]int32{0}, Limit: i32(100)}) {
		if deref(q.QuotaStatus) == 0 && q.Balance != nil && q.Balance.GreaterThanOrEqual(decimal.RequireFromString(min)) {
			return q
		}
	}
	t.Fatalf("the demo data gives %s no normal quota of type %d with %s left", who, typ, min)
	return model.CouponQuotaV2{}
}

// quotaBalance reads one quota's balance.
func quotaBalance(t *testing.T, c *bss.BssClient, typ int32, id string) decimal.Decimal {
	t.Helper()
	qs := sdkQuotas(t, c, typ, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{id}})
	if len(qs) != 1 || qs[0].Balance == nil {
		t.Fatalf("ListQuotaCoupons quota_ids=[%s]: %d quotas", id, len(qs))
	}
	return *qs[0].Balance
}

func wantBalance(t *testing.T, c *bss.BssClient, typ int32, id string, want decimal.Decimal) {
	t.Helper()
	if got := quotaBalance(t, c, typ, id); !got.Equal(want) {
		t.Fatalf("quota %s balance %s, want %s", id, got, want)
	}
}

// newResaleCustomer registers a reseller-model customer of the caller
// through CreateSubCustomer and waits for the association.
func newResaleCustomer(t *testing.T, c *bss.BssClient, xaccountType string) string {
	t.Helper()
	resp, err := c.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: &model.CreateCustomerV2Req{
		XaccountId: newPlatformUser(), XaccountType: xaccountType, IncludeAssociationResult: boolPtr(true)}})
	if err != nil || len(deref(resp.DomainId)) != 32 {
		t.Fatalf("CreateSubCustomer: %v %v", resp, err)
	}
	return *resp.DomainId
}

// customerPortalKey signs a customer in to the portal and makes an access
// key on 访问密钥, returning the key pair shown once.
func customerPortalKey(t *testing.T, s *Server, account, password string) (portal *console, ak, sk string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &console{s: s, client: &http.Client{Jar: jar, CheckRedirect: noRedirect}, who: "customer " + account}
	status, body, loc := c.post(t, "/customer/signin", "/customer/signin", url.Values{"account": {account}, "password": {password}})
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/customer/") {
		t.Fatalf("customer sign-in as %s: status %d to %q\n%s", account, status, loc, body)
	}
	status, body, _ = c.post(t, "/customer/keys", "/customer/keys", url.Values{"description": {"coupon reader"}})
	if status != http.StatusCreated {
		t.Fatalf("customer key: status %d, want 201\n%s", status, body)
	}
	return c, shown(t, body, "code", "new-ak"), shown(t, body, "code", "new-sk")
}

func issue(c *bss.BssClient, body model.CreatePartnerCouponsReq) (*model.CreatePartnerCouponsResponse, error) {
	return c.CreatePartnerCoupons(&model.CreatePartnerCouponsRequest{Body: &body})
}

func mustIssue(t *testing.T, c *bss.BssClient, body model.CreatePartnerCouponsReq) map[string]string {
	t.Helper()
	resp, err := issue(c, body)
	if err != nil {
		t.Fatalf("CreatePartnerCoupons: %v", err)
	}
	if resp.ErrorDetails != nil && len(*resp.ErrorDetails) > 0 {
		t.Fatalf("CreatePartnerCoupons: unexpected error_details %s", resp.String())
	}
	got := map[string]string{}
	for _, ci := range deref(resp.CouponInfos) {
		got[ci.Id] = ci.CouponId
	}
	if len(got) != len(body.CustomerIds) {
		t.Fatalf("CreatePartnerCoupons: %d coupons for %d customers: %s", len(got), len(body.CustomerIds), resp.String())
	}
	return got
}

func issuedCoupons(t *testing.T, c *bss.BssClient, req model.ListIssuedPartnerCouponsRequest) []model.IQueryUserPartnerCouponsResultV2 {
	t.Helper()
	resp, err := c.ListIssuedPartnerCoupons(&req)
	if err != nil {
		t.Fatalf("ListIssuedPartnerCoupons: %v", err)
	}
	if resp.TotalCount == nil {
		t.Fatalf("ListIssuedPartnerCoupons without total_count: %s", resp.String())
	}
	return deref(resp.UserCoupons)
}

func couponRecords(t *testing.T, c *bss.BssClient, req model.ListPartnerCouponsRecordRequest) []model.CouponRecordV2 {
	t.Helper()
	resp, err := c.ListPartnerCouponsRecord(&req)
	if err != nil {
		t.Fatalf("ListPartnerCouponsRecord: %v", err)
	}
	return deref(resp.Records)
}

func customerCoupons(t *testing.T, c *bss.BssClient, req model.ListSubCustomerCouponsRequest) []model.IQueryUserCouponsResultV2 {
	t.Helper()
	resp, err := c.ListSubCustomerCoupons(&req)
	if err != nil {
		t.Fatalf("ListSubCustomerCoupons: %v", err)
	}
	if resp.Count == nil {
		t.Fatalf("ListSubCustomerCoupons without count: %s", resp.String())
	}
	return deref(resp.UserCoupons)
}

// detailCodes maps error_details by id to code.
func detailCodes(list *[]model.ErrorDetail) map[string]string {
	out := map[string]string{}
	for _, d := range deref(list) {
		out[deref(d.Id)] = deref(d.ErrorCode)
	}
	return out
}

func TestCouponAPIContract(t *testing.T) {
	s := customerServer(t)
	sp, sp2 := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2")
	cSP, wSP := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	cSP2, wSP2 := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	resale, referral := s.Demo.Customer(t, "sp-reseller"), s.Demo.Customer(t, "sp-referral")
	voucher := usableQuota(t, cSP, "sp", 0, "500")
	cash := usableQuota(t, cSP, "sp", 1, "100")
	vID, cashID := deref(voucher.QuotaId), deref(cash.QuotaId)
	buyer1, buyer2 := newResaleCustomer(t, cSP, sp.XAccountType), newResaleCustomer(t, cSP, sp.XAccountType)

	t.Run("ListQuotaCoupons", func(t *testing.T) {
		if deref(voucher.Currency) != "CNY" || deref(voucher.MeasureId) != 1 || deref(voucher.QuotaType) != 0 ||
			voucher.QuotaValue == nil || voucher.Balance.GreaterThan(*voucher.QuotaValue) ||
			len(deref(voucher.EffectiveTime)) != 20 || len(deref(voucher.ExpireTime)) != 20 || voucher.LimitInfos == nil {
			t.Errorf("voucher quota %s", voucher.String())
		}
		if deref(cash.QuotaType) != 1 {
			t.Errorf("cash quota %s", cash.String())
		}
		// quota_type 0 is the default, and lists no cash quota.
		resp, err := cSP.ListQuotaCoupons(&model.ListQuotaCouponsRequest{Body: &model.QueryCouponQuotasReqExt{Limit: i32(100)}})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range deref(resp.Quotas) {
			if deref(q.QuotaType) != 0 || deref(q.QuotaId) == cashID {
				t.Errorf("default listing shows %s", q.String())
			}
		}
		if got := sdkQuotas(t, cSP, 0, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{vID}}); len(got) != 1 || deref(got[0].QuotaId) != vID {
			t.Errorf("quota_ids filter: %v", got)
		}
		if got := sdkQuotas(t, cSP, 0, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{vID}, QuotaStatusList: &[]int32{5}}); len(got) != 0 {
			t.Errorf("frozen filter lists the normal quota: %v", got)
		}
		if got := sdkQuotas(t, cSP, 0, model.QueryCouponQuotasReqExt{ExpireTimeBegin: str("2999-01-01T00:00:00Z")}); len(got) != 0 {
			t.Errorf("expire_time_begin in 2999 lists %d quotas", len(got))
		}
		for _, tt := range []struct {
			field string
			body  model.QueryCouponQuotasReqExt
		}{
			{"quota_ids", model.QueryCouponQuotasReqExt{QuotaIds: ptrTo(slices.Repeat([]string{vID}, 51))}},
			{"quota_status_list", model.QueryCouponQuotasReqExt{QuotaStatusList: &[]int32{0, 3, 4, 5, 0, 3}}},
			{"quota_status_list", model.QueryCouponQuotasReqExt{QuotaStatusList: &[]int32{6}}},
			{"quota_type", model.QueryCouponQuotasReqExt{QuotaType: i32(2)}},
			{"create_time_begin", model.QueryCouponQuotasReqExt{CreateTimeBegin: str("")}},
			{"expire_time_end", model.QueryCouponQuotasReqExt{ExpireTimeEnd: str("2025-13-01T00:00:00Z")}},
			{"limit", model.QueryCouponQuotasReqExt{Limit: i32(101)}},
			{"offset", model.QueryCouponQuotasReqExt{Offset: i32(-1)}},
		} {
			body := tt.body
			if tt.field != "quota_type" {
				body.QuotaType = i32(0)
			}
			_, err := cSP.ListQuotaCoupons(&model.ListQuotaCouponsRequest{Body: &body})
			if se := apiError(t, wSP, err, 400, "CBC.0100"); !strings.Contains(se.ErrorMessage, tt.field) {
				t.Errorf("%s: message %q does not name the field", tt.field, se.ErrorMessage)
			}
		}
	})

	var coupon1 string
	t.Run("CreatePartnerCoupons", func(t *testing.T) {
		before := quotaBalance(t, cSP, 0, vID)
		got := mustIssue(t, cSP, model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1, buyer2},
			FaceValue: dec("10.5"), Memo: str("spring campaign")})
		coupon1 = got[buyer1]
		if len(coupon1) != 32 || len(got[buyer2]) != 32 || coupon1 == got[buyer2] {
			t.Fatalf("coupon ids %v", got)
		}
		wantBalance(t, cSP, 0, vID, before.Sub(decimal.RequireFromString("21")))

		// face_value as a JSON number, not the SDK's string.
		body, _ := json.Marshal(map[string]any{"quota_id": vID, "customer_ids": []string{resale.DomainID}, "face_value": 7.25})
		resp := rawDo(t, sdkSignedRequest(t, s, http.MethodPost, "/v2/promotions/benefits/partner-coupons", append(body, '\n'),
			sp.AccessKey, sp.SecretKey, sp.DomainID))
		var out struct {
			CouponInfos []struct{ ID, CouponID string } `json:"coupon_infos"`
		}
		if err := json.Unmarshal(resp.body, &out); err != nil || resp.status != 200 || len(out.CouponInfos) != 1 {
			t.Fatalf("numeric face_value: %d %s", resp.status, resp.body)
		}
		wantBalance(t, cSP, 0, vID, before.Sub(decimal.RequireFromString("28.25")))

		// A cash coupon from the cash quota is coupon type 4.
		cashCoupon := mustIssue(t, cSP, model.CreatePartnerCouponsReq{QuotaId: cashID, CustomerIds: []string{buyer1}, FaceValue: dec("5")})[buyer1]
		list := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CouponId: str(cashCoupon)})
		if len(list) != 1 || deref(list[0].CouponType) != 4 || !list[0].FaceValue.Equal(decimal.RequireFromString("5")) {
			t.Errorf("cash coupon listed as %v", list)
		}
	})

	t.Run("CreatePartnerCoupons/PartialFailure", func(t *testing.T) {
		before := quotaBalance(t, cSP, 0, vID)
		buyer3 := newResaleCustomer(t, cSP, sp.XAccountType)
		stranger := newResaleCustomer(t, cSP2, sp2.XAccountType)
		resp, err := issue(cSP, model.CreatePartnerCouponsReq{QuotaId: vID, FaceValue: dec("3"),
			CustomerIds: []string{buyer3, referral.DomainID, stranger, "0123456789abcdef0123456789abcdef"}})
		if err != nil {
			t.Fatalf("CreatePartnerCoupons: %v", err)
		}
		if resp.HttpStatusCode != 200 || len(deref(resp.CouponInfos)) != 1 || deref(resp.CouponInfos)[0].Id != buyer3 {
			t.Fatalf("coupon_infos %s", resp.String())
		}
		want := map[string]string{referral.DomainID: "CBC.99000014", stranger: "CBC.99000035",
			"0123456789abcdef0123456789abcdef": "CBC.99000035"}
		if got := detailCodes(resp.ErrorDetails); !mapsEqual(got, want) {
			t.Errorf("error_details %v, want %v", got, want)
		}
		for _, d := range deref(resp.ErrorDetails) {
			if deref(d.ErrorMsg) == "" {
				t.Errorf("error detail %s without a message", d.String())
			}
		}
		wantBalance(t, cSP, 0, vID, before.Sub(decimal.RequireFromString("3")))

		// A face value the balance does not cover fails per customer.
		resp, err = issue(cSP, model.CreatePartnerCouponsReq{QuotaId: vID, FaceValue: dec(before.String()), CustomerIds: []string{buyer3}})
		if err != nil {
			t.Fatalf("CreatePartnerCoupons over the balance: %v", err)
		}
		if got := detailCodes(resp.ErrorDetails); got[buyer3] != "CBC.99000013" || len(deref(resp.CouponInfos)) != 0 {
			t.Errorf("over the balance: %s", resp.String())
		}
		wantBalance(t, cSP, 0, vID, before.Sub(decimal.RequireFromString("3")))
	})

	t.Run("CreatePartnerCoupons/Errors", func(t *testing.T) {
		many := make([]string, 101)
		for i := range many {
			many[i] = buyer1
		}
		tests := []struct {
			name   string
			body   model.CreatePartnerCouponsReq
			status int
			code   string
		}{
			{"ErrQuotaIDMissing", model.CreatePartnerCouponsReq{CustomerIds: []string{buyer1}, FaceValue: dec("1")}, 400, "CBC.0100"},
			{"ErrNoCustomers", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{}, FaceValue: dec("1")}, 400, "CBC.0100"},
			{"ErrTooManyCustomers", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: many, FaceValue: dec("1")}, 400, "CBC.0100"},
			{"ErrFaceValueZero", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("0")}, 400, "CBC.0100"},
			{"ErrFaceValuePrecision", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("1.005")}, 400, "CBC.0100"},
			{"ErrValidTimeEmpty", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("1"), ValidTime: str("")}, 400, "CBC.0100"},
			{"ErrTooManyServiceTypes", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("1"),
				CloudServiceTypes: ptrTo(slices.Repeat([]string{"hws.service.type.ec2"}, 11))}, 400, "CBC.0100"},
			{"ErrMemoTooLong", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("1"),
				Memo: str(strings.Repeat("备", 257))}, 400, "CBC.0100"},
			{"ErrExpireAfterQuota", model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("1"),
				ExpireTime: str("2999-01-01T00:00:00Z")}, 400, "CBC.0100"},
			{"ErrQuotaNotFound", model.CreatePartnerCouponsReq{QuotaId: "0123456789abcdef0123456789abcdef", CustomerIds: []string{buyer1},
				FaceValue: dec("1")}, 400, "CBC.99000012"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := quotaBalance(t, cSP, 0, vID)
				_, err := issue(cSP, tt.body)
				apiError(t, wSP, err, tt.status, tt.code)
				wantBalance(t, cSP, 0, vID, before)
			})
		}

		// Service types outside a limited quota's (any quota whose
		// limit_infos name cloud service types).
		for _, q := range append(sdkQuotas(t, cSP, 0, model.QueryCouponQuotasReqExt{QuotaStatusList: &[]int32{0}, Limit: i32(100)}),
			sdkQuotas(t, cSP, 1, model.QueryCouponQuotasReqExt{QuotaStatusList: &[]int32{0}, Limit: i32(100)})...) {
			for _, l := range deref(q.LimitInfos) {
				if deref(l.LimitKey) == "cloudServiceType" {
					_, err := issue(cSP, model.CreatePartnerCouponsReq{QuotaId: deref(q.QuotaId), CustomerIds: []string{buyer1},
						FaceValue: dec("1"), CloudServiceTypes: &[]string{"hws.service.type.not-in-the-quota"}})
					apiError(t, wSP, err, 400, "CBC.99000023")
				}
			}
		}
	})

	// Quotas the demo data lacks (limited to a service type, not yet
	// effective, frozen) are granted in the operator console, as operators
	// do.
	t.Run("CreatePartnerCoupons/QuotaStates", func(t *testing.T) {
		ops := opsConsoleSignIn(t, s)
		cst := time.FixedZone("CST", 8*3600)
		now := time.Now().In(cst)
		limited := grantQuota(t, ops, cSP, url.Values{"partner_id": {sp.PartnerID}, "quota_type": {"0"}, "quota_value": {"100.00"},
			"effective_time": {now.Add(-time.Hour).Format("2006-01-02T15:04")}, "expire_time": {now.AddDate(0, 1, 0).Format("2006-01-02T15:04")},
			"cloud_service_types": {"hws.service.type.ec2", "hws.service.type.ebs"}})
		future := grantQuota(t, ops, cSP, url.Values{"partner_id": {sp.PartnerID}, "quota_type": {"0"}, "quota_value": {"100.00"},
			"effective_time": {now.AddDate(0, 0, 2).Format("2006-01-02T15:04")}, "expire_time": {now.AddDate(0, 1, 0).Format("2006-01-02T15:04")}})
		frozen := grantQuota(t, ops, cSP, url.Values{"partner_id": {sp.PartnerID}, "quota_type": {"0"}, "quota_value": {"100.00"},
			"effective_time": {now.Add(-time.Hour).Format("2006-01-02T15:04")}, "expire_time": {now.AddDate(0, 1, 0).Format("2006-01-02T15:04")}})
		status, body, loc := ops.post(t, "/ops/quotas?partner_id="+sp.PartnerID, "/ops/quotas/"+frozen+"/status",
			url.Values{"status": {"5"}, "partner_id": {sp.PartnerID}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/ops/quotas?") {
			t.Fatalf("freeze quota: %d to %q\n%s", status, loc, body)
		}

		q := sdkQuotas(t, cSP, 0, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{limited}})
		if len(q) != 1 || len(deref(q[0].LimitInfos)) != 1 || deref(deref(q[0].LimitInfos)[0].LimitKey) != "cloudServiceType" ||
			len(deref(deref(q[0].LimitInfos)[0].LimitValues)) != 2 {
			t.Fatalf("limited quota %v", q)
		}
		_, err := issue(cSP, model.CreatePartnerCouponsReq{QuotaId: limited, CustomerIds: []string{buyer2}, FaceValue: dec("1"),
			CloudServiceTypes: &[]string{"hws.service.type.rds"}})
		apiError(t, wSP, err, 400, "CBC.99000023")
		narrowed := mustIssue(t, cSP, model.CreatePartnerCouponsReq{QuotaId: limited, CustomerIds: []string{buyer2}, FaceValue: dec("1"),
			CloudServiceTypes: &[]string{"hws.service.type.ebs"}})[buyer2]
		c := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CouponId: str(narrowed)})
		if len(c) != 1 || len(deref(c[0].UseLimits)) != 1 || deref(deref(c[0].UseLimits)[0].Value1) != "hws.service.type.ebs" {
			t.Errorf("narrowed coupon's use_limits: %v", c)
		}
		_, err = issue(cSP, model.CreatePartnerCouponsReq{QuotaId: future, CustomerIds: []string{buyer2}, FaceValue: dec("1")})
		apiError(t, wSP, err, 400, "CBC.99000017")
		_, err = issue(cSP, model.CreatePartnerCouponsReq{QuotaId: frozen, CustomerIds: []string{buyer2}, FaceValue: dec("1")})
		apiError(t, wSP, err, 400, "CBC.99000012")
		if got := sdkQuotas(t, cSP, 0, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{frozen}, QuotaStatusList: &[]int32{5}}); len(got) != 1 {
			t.Errorf("quota_status_list=[5] does not list the frozen quota")
		}
		wantBalance(t, cSP, 0, future, decimal.RequireFromString("100"))
		wantBalance(t, cSP, 0, frozen, decimal.RequireFromString("100"))
		wantBalance(t, cSP, 0, limited, decimal.RequireFromString("99"))
		// Reclaimed, so buyer2 has one usable coupon as before.
		if _, err := cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{CouponId: narrowed}}); err != nil {
			t.Fatal(err)
		}
	})

	// Members act with their roles' permission items: issuing from a
	// quota needs the item of its type (发放代金券 / 发放现金券).
	t.Run("CreatePartnerCoupons/Permissions", func(t *testing.T) {
		admin := consoleSignIn(t, s, sp.Admin.Username, "", sp.Admin.Password)
		cashAK, cashSK := memberKey(t, s, admin, sp, "e2e-cash-issuer", "BPC_ITEM_SUBCUSTSERV_030103", "BPC_ITEM_SUBCUSTSERV_030100")
		viewAK, viewSK := memberKey(t, s, admin, sp, "e2e-quota-viewer", "BPC_ITEM_SUBCUSTSERV_030100")
		cashier, wCash := newBSS(t, s, cashAK, cashSK, sp.DomainID)
		viewer, wView := newBSS(t, s, viewAK, viewSK, sp.DomainID)
		if got := sdkQuotas(t, viewer, 0, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{vID}}); len(got) != 1 {
			t.Errorf("the quota viewer lists %d quotas", len(got))
		}
		_, err := issue(viewer, model.CreatePartnerCouponsReq{QuotaId: cashID, CustomerIds: []string{buyer1}, FaceValue: dec("1")})
		apiError(t, wView, err, 403, "CBC.0151")
		before := quotaBalance(t, cSP, 0, vID)
		_, err = issue(cashier, model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer1}, FaceValue: dec("1")})
		apiError(t, wCash, err, 403, "CBC.0151")
		wantBalance(t, cSP, 0, vID, before)
		buyer := newResaleCustomer(t, cSP, sp.XAccountType)
		if got := mustIssue(t, cashier, model.CreatePartnerCouponsReq{QuotaId: cashID, CustomerIds: []string{buyer}, FaceValue: dec("1")}); len(got[buyer]) != 32 {
			t.Errorf("cash coupon by the cash issuer: %v", got)
		}
	})

	t.Run("ListIssuedPartnerCoupons", func(t *testing.T) {
		list := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CustomerId: str(buyer1), CouponType: i32(1)})
		if len(list) != 1 {
			t.Fatalf("buyer1's vouchers: %d, want 1", len(list))
		}
		c := list[0]
		if deref(c.CouponId) != coupon1 || deref(c.Status) != 2 || deref(c.CustomerId) != buyer1 || deref(c.MeasureId) != 1 ||
			!c.FaceValue.Equal(decimal.RequireFromString("10.5")) || !c.Balance.Equal(decimal.RequireFromString("10.5")) ||
			len(deref(c.EffectiveTime)) != 20 || len(deref(c.CreateTime)) != 20 || deref(c.IsFrozen) != "0" {
			t.Errorf("coupon %s", c.String())
		}
		if got := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CouponId: str(coupon1), Status: i32(5)}); len(got) != 0 {
			t.Errorf("status=5 lists the usable coupon")
		}
		if got := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CustomerId: str(buyer1),
			CreateTimeBegin: str("2000-01-01T00:00:00Z"), ExpireTimeBegin: str("2000-01-01T00:00:00Z"),
			EffectiveTimeEnd: str("2999-01-01T00:00:00Z"), Limit: i32(1)}); len(got) != 1 {
			t.Errorf("time filters and limit 1: %d coupons", len(got))
		}
		resp, err := cSP.ListIssuedPartnerCoupons(&model.ListIssuedPartnerCouponsRequest{CustomerId: str(buyer1), Limit: i32(1), Offset: i32(1)})
		if err != nil || deref(resp.TotalCount) != 2 || len(deref(resp.UserCoupons)) != 1 {
			t.Errorf("offset 1 of buyer1's two coupons: %v %v", resp, err)
		}
		for name, req := range map[string]model.ListIssuedPartnerCouponsRequest{
			"status":            {Status: i32(9)},
			"coupon_type":       {CouponType: i32(2)},
			"create_time_begin": {CreateTimeBegin: str("")},
			"expire_time_end":   {ExpireTimeEnd: str("yesterday")},
			"limit":             {Limit: i32(0)},
			"coupon_id":         {CouponId: str(strings.Repeat("a", 65))},
		} {
			_, err := cSP.ListIssuedPartnerCoupons(&req)
			if se := apiError(t, wSP, err, 400, "CBC.0100"); !strings.Contains(se.ErrorMessage, name) {
				t.Errorf("%s: message %q", name, se.ErrorMessage)
			}
		}
	})

	var (
		customerClient *bss.BssClient
		customerWire   *wire
		portal         *console
		customerAK     string
	)
	t.Run("ListSubCustomerCoupons", func(t *testing.T) {
		mine := mustIssue(t, cSP, model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{resale.DomainID}, FaceValue: dec("8")})[resale.DomainID]
		var ak, sk string
		portal, ak, sk = customerPortalKey(t, s, resale.DomainName, resale.Password)
		customerAK = ak
		var wC *wire
		customerClient, wC = newBSS(t, s, ak, sk, resale.DomainID)
		customerWire = wC
		list := customerCoupons(t, customerClient, model.ListSubCustomerCouponsRequest{Limit: i32(100)})
		var found bool
		for _, c := range list {
			if deref(c.CustomerId) != resale.DomainID {
				t.Errorf("the customer sees another's coupon %s", c.String())
			}
			if deref(c.CouponId) == mine {
				found = true
				if deref(c.FaceValue) != 8 || deref(c.Balance) != 8 || deref(c.Status) != 2 || deref(c.CouponType) != 1 ||
					deref(c.Currency) != "CNY" || len(deref(c.ExpireTime)) != 20 {
					t.Errorf("coupon %s", c.String())
				}
			}
		}
		if !found {
			t.Fatalf("the customer does not see coupon %s among %d", mine, len(list))
		}
		if got := customerCoupons(t, customerClient, model.ListSubCustomerCouponsRequest{CouponId: str(mine)}); len(got) != 1 {
			t.Errorf("coupon_id filter: %d", len(got))
		}
		if got := customerCoupons(t, customerClient, model.ListSubCustomerCouponsRequest{CouponId: str(coupon1)}); len(got) != 0 {
			t.Errorf("the customer sees buyer1's coupon")
		}
		if got := customerCoupons(t, customerClient, model.ListSubCustomerCouponsRequest{CouponType: i32(4)}); len(got) != 0 {
			t.Errorf("coupon_type 4 lists %d cash coupons, the customer has none", len(got))
		}
		_, err := customerClient.ListSubCustomerCoupons(&model.ListSubCustomerCouponsRequest{Status: i32(7)})
		apiError(t, wC, err, 400, "CBC.0100")

		// A customer's key opens no partner route, a partner's key no
		// customer route.
		_, err = customerClient.ListQuotaCoupons(&model.ListQuotaCouponsRequest{Body: &model.QueryCouponQuotasReqExt{}})
		apiError(t, wC, err, 403, "CBC.0151")
		_, err = customerClient.ListIssuedPartnerCoupons(&model.ListIssuedPartnerCouponsRequest{})
		apiError(t, wC, err, 403, "CBC.0151")
		_, err = cSP.ListSubCustomerCoupons(&model.ListSubCustomerCouponsRequest{})
		apiError(t, wSP, err, 403, "CBC.0151")
		// The customer's key signs for the customer's domain only.
		wrong, wWrong := newBSS(t, s, ak, sk, sp.DomainID)
		_, err = wrong.ListSubCustomerCoupons(&model.ListSubCustomerCouponsRequest{})
		apiError(t, wWrong, err, 401, "APIGW.0301")
	})

	t.Run("ReclaimPartnerCoupons", func(t *testing.T) {
		before := quotaBalance(t, cSP, 0, vID)
		resp, err := cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{CouponId: coupon1}})
		if err != nil || resp.HttpStatusCode != http.StatusNoContent {
			t.Fatalf("ReclaimPartnerCoupons: %v %v", resp, err)
		}
		wantBalance(t, cSP, 0, vID, before.Add(decimal.RequireFromString("10.5")))
		list := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CouponId: str(coupon1)})
		if len(list) != 1 || deref(list[0].Status) != 5 || !list[0].Balance.IsZero() {
			t.Errorf("reclaimed coupon listed as %v", list)
		}
		_, err = cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{CouponId: coupon1}})
		apiError(t, wSP, err, 400, "CBC.99000048")
		wantBalance(t, cSP, 0, vID, before.Add(decimal.RequireFromString("10.5")))
		_, err = cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{CouponId: ""}})
		apiError(t, wSP, err, 400, "CBC.0100")
		_, err = cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{
			CouponId: coupon1, IndirectPartnerId: str("")}})
		apiError(t, wSP, err, 400, "CBC.0100")
		_, err = cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{
			CouponId: "0123456789abcdef0123456789abcdef"}})
		apiError(t, wSP, err, 404, "CBC.0101")

		// Reclaimed coupons disappear from the customer's own view.
		mine := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CustomerId: str(resale.DomainID), Status: i32(2)})
		if len(mine) == 0 || customerClient == nil {
			t.Fatal("no usable coupon of the demo customer to reclaim")
		}
		id := deref(mine[0].CouponId)
		if _, err := cSP.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{CouponId: id}}); err != nil {
			t.Fatal(err)
		}
		if got := customerCoupons(t, customerClient, model.ListSubCustomerCouponsRequest{CouponId: str(id)}); len(got) != 0 {
			t.Errorf("the customer still sees reclaimed coupon %s", id)
		}

		// The customer disables its key in the portal: refused at once.
		status, body, loc := portal.post(t, "/customer/keys", "/customer/keys/"+customerAK+"/status", url.Values{"status": {"inactive"}})
		if status != http.StatusSeeOther || loc != "/customer/keys?saved=1" {
			t.Fatalf("disable customer key: %d to %q\n%s", status, loc, body)
		}
		_, err = customerClient.ListSubCustomerCoupons(&model.ListSubCustomerCouponsRequest{})
		apiError(t, customerWire, err, 401, "APIGW.0301")
	})

	t.Run("ListPartnerCouponsRecord", func(t *testing.T) {
		recs := couponRecords(t, cSP, model.ListPartnerCouponsRecordRequest{CouponIds: &[]string{coupon1}, Limit: i32(100)})
		var ops []string
		for _, r := range recs {
			if deref(r.CouponId) != coupon1 || deref(r.CustomerId) != buyer1 || deref(r.QuotaId) != vID || deref(r.Result) != "0" ||
				!r.OperationAmount.Equal(decimal.RequireFromString("10.5")) || len(deref(r.OperationTime)) != 20 {
				t.Errorf("record %s", r.String())
			}
			ops = append(ops, deref(r.OperationType))
		}
		slices.Sort(ops)
		if !slices.Equal(ops, []string{"1", "2"}) {
			t.Errorf("coupon1's operations %v, want issue and manual reclaim", ops)
		}
		if got := couponRecords(t, cSP, model.ListPartnerCouponsRecordRequest{CouponIds: &[]string{coupon1},
			OperationTypes: &[]string{"2"}}); len(got) != 1 || deref(got[0].OperationType) != "2" {
			t.Errorf("operation_types=2: %v", got)
		}
		if got := couponRecords(t, cSP, model.ListPartnerCouponsRecordRequest{CouponIds: &[]string{coupon1},
			OperationTypes: &[]string{"1", "2"}, QuotaId: str(vID), QuotaType: i32(0), CustomerId: str(buyer1), Result: str("0"),
			OperationTimeBegin: str("2000-01-01T00:00:00Z"), OperationTimeEnd: str("2999-01-01T00:00:00Z")}); len(got) != 2 {
			t.Errorf("every filter at once: %d records, want 2", len(got))
		}
		if got := couponRecords(t, cSP, model.ListPartnerCouponsRecordRequest{CouponIds: &[]string{coupon1}, Result: str("-1")}); len(got) != 0 {
			t.Errorf("result=-1: %d records", len(got))
		}
		for name, req := range map[string]model.ListPartnerCouponsRecordRequest{
			"operation_types":      {OperationTypes: &[]string{"9"}},
			"result":               {Result: str("1")},
			"quota_type":           {QuotaType: i32(3)},
			"operation_time_begin": {OperationTimeBegin: str("")},
			"limit":                {Limit: i32(1000)},
		} {
			_, err := cSP.ListPartnerCouponsRecord(&req)
			if se := apiError(t, wSP, err, 400, "CBC.0100"); !strings.Contains(se.ErrorMessage, name) {
				t.Errorf("%s: message %q", name, se.ErrorMessage)
			}
		}
	})

	t.Run("CrossTenant", func(t *testing.T) {
		before := quotaBalance(t, cSP, 0, vID)
		_, err := issue(cSP2, model.CreatePartnerCouponsReq{QuotaId: vID, CustomerIds: []string{buyer2}, FaceValue: dec("1")})
		apiError(t, wSP2, err, 400, "CBC.99000012")
		if got := sdkQuotas(t, cSP2, 0, model.QueryCouponQuotasReqExt{QuotaIds: &[]string{vID}}); len(got) != 0 {
			t.Errorf("sp2 lists sp's quota")
		}
		if got := issuedCoupons(t, cSP2, model.ListIssuedPartnerCouponsRequest{CustomerId: str(buyer2)}); len(got) != 0 {
			t.Errorf("sp2 lists sp's coupons")
		}
		if got := couponRecords(t, cSP2, model.ListPartnerCouponsRecordRequest{QuotaId: str(vID)}); len(got) != 0 {
			t.Errorf("sp2 lists sp's records")
		}
		other := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CustomerId: str(buyer2), Status: i32(2)})
		if len(other) != 1 {
			t.Fatalf("buyer2's coupons: %d", len(other))
		}
		_, err = cSP2.ReclaimPartnerCoupons(&model.ReclaimPartnerCouponsRequest{Body: &model.ReclaimPartnerCouponsReq{CouponId: deref(other[0].CouponId)}})
		apiError(t, wSP2, err, 404, "CBC.0101")
		if got := issuedCoupons(t, cSP, model.ListIssuedPartnerCouponsRequest{CouponId: other[0].CouponId}); deref(got[0].Status) != 2 {
			t.Errorf("sp2's reclaim changed sp's coupon: %s", got[0].String())
		}
		wantBalance(t, cSP, 0, vID, before)
		// sp cannot take sp2's reseller quotas or act for dist's reseller.
		_, err = cSP.ListIssuedCouponQuotas(&model.ListIssuedCouponQuotasRequest{})
		apiError(t, wSP, err, 403, "CBC.0150")
	})
}

// TestCouponResellerQuotas is a distributor's reseller-quota flow: dist
// gives its cloud reseller a child quota (UpdateCouponQuotas), the reseller
// issues from it, dist lists it and its log and takes the rest back
// (ReclaimCouponQuotas).
func TestCouponResellerQuotas(t *testing.T) {
	s := customerServer(t)
	dist, reseller, sp := s.Demo.Partner(t, "dist"), s.Demo.Partner(t, "reseller"), s.Demo.Partner(t, "sp")
	cDist, wDist := newBSS(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)
	cRes, wRes := newBSS(t, s, reseller.AccessKey, reseller.SecretKey, reseller.DomainID)
	cSP, wSP := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	resCustomer := s.Demo.Customer(t, "reseller-reseller")
	parent := usableQuota(t, cDist, "dist", 0, "100")
	parentID := deref(parent.QuotaId)
	before := *parent.Balance

	resp, err := cDist.UpdateCouponQuotas(&model.UpdateCouponQuotasRequest{Body: &model.AdjustCouponQuotasReq{
		QuotaId: parentID, IndirectPartnerIds: []string{reseller.PartnerID, sp.PartnerID}, QuotaAmount: dec("50")}})
	if err != nil {
		t.Fatalf("UpdateCouponQuotas: %v", err)
	}
	infos := deref(resp.SimpleQuotaInfos)
	if len(infos) != 1 || infos[0].Id != reseller.PartnerID || len(infos[0].QuotaId) != 32 {
		t.Fatalf("simple_quota_infos %s", resp.String())
	}
	if got := detailCodes(resp.ErrorDetails); got[sp.PartnerID] != "CBC.99000037" || len(got) != 1 {
		t.Errorf("error_details %v, want sp refused with CBC.99000037", got)
	}
	child := infos[0].QuotaId
	wantBalance(t, cDist, 0, parentID, before.Sub(decimal.RequireFromString("50")))

	t.Run("ListIssuedCouponQuotas", func(t *testing.T) {
		resp, err := cDist.ListIssuedCouponQuotas(&model.ListIssuedCouponQuotasRequest{ParentQuotaId: str(parentID)})
		if err != nil {
			t.Fatal(err)
		}
		var q *model.IssuedCouponQuota
		for _, x := range deref(resp.Quotas) {
			if deref(x.QuotaId) == child {
				q = &x
			}
		}
		if q == nil || deref(q.IndirectPartnerId) != reseller.PartnerID || deref(q.ParentQuotaId) != parentID ||
			deref(q.IndirectPartnerAccountName) != reseller.DomainName || !q.QuotaValue.Equal(decimal.RequireFromString("50")) ||
			deref(q.QuotaStatus) != 0 {
			t.Fatalf("issued quotas %s", resp.String())
		}
		if resp, err := cDist.ListIssuedCouponQuotas(&model.ListIssuedCouponQuotasRequest{QuotaId: str(child),
			IndirectPartnerId: str(reseller.PartnerID), Limit: i32(1)}); err != nil || len(deref(resp.Quotas)) != 1 {
			t.Errorf("quota_id and indirect_partner_id: %v %v", resp, err)
		}
		if resp, err := cDist.ListIssuedCouponQuotas(&model.ListIssuedCouponQuotasRequest{ParentQuotaId: str("")}); err != nil ||
			slices.ContainsFunc(deref(resp.Quotas), func(x model.IssuedCouponQuota) bool { return deref(x.QuotaId) == child }) {
			t.Errorf("parent_quota_id=\"\" lists the child quota: %v %v", resp, err)
		}
		_, err = cDist.ListIssuedCouponQuotas(&model.ListIssuedCouponQuotasRequest{Limit: i32(101)})
		apiError(t, wDist, err, 400, "CBC.0100")
		// The distributor reads the reseller's quotas with indirect_partner_id.
		if got := sdkQuotas(t, cDist, 0, model.QueryCouponQuotasReqExt{IndirectPartnerId: str(reseller.PartnerID)}); !slices.ContainsFunc(got,
			func(x model.CouponQuotaV2) bool { return deref(x.QuotaId) == child }) {
			t.Errorf("dist does not see the reseller's quota")
		}
	})

	t.Run("ResellerIssues", func(t *testing.T) {
		got := mustIssue(t, cRes, model.CreatePartnerCouponsReq{QuotaId: child, CustomerIds: []string{resCustomer.DomainID}, FaceValue: dec("20")})
		if len(got[resCustomer.DomainID]) != 32 {
			t.Fatalf("coupons %v", got)
		}
		wantBalance(t, cRes, 0, child, decimal.RequireFromString("30"))
		// Its distributor issues for it with indirect_partner_id, from the
		// reseller's quota; naming a partner that is not its reseller fails.
		got = mustIssue(t, cDist, model.CreatePartnerCouponsReq{QuotaId: child, CustomerIds: []string{resCustomer.DomainID},
			FaceValue: dec("1"), IndirectPartnerId: str(reseller.PartnerID)})
		if len(got[resCustomer.DomainID]) != 32 {
			t.Fatalf("coupons issued by dist for its reseller: %v", got)
		}
		wantBalance(t, cRes, 0, child, decimal.RequireFromString("29"))
		_, err := issue(cDist, model.CreatePartnerCouponsReq{QuotaId: child, CustomerIds: []string{resCustomer.DomainID},
			FaceValue: dec("1"), IndirectPartnerId: str(sp.PartnerID)})
		apiError(t, wDist, err, 400, "CBC.99000037")
		// The reseller cannot issue from its distributor's quota.
		_, err = issue(cRes, model.CreatePartnerCouponsReq{QuotaId: parentID, CustomerIds: []string{resCustomer.DomainID}, FaceValue: dec("1")})
		apiError(t, wRes, err, 400, "CBC.99000012")
	})

	t.Run("ReclaimCouponQuotas", func(t *testing.T) {
		resp, err := cDist.ReclaimCouponQuotas(&model.ReclaimCouponQuotasRequest{Body: &model.ReclaimCouponQuotasReq{
			QuotaIds: []string{child, "0123456789abcdef0123456789abcdef"}, Remark: str("season over")}})
		if err != nil {
			t.Fatalf("ReclaimCouponQuotas: %v", err)
		}
		done := deref(resp.SimpleQuotaInfos)
		if len(done) != 1 || deref(done[0].QuotaId) != child || !done[0].QuotaBalance.Equal(decimal.RequireFromString("29")) {
			t.Fatalf("simple_quota_infos %s", resp.String())
		}
		if got := detailCodes(resp.ErrorDetails); got["0123456789abcdef0123456789abcdef"] != "CBC.99000012" {
			t.Errorf("error_details %v", got)
		}
		wantBalance(t, cDist, 0, parentID, before.Sub(decimal.RequireFromString("21")))
		// Reclaimed: the reseller can issue from it no more.
		_, err = issue(cRes, model.CreatePartnerCouponsReq{QuotaId: child, CustomerIds: []string{resCustomer.DomainID}, FaceValue: dec("1")})
		apiError(t, wRes, err, 400, "CBC.99000012")
		resp, err = cDist.ReclaimCouponQuotas(&model.ReclaimCouponQuotasRequest{Body: &model.ReclaimCouponQuotasReq{QuotaIds: []string{child}}})
		if err != nil || detailCodes(resp.ErrorDetails)[child] == "" {
			t.Errorf("second reclaim: %v %v", resp, err)
		}
		_, err = cDist.ReclaimCouponQuotas(&model.ReclaimCouponQuotasRequest{Body: &model.ReclaimCouponQuotasReq{QuotaIds: []string{}}})
		apiError(t, wDist, err, 400, "CBC.0100")
	})

	t.Run("ListCouponQuotasRecords", func(t *testing.T) {
		resp, err := cDist.ListCouponQuotasRecords(&model.ListCouponQuotasRecordsRequest{QuotaId: str(child)})
		if err != nil {
			t.Fatal(err)
		}
		byOp := map[string]model.QuotaRecord{}
		for _, r := range deref(resp.Records) {
			byOp[deref(r.OperationType)] = r
			if deref(r.ParentQuotaId) != parentID || deref(r.IndirectPartnerId) != reseller.PartnerID || deref(r.Result) != "0" {
				t.Errorf("record %s", r.String())
			}
		}
		if r := byOp["10"]; !r.Amount.Equal(decimal.RequireFromString("50")) {
			t.Errorf("issue record %s", r.String())
		}
		if r := byOp["11"]; !r.Amount.Equal(decimal.RequireFromString("29")) || deref(r.Remark) != "season over" {
			t.Errorf("reclaim record %s", r.String())
		}
		resp, err = cDist.ListCouponQuotasRecords(&model.ListCouponQuotasRecordsRequest{QuotaId: str(child), OperationType: str("11"),
			IndirectPartnerId: str(reseller.PartnerID), ParentQuotaId: str(parentID),
			OperationTimeBegin: str("2000-01-01T00:00:00Z"), OperationTimeEnd: str("2999-01-01T00:00:00Z")})
		if err != nil || len(deref(resp.Records)) != 1 {
			t.Errorf("operation_type=11 with every filter: %v %v", resp, err)
		}
		_, err = cDist.ListCouponQuotasRecords(&model.ListCouponQuotasRecordsRequest{OperationType: str("1")})
		apiError(t, wDist, err, 400, "CBC.0100")
	})

	t.Run("Errors", func(t *testing.T) {
		for name, body := range map[string]model.AdjustCouponQuotasReq{
			"quota_id":             {IndirectPartnerIds: []string{reseller.PartnerID}, QuotaAmount: dec("1")},
			"indirect_partner_ids": {QuotaId: parentID, IndirectPartnerIds: []string{}, QuotaAmount: dec("1")},
			"quota_amount":         {QuotaId: parentID, IndirectPartnerIds: []string{reseller.PartnerID}, QuotaAmount: dec("-1")},
		} {
			_, err := cDist.UpdateCouponQuotas(&model.UpdateCouponQuotasRequest{Body: &body})
			if se := apiError(t, wDist, err, 400, "CBC.0100"); !strings.Contains(se.ErrorMessage, name) {
				t.Errorf("%s: message %q", name, se.ErrorMessage)
			}
		}
		_, err := cDist.UpdateCouponQuotas(&model.UpdateCouponQuotasRequest{Body: &model.AdjustCouponQuotasReq{
			QuotaId: parentID, IndirectPartnerIds: []string{reseller.PartnerID}, QuotaAmount: dec("100000000")}})
		apiError(t, wDist, err, 400, "CBC.99000013")
		_, err = cDist.UpdateCouponQuotas(&model.UpdateCouponQuotasRequest{Body: &model.AdjustCouponQuotasReq{
			QuotaId: "0123456789abcdef0123456789abcdef", IndirectPartnerIds: []string{reseller.PartnerID}, QuotaAmount: dec("1")}})
		apiError(t, wDist, err, 400, "CBC.99000012")
		// Only distributors give quotas to resellers; another partner cannot
		// reclaim dist's reseller quotas.
		spQuota := usableQuota(t, cSP, "sp", 0, "1")
		_, err = cSP.UpdateCouponQuotas(&model.UpdateCouponQuotasRequest{Body: &model.AdjustCouponQuotasReq{
			QuotaId: deref(spQuota.QuotaId), IndirectPartnerIds: []string{reseller.PartnerID}, QuotaAmount: dec("1")}})
		apiError(t, wSP, err, 403, "CBC.0150")
		_, err = cSP.ListCouponQuotasRecords(&model.ListCouponQuotasRecordsRequest{})
		apiError(t, wSP, err, 403, "CBC.0150")
		wantBalance(t, cDist, 0, parentID, before.Sub(decimal.RequireFromString("21")))
	})
}

func ptrTo[T any](v T) *T { return &v }

// memberKey makes a role holding perms and a member holding the role on
// the partner console (as TestOpenAPIContract does), signs the member in,
// changes its initial password and returns an access key it creates.
func memberKey(t *testing.T, s *Server, admin *console, p DemoPartner, name string, perms ...string) (ak, sk string) {
	t.Helper()
	status, body, loc := admin.post(t, "/org/roles/new", "/org/roles", url.Values{
		"name": {name + "-role"}, "description": {"e2e coupons"}, "permissions": perms})
	rest, ok := strings.CutPrefix(loc, "/org/roles/")
	roleID, _, _ := strings.Cut(rest, "?")
	if roleID, _ = url.PathUnescape(roleID); status != http.StatusSeeOther || !ok || roleID == "" {
		t.Fatalf("create role %s: status %d to %q\n%s", name, status, loc, body)
	}
	status, body, _ = admin.post(t, "/org/members/new", "/org/members", url.Values{
		"account_name": {name}, "display_name": {name}, "roles": {roleID}})
	if status != http.StatusCreated {
		t.Fatalf("create member %s: status %d, want 201\n%s", name, status, body)
	}
	password, newPassword := shown(t, body, "code", "member-password"), "E2e-coupons1"
	member := consoleSignIn(t, s, p.DomainName, name, password)
	status, body, loc = member.post(t, "/account/password", "/account/password", url.Values{
		"old_password": {password}, "new_password": {newPassword}, "confirm_password": {newPassword}})
	if status != http.StatusSeeOther || loc != "/" {
		t.Fatalf("change %s's password: status %d to %q\n%s", name, status, loc, body)
	}
	return member.createKey(t, name+" key")
}

// grantQuota grants a quota on the operator console's 发放额度 form and
// returns its id, found as the one the partner did not hold before.
func grantQuota(t *testing.T, ops *console, c *bss.BssClient, form url.Values) string {
	t.Helper()
	typ := int32(0)
	if form.Get("quota_type") == "1" {
		typ = 1
	}
	known := map[string]bool{}
	for _, q := range sdkQuotas(t, c, typ, model.QueryCouponQuotasReqExt{Limit: i32(100)}) {
		known[deref(q.QuotaId)] = true
	}
	status, body, loc := ops.post(t, "/ops/quotas/new", "/ops/quotas", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/ops/quotas?") {
		t.Fatalf("grant quota %v: %d to %q\n%s", form, status, loc, body)
	}
	var id string
	for _, q := range sdkQuotas(t, c, typ, model.QueryCouponQuotasReqExt{Limit: i32(100)}) {
		if !known[deref(q.QuotaId)] {
			id = deref(q.QuotaId)
		}
	}
	if id == "" {
		t.Fatalf("the granted quota is not listed")
	}
	return id
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestCouponLoadSmoke runs cmd/pcload's CreatePartnerCoupons load (as
// scripts/bench-coupons does, on a handful of customers) against the real
// binary, checks every coupon was counted, and that `partnercenter ledger
// verify` finds the books balanced afterwards.
func TestCouponLoadSmoke(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pcload")
	build := exec.Command("go", "build", "-o", bin, "partnercenter/cmd/pcload")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building pcload: %v\n%s", err, out)
	}
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	sp := s.Demo.Partner(t, "sp")
	c, _ := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	quota := usableQuota(t, c, "sp", 0, "1")
	demoCoupons := ledgerCoupons(t, s)
	var ids []string
	for range 4 {
		ids = append(ids, newResaleCustomer(t, c, sp.XAccountType))
	}
	idsFile := filepath.Join(t.TempDir(), "ids.txt")
	if err := os.WriteFile(idsFile, []byte(strings.Join(ids, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	demo, err := json.Marshal(s.Demo)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-url", s.URL, "-demo-json", "-", "-c", "2", "-n", "6", "-json", "-method", "POST",
		"-path", "/v2/promotions/benefits/partner-coupons", "-ids", idsFile, "-count", "coupon_infos",
		"-body-template", `{"quota_id":"`+deref(quota.QuotaId)+`","face_value":"0.01","customer_ids":[{{ids:3}}]}`)
	cmd.Stdin = bytes.NewReader(demo)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pcload: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	var rep struct {
		Requests int     `json:"requests"`
		OK       int     `json:"ok"`
		Items    int     `json:"items"`
		PerSec   float64 `json:"items_per_second"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("pcload -json: %v\n%s", err, stdout.String())
	}
	if rep.Requests != 6 || rep.OK != 6 || rep.Items != 18 || rep.PerSec <= 0 {
		t.Fatalf("pcload report:\n%s", stdout.String())
	}
	wantBalance(t, c, 0, deref(quota.QuotaId), quota.Balance.Sub(decimal.RequireFromString("0.18")))
	if got := issuedCoupons(t, c, model.ListIssuedPartnerCouponsRequest{CustomerId: str(ids[0]), Limit: i32(100)}); len(got) == 0 {
		t.Errorf("no coupon for %s after 6 calls drawing 3 of 4 customers", ids[0])
	}

	// The books hold the demo's coupons and the 18 the load issued.
	if got := ledgerCoupons(t, s); got != demoCoupons+18 {
		t.Fatalf("ledger verify counts %d coupons, want %d + 18", got, demoCoupons)
	}
}

// ledgerCoupons runs `partnercenter ledger verify` on the server's data,
// fails the test unless it ends "ok", and returns the coupons it counted.
func ledgerCoupons(t *testing.T, s *Server) int {
	t.Helper()
	verify := exec.Command(binPath, "ledger", "verify", "--data", s.DataDir)
	verify.Env = s.env
	out, err := verify.CombinedOutput()
	m := regexp.MustCompile(`ledger: \d+ quotas, (\d+) coupons`).FindSubmatch(out)
	if err != nil || m == nil || !strings.HasSuffix(strings.TrimSpace(string(out)), "ok") {
		t.Fatalf("partnercenter ledger verify: %v\n%s", err, out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
