// Package e2e tests the real partnercenter program as its users meet it: the
// binary is built once, each test starts it on a fresh data directory with
// the demo data, and the browser tests drive Debian's chromium with chromedp.
//
// Environment:
//
//	CHROME_BIN         the browser (default /usr/bin/chromium); missing: skip, or fail when CI=true
//	TEST_DATABASE_URL  PostgreSQL, for servers started with withPostgres()
//	E2E_ARTIFACTS      where failure screenshots go (default: the test's temporary directory)
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// binPath is the partnercenter binary that TestMain builds.
var binPath string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "partnercenter-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "partnercenter")
	start := time.Now()
	build := exec.Command("go", "build", "-o", binPath, "partnercenter/cmd/partnercenter")
	build.Dir = ".." // the repository root, so the product builds with its own go.mod
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building partnercenter: %v\n%s", err, out)
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: built %s in %s\n", binPath, time.Since(start).Round(time.Millisecond))
	return m.Run()
}

// Demo is the output of `partnercenter demo --json` (design.md §5).
type Demo struct {
	Operator  Login          `json:"operator"`
	Partners  []DemoPartner  `json:"partners"`
	Customers []DemoCustomer `json:"customers"`
}

// DemoCustomer is one demo customer account and the partner it is
// associated with.
type DemoCustomer struct {
	Key             string `json:"key"`
	Partner         string `json:"partner"`
	AssociationType string `json:"association_type"`
	DomainID        string `json:"domain_id"`
	DomainName      string `json:"domain_name"`
	Password        string `json:"password"`
}

// Customer returns the demo customer with key (sp-reseller, sp-referral,
// reseller-reseller).
func (d Demo) Customer(t testing.TB, key string) DemoCustomer {
	t.Helper()
	for _, c := range d.Customers {
		if c.Key == key {
			return c
		}
	}
	t.Fatalf("demo data has no customer %q", key)
	return DemoCustomer{}
}

// Login is a user name and password.
type Login struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// DemoPartner is one demo partner and its main account.
type DemoPartner struct {
	Key          string `json:"key"`
	Type         string `json:"type"`
	Parent       string `json:"parent,omitempty"`
	PartnerID    string `json:"partner_id"`
	DomainID     string `json:"domain_id"`
	DomainName   string `json:"domain_name"`
	XAccountType string `json:"xaccount_type"`
	Admin        Login  `json:"admin"`
	AccessKey    string `json:"access_key"`
	SecretKey    string `json:"secret_key"`
}

// Partner returns the demo partner with key (sp, sp2, dist, reseller).
func (d Demo) Partner(t testing.TB, key string) DemoPartner {
	t.Helper()
	for _, p := range d.Partners {
		if p.Key == key {
			return p
		}
	}
	t.Fatalf("demo data has no partner %q", key)
	return DemoPartner{}
}

// Server is a running partnercenter serve process.
type Server struct {
	URL     string // http://127.0.0.1:PORT, no trailing slash
	DataDir string
	Demo    Demo
	// Postgres is set when the server runs on TEST_DATABASE_URL rather
	// than SQLite in DataDir.
	Postgres bool

	env  []string
	cmd  *exec.Cmd
	out  *logBuffer
	done chan struct{} // closed when the process has exited
	err  error         // the exit status, once done is closed
}

type serverOptions struct {
	postgres bool
	env      []string // extra KEY=VALUE pairs, after the inherited environment
}

// ServerOption changes how startServer runs the program.
type ServerOption func(*serverOptions)

// withPostgres runs the server on the PostgreSQL database of
// TEST_DATABASE_URL instead of SQLite; the test is skipped without it.
// Servers on PostgreSQL share that database, so tests must not assume
// they see only their own rows.
func withPostgres() ServerOption {
	return func(o *serverOptions) { o.postgres = true }
}

// withEnv adds environment variables to the server's (and its demo
// command's), given as key, value pairs; they override inherited ones.
// Example: withEnv("PC_API_RATE_LIMIT", "0").
func withEnv(kv ...string) ServerOption {
	if len(kv)%2 != 0 {
		panic("withEnv: want key, value pairs")
	}
	return func(o *serverOptions) {
		for i := 0; i < len(kv); i += 2 {
			o.env = append(o.env, kv[i]+"="+kv[i+1])
		}
	}
}

