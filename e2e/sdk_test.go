package e2e

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/global"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/httphandler"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	_ "modernc.org/sqlite"
)

// Helpers for the open API tests: the real huaweicloud-sdk-go-v3 BSS client
// (reference/stack.md §1), requests signed by the SDK's own signer and sent
// with net/http (for what the client cannot be made to send), Keystone
// tokens, partner console sessions over plain HTTP (to make keys, roles and
// members as users do), and direct access to a server's SQLite file for the
// states no interface can produce yet.

// sdkDateLayout is X-Sdk-Date's format.
const sdkDateLayout = "20060102T150405Z"

// sdkUserAgent is what the requests built here send as User-Agent (signed).
const sdkUserAgent = "huaweicloud-usdk-go/3.0"

// wire records what an SDK client sent and received, through the SDK's
// own HttpHandler hooks, so tests can check headers the SDK's response
// structs do not expose (X-Request-Id on a success, X-Sdk-Date sent).
type wire struct {
	mu    sync.Mutex
	sent  []http.Header
	resps []wireResponse
}

type wireResponse struct {
	status    int
	requestID string
}

func (w *wire) lastSent() http.Header {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.sent) == 0 {
		return nil
	}
	return w.sent[len(w.sent)-1]
}

func (w *wire) lastResponse() wireResponse {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.resps) == 0 {
		return wireResponse{}
	}
	return w.resps[len(w.resps)-1]
}

func (w *wire) responses() []wireResponse {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireResponse(nil), w.resps...)
}

// newBSS returns the SDK's BSS client for s with global AK/SK credentials
// (no region, so nothing calls IAM), and its wire.
func newBSS(t *testing.T, s *Server, ak, sk, domainID string) (*bss.BssClient, *wire) {
	t.Helper()
	w := &wire{}
	handler := httphandler.NewHttpHandler().
		AddRequestHandler(func(r http.Request) {
			w.mu.Lock()
			w.sent = append(w.sent, r.Header.Clone())
			w.mu.Unlock()
		}).
		AddResponseHandler(func(r http.Response) {
			w.mu.Lock()
			w.resps = append(w.resps, wireResponse{status: r.StatusCode, requestID: r.Header.Get("X-Request-Id")})
			w.mu.Unlock()
		})
	cred, err := global.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithDomainId(domainID).SafeBuild()
	if err != nil {
		t.Fatalf("SDK credentials: %v", err)
	}
	hc, err := bss.BssClientBuilder().
		WithEndpoints([]string{s.URL}).
		WithCredential(cred).
		WithHttpConfig(config.DefaultHttpConfig().WithIgnoreSSLVerification(true).WithTimeout(10 * time.Second).
			WithHttpHandler(handler)).
		SafeBuild()
	if err != nil {
		t.Fatalf("SDK client: %v", err)
	}
	return bss.NewBssClient(hc), w
}

// wantServiceError checks that err is the SDK's error for an HTTP error
// response with status and code, and that it carries the request id.
func wantServiceError(t *testing.T, err error, status int, code string) *sdkerr.ServiceResponseError {
	t.Helper()
	var se *sdkerr.ServiceResponseError
	if !errors.As(err, &se) {
		t.Fatalf("want a *sdkerr.ServiceResponseError %d %s, got %T %v", status, code, err, err)
	}
	if se.StatusCode != status || se.ErrorCode != code {
		t.Fatalf("got %d %s (%s), want %d %s", se.StatusCode, se.ErrorCode, se.ErrorMessage, status, code)
	}
	if se.RequestId == "" {
		t.Errorf("%d %s: the SDK error has no RequestId (X-Request-Id missing)", status, code)
	}
	return se
}

