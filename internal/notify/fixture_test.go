package notify_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/notify"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
	"partnercenter/internal/saml"
)

// fixture is the notifier on a real database with a stopped clock, the
// customer service calling it as its association hook.
// Retries wait 50 ms instead of 30 s; the queue runs from the start.
type fixture struct {
	db    *db.DB
	clock *clock.Mock
	ident *identity.Service
	cust  *customer.Service
	sp    *saml.Service
	n     *notify.Notifier
	queue *jobs.Queue
	op    identity.Actor
}

type tenant struct {
	p    identity.Partner
	main identity.Actor
}

var seq atomic.Int64

func unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

func mustFixture(tb testing.TB, d *db.DB) *fixture {
	tb.Helper()
	ctx := context.Background()
	box, err := secretbox.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	f := &fixture{db: d, clock: clock.NewMock(time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC))}
	f.ident = identity.NewService(d, f.clock, box)
	f.ident.SetAllowHTTPNotifyLoopback(true)
	workers := river.NewWorkers()
	queue, err := jobs.New(d, jobs.Config{Workers: workers, PollInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	ob := outbox.New(d, queue, f.clock, nil, nil)
	ob.Register(workers)
	f.cust = customer.NewService(d, f.clock, f.ident, queue, ob, customer.Config{})
	f.cust.Register(workers)
	f.sp = saml.New(saml.Deps{DB: d, Box: box, Clock: f.clock, Identity: f.ident}, saml.Config{BaseURL: "https://pc.example.com"})
	f.n = notify.New(notify.Deps{DB: d, Queue: queue, Clock: f.clock, Targets: f.ident, Keys: f.sp},
		notify.Config{AllowHTTPLoopback: true, RetryBase: 50 * time.Millisecond, RetryMax: 50 * time.Millisecond})
	f.n.Register(workers)
	f.cust.SetAssociationHook(f.n)

	f.queue = queue
	op, err := f.ident.CreateOperator(ctx, identity.NewOperator{Username: unique("op"), Password: "Passw0rd!x",
		Roles: []identity.OperatorRole{identity.RolePlatformAdmin}})
	if err != nil {
		tb.Fatal(err)
	}
	f.op = op.Actor()
	if err := queue.Start(ctx); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = queue.Stop(context.Background()) })
	return f
}

// mustTenant creates a solution provider.
func (f *fixture) mustTenant(tb testing.TB) tenant {
	tb.Helper()
	ctx := context.Background()
	p, _, err := f.ident.CreatePartner(ctx, f.op, identity.NewPartner{Type: identity.SolutionProvider, Name: "Partner",
		DomainName: unique("partner")})
	if err != nil {
		tb.Fatal(err)
	}
	m, err := f.ident.MainMember(ctx, p.ID)
	if err != nil {
		tb.Fatal(err)
	}
	return tenant{p: p, main: m.Actor(p)}
}

// mustNotifyURL sets t's notification URL.
func (f *fixture) mustNotifyURL(tb testing.TB, t tenant, u string) {
	tb.Helper()
	if err := f.ident.SetNotifyURL(context.Background(), t.main, u); err != nil {
		tb.Fatalf("set notify url %s: %v", u, err)
	}
}

// mustCert is the signing certificate from our SP metadata, as a partner
// takes it.
func (f *fixture) mustCert(tb testing.TB) *x509.Certificate {
	tb.Helper()
	k, err := f.sp.PlatformKey(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	md, err := saml.Metadata("https://pc.example.com", k, true)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := saml.CertificateFromMetadata(md)
	if err != nil {
		tb.Fatal(err)
	}
	return cert
}

// mustEnqueue records n in a transaction of its own.
func (f *fixture) mustEnqueue(tb testing.TB, n notify.Notice) {
	tb.Helper()
	tx, err := f.db.SQL.BeginTx(context.Background(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if err := f.n.EnqueueTx(context.Background(), tx, n); err != nil {
		tb.Fatalf("enqueue: %v", err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// waitStatus polls t's newest delivery until its status is want (5 s).
func (f *fixture) waitStatus(tb testing.TB, t tenant, want notify.Status) notify.Delivery {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var last notify.Delivery
	for time.Now().Before(deadline) {
		list, _, err := f.n.List(context.Background(), t.main, notify.Filter{Limit: 1})
		if err != nil {
			tb.Fatal(err)
		}
		if len(list) == 1 {
			last = list[0]
			if last.Status == want {
				return last
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	tb.Fatalf("delivery never reached %s: %+v", want, last)
	return last
}

// receiver is a partner's notification endpoint on loopback answering with
// the statuses in script, then 200; it keeps every form it got.
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	script []int
	always int // answered when script is empty; 0 means 200
	forms  []url.Values
}

func mustReceiver(tb testing.TB, script ...int) *receiver {
	tb.Helper()
	rc := &receiver{script: script}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(raw))
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		rc.forms = append(rc.forms, form)
		status := http.StatusOK
		if rc.always != 0 {
			status = rc.always
		}
		if len(rc.script) > 0 {
			status, rc.script = rc.script[0], rc.script[1:]
		}
		w.WriteHeader(status)
	}))
	tb.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) received() []url.Values {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]url.Values(nil), rc.forms...)
}