var runningLine = regexp.MustCompile(`Partner Center is running at (http://127\.0\.0\.1:\d+)/ `)

// startServer runs `partnercenter serve --demo` on a fresh data directory,
// waits until it is ready and reads its demo data. Cleanup stops it with
// SIGTERM and fails the test unless it exits cleanly within 35 s.
func startServer(t *testing.T, opts ...ServerOption) *Server {
	t.Helper()
	var o serverOptions
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{DataDir: t.TempDir(), Postgres: o.postgres, out: &logBuffer{}, done: make(chan struct{})}
	// SQLite in the data directory unless PostgreSQL is asked for: an
	// inherited PC_DATABASE_URL must not redirect the server.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PC_DATABASE_URL=") {
			s.env = append(s.env, kv)
		}
	}
	if o.postgres {
		url := os.Getenv("TEST_DATABASE_URL")
		if url == "" {
			t.Skip("TEST_DATABASE_URL is not set")
		}
		s.env = append(s.env, "PC_DATABASE_URL="+url)
	}
	// exec uses the last value of a duplicated key.
	s.env = append(s.env, o.env...)

	s.cmd = exec.Command(binPath, "serve", "--addr", "127.0.0.1:0", "--data", s.DataDir, "--demo")
	s.cmd.Env = s.env
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	s.cmd.WaitDelay = 5 * time.Second
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start partnercenter: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() { s.stop(t) })

	// The URL comes from the "running at" line on stdout.
	deadline := time.After(30 * time.Second)
	for s.URL == "" {
		if m := runningLine.FindStringSubmatch(s.out.String()); m != nil {
			s.URL = m[1]
			break
		}
		select {
		case <-s.out.wrote:
		case <-s.done:
			t.Fatalf("partnercenter exited before it was running (%v):\n%s", s.err, s.out.String())
		case <-deadline:
			t.Fatalf("partnercenter did not print its URL within 30 s:\n%s", s.out.String())
		}
	}
	s.waitReady(t)

	// --demo seeds after the "running" line and then prints the logins.
	// The demo command is idempotent (and converges when it races the
	// seeding), but waiting for the logins keeps the start deterministic.
	if !s.waitOutput("Operator console", 30*time.Second) {
		t.Logf("no demo logins printed within 30 s; running the demo command anyway")
	}
	demo := exec.Command(binPath, "demo", "--data", s.DataDir, "--json")
	demo.Env = s.env
	var stderr bytes.Buffer
	demo.Stderr = &stderr
	out, err := demo.Output()
	if err != nil {
		t.Fatalf("partnercenter demo --json: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(out, &s.Demo); err != nil {
		t.Fatalf("decode demo JSON: %v\n%s", err, out)
	}
	if s.Demo.Operator.Username == "" || len(s.Demo.Partners) == 0 {
		t.Fatalf("demo JSON lacks the operator or the partners:\n%s", out)
	}
	return s
}

// waitOutput waits until the server's output contains substr.
func (s *Server) waitOutput(substr string, timeout time.Duration) bool {
	deadline := time.After(timeout)
	for !strings.Contains(s.out.String(), substr) {
		select {
		case <-s.out.wrote:
		case <-s.done:
			return strings.Contains(s.out.String(), substr)
		case <-deadline:
			return false
		}
	}
	return true
}

