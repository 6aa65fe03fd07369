package cbcapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/commerce"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
)

// testPassword satisfies the password policy.
const testPassword = "Passw0rd!x"

// fixture is the API on a real database, mounted on a mux the way the app
// mounts it, with a stopped clock.
type fixture struct {
	db    *db.DB
	clock *clock.Mock
	ident *identity.Service
	// customers works with jobs only on databases migrated with River's
	// tables (customerEach); queue works them once started.
	customers *customer.Service
	queue     *jobs.Queue
	outbox    *outbox.Outbox
	handler   http.Handler
	admin     identity.Actor
}

// noLimit turns rate limiting off, for tests that are not about it.
var noLimit = cbcapi.Config{}

var seq atomic.Int64

func mustFixture(tb testing.TB, d *db.DB, cfg cbcapi.Config) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	c := clock.NewMock(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	ident := identity.NewService(d, c, box)
	cat, err := commerce.NewCatalog(ctx, d)
	if err != nil {
		tb.Fatal(err)
	}
	workers := river.NewWorkers()
	queue, err := jobs.New(d, jobs.Config{Workers: workers, PollInterval: 100 * time.Millisecond})
	if err != nil {
		tb.Fatal(err)
	}
	ob := outbox.New(d, queue, c, nil, nil)
	ob.Register(workers)
	customers := customer.NewService(d, c, ident, queue, ob, customer.Config{AssociationWait: 300 * time.Millisecond})
	customers.Register(workers)
	api := cbcapi.New(cbcapi.Deps{Identity: ident, Catalog: cat, Customers: customers, Clock: c,
		Log: slog.New(slog.DiscardHandler)}, cfg)
	mux := http.NewServeMux()
	// A console catch-all like the partner console's, to prove API paths
	// never reach it.
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
	})
	op, err := ident.CreateOperator(ctx, identity.NewOperator{Username: "admin", Password: testPassword,
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	return &fixture{db: d, clock: c, ident: ident, customers: customers, queue: queue, outbox: ob,
		handler: httpx.WithRequestID(api.Mount(mux)), admin: op.Actor()}
}

// tenant is a partner with its main account's password and access key.
type tenant struct {
	partner  identity.Partner
	password string
	main     identity.Actor
	key      testSigner
}

// mustTenant creates a solution provider whose main account holds a key.
func (f *fixture) mustTenant(tb testing.TB) tenant {
	tb.Helper()
	ctx := context.Background()
	p, acct, err := f.ident.CreatePartner(ctx, f.admin, identity.NewPartner{Type: identity.SolutionProvider,
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

// mustKey creates an access key for actor.
func (f *fixture) mustKey(tb testing.TB, actor identity.Actor) testSigner {
	tb.Helper()
	k, secret, err := f.ident.CreateAccessKey(context.Background(), actor, "")
	if err != nil {
		tb.Fatal(err)
	}
	return testSigner{ak: k.AccessKey, sk: secret}
}

// mustPlainMember inserts a member of t's partner that is not the main account
// and so holds no permission items (organization management comes later),
// and returns it with an access key.
func (f *fixture) mustPlainMember(tb testing.TB, t tenant, name string) (identity.Actor, testSigner) {
	tb.Helper()
	id := ids.New()
	if _, err := f.db.SQL.Exec(`INSERT INTO members (id, partner_id, account_name, display_name, password_hash,
		is_main, status, created_at) VALUES ($1, $2, $3, $3, $4, FALSE, 'active', $5)`,
		id, t.partner.ID, name, identity.HashPassword(testPassword), f.clock.Now()); err != nil {
		tb.Fatal(err)
	}
	a := identity.Actor{Kind: identity.ActorMember, ID: id, Name: name, PartnerID: t.partner.ID, DomainID: t.partner.DomainID}
	return a, f.mustKey(tb, a)
}

// request is one API call to make.
type request struct {
	method, target, body string
	headers              map[string]string
	signer               *testSigner // signs with the SDK's headers when set
	signedAt             time.Time   // the fixture's now when zero
	domainID             string      // X-Domain-Id, signed
	afterSigning         func(r *http.Request)
}

// do makes the call through the handler and returns the recorder.
func (f *fixture) do(tb testing.TB, in request) *httptest.ResponseRecorder {
	tb.Helper()
	if in.method == "" {
		in.method = http.MethodGet
	}
	r := httptest.NewRequest(in.method, "http://127.0.0.1:8080"+in.target, strings.NewReader(in.body))
	r.Header.Set("Content-Type", "application/json")
	if in.signer != nil {
		r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
		if in.domainID != "" {
			r.Header.Set("X-Domain-Id", in.domainID)
		}
	}
	for k, v := range in.headers {
		r.Header.Set(k, v)
	}
	if in.signer != nil {
		at := in.signedAt
		if at.IsZero() {
			at = f.clock.Now()
		}
		in.signer.sign(r, []byte(in.body), at)
	}
	if in.afterSigning != nil {
		in.afterSigning(r)
	}
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	return w
}

// decode parses a JSON response body.
func decode(tb testing.TB, w *httptest.ResponseRecorder) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		tb.Fatalf("response %d is not JSON: %v: %q", w.Code, err, w.Body.String())
	}
	return m
}

// at returns the value at a dotted path ("service_types.0.service_type_code")
// of a decoded body, and whether it exists.
func at(v any, path string) (any, bool) {
	for _, part := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = node[part]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// check is what a scenario expects of a response.
type check struct {
	status int
	code   string         // error_code; "" expects none
	msg    string         // a substring of error_msg
	json   map[string]any // dotted path → value (float64 for numbers; absent for must-not-exist)
}

// absent marks a path that must not exist in the body.
var absent = struct{ absent bool }{true}

func assertResponse(tb testing.TB, w *httptest.ResponseRecorder, want check) {
	tb.Helper()
	if w.Code != want.status {
		tb.Errorf("status %d, want %d: %s", w.Code, want.status, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		tb.Errorf("Content-Type %q, want JSON", ct)
	}
	if w.Header().Get(httpx.RequestIDHeader) == "" {
		tb.Error("no X-Request-Id")
	}
	body := decode(tb, w)
	code, _ := body["error_code"].(string)
	if code != want.code {
		tb.Errorf("error_code %q, want %q: %s", code, want.code, w.Body.String())
	}
	if msg, _ := body["error_msg"].(string); want.msg != "" && !strings.Contains(msg, want.msg) {
		tb.Errorf("error_msg %q, want it to contain %q", msg, want.msg)
	}
	for path, wantV := range want.json {
		got, ok := at(body, path)
		if wantV == absent {
			if ok {
				tb.Errorf("%s = %v, want it absent", path, got)
			}
			continue
		}
		if !ok || fmt.Sprint(got) != fmt.Sprint(wantV) {
			tb.Errorf("%s = %v, want %v", path, got, wantV)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
