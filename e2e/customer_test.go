package e2e

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/httphandler"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
	bssintl "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bssintl/v2"
	intl "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bssintl/v2/model"
)

// The customer APIs' contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §3, §4.1, §4.2): CheckUserIdentity,
// SendVerificationMessageCode, CreateSubCustomer and ListSubCustomers
// through services/bss/v2, the e-mail variants and FreezeSubCustomers /
// UnfreezeSubCustomers through services/bssintl/v2, against the real binary.
// Verification codes are read back with `partnercenter outbox --json`.

// opsConsoleSignIn signs the demo operator in at /ops/signin and returns
// its operator console session; the customer tests set the states
// CreateSubCustomer refuses (a protected contact, a restricted partner, a
// test account) there, as an operator does.
func opsConsoleSignIn(t *testing.T, s *Server) *console {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &console{s: s, client: &http.Client{Jar: jar, CheckRedirect: noRedirect}, who: "operator " + s.Demo.Operator.Username}
	status, body, loc := c.post(t, "/ops/signin", "/ops/signin", url.Values{
		"username": {s.Demo.Operator.Username}, "password": {s.Demo.Operator.Password}})
	if status != http.StatusSeeOther || loc != "/ops/" {
		t.Fatalf("operator sign-in: status %d to %q, want 303 to /ops/\n%s", status, loc, body)
	}
	return c
}

// opsSaved posts form from the operator's partner page to action and
// checks that the page comes back saved.
func (c *console) opsSaved(t *testing.T, partnerID, action string, form url.Values) {
	t.Helper()
	page := "/ops/partners/" + partnerID
	status, body, loc := c.post(t, page, page+action, form)
	if status != http.StatusSeeOther || loc != page+"?saved=1" {
		t.Fatalf("%s: POST %s%s %v: status %d to %q\n%s", c.who, page, action, form, status, loc, body)
	}
}

// setPartnerStatus sets a partner's status on its operator page.
func (c *console) setPartnerStatus(t *testing.T, partnerID, status string) {
	t.Helper()
	c.opsSaved(t, partnerID, "/status", url.Values{"status": {status}})
}

// setPartnerTest marks a partner as a test account (测试账号) or not.
func (c *console) setPartnerTest(t *testing.T, partnerID string, isTest bool) {
	t.Helper()
	c.opsSaved(t, partnerID, "/test", url.Values{"is_test": {fmt.Sprint(isTest)}})
	_, page, _ := c.get(t, "/ops/partners/"+partnerID)
	want := map[bool]string{true: "是", false: "否"}[isTest]
	if got := shown(t, page, "span", "test-account"); got != want {
		t.Fatalf("%s: partner %s shown as test account %q, want %q", c.who, partnerID, got, want)
	}
}

// addProtected puts a contact on 受保护客户名单 and checks it is listed.
func (c *console) addProtected(t *testing.T, kind, value, note string) {
	t.Helper()
	status, body, loc := c.post(t, "/ops/protected", "/ops/protected", url.Values{"kind": {kind}, "value": {value}, "note": {note}})
	if status != http.StatusSeeOther || loc != "/ops/protected?added=1" {
		t.Fatalf("%s: add protected %s %s: status %d to %q\n%s", c.who, kind, value, status, loc, body)
	}
	_, page, _ := c.get(t, "/ops/protected?q="+url.QueryEscape(value))
	if !strings.Contains(html.UnescapeString(page), value) {
		t.Fatalf("%s: %s is not listed after adding it", c.who, value)
	}
}

// customerServer starts a server for the customer tests: no API rate limit
// in the way, and the extra settings given.
func customerServer(t *testing.T, kv ...string) *Server {
	t.Helper()
	return startServer(t, withEnv(append([]string{"PC_API_RATE_LIMIT", "1000", "PC_API_RATE_BURST", "1000"}, kv...)...))
}

// newBSSIntl returns the SDK's international BSS client for s.
func newBSSIntl(t *testing.T, s *Server, ak, sk, domainID string) (*bssintl.BssintlClient, *wire) {
	t.Helper()
	w := &wire{}
	handler := httphandler.NewHttpHandler().AddResponseHandler(func(r http.Response) {
		w.mu.Lock()
		w.resps = append(w.resps, wireResponse{status: r.StatusCode, requestID: r.Header.Get("X-Request-Id")})
		w.mu.Unlock()
	})
	cred, err := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithDomainId(domainID).SafeBuild()
	if err != nil {
		t.Fatalf("SDK credentials: %v", err)
	}
	hc, err := bssintl.BssintlClientBuilder().
		WithEndpoints([]string{s.URL}).
		WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithTimeout(15 * time.Second).WithHttpHandler(handler)).
		SafeBuild()
	if err != nil {
		t.Fatalf("SDK client: %v", err)
	}
	return bssintl.NewBssintlClient(hc), w
}

