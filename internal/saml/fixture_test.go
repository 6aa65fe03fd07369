package saml_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/secretbox"
	"partnercenter/internal/saml"
	"partnercenter/internal/saml/samltest"
)

var seq atomic.Int64

// binding is one SignIn call the recording Binder saw.
type binding struct {
	PartnerID, XAccountType, XUserID string
	Attrs                            map[string]string
	IsFirstLogin                     bool
	Service                          string
}

// recorder is a Binder that remembers its calls and answers 200 "bound".
type recorder struct {
	mu    sync.Mutex
	calls []binding
}

func (b *recorder) SignIn(_ context.Context, w http.ResponseWriter, _ *http.Request, partnerID, xAccountType, xUserID string,
	attrs map[string]string, isFirstLogin bool, service string) {
	b.mu.Lock()
	b.calls = append(b.calls, binding{partnerID, xAccountType, xUserID, attrs, isFirstLogin, service})
	b.mu.Unlock()
	_, _ = io.WriteString(w, "bound "+xUserID)
}

func (b *recorder) last(tb testing.TB) binding {
	tb.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.calls) == 0 {
		tb.Fatal("the Binder was not called")
	}
	return b.calls[len(b.calls)-1]
}

func (b *recorder) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.calls)
}

// fixture is our SP on a real database behind an httptest server, with a
// partner whose platform is a crewjam IdP on a second server.
type fixture struct {
	db     *db.DB
	ids    *identity.Service
	sp     *saml.Service
	srv    *httptest.Server
	clock  *clock.Mock
	binder *recorder
	box    *secretbox.Box

	op      identity.Actor // a platform admin
	partner identity.Partner
	main    identity.Actor // the partner's main account
	idp     *samltest.IdP
}

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	// The mock starts at the real time: crewjam checks timestamps against
	// the wall clock, our store against this one.
	f := &fixture{db: d, clock: clock.NewMock(time.Now().Truncate(time.Second)), binder: &recorder{}, box: box}
	f.ids = identity.NewService(d, f.clock, box)
	mux := http.NewServeMux()
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	f.sp = saml.New(saml.Deps{DB: d, Box: box, Clock: f.clock, Identity: f.ids, Binder: f.binder}, saml.Config{BaseURL: f.srv.URL})
	for _, rt := range f.sp.Routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, rt.Handler)
	}
	op, err := f.ids.CreateOperator(ctx, identity.NewOperator{Username: fmt.Sprintf("op%d", seq.Add(1)), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	f.op = op.Actor()
	f.partner, f.main = mustPartner(tb, f, f.op)
	f.idp = startIdP(tb, f, "/idp")
	f.mustUpload(tb, f.main, f.idp.MetadataXML(tb, nil))
	return f
}

// mustPartner creates a partner and returns it with its main account.
func mustPartner(tb testing.TB, f *fixture, op identity.Actor) (identity.Partner, identity.Actor) {
	tb.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("samlp%d", seq.Add(1))
	p, acct, err := f.ids.CreatePartner(ctx, op, identity.NewPartner{Type: identity.SolutionProvider, Name: "SAML " + name, DomainName: name})
	if err != nil {
		tb.Fatal(err)
	}
	m, got, err := f.ids.SignInMember(ctx, p.DomainName, "", acct.Password)
	if err != nil {
		tb.Fatal(err)
	}
	return got, m.Actor(got)
}

func (f *fixture) mustUpload(tb testing.TB, actor identity.Actor, metadata []byte) {
	tb.Helper()
	if _, err := f.ids.SetIdPMetadata(context.Background(), actor, metadata); err != nil {
		tb.Fatalf("upload idp metadata: %v", err)
	}
}

// startIdP starts a platform IdP that loads f's SP metadata from our
// endpoint and signs in platform-user-1.
func startIdP(tb testing.TB, f *fixture, prefix string) *samltest.IdP {
	tb.Helper()
	idp := samltest.NewIdP(tb, prefix, samltest.ServiceProviderFromMetadata(f.srv.URL+saml.MetadataPath))
	setUser(idp, "platform-user-1")
	return idp
}

// setUser makes idp sign in u (its xUserId), with name and mobile.
func setUser(idp *samltest.IdP, u string) {
	idp.SetUser(u, samltest.Attr{Name: "name", Value: "cust_" + u}, samltest.Attr{Name: "mobile", Value: "86-13800000000"})
}

// newClient is a browser: a cookie jar, redirects not followed.
func newClient(tb testing.TB) *http.Client {
	tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		tb.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(tb testing.TB, c *http.Client, req *http.Request) (*http.Response, string) {
	tb.Helper()
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp, string(b)
}

func get(tb testing.TB, c *http.Client, u string) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return do(tb, c, req)
}

func post(tb testing.TB, c *http.Client, u string, form url.Values) (*http.Response, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, u, bytes.NewBufferString(form.Encode()))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(tb, c, req)
}

// startLogin opens /authui/saml/login with query and returns the
// AuthnRequest sent to the IdP and where the browser was sent.
func (f *fixture) startLogin(tb testing.TB, c *http.Client, query url.Values) (crewjam.AuthnRequest, *url.URL) {
	tb.Helper()
	resp, body := get(tb, c, f.srv.URL+saml.LoginPath+"?"+query.Encode())
	if resp.StatusCode != http.StatusFound {
		tb.Fatalf("login: status %d, want 302\n%s", resp.StatusCode, body)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		tb.Fatal(err)
	}
	return samltest.DecodeRedirectRequest(tb, loc), loc
}

// loginQuery is the query a partner platform sends.
func (f *fixture) loginQuery(service string) url.Values {
	q := url.Values{"xAccountType": {f.partner.XAccountType}, "isFirstLogin": {"true"}}
	if service != "" {
		q.Set("service", service)
	}
	return q
}

func mustWrite(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}
