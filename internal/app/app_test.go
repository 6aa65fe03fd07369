package app_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/outbox"
)

// testConfig returns a node configuration on a fresh database of dialect,
// listening on a free loopback port.
func testConfig(t *testing.T, dialect db.Dialect) app.Config {
	t.Helper()
	dc := dbtest.Config(t, dialect)
	cfg := app.Defaults()
	cfg.Addr = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	if dc.URL != "" {
		cfg.DatabaseURL = dc.URL
	}
	return cfg
}

// mustStart builds and starts a node, stopped at the end of the test.
func mustStart(t *testing.T, cfg app.Config, opts ...app.Option) *app.App {
	t.Helper()
	opts = append([]app.Option{app.WithLogOutput(io.Discard)}, opts...)
	a, err := app.New(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	if err := a.Start(context.Background()); err != nil {
		t.Fatalf("start app: %v", err)
	}
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	return a
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestServeEndpoints(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			a := mustStart(t, testConfig(t, dialect))
			mustEnqueueMail(t, a, "metrics@example.com")
			c := http.DefaultClient
			tests := []struct {
				path       string
				wantStatus int
				wantBody   []string
			}{
				{"/healthz", 200, []string{"ok"}},
				{"/readyz", 200, []string{"ready"}},
				{"/signin", 200, []string{"csrf_token"}},
				{"/metrics", 200, []string{"partnercenter_http_requests_total", "partnercenter_http_request_duration_seconds",
					`partnercenter_jobs{kind="outbox.deliver"`, "go_goroutines"}},
			}
			for _, tt := range tests {
				resp, body := get(t, c, a.URL()+tt.path)
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.wantStatus)
				}
				for _, want := range tt.wantBody {
					if !strings.Contains(body, want) {
						t.Errorf("%s: body lacks %q", tt.path, want)
					}
				}
				if id := resp.Header.Get("X-Request-Id"); len(id) != 32 {
					t.Errorf("%s: X-Request-Id %q, want 32 hex", tt.path, id)
				}
			}
		})
	}
}

func TestReadyzFailsWithoutDatabase(t *testing.T) {
	a := mustStart(t, testConfig(t, db.SQLite))
	a.DB.SQL.Close()
	resp, _ := get(t, http.DefaultClient, a.URL()+"/readyz")
	if got, want := resp.StatusCode, http.StatusServiceUnavailable; got != want {
		t.Fatalf("status %d, want %d", got, want)
	}
}

var csrfInput = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn signs in a partner's main account through node url with client c.
func signIn(t *testing.T, c *http.Client, formURL, postURL, account, password string) {
	t.Helper()
	_, page := get(t, c, formURL+"/signin")
	m := csrfInput.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("sign-in page has no csrf token")
	}
	resp, err := c.PostForm(postURL+"/signin", map[string][]string{
		"csrf_token": {m[1]}, "account": {account}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("sign-in status %d, want %d", got, want)
	}
}

func noRedirectClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// mustEnqueueMail writes one e-mail to the outbox in its own transaction.
func mustEnqueueMail(t *testing.T, a *app.App, to string) {
	t.Helper()
	ctx := context.Background()
	err := a.DB.InTx(ctx, func(tx *sql.Tx) error {
		_, err := a.Outbox.EnqueueTx(ctx, tx, outbox.Message{Channel: outbox.Email, To: to, Subject: "测试 subject", Body: "body"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
