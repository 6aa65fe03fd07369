package e2e

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
)

// TestTwoServeProcesses runs two real `serve` processes on one PostgreSQL,
// as behind a load balancer: both migrate and seed at the same time, and a
// session (with its CSRF token) made through one is valid on the other.
func TestTwoServeProcesses(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_DATABASE_URL is not set; CI must test two nodes on PostgreSQL")
		}
		t.Skip("TEST_DATABASE_URL is not set") // checked here: t.Skip in the goroutines below would not skip
	}
	var a, b *Server
	var wg sync.WaitGroup
	wg.Add(2)
	// Start both at once so migrations and demo seeding race for real.
	go func() { defer wg.Done(); a = startServer(t, withPostgres()) }()
	go func() { defer wg.Done(); b = startServer(t, withPostgres()) }()
	wg.Wait()
	if a == nil || b == nil {
		t.FailNow()
	}
	spA, spB := a.Demo.Partner(t, "sp"), b.Demo.Partner(t, "sp")
	if spA.PartnerID != spB.PartnerID || spA.Admin.Password != spB.Admin.Password || spA.SecretKey != spB.SecretKey {
		t.Fatalf("the two nodes disagree on the demo data:\n%+v\n%+v", spA, spB)
	}

	jar, _ := cookiejar.New(nil) // cookies are per host, not per port: one browser, two nodes
	c := &http.Client{Jar: jar, CheckRedirect: noRedirect}
	body := func(resp *http.Response) string {
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	resp, err := c.Get(a.URL + "/signin")
	if err != nil {
		t.Fatal(err)
	}
	token, err := csrfTokenIn(body(resp))
	if err != nil {
		t.Fatal(err)
	}
	// The form came from A; the post goes to B.
	resp, err = c.PostForm(b.URL+"/signin", url.Values{"csrf_token": {token},
		"account": {spA.Admin.Username}, "password": {spA.Admin.Password}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := resp.StatusCode, http.StatusSeeOther; got != want {
		t.Fatalf("sign-in through B: status %d, want %d: %s", got, want, body(resp))
	}
	resp.Body.Close()
	for name, s := range map[string]*Server{"A": a, "B": b} {
		resp, err := c.Get(s.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		if page := body(resp); resp.StatusCode != http.StatusOK || !strings.Contains(page, spA.PartnerID) {
			t.Fatalf("home through %s: status %d, partner id shown %v", name, resp.StatusCode, strings.Contains(page, spA.PartnerID))
		}
	}
}