var verificationCodePattern = regexp.MustCompile(`\b\d{6}\b`)

// outboxVerificationCode returns the verification code in the newest message to
// receiver, read with `partnercenter outbox --json --to`.
func outboxVerificationCode(t *testing.T, s *Server, receiver string) string {
	t.Helper()
	cmd := exec.Command(binPath, "outbox", "--data", s.DataDir, "--json", "--to", receiver)
	cmd.Env = s.env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("partnercenter outbox: %v", err)
	}
	var msgs []struct {
		Channel string `json:"channel"`
		To      string `json:"to"`
		Body    string `json:"body"`
	}
	if err := json.Unmarshal(out, &msgs); err != nil || len(msgs) == 0 {
		t.Fatalf("no message to %s (%v): %s", receiver, err, out)
	}
	code := verificationCodePattern.FindString(msgs[0].Body)
	if code == "" || msgs[0].To != receiver {
		t.Fatalf("newest message to %s has no code: %+v", receiver, msgs[0])
	}
	return code
}

var customerMobileSeq struct {
	sync.Mutex
	n int
}

// newCustomerMobile returns a mainland mobile number not used before in this run.
func newCustomerMobile() string {
	customerMobileSeq.Lock()
	defer customerMobileSeq.Unlock()
	customerMobileSeq.n++
	return fmt.Sprintf("1370%07d", customerMobileSeq.n)
}

var platformUserSeq struct {
	sync.Mutex
	n int
}

func newPlatformUser() string {
	platformUserSeq.Lock()
	defer platformUserSeq.Unlock()
	platformUserSeq.n++
	return fmt.Sprintf("platform-user-%d", platformUserSeq.n)
}

// sendSMS sends a registration code to mobile and returns it.
func sendSMS(t *testing.T, s *Server, c *bss.BssClient, mobile string) string {
	t.Helper()
	resp, err := c.SendVerificationMessageCode(&model.SendVerificationMessageCodeRequest{Body: &model.SendVerificationCodeV2Req{
		ReceiverType: 1, MobilePhone: mobile}})
	if err != nil {
		t.Fatalf("SendVerificationMessageCode %s: %v", mobile, err)
	}
	if resp.HttpStatusCode != http.StatusNoContent {
		t.Fatalf("SendVerificationMessageCode: status %d, want 204", resp.HttpStatusCode)
	}
	return outboxVerificationCode(t, s, "+86"+mobile)
}

func boolPtr(v bool) *bool { return &v }