// sdkSignedRequest builds a request with the SDK's request builder and
// headers (Content-Type, User-Agent, X-Domain-Id), signs it with the SDK's
// own signer (core/auth/signer, SDK-HMAC-SHA256) and converts it to a
// net/http request, so a test can change it after signing or send what the
// BSS client would not (a GET with a body). body is sent and signed as is.
// query pairs are signed as the client signs them (reflect values).
func sdkSignedRequest(t *testing.T, s *Server, method, path string, body []byte, ak, sk, domainID string, query ...string) *http.Request {
	t.Helper()
	b := request.NewHttpRequestBuilder().WithEndpoint(s.URL).WithPath(path).WithMethod(method).
		AddHeaderParam("Content-Type", "application/json;charset=UTF-8").
		AddHeaderParam("User-Agent", sdkUserAgent)
	if domainID != "" {
		b.AddHeaderParam("X-Domain-Id", domainID)
	}
	for i := 0; i+1 < len(query); i += 2 {
		b.AddQueryParam(query[i], reflect.ValueOf(query[i+1]))
	}
	if body != nil {
		b.WithBody("application/json", string(body))
	}
	req := b.Build()
	headers, err := signer.Sign(req, ak, sk)
	if err != nil {
		t.Fatalf("SDK signer: %v", err)
	}
	for k, v := range headers {
		req.AddHeaderParam(k, v)
	}
	hr, err := req.ConvertRequest()
	if err != nil {
		t.Fatalf("SDK request: %v", err)
	}
	return hr
}

