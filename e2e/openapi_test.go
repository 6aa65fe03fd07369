package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// The open API's contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §1–2, §7): the real BSS client against the real
// binary. Where the client cannot be made to send a request (a body
// changed after signing, a token instead of a signature), the request is
// built and signed by the SDK's own request builder and signer and sent with
// net/http.

func i32(v int32) *int32 { return &v }

func str(v string) *string { return &v }

// apiError checks err as the SDK reports an HTTP error and that its
// RequestId is the X-Request-Id the response carried.
func apiError(t *testing.T, w *wire, err error, status int, code string) *sdkerr.ServiceResponseError {
	t.Helper()
	se := wantServiceError(t, err, status, code)
	if got := w.lastResponse(); got.status != status || got.requestID != se.RequestId {
		t.Errorf("last response %d with X-Request-Id %q; the SDK error says %d %q", got.status, got.requestID, se.StatusCode, se.RequestId)
	}
	return se
}

func serviceCodes(list *[]model.ServiceTypes) []string {
	var out []string
	if list != nil {
		for _, s := range *list {
			out = append(out, deref(s.ServiceTypeCode))
		}
	}
	return out
}

func resourceCodes(list *[]model.ResourceTypes) []string {
	var out []string
	if list != nil {
		for _, r := range *list {
			out = append(out, deref(r.ResourceTypeCode))
		}
	}
	return out
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// listServiceTypes calls ListServiceTypes and fails the test on an error.
func listServiceTypes(t *testing.T, c *bss.BssClient, req model.ListServiceTypesRequest) *model.ListServiceTypesResponse {
	t.Helper()
	resp, err := c.ListServiceTypes(&req)
	if err != nil {
		t.Fatalf("ListServiceTypes %s: %v", req.String(), err)
	}
	if resp.HttpStatusCode != http.StatusOK {
		t.Fatalf("ListServiceTypes: status %d", resp.HttpStatusCode)
	}
	return resp
}

func listResourceTypes(t *testing.T, c *bss.BssClient, req model.ListResourceTypesRequest) *model.ListResourceTypesResponse {
	t.Helper()
	resp, err := c.ListResourceTypes(&req)
	if err != nil {
		t.Fatalf("ListResourceTypes %s: %v", req.String(), err)
	}
	return resp
}

// TestOpenAPIContract: catalogue calls with paging and languages, every way
// a caller is refused, tokens, and X-Request-Id, all through the SDK.
func TestOpenAPIContract(t *testing.T) {
	// The default limit (10/s, bursts of 20) would refuse some of these
	// calls; TestOpenAPIRateLimit covers the limit.
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "1000", "PC_API_RATE_BURST", "1000"))
	sp, dist := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "dist")
	client, w := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	wires := []*wire{w}
	newClient := func(ak, sk, domainID string) (*bss.BssClient, *wire) {
		c, w := newBSS(t, s, ak, sk, domainID)
		wires = append(wires, w)
		return c, w
	}
	en := str("en_US")

	// Every service and resource type in one page: the reference the
	// paging checks compare with.
	allServices := listServiceTypes(t, client, model.ListServiceTypesRequest{Limit: i32(1000), Offset: i32(0)})
	services := serviceCodes(allServices.ServiceTypes)
	nServices := int(deref(allServices.TotalCount))
	if nServices != len(services) || nServices < 12 {
		t.Fatalf("all service types: total_count %d, %d listed; the demo catalogue has more than 11", nServices, len(services))
	}
	allResources := listResourceTypes(t, client, model.ListResourceTypesRequest{Limit: i32(1000)})
	resources := resourceCodes(allResources.ResourceTypes)
	nResources := int(deref(allResources.TotalCount))
	if nResources != len(resources) || nResources < 12 {
		t.Fatalf("all resource types: total_count %d, %d listed", nResources, len(resources))
	}

	t.Run("OK/ListServiceTypes/DefaultPageOfTenInChinese", func(t *testing.T) {
		resp := listServiceTypes(t, client, model.ListServiceTypesRequest{})
		got := *resp.ServiceTypes
		if int(deref(resp.TotalCount)) != nServices || len(got) != 10 || !slices.Equal(serviceCodes(resp.ServiceTypes), services[:10]) {
			t.Fatalf("total_count %d (want %d), codes %v, want %v", deref(resp.TotalCount), nServices, serviceCodes(resp.ServiceTypes), services[:10])
		}
		if first := got[0]; deref(first.ServiceTypeCode) != "hws.service.type.ec2" || deref(first.ServiceTypeName) != "弹性云服务器" ||
			deref(first.Abbreviation) != "ECS" {
			t.Errorf("first service type %s", first.String())
		}
		if sent := w.lastSent(); sent.Get("X-Language") != "" || !hasSignedHeaders(sent, "user-agent;x-domain-id;x-sdk-date") {
			t.Errorf("the SDK sent X-Language %q, Authorization %q", sent.Get("X-Language"), sent.Get("Authorization"))
		}
	})
	t.Run("OK/ListServiceTypes/OffsetSkipsRows", func(t *testing.T) {
		resp := listServiceTypes(t, client, model.ListServiceTypesRequest{Limit: i32(3), Offset: i32(1)})
		if got := serviceCodes(resp.ServiceTypes); int(deref(resp.TotalCount)) != nServices || !slices.Equal(got, services[1:4]) {
			t.Errorf("limit 3 offset 1: total_count %d, codes %v, want %d and %v", deref(resp.TotalCount), got, nServices, services[1:4])
		}
	})
	t.Run("OK/ListServiceTypes/LastPageAndPastTheEnd", func(t *testing.T) {
		last := listServiceTypes(t, client, model.ListServiceTypesRequest{Limit: i32(10), Offset: i32(int32(nServices - 1))})
		if got := serviceCodes(last.ServiceTypes); !slices.Equal(got, services[nServices-1:]) || int(deref(last.TotalCount)) != nServices {
			t.Errorf("last page %v, total_count %d", got, deref(last.TotalCount))
		}
		past := listServiceTypes(t, client, model.ListServiceTypesRequest{Limit: i32(10), Offset: i32(int32(nServices))})
		if past.ServiceTypes == nil || len(*past.ServiceTypes) != 0 || int(deref(past.TotalCount)) != nServices {
			t.Errorf("past the end: %s", past.String())
		}
	})
	t.Run("OK/ListServiceTypes/EnglishNames", func(t *testing.T) {
		resp := listServiceTypes(t, client, model.ListServiceTypesRequest{XLanguage: en, Limit: i32(2)})
		got := *resp.ServiceTypes
		if !slices.Equal(serviceCodes(resp.ServiceTypes), services[:2]) || deref(got[0].ServiceTypeName) != "Elastic Cloud Server" {
			t.Errorf("English page %s", resp.String())
		}
		if sent := w.lastSent(); sent.Get("X-Language") != "en_US" || !hasSignedHeaders(sent, "user-agent;x-domain-id;x-language;x-sdk-date") {
			t.Errorf("the SDK sent X-Language %q, Authorization %q", sent.Get("X-Language"), sent.Get("Authorization"))
		}
	})
	t.Run("OK/ListResourceTypes/PagingAndLanguages", func(t *testing.T) {
		zh := listResourceTypes(t, client, model.ListResourceTypesRequest{})
		if int(deref(zh.TotalCount)) != nResources || !slices.Equal(resourceCodes(zh.ResourceTypes), resources[:10]) {
			t.Errorf("default page: total_count %d, %v", deref(zh.TotalCount), resourceCodes(zh.ResourceTypes))
		}
		page := listResourceTypes(t, client, model.ListResourceTypesRequest{Limit: i32(2), Offset: i32(2), XLanguage: en})
		if !slices.Equal(resourceCodes(page.ResourceTypes), resources[2:4]) || int(deref(page.TotalCount)) != nResources {
			t.Errorf("limit 2 offset 2: %v, want %v", resourceCodes(page.ResourceTypes), resources[2:4])
		}
		names := map[string][2]string{}
		for _, lang := range []*string{nil, en} {
			for _, r := range *listResourceTypes(t, client, model.ListResourceTypesRequest{Limit: i32(1000), XLanguage: lang}).ResourceTypes {
				n := names[deref(r.ResourceTypeCode)]
				if lang == nil {
					n[0] = deref(r.ResourceTypeName)
				} else {
					n[1] = deref(r.ResourceTypeName)
				}
				names[deref(r.ResourceTypeCode)] = n
				if deref(r.ServiceTypeCode) == "" {
					t.Errorf("resource type %s has no service_type_code", deref(r.ResourceTypeCode))
				}
			}
		}
		if vm := names["hws.resource.type.vm"]; vm != [2]string{"云主机", "Cloud server"} {
			t.Errorf("hws.resource.type.vm named %q", vm)
		}
	})
	t.Run("ErrLimitZero/400CBC.0100", func(t *testing.T) {
		_, err := client.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(0)})
		apiError(t, w, err, http.StatusBadRequest, "CBC.0100")
	})

	// Refusals: 401 APIGW.0301, never saying why.
	t.Run("ErrWrongSecret/401APIGW.0301", func(t *testing.T) {
		c, cw := newClient(sp.AccessKey, sp.SecretKey+"x", sp.DomainID)
		_, err := c.ListServiceTypes(&model.ListServiceTypesRequest{})
		apiError(t, cw, err, http.StatusUnauthorized, "APIGW.0301")
	})
	t.Run("ErrUnknownAccessKey/401APIGW.0301", func(t *testing.T) {
		c, cw := newClient("E2EUNKNOWNACCESSKEY0", sp.SecretKey, sp.DomainID)
		_, err := c.ListServiceTypes(&model.ListServiceTypesRequest{})
		apiError(t, cw, err, http.StatusUnauthorized, "APIGW.0301")
	})
	// The SDK signs with an X-Sdk-Date header already on the request
	// (core/auth/signer extractTime), and an invoker's AddHeaders puts one
	// there before signing: the real client sends an old, validly signed
	// date.
	for _, tc := range []struct {
		name   string
		age    time.Duration
		status int
	}{
		{"OK/DateFourteenMinutesOld", 14 * time.Minute, http.StatusOK},
		{"ErrDateSixteenMinutesOld/401APIGW.0301", 16 * time.Minute, http.StatusUnauthorized},
		{"ErrDateSixteenMinutesAhead/401APIGW.0301", -16 * time.Minute, http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			date := time.Now().UTC().Add(-tc.age).Format(sdkDateLayout)
			resp, err := client.ListServiceTypesInvoker(&model.ListServiceTypesRequest{Limit: i32(1)}).
				AddHeaders(map[string]string{"X-Sdk-Date": date}).Invoke()
			if sent := w.lastSent().Get("X-Sdk-Date"); sent != date {
				t.Fatalf("the SDK sent X-Sdk-Date %q, want the injected %q", sent, date)
			}
			if tc.status == http.StatusOK {
				if err != nil {
					t.Fatalf("%s old: %v", tc.age, err)
				}
				if got := resp.(*model.ListServiceTypesResponse); len(*got.ServiceTypes) != 1 {
					t.Errorf("response %s", got.String())
				}
				return
			}
			apiError(t, w, err, tc.status, "APIGW.0301")
		})
	}
	// The BSS client has no signed call with a body that this server serves
	// yet (every POST /v2 path is unknown, and an unknown path answers 404
	// before authentication), so a GET carrying a body is signed by the
	// SDK's signer: sent as signed it is accepted, which shows the body is
	// part of what was checked; with one byte changed it is refused.
	t.Run("ErrBodyChangedAfterSigning/401APIGW.0301", func(t *testing.T) {
		body := []byte("{\"probe\":1}\n")
		sign := func() *http.Request {
			return sdkSignedRequest(t, s, http.MethodGet, "/v2/products/service-types", body, sp.AccessKey, sp.SecretKey, sp.DomainID,
				"limit", "1", "offset", "0")
		}
		if resp := rawDo(t, sign()); resp.status != http.StatusOK {
			t.Fatalf("sent as signed: %d %s", resp.status, resp.body)
		}
		req := sign()
		changed := []byte("{\"probe\":2}\n")
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(changed)), int64(len(changed))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(changed)), nil }
		resp := rawDo(t, req)
		if resp.status != http.StatusUnauthorized || resp.errorCode() != "APIGW.0301" {
			t.Fatalf("changed body: %d %s", resp.status, resp.body)
		}
		var e struct {
			RequestID string `json:"request_id"`
		}
		if err := json.Unmarshal(resp.body, &e); err != nil || e.RequestID != resp.header.Get("X-Request-Id") {
			t.Errorf("APIGW body request_id %q, header %q (%v)", e.RequestID, resp.header.Get("X-Request-Id"), err)
		}
	})
	// The sp admin makes a second key on 我的凭证 > 访问密钥, uses it, and
	// disables it there. The key is cached by the API after its first use
	// (5 s); disabling it through this node forgets it here, so the next call
	// is refused at once (other nodes wait out the cache, up to 5 s).
	t.Run("ErrDisabledKey/401APIGW.0301", func(t *testing.T) {
		admin := consoleSignIn(t, s, sp.Admin.Username, "", sp.Admin.Password)
		ak, sk := admin.createKey(t, "e2e key to disable")
		if ak == sp.AccessKey {
			t.Fatalf("the console returned the demo key %s", ak)
		}
		c, cw := newClient(ak, sk, sp.DomainID)
		if resp, err := c.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(1)}); err != nil || len(deref(resp.ServiceTypes)) != 1 {
			t.Fatalf("the new key before disabling: %v", err)
		}
		admin.disableKey(t, ak)
		_, err := c.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(1)})
		if err == nil {
			took := eventually(t, 6*time.Second, func() error {
				if _, err = c.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(1)}); err == nil {
					return fmt.Errorf("a disabled key is still accepted")
				}
				return nil
			})
			t.Errorf("the key disabled through this node was still accepted right after; refused %s later, want at once",
				took.Round(100*time.Millisecond))
		}
		apiError(t, cw, err, http.StatusUnauthorized, "APIGW.0301")
		if _, err := client.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(1)}); err != nil {
			t.Errorf("the admin's other key stopped working: %v", err)
		}
	})
	t.Run("ErrAnotherPartnersDomainID/401APIGW.0301", func(t *testing.T) {
		c, cw := newClient(sp.AccessKey, sp.SecretKey, dist.DomainID)
		_, err := c.ListServiceTypes(&model.ListServiceTypesRequest{})
		apiError(t, cw, err, http.StatusUnauthorized, "APIGW.0301")
		if got := cw.lastSent().Get("X-Domain-Id"); got != dist.DomainID {
			t.Errorf("the SDK sent X-Domain-Id %q", got)
		}
	})

	// Tokens (X-Auth-Token) from Keystone's password method. The SDK has
	// no token credential, so these calls use net/http.
	listWithToken := func(t *testing.T, token string) rawResponse {
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/v2/products/service-types?limit=2&offset=1", nil)
		req.Header.Set("X-Auth-Token", token)
		req.Header.Set("Content-Type", "application/json")
		return rawDo(t, req)
	}
	t.Run("OK/KeystoneTokenOnListServiceTypes", func(t *testing.T) {
		resp := listWithToken(t, keystoneToken(t, s, sp.DomainName, sp.Admin.Username, sp.Admin.Password))
		var got model.ListServiceTypesResponse
		if err := json.Unmarshal(resp.body, &got); resp.status != http.StatusOK || err != nil {
			t.Fatalf("%d %s (%v)", resp.status, resp.body, err)
		}
		if int(deref(got.TotalCount)) != nServices || !slices.Equal(serviceCodes(got.ServiceTypes), services[1:3]) {
			t.Errorf("token call: %s", resp.body)
		}
	})
	// A member without the catalogue's permission item, made as users make
	// one: the sp admin creates a custom role holding only 查看组织成员
	// (BPC_ITEM_ORG_050100, identity.PermOrgMemberView) and a member with
	// that role; the member signs in with its one-time password, must change
	// it, and makes its own access key. The real SDK call with that key is
	// refused 403 CBC.0151; so is a Keystone token of the same member (the
	// token path loads the member's permissions on its own).
	t.Run("ErrMemberWithoutPermission/403CBC.0151", func(t *testing.T) {
		const (
			viewMembers = "BPC_ITEM_ORG_050100" // 查看组织成员
			memberName  = "e2e-noperm"
			newPassword = "E2e-changed1"
		)
		admin := consoleSignIn(t, s, sp.Admin.Username, "", sp.Admin.Password)
		_, rolePage, _ := admin.get(t, "/org/roles/new")
		if !strings.Contains(rolePage, `id="perm-`+viewMembers+`"`) {
			t.Fatalf("/org/roles/new offers no #perm-%s", viewMembers)
		}
		status, body, loc := admin.post(t, "/org/roles/new", "/org/roles", url.Values{
			"name": {"e2e-view-members-only"}, "description": {"e2e: 查看组织成员 only"}, "permissions": {viewMembers}})
		rest, ok := strings.CutPrefix(loc, "/org/roles/")
		roleID, _, _ := strings.Cut(rest, "?")
		if roleID, _ = url.PathUnescape(roleID); status != http.StatusSeeOther || !ok || roleID == "" {
			t.Fatalf("create role: status %d to %q\n%s", status, loc, body)
		}
		_, rolePage, _ = admin.get(t, "/org/roles/"+url.PathEscape(roleID))
		var ticked []string
		for _, m := range regexp.MustCompile(`id="perm-([^"]+)" checked`).FindAllStringSubmatch(rolePage, -1) {
			ticked = append(ticked, m[1])
		}
		if !slices.Equal(ticked, []string{viewMembers}) {
			t.Fatalf("role %s holds %v, want only %s", roleID, ticked, viewMembers)
		}

		_, memberPage, _ := admin.get(t, "/org/members/new")
		if !strings.Contains(memberPage, `name="roles" value="`+roleID+`"`) {
			t.Fatalf("/org/members/new offers no role %s", roleID)
		}
		status, body, _ = admin.post(t, "/org/members/new", "/org/members", url.Values{
			"account_name": {memberName}, "display_name": {"E2E no permission"}, "roles": {roleID}})
		if status != http.StatusCreated {
			t.Fatalf("create member: status %d, want 201\n%s", status, body)
		}
		password := shown(t, body, "code", "member-password")

		member := consoleSignIn(t, s, sp.DomainName, memberName, password)
		if status, _, loc := member.get(t, "/account/keys"); status != http.StatusSeeOther || loc != "/account/password" {
			t.Fatalf("/account/keys before the password change: status %d to %q, want 303 to /account/password", status, loc)
		}
		status, body, loc = member.post(t, "/account/password", "/account/password", url.Values{
			"old_password": {password}, "new_password": {newPassword}, "confirm_password": {newPassword}})
		if status != http.StatusSeeOther || loc != "/" {
			t.Fatalf("change password: status %d to %q\n%s", status, loc, body)
		}
		if status, _, _ := member.get(t, "/org/members"); status != http.StatusOK {
			t.Errorf("GET /org/members with 查看组织成员: status %d, want 200", status)
		}
		ak, sk := member.createKey(t, "e2e member key")

		c, cw := newClient(ak, sk, sp.DomainID)
		_, err := c.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(1)})
		apiError(t, cw, err, http.StatusForbidden, "CBC.0151")

		resp := listWithToken(t, keystoneToken(t, s, sp.DomainName, memberName, newPassword))
		if resp.status != http.StatusForbidden || resp.errorCode() != "CBC.0151" {
			t.Fatalf("token of the member without permission: %d %s", resp.status, resp.body)
		}
	})
	t.Run("ErrUnknownToken/401APIGW.0301", func(t *testing.T) {
		if resp := listWithToken(t, "not-a-token"); resp.status != http.StatusUnauthorized || resp.errorCode() != "APIGW.0301" {
			t.Fatalf("%d %s", resp.status, resp.body)
		}
	})

	// Every response seen above, successes and errors, through the SDK's
	// response hook (rawDo checks its own).
	t.Run("OK/XRequestIdOnEveryResponse", func(t *testing.T) {
		seen := map[string]bool{}
		statuses := map[int]int{}
		for _, w := range wires {
			for _, r := range w.responses() {
				statuses[r.status]++
				if r.requestID == "" {
					t.Errorf("a %d response without X-Request-Id", r.status)
				}
				if seen[r.requestID] {
					t.Errorf("X-Request-Id %q seen twice", r.requestID)
				}
				seen[r.requestID] = true
			}
		}
		if statuses[200] == 0 || statuses[400] == 0 || statuses[401] == 0 {
			t.Errorf("responses by status %v: want successes and errors", statuses)
		}
	})
}