func TestSubCustomerRegistration(t *testing.T) {
	s := customerServer(t, "PC_MAX_ACCOUNTS_PER_MOBILE", "2")
	sp, sp2, dist, reseller := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2"), s.Demo.Partner(t, "dist"), s.Demo.Partner(t, "reseller")
	c, w := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	c2, _ := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	cd, wd := newBSS(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)
	cr, wr := newBSS(t, s, reseller.AccessKey, reseller.SecretKey, reseller.DomainID)
	demoCustomer := s.Demo.Customer(t, "sp-reseller")
	body := func(p DemoPartner) *model.CreateCustomerV2Req {
		return &model.CreateCustomerV2Req{XaccountId: newPlatformUser(), XaccountType: p.XAccountType}
	}
	create := func(c *bss.BssClient, b *model.CreateCustomerV2Req) (*model.CreateSubCustomerResponse, error) {
		return c.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: b})
	}
	mustCreate := func(t *testing.T, c *bss.BssClient, b *model.CreateCustomerV2Req) *model.CreateSubCustomerResponse {
		t.Helper()
		resp, err := create(c, b)
		if err != nil {
			t.Fatalf("CreateSubCustomer: %v", err)
		}
		if resp.HttpStatusCode != http.StatusOK || len(deref(resp.DomainId)) != 32 || deref(resp.DomainName) == "" {
			t.Fatalf("CreateSubCustomer: %d %s", resp.HttpStatusCode, resp.String())
		}
		return resp
	}
	ops := opsConsoleSignIn(t, s)

	t.Run("CheckUserIdentity", func(t *testing.T) {
		check := func(typ, value string) *model.CheckUserIdentityResponse {
			t.Helper()
			resp, err := c.CheckUserIdentity(&model.CheckUserIdentityRequest{Body: &model.CheckSubcustomerUserReq{
				SearchType: typ, SearchValue: value}})
			if err != nil {
				t.Fatalf("CheckUserIdentity %s %s: %v", typ, value, err)
			}
			if deref(resp.ErrorCode) != "CBC.0000" || resp.HttpStatusCode != 200 {
				t.Fatalf("CheckUserIdentity: %d %s", resp.HttpStatusCode, resp.String())
			}
			return resp
		}
		if r := check("name", "ceshiyonghu001"); deref(r.CheckResult) != "available" || r.MobileRemainAvailableNum != nil {
			t.Errorf("free name: %s", r.String())
		}
		if r := check("name", strings.ToUpper(demoCustomer.DomainName)); deref(r.CheckResult) != "used_by_user" {
			t.Errorf("a demo customer's name: %s", r.String())
		}
		if r := check("name", sp2.DomainName); deref(r.CheckResult) != "used_by_user" {
			t.Errorf("a partner's name: %s", r.String())
		}
		if r := check("mobile", "0086-"+newCustomerMobile()); deref(r.CheckResult) != "available" || deref(r.MobileRemainAvailableNum) != 2 {
			t.Errorf("free mobile: %s", r.String())
		}
		if r := check("email", "someone@example.com"); deref(r.CheckResult) != "available" {
			t.Errorf("free e-mail: %s", r.String())
		}
		_, err := c.CheckUserIdentity(&model.CheckUserIdentityRequest{Body: &model.CheckSubcustomerUserReq{
			SearchType: "phone", SearchValue: "x"}})
		apiError(t, w, err, 400, "CBC.0100")
		_, err = c.CheckUserIdentity(&model.CheckUserIdentityRequest{Body: &model.CheckSubcustomerUserReq{
			SearchType: "mobile", SearchValue: "13800000000"}})
		apiError(t, w, err, 400, "CBC.0100")
	})

	mobile := newCustomerMobile()
	t.Run("OK/SendAndCreate", func(t *testing.T) {
		code := sendSMS(t, s, c, mobile)
		b := body(sp)
		b.DomainName, b.MobilePhone, b.VerificationCode, b.Password = str("e2e-customer-1"), str(mobile), str(code), str("E2e#Customer1")
		b.IsCloseMarketMs, b.IncludeAssociationResult = str("true"), boolPtr(true)
		resp := mustCreate(t, c, b)
		if deref(resp.DomainName) != "e2e-customer-1" {
			t.Fatalf("domain_name %q", deref(resp.DomainName))
		}
		// Associated already (include_association_result), in the reseller model.
		list, err := c.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{CustomerId: resp.DomainId}})
		if err != nil || deref(list.Count) != 1 || deref((*list.CustomerInfos)[0].AssociationType) != "2" {
			t.Fatalf("list: %v %v", list, err)
		}
		if got := deref((*list.CustomerInfos)[0].Telephone); got != mobile[:3]+"****"+mobile[7:] {
			t.Errorf("telephone %q, want it masked", got)
		}
	})
	t.Run("OK/TimeoutAndScene", func(t *testing.T) {
		m := newCustomerMobile()
		resp, err := c.SendVerificationMessageCode(&model.SendVerificationMessageCodeRequest{Body: &model.SendVerificationCodeV2Req{
			ReceiverType: 1, MobilePhone: m, Timeout: i32(120), Lang: str("en-us"), Scene: i32(29)}})
		if err != nil || resp.HttpStatusCode != 204 {
			t.Fatalf("%v %v", resp, err)
		}
		_ = outboxVerificationCode(t, s, "+86"+m)
		_, err = c.SendVerificationMessageCode(&model.SendVerificationMessageCodeRequest{Body: &model.SendVerificationCodeV2Req{
			ReceiverType: 1, MobilePhone: m, Scene: i32(18), CustomerId: str(demoCustomer.DomainID)}})
		if err != nil {
			t.Fatalf("bank-card scene for an own customer: %v", err)
		}
	})
	t.Run("OK/RandomNameReferral", func(t *testing.T) {
		b := body(sp)
		b.CooperationType = str("1")
		resp := mustCreate(t, c, b)
		if name := deref(resp.DomainName); len(name) != 32 {
			t.Fatalf("random name %q", name)
		}
	})
	t.Run("OK/ForAReseller", func(t *testing.T) {
		b := body(dist)
		b.IndirectPartnerId, b.IncludeAssociationResult = str(reseller.PartnerID), boolPtr(true)
		resp := mustCreate(t, cd, b)
		list, err := cr.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{CustomerId: resp.DomainId}})
		if err != nil || deref(list.Count) != 1 {
			t.Fatalf("the reseller's list: %v %v", list, err)
		}
	})

	t.Run("ErrSendLimit/CBC.99004015", func(t *testing.T) {
		m := newCustomerMobile()
		for i := range 15 {
			if _, err := c2.SendVerificationMessageCode(&model.SendVerificationMessageCodeRequest{Body: &model.SendVerificationCodeV2Req{
				ReceiverType: 1, MobilePhone: m}}); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
		}
		_, err := c.SendVerificationMessageCode(&model.SendVerificationMessageCodeRequest{Body: &model.SendVerificationCodeV2Req{
			ReceiverType: 1, MobilePhone: m}})
		apiError(t, w, err, 400, "CBC.99004015")
	})
	t.Run("ErrSendMobileFormat/CBC.5017", func(t *testing.T) {
		_, err := c.SendVerificationMessageCode(&model.SendVerificationMessageCodeRequest{Body: &model.SendVerificationCodeV2Req{
			ReceiverType: 1, MobilePhone: "12345"}})
		apiError(t, w, err, 400, "CBC.5017")
	})

	errCase := func(name string, client *bss.BssClient, cw *wire, status int, code string, b func() *model.CreateCustomerV2Req) {
		t.Run(name, func(t *testing.T) {
			_, err := create(client, b())
			apiError(t, cw, err, status, code)
		})
	}
	errCase("ErrDomainNameFormat/CBC.99000031", c, w, 400, "CBC.99000031", func() *model.CreateCustomerV2Req {
		b := body(sp)
		b.DomainName = str("op_customer")
		return b
	})
	errCase("ErrDomainNameTaken/CBC.99000038", c, w, 400, "CBC.99000038", func() *model.CreateCustomerV2Req {
		b := body(sp)
		b.DomainName = str(strings.ToUpper(demoCustomer.DomainName))
		return b
	})
	errCase("ErrPasswordFormat/CBC.99000036", c, w, 400, "CBC.99000036", func() *model.CreateCustomerV2Req {
		b := body(sp)
		b.Password = str("onlylowercase")
		return b
	})
	errCase("ErrMobileFormat/CBC.5017", c, w, 400, "CBC.5017", func() *model.CreateCustomerV2Req {
		b := body(sp)
		b.MobilePhone, b.VerificationCode = str("2345678"), str("123456")
		return b
	})
	errCase("ErrCodeWrong/CBC.99004010", c, w, 400, "CBC.99004010", func() *model.CreateCustomerV2Req {
		m := newCustomerMobile()
		code := sendSMS(t, s, c, m)
		b := body(sp)
		b.MobilePhone, b.VerificationCode = str(m), str(otherCode(code))
		return b
	})
	t.Run("ErrCodeExpired/CBC.99004008", func(t *testing.T) {
		m := newCustomerMobile()
		code := sendSMS(t, s, c, m)
		// Ten minutes are not waited for: the code's expiry is moved back
		// in the database (no interface travels in time; SQLite only).
		db := serverDB(t, s)
		execOne(t, db, "UPDATE verification_codes SET expires_at = '2000-01-01 00:00:00+00:00' WHERE receiver = ?", "+86"+m)
		b := body(sp)
		b.MobilePhone, b.VerificationCode = str(m), str(code)
		_, err := create(c, b)
		apiError(t, w, err, 400, "CBC.99004008")
	})
	t.Run("ErrCodeAttempts/CBC.99004009", func(t *testing.T) {
		m := newCustomerMobile()
		code := sendSMS(t, s, c, m)
		try := func(code string) error {
			b := body(sp)
			b.MobilePhone, b.VerificationCode = str(m), str(code)
			_, err := create(c, b)
			return err
		}
		for range 3 {
			apiError(t, w, try(otherCode(code)), 400, "CBC.99004010")
		}
		apiError(t, w, try(otherCode(code)), 400, "CBC.99004009")
		apiError(t, w, try(code), 400, "CBC.99004009") // the code is dead
	})
	t.Run("ErrXAccountTaken/CBC.99000039", func(t *testing.T) {
		m := newCustomerMobile()
		b := body(sp)
		b.DomainName, b.MobilePhone, b.VerificationCode = str("retried-customer"), str(m), str(sendSMS(t, s, c, m))
		mustCreate(t, c, b)
		// The partner's platform retries the same call: no second account.
		_, err := create(c, b)
		apiError(t, w, err, 400, "CBC.99000039")
		db := serverDB(t, s)
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM customers WHERE xaccount_id = ?", b.XaccountId).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d accounts for the retried user (%v), want 1", n, err)
		}
	})
	t.Run("ErrMobileTaken/CBC.99000029", func(t *testing.T) {
		b := body(sp)
		b.MobilePhone, b.VerificationCode = str(mobile), str(sendSMS(t, s, c, mobile))
		_, err := create(c, b)
		apiError(t, w, err, 400, "CBC.99000029")
	})
	t.Run("ErrMobileLimit/CBC.99000030", func(t *testing.T) {
		// mobile backs sp's customer; sp2's makes two, the cap here.
		b := body(sp2)
		b.MobilePhone, b.VerificationCode = str(mobile), str(sendSMS(t, s, c2, mobile))
		mustCreate(t, c2, b)
		b = body(reseller)
		b.MobilePhone, b.VerificationCode = str(mobile), str(sendSMS(t, s, cr, mobile))
		_, err := create(cr, b)
		apiError(t, wr, err, 400, "CBC.99000030")
	})
	t.Run("ErrProtected/CBC.99000051", func(t *testing.T) {
		m := newCustomerMobile()
		ops.addProtected(t, "mobile", m, "direct sales")
		b := body(sp)
		b.MobilePhone, b.VerificationCode = str(m), str(sendSMS(t, s, c, m))
		_, err := create(c, b)
		apiError(t, w, err, 400, "CBC.99000051")
	})
	errCase("ErrNotYourReseller/CBC.99000037", cd, wd, 400, "CBC.99000037", func() *model.CreateCustomerV2Req {
		b := body(dist)
		b.IndirectPartnerId = str(sp.PartnerID)
		return b
	})
	errCase("ErrDistributorDirect/CBC.50010059", cd, wd, 400, "CBC.50010059", func() *model.CreateCustomerV2Req {
		return body(dist)
	})
	t.Run("ErrPartnerRestricted/CBC.50010085", func(t *testing.T) {
		ops.setPartnerStatus(t, sp2.PartnerID, "restricted")
		defer ops.setPartnerStatus(t, sp2.PartnerID, "normal")
		_, err := create(c2, body(sp2))
		wantServiceError(t, err, 400, "CBC.50010085")
	})
	t.Run("ErrParentRestricted/CBC.50010086", func(t *testing.T) {
		ops.setPartnerStatus(t, dist.PartnerID, "restricted")
		defer ops.setPartnerStatus(t, dist.PartnerID, "normal")
		_, err := create(cr, body(reseller))
		apiError(t, wr, err, 400, "CBC.50010086")
	})
	t.Run("ErrTestPartner/CBC.99005035", func(t *testing.T) {
		ops.setPartnerTest(t, sp2.PartnerID, true)
		defer ops.setPartnerTest(t, sp2.PartnerID, false)
		_, err := create(c2, body(sp2))
		wantServiceError(t, err, 400, "CBC.99005035")
	})
	t.Run("ErrXAccountTypeOfAnotherPartner/CBC.0100", func(t *testing.T) {
		b := body(sp)
		b.XaccountType = sp2.XAccountType
		_, err := create(c, b)
		apiError(t, w, err, 400, "CBC.0100")
	})

	t.Run("International", func(t *testing.T) {
		ci, wi := newBSSIntl(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
		resp, err := ci.SendVerificationMessageCode(&intl.SendVerificationMessageCodeRequest{Body: &intl.SendVerificationCodeV2Req{
			ReceiverType: 2, Email: "Buyer@Example.MX", Lang: str("en-us")}})
		if err != nil || resp.HttpStatusCode != 204 {
			t.Fatalf("bssintl SendVerificationMessageCode: %v %v", resp, err)
		}
		code := outboxVerificationCode(t, s, "buyer@example.mx")
		created, err := ci.CreateSubCustomer(&intl.CreateSubCustomerRequest{Body: &intl.CreateCustomerV2Req{
			XaccountId: newPlatformUser(), XaccountType: sp.XAccountType, DomainName: str("intl-buyer"), Email: str("buyer@example.mx"),
			VerificationCode: str(code), DomainArea: "MX", Password: str("Intl#Buyer2025"), IncludeAssociationResult: boolPtr(true)}})
		if err != nil || deref(created.DomainName) != "intl-buyer" || len(deref(created.DomainId)) != 32 {
			t.Fatalf("bssintl CreateSubCustomer: %v %v", created, err)
		}
		_, err = ci.CreateSubCustomer(&intl.CreateSubCustomerRequest{Body: &intl.CreateCustomerV2Req{
			XaccountId: newPlatformUser(), XaccountType: sp.XAccountType, Email: str("other@example.mx"), VerificationCode: str(code),
			DomainArea: "MX"}})
		apiError(t, wi, err, 400, "CBC.99004010")
		_, err = ci.CreateSubCustomer(&intl.CreateSubCustomerRequest{Body: &intl.CreateCustomerV2Req{
			XaccountId: newPlatformUser(), XaccountType: sp.XAccountType, DomainArea: "MEX"}})
		apiError(t, wi, err, 400, "CBC.0100")
	})
}