// rawResponse is a response read in full.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// errorCode returns the body's error_code.
func (r rawResponse) errorCode() string {
	var e struct {
		Code string `json:"error_code"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Code
}

// rawDo sends req and reads the response; every response must carry
// X-Request-Id.
func rawDo(t *testing.T, req *http.Request) rawResponse {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: noRedirect}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read: %v", req.Method, req.URL.Path, err)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: %d without X-Request-Id", req.Method, req.URL.Path, resp.StatusCode)
	}
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: body}
}

// keystoneToken obtains an open API token as IAM's Keystone password
// method does (POST /v3/auth/tokens): domain is the partner's account name.
func keystoneToken(t *testing.T, s *Server, domain, user, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{
			"user": map[string]any{"name": user, "password": password, "domain": map[string]any{"name": domain}}}},
		"scope": map[string]any{"domain": map[string]any{"name": domain}},
	}})
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/v3/auth/tokens", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	resp := rawDo(t, req)
	token := resp.header.Get("X-Subject-Token")
	if resp.status != http.StatusCreated || token == "" {
		t.Fatalf("POST /v3/auth/tokens for %s/%s: %d, token %q: %s", domain, user, resp.status, token, resp.body)
	}
	return token
}

// serverDB opens the SQLite file of a running server, for states no
// interface can produce yet. The server keeps running: both sides use WAL
// and a busy timeout. Skips the test on PostgreSQL.
func serverDB(t *testing.T, s *Server) *sql.DB {
	t.Helper()
	if s.Postgres {
		t.Skip("direct database access is written for SQLite")
	}
	path := filepath.Join(s.DataDir, "partnercenter.db")
	d, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	d.SetMaxOpenConns(1)
	t.Cleanup(func() { d.Close() })
	if err := d.Ping(); err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return d
}

// execOne runs a statement that must change exactly one row.
func execOne(t *testing.T, d *sql.DB, query string, args ...any) {
	t.Helper()
	res, err := d.Exec(query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%s: %d rows changed, want 1", query, n)
	}
}

// eventually retries f every 250 ms until it returns nil or timeout passes,
// and returns how long it took.
func eventually(t *testing.T, timeout time.Duration, f func() error) time.Duration {
	t.Helper()
	start := time.Now()
	var err error
	for time.Since(start) < timeout {
		if err = f(); err == nil {
			return time.Since(start)
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatalf("not within %s: %v", timeout, err)
	return 0
}

// console is a partner console session over plain HTTP, kept as a browser
// keeps it: a cookie jar, redirects returned to the caller, and every form
// posted with the csrf_token of the page that shows it. The open API tests
// use it to make keys, roles and members as users do, faster than chromium.
type console struct {
	s      *Server
	client *http.Client
	who    string
}

// consoleSignIn signs in through the form at /signin (member "" for the
// main account); the form leads to /.
func consoleSignIn(t *testing.T, s *Server, account, member, password string) *console {
	t.Helper()
	client, tok := httpSignInPage(t, s)
	form := url.Values{"csrf_token": {tok}, "account": {account}, "member": {member}, "password": {password}}
	status, body, loc := httpDo(t, client, s, "POST", "/signin", form)
	if status != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign-in as %s/%s: status %d to %q, want 303 to /\n%s", account, member, status, loc, body)
	}
	return &console{s: s, client: client, who: account + "/" + member}
}

// get requests path and returns the status, body and Location.
func (c *console) get(t *testing.T, path string) (int, string, string) {
	t.Helper()
	return httpDo(t, c.client, c.s, "GET", path, nil)
}

// post opens page, checks that it shows a form posting to action, and
// posts form there with the page's csrf_token.
func (c *console) post(t *testing.T, page, action string, form url.Values) (int, string, string) {
	t.Helper()
	status, body, loc := c.get(t, page)
	if status != http.StatusOK {
		t.Fatalf("%s: GET %s: status %d (to %q)", c.who, page, status, loc)
	}
	if !strings.Contains(body, `action="`+action+`"`) {
		t.Fatalf("%s: %s has no form posting to %s", c.who, page, action)
	}
	tok, err := csrfTokenIn(body)
	if err != nil {
		t.Fatalf("%s: %s: %v", c.who, page, err)
	}
	form.Set("csrf_token", tok)
	return httpDo(t, c.client, c.s, "POST", action, form)
}

// shown returns the text of the element <tag id="id"> in page, unescaped.
func shown(t *testing.T, page, tag, id string) string {
	t.Helper()
	m := regexp.MustCompile(`<` + tag + ` id="` + regexp.QuoteMeta(id) + `">([^<]*)</` + tag + `>`).FindStringSubmatch(page)
	if m == nil || strings.TrimSpace(m[1]) == "" {
		t.Fatalf("the page shows no #%s:\n%s", id, page)
	}
	return html.UnescapeString(strings.TrimSpace(m[1]))
}

// createKey makes an access key on 我的凭证 > 访问密钥 and returns the key
// pair the creation page shows once.
func (c *console) createKey(t *testing.T, description string) (ak, sk string) {
	t.Helper()
	status, body, _ := c.post(t, "/account/keys", "/account/keys", url.Values{"description": {description}})
	if status != http.StatusCreated {
		t.Fatalf("%s: create access key: status %d, want 201\n%s", c.who, status, body)
	}
	ak, sk = shown(t, body, "code", "new-ak"), shown(t, body, "code", "new-sk")
	if got := c.keyStatus(t, ak); got != "active" {
		t.Fatalf("%s: new key %s listed as %q, want active", c.who, ak, got)
	}
	return ak, sk
}

// disableKey presses 禁用 for ak on /account/keys.
func (c *console) disableKey(t *testing.T, ak string) {
	t.Helper()
	_, page, _ := c.get(t, "/account/keys")
	if !strings.Contains(page, `id="disable-`+ak+`"`) {
		t.Fatalf("%s: /account/keys offers no #disable-%s", c.who, ak)
	}
	status, body, loc := c.post(t, "/account/keys", "/account/keys/"+ak+"/status", url.Values{"status": {"inactive"}})
	if status != http.StatusSeeOther || loc != "/account/keys?saved=1" {
		t.Fatalf("%s: disable %s: status %d to %q\n%s", c.who, ak, status, loc, body)
	}
	if got := c.keyStatus(t, ak); got != "inactive" {
		t.Fatalf("%s: disabled key %s listed as %q", c.who, ak, got)
	}
}

var keyRow = regexp.MustCompile(`(?s)<tr data-ak="([^"]+)">.*?status-(\w+) key-status`)

// keyStatus returns the status /account/keys shows for ak ("" if unlisted).
func (c *console) keyStatus(t *testing.T, ak string) string {
	t.Helper()
	status, page, _ := c.get(t, "/account/keys")
	if status != http.StatusOK {
		t.Fatalf("%s: GET /account/keys: status %d", c.who, status)
	}
	for _, m := range keyRow.FindAllStringSubmatch(page, -1) {
		if m[1] == ak {
			return m[2]
		}
	}
	return ""
}