// waitReady polls GET /readyz until it answers 200.
func (s *Server) waitReady(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(20 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		resp, err := client.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-s.done:
			t.Fatalf("partnercenter exited while waiting for /readyz (%v):\n%s", s.err, s.out.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("GET /readyz did not answer 200 within 20 s (last: %s):\n%s", last, s.out.String())
}

// stop sends SIGTERM and waits for a clean exit.
func (s *Server) stop(t *testing.T) {
	select {
	case <-s.done:
		t.Errorf("partnercenter exited during the test (%v):\n%s", s.err, s.out.String())
		return
	default:
	}
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
	select {
	case <-s.done:
	case <-time.After(35 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Errorf("partnercenter did not exit within 35 s of SIGTERM:\n%s", s.out.String())
		return
	}
	if s.err != nil {
		t.Errorf("partnercenter exited with %v after SIGTERM:\n%s", s.err, s.out.String())
		return
	}
	if t.Failed() {
		t.Logf("partnercenter output (last %d lines):\n%s", logTail, tail(s.out.String(), logTail))
	}
}

// logTail is how many lines of server output a failed test shows.
const logTail = 80

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// logBuffer collects the server's output and signals each write.
type logBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	once  sync.Once
	wrote chan struct{}
}

func (b *logBuffer) init() { b.once.Do(func() { b.wrote = make(chan struct{}, 1) }) }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.init()
	b.mu.Lock()
	n, err := b.buf.Write(p)
	b.mu.Unlock()
	select {
	case b.wrote <- struct{}{}:
	default:
	}
	return n, err
}

func (b *logBuffer) String() string {
	b.init()
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// browserOptions are the options of newBrowser.
type browserOptions struct {
	acceptLanguage string
}

// BrowserOption changes the browser newBrowser starts.
type BrowserOption func(*browserOptions)

// withLanguage makes the browser send Accept-Language: lang.
func withLanguage(lang string) BrowserOption {
	return func(o *browserOptions) { o.acceptLanguage = lang }
}

// browserTimeout bounds each browser's work in one test.
const browserTimeout = 60 * time.Second

// newBrowser starts a headless chromium with a fresh profile and returns a
// chromedp context for one tab, with a 60 s timeout. When the test has
// failed, cleanup saves a full-page screenshot (and the page's HTML) into
// $E2E_ARTIFACTS, or the test's temporary directory, and logs the path.
func newBrowser(t *testing.T, opts ...BrowserOption) context.Context {
	t.Helper()
	var o browserOptions
	for _, opt := range opts {
		opt(&o)
	}
	bin := os.Getenv("CHROME_BIN")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("browser %s not found (CI=true): %v", bin, err)
		}
		t.Skipf("browser %s not found: %v", bin, err)
	}
	artifacts := os.Getenv("E2E_ARTIFACTS")
	if artifacts == "" {
		artifacts = t.TempDir()
	}

	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox,
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx, chromedp.WithErrorf(t.Logf))
	// The first Do starts the browser; its life is bound to ctx, which has
	// no deadline, so the screenshot below still works after a timeout.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start browser %s: %v", bin, err)
	}
	if o.acceptLanguage != "" {
		if err := setAcceptLanguage(ctx, o.acceptLanguage); err != nil {
			cancelCtx()
			cancelAlloc()
			t.Fatalf("set Accept-Language: %v", err)
		}
	}
	tctx, cancelT := context.WithTimeout(ctx, browserTimeout)
	n := browserCount.add(t)
	t.Cleanup(func() {
		if t.Failed() {
			saveArtifacts(t, ctx, artifacts, n)
		}
		cancelT()
		cancelCtx()
		cancelAlloc()
	})
	return tctx
}

// setAcceptLanguage keeps the browser's own user agent and overrides the
// language it asks pages for.
func setAcceptLanguage(ctx context.Context, lang string) error {
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		return err
	}
	_, err = chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
		UserAgent: v.UserAgent, AcceptLanguage: lang,
	})
	return err
}

// browserCounter numbers the browsers of one test, for artifact names.
type browserCounter struct {
	mu sync.Mutex
	n  map[string]int
}

var browserCount = browserCounter{n: map[string]int{}}

func (c *browserCounter) add(t *testing.T) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[t.Name()]++
	return c.n[t.Name()]
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// saveArtifacts writes a full-page screenshot and the HTML of the page.
func saveArtifacts(t *testing.T, ctx context.Context, dir string, n int) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("artifacts: %v", err)
		return
	}
	base := filepath.Join(dir, fmt.Sprintf("%s-browser%d", unsafeName.ReplaceAllString(t.Name(), "_"), n))
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 gives a PNG, less a JPEG
	if err != nil {
		t.Logf("screenshot of %s failed: %v", loc, err)
	} else if err := os.WriteFile(base+".png", png, 0o644); err != nil {
		t.Logf("screenshot: %v", err)
	} else {
		hint := ""
		if os.Getenv("E2E_ARTIFACTS") == "" {
			hint = " (removed after the test; set E2E_ARTIFACTS to keep it)"
		}
		t.Logf("screenshot of %s: %s%s", loc, base+".png", hint)
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
		_ = os.WriteFile(base+".html", []byte(html), 0o644)
	}
}