// otherCode returns a 6-digit code other than code.
func otherCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

// TestSubCustomerAssociationTimeout: when the association does not come
// within PC_ASSOCIATION_WAIT, CreateSubCustomer answers 500 CBC.99000050 and
// still names the account, which the list shows once associated.
func TestSubCustomerAssociationTimeout(t *testing.T) {
	s := customerServer(t, "PC_ASSOCIATION_WAIT", "1ns")
	sp := s.Demo.Partner(t, "sp")
	c, w := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	_, err := c.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: &model.CreateCustomerV2Req{
		XaccountId: "late-user", XaccountType: sp.XAccountType, DomainName: str("late-customer"), IncludeAssociationResult: boolPtr(true)}})
	apiError(t, w, err, 500, "CBC.99000050")

	// The body also carries the account, as the SDK model says.
	body, _ := json.Marshal(map[string]any{"xaccount_id": "late-user-2", "xaccount_type": sp.XAccountType,
		"domain_name": "late-customer-2", "include_association_result": true})
	resp := rawDo(t, sdkSignedRequest(t, s, http.MethodPost, "/v2/partners/sub-customers", append(body, '\n'),
		sp.AccessKey, sp.SecretKey, sp.DomainID))
	var got struct {
		Code       string `json:"error_code"`
		DomainID   string `json:"domain_id"`
		DomainName string `json:"domain_name"`
	}
	if err := json.Unmarshal(resp.body, &got); err != nil || resp.status != 500 || got.Code != "CBC.99000050" ||
		len(got.DomainID) != 32 || got.DomainName != "late-customer-2" {
		t.Fatalf("got %d %s", resp.status, resp.body)
	}
	eventually(t, 15*time.Second, func() error {
		list, err := c.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{CustomerId: &got.DomainID}})
		if err != nil {
			return err
		}
		if deref(list.Count) != 1 {
			return fmt.Errorf("not associated yet")
		}
		return nil
	})
}