// hasSignedHeaders reports whether the Authorization header sent lists
// exactly these signed headers.
func hasSignedHeaders(h http.Header, want string) bool {
	return bytes.Contains([]byte(h.Get("Authorization")), []byte("SignedHeaders="+want+","))
}

// TestOpenAPIRateLimit: with PC_API_RATE_LIMIT=2 and PC_API_RATE_BURST=2,
// the SDK's third call in a row is refused with 429 CBC.0250.
func TestOpenAPIRateLimit(t *testing.T) {
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "2", "PC_API_RATE_BURST", "2"))
	sp := s.Demo.Partner(t, "sp")
	client, w := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	var outcomes []string
	for i := range 5 {
		_, err := client.ListServiceTypes(&model.ListServiceTypesRequest{Limit: i32(1)})
		if err == nil {
			outcomes = append(outcomes, "200")
			continue
		}
		if i < 2 {
			t.Fatalf("call %d, within the burst of 2: %v", i+1, err)
		}
		apiError(t, w, err, http.StatusTooManyRequests, "CBC.0250")
		outcomes = append(outcomes, "429")
		break
	}
	// Two tokens a second refill; five calls in a row cannot all pass.
	if outcomes[len(outcomes)-1] != "429" {
		t.Fatalf("no 429 after the burst: %v", outcomes)
	}
	t.Logf("calls: %v", outcomes)
}