// ---- browser helpers ----

// navigate opens path on the server and waits for the page to load.
func navigate(t *testing.T, ctx context.Context, s *Server, path string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(s.URL+path)); err != nil {
		t.Fatalf("navigate %s: %v", path, err)
	}
}

// textOf waits for the element and returns its visible text, trimmed.
func textOf[S chromedp.Selectable](t *testing.T, ctx context.Context, sel S) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(sel)); err != nil {
		t.Fatalf("wait for %v: %v", sel, err)
	}
	v, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %v: %v", sel, err)
	}
	return strings.TrimSpace(v)
}

// waitText waits until the element's text is want (a page that is still
// loading may show the old text for a moment).
func waitText(t *testing.T, ctx context.Context, css, want string) {
	t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && e.innerText.trim() === %s; })()`, jsString(css), jsString(want))
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
			`(() => { const e = document.querySelector(%s); return e ? e.innerText : "<missing>"; })()`, jsString(css))))
		t.Fatalf("%s: want text %q, got %q (%v)", css, want, got, err)
	}
}

// location returns the path and query of the page the tab shows.
func location(t *testing.T, ctx context.Context, s *Server) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, s.URL)
}

// fill sets form fields (inputs and selects) by element id, in order, as
// typing or choosing would: it sets the value and fires input and change.
// It fails when the field does not take the value, e.g. a select without
// that option. (chromedp v0.23.0's SetValue cannot set "": the empty JSON
// string argument is dropped by omitempty and the field gets "undefined".)
func fill(t *testing.T, ctx context.Context, fields ...[2]string) {
	t.Helper()
	for _, f := range fields {
		id, value := f[0], f[1]
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.ID(id))); err != nil {
			t.Fatalf("fill #%s: %v", id, err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(() => {
			const e = document.getElementById(%s);
			e.value = %s;
			e.dispatchEvent(new Event('input', {bubbles: true}));
			e.dispatchEvent(new Event('change', {bubbles: true}));
			return e.value;
		})()`, jsString(id), jsString(value))))
		if err != nil {
			t.Fatalf("fill #%s: %v", id, err)
		}
		if got != value {
			t.Fatalf("fill #%s with %q: the field holds %q", id, value, got)
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// submit clicks the button with id and waits for the page it loads;
// it returns the HTTP status of that page.
func submit(t *testing.T, ctx context.Context, buttonID string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID(buttonID)))
	if err != nil {
		t.Fatalf("click #%s: %v", buttonID, err)
	}
	return resp.Status
}

// partnerSignIn signs a partner account in through the form at /signin and
// returns the HTTP status of the page the form leads to.
func partnerSignIn(t *testing.T, ctx context.Context, s *Server, account, member, password string) int64 {
	t.Helper()
	navigate(t, ctx, s, "/signin")
	fill(t, ctx, [2]string{"account", account}, [2]string{"member", member}, [2]string{"password", password})
	return submit(t, ctx, "signin")
}

// operatorSignIn signs the demo operator in at /ops/signin.
func operatorSignIn(t *testing.T, ctx context.Context, s *Server) {
	t.Helper()
	navigate(t, ctx, s, "/ops/signin")
	fill(t, ctx, [2]string{"username", s.Demo.Operator.Username}, [2]string{"password", s.Demo.Operator.Password})
	if status := submit(t, ctx, "signin"); status != http.StatusOK {
		t.Fatalf("operator sign-in: status %d at %s", status, location(t, ctx, s))
	}
	if loc := location(t, ctx, s); !strings.HasPrefix(loc, "/ops/") || strings.HasPrefix(loc, "/ops/signin") {
		t.Fatalf("operator sign-in: landed on %s", loc)
	}
}

// ---- plain HTTP helpers ----

// noRedirect is a CheckRedirect that returns redirects to the caller.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

var errNoToken = errors.New("no csrf_token field in the page")

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// csrfTokenIn returns the value of the first csrf_token field of html.
func csrfTokenIn(html string) (string, error) {
	m := csrfInput.FindStringSubmatch(html)
	if m == nil {
		return "", errNoToken
	}
	return m[1], nil
}