func TestSubCustomerListAndFreeze(t *testing.T) {
	s := customerServer(t)
	sp, sp2, dist, reseller := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2"), s.Demo.Partner(t, "dist"), s.Demo.Partner(t, "reseller")
	resale, referral, resold := s.Demo.Customer(t, "sp-reseller"), s.Demo.Customer(t, "sp-referral"), s.Demo.Customer(t, "reseller-reseller")
	c, w := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	c2, _ := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	cd, wd := newBSS(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)
	// More customers of sp, for paging.
	for i := range 4 {
		resp, err := c.CreateSubCustomer(&model.CreateSubCustomerRequest{Body: &model.CreateCustomerV2Req{
			XaccountId: fmt.Sprintf("paging-%d", i), XaccountType: sp.XAccountType, DomainName: str(fmt.Sprintf("paging-customer-%d", i)),
			IncludeAssociationResult: boolPtr(true)}})
		if err != nil {
			t.Fatalf("create %d: %v %v", i, resp, err)
		}
	}
	list := func(t *testing.T, c *bss.BssClient, q model.QuerySubCustomerListReq) ([]string, int) {
		t.Helper()
		resp, err := c.ListSubCustomers(&model.ListSubCustomersRequest{Body: &q})
		if err != nil {
			t.Fatalf("ListSubCustomers %s: %v", q.String(), err)
		}
		var names []string
		if resp.CustomerInfos != nil {
			for _, ci := range *resp.CustomerInfos {
				names = append(names, ci.AccountName)
			}
		}
		return names, int(deref(resp.Count))
	}

	t.Run("List/All", func(t *testing.T) {
		names, count := list(t, c, model.QuerySubCustomerListReq{})
		if count != 6 || len(names) != 6 || !slices.Contains(names, resale.DomainName) || !slices.Contains(names, referral.DomainName) {
			t.Fatalf("%v (count %d)", names, count)
		}
	})
	t.Run("List/Paging", func(t *testing.T) {
		all, _ := list(t, c, model.QuerySubCustomerListReq{Limit: i32(100)})
		page, count := list(t, c, model.QuerySubCustomerListReq{Limit: i32(2), Offset: i32(1)})
		if count != 6 || !slices.Equal(page, all[1:3]) {
			t.Fatalf("page %v of %v (count %d)", page, all, count)
		}
		if past, count := list(t, c, model.QuerySubCustomerListReq{Offset: i32(6)}); len(past) != 0 || count != 6 {
			t.Fatalf("past the end: %v (count %d)", past, count)
		}
	})
	t.Run("List/Filters", func(t *testing.T) {
		if names, count := list(t, c, model.QuerySubCustomerListReq{AccountName: str("PAGING-CUSTOMER")}); count != 4 || len(names) != 4 {
			t.Fatalf("account_name: %v", names)
		}
		if names, _ := list(t, c, model.QuerySubCustomerListReq{AssociationType: str("1")}); !slices.Equal(names, []string{referral.DomainName}) {
			t.Fatalf("referral: %v", names)
		}
		if names, _ := list(t, c, model.QuerySubCustomerListReq{CustomerId: str(resale.DomainID)}); !slices.Equal(names, []string{resale.DomainName}) {
			t.Fatalf("customer_id: %v", names)
		}
		future := time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04:05Z")
		if names, count := list(t, c, model.QuerySubCustomerListReq{AssociatedOnBegin: str(future)}); count != 0 {
			t.Fatalf("associated after an hour from now: %v", names)
		}
		if _, count := list(t, c, model.QuerySubCustomerListReq{AssociatedOnEnd: str(future), AssociationType: str("2")}); count != 5 {
			t.Fatalf("reseller customers before then: %d, want 5", count)
		}
		_, err := c.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{Limit: i32(101)}})
		apiError(t, w, err, 400, "CBC.0100")
		_, err = c.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{AssociatedOnBegin: str("")}})
		apiError(t, w, err, 400, "CBC.0100")
	})
	t.Run("List/ResellersCustomers", func(t *testing.T) {
		if names, _ := list(t, cd, model.QuerySubCustomerListReq{IndirectPartnerId: str(reseller.PartnerID)}); !slices.Equal(names, []string{resold.DomainName}) {
			t.Fatalf("dist lists the reseller's: %v", names)
		}
		_, err := cd.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{IndirectPartnerId: str(sp.PartnerID)}})
		apiError(t, wd, err, 400, "CBC.99000037")
	})
	t.Run("List/CrossTenant", func(t *testing.T) {
		if names, count := list(t, c2, model.QuerySubCustomerListReq{}); count != 0 {
			t.Fatalf("sp2 sees %v", names)
		}
		if names, count := list(t, c2, model.QuerySubCustomerListReq{CustomerId: str(resale.DomainID)}); count != 0 {
			t.Fatalf("sp2 finds sp's customer: %v", names)
		}
	})

	ci, wi := newBSSIntl(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	ci2, _ := newBSSIntl(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	cdi, _ := newBSSIntl(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)
	frozen := func(t *testing.T, id string) int32 {
		t.Helper()
		resp, err := c.ListSubCustomers(&model.ListSubCustomersRequest{Body: &model.QuerySubCustomerListReq{CustomerId: str(id)}})
		if err != nil || deref(resp.Count) != 1 {
			t.Fatalf("list %s: %v %v", id, resp, err)
		}
		return deref((*resp.CustomerInfos)[0].IsFrozen)
	}
	details := func(list *[]intl.CustomerErrorDetail) map[string]string {
		out := map[string]string{}
		if list != nil {
			for _, d := range *list {
				out[deref(d.Id)] = deref(d.ErrorCode)
			}
		}
		return out
	}
	account := intl.GetFreezeSubCustomersReqFreezeTypeEnum().ACCOUNT

	t.Run("Freeze/OK", func(t *testing.T) {
		resp, err := ci.FreezeSubCustomers(&intl.FreezeSubCustomersRequest{Body: &intl.FreezeSubCustomersReq{
			CustomerIds: []string{resale.DomainID}, Reason: "Arrears", FreezeType: &account}})
		if err != nil || resp.HttpStatusCode != 200 || resp.ErrorDetails != nil {
			t.Fatalf("%v %v", resp, err)
		}
		if got := frozen(t, resale.DomainID); got != 1 {
			t.Fatalf("is_frozen %d, want 1", got)
		}
	})
	t.Run("Freeze/PartialFailure", func(t *testing.T) {
		unknown := "0123456789abcdef0123456789abcdef"
		resp, err := ci.FreezeSubCustomers(&intl.FreezeSubCustomersRequest{Body: &intl.FreezeSubCustomersReq{
			CustomerIds: []string{resale.DomainID, referral.DomainID, unknown}, Reason: "Arrears"}})
		if err != nil {
			t.Fatal(err)
		}
		got := details(resp.ErrorDetails)
		if len(got) != 2 || got[referral.DomainID] != "CBC.0150" || got[unknown] != "CBC.99000035" {
			t.Fatalf("error_details %v", got)
		}
	})
	t.Run("Freeze/CrossTenant", func(t *testing.T) {
		resp, err := ci2.UnfreezeSubCustomers(&intl.UnfreezeSubCustomersRequest{Body: &intl.UnfreezeSubCustomersReq{
			CustomerIds: []string{resale.DomainID}, Reason: "not mine"}})
		if err != nil || details(resp.ErrorDetails)[resale.DomainID] != "CBC.99000035" {
			t.Fatalf("%v %v", resp, err)
		}
		if got := frozen(t, resale.DomainID); got != 1 {
			t.Fatalf("sp2 unfroze sp's customer: is_frozen %d", got)
		}
	})
	t.Run("Freeze/ResellersCustomer", func(t *testing.T) {
		resp, err := cdi.FreezeSubCustomers(&intl.FreezeSubCustomersRequest{Body: &intl.FreezeSubCustomersReq{
			CustomerIds: []string{resold.DomainID}, Reason: "budget", IndirectPartnerId: str(reseller.PartnerID)}})
		if err != nil || resp.ErrorDetails != nil {
			t.Fatalf("%v %v", resp, err)
		}
		resp2, err := cdi.UnfreezeSubCustomers(&intl.UnfreezeSubCustomersRequest{Body: &intl.UnfreezeSubCustomersReq{
			CustomerIds: []string{resold.DomainID}, Reason: "paid", IndirectPartnerId: str(reseller.PartnerID)}})
		if err != nil || resp2.ErrorDetails != nil {
			t.Fatalf("%v %v", resp2, err)
		}
	})
	t.Run("Unfreeze/TypeMismatchThenOK", func(t *testing.T) {
		both := intl.GetUnfreezeSubCustomersReqUnfreezeTypeEnum().ACCOUNT_AND_RESOURCE
		resp, err := ci.UnfreezeSubCustomers(&intl.UnfreezeSubCustomersRequest{Body: &intl.UnfreezeSubCustomersReq{
			CustomerIds: []string{resale.DomainID}, Reason: "paid", UnfreezeType: &both}})
		if err != nil || details(resp.ErrorDetails)[resale.DomainID] != "CBC.0150" {
			t.Fatalf("%v %v", resp, err)
		}
		resp, err = ci.UnfreezeSubCustomers(&intl.UnfreezeSubCustomersRequest{Body: &intl.UnfreezeSubCustomersReq{
			CustomerIds: []string{resale.DomainID}, Reason: "paid"}})
		if err != nil || resp.ErrorDetails != nil {
			t.Fatalf("%v %v", resp, err)
		}
		if got := frozen(t, resale.DomainID); got != 0 {
			t.Fatalf("is_frozen %d, want 0", got)
		}
	})
	t.Run("Freeze/Errors", func(t *testing.T) {
		_, err := ci.FreezeSubCustomers(&intl.FreezeSubCustomersRequest{Body: &intl.FreezeSubCustomersReq{
			CustomerIds: []string{}, Reason: "r"}})
		apiError(t, wi, err, 400, "CBC.0100")
		ids := make([]string, 11)
		for i := range ids {
			ids[i] = resale.DomainID
		}
		_, err = ci.FreezeSubCustomers(&intl.FreezeSubCustomersRequest{Body: &intl.FreezeSubCustomersReq{CustomerIds: ids, Reason: "r"}})
		apiError(t, wi, err, 400, "CBC.0100")
		_, err = ci.FreezeSubCustomers(&intl.FreezeSubCustomersRequest{Body: &intl.FreezeSubCustomersReq{
			CustomerIds: []string{resale.DomainID}, Reason: ""}})
		apiError(t, wi, err, 400, "CBC.0100")
	})
}
