package app_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/saml"
)

// TestSAMLRoutes: the SP endpoints are mounted at the root of a node,
// answer without a session (never a sign-in redirect), and take their
// entity ID from the node's URL.
func TestSAMLRoutes(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			a := mustStart(t, testConfig(t, dialect))
			c := noRedirectClient(t)
			resp, body := get(t, c, a.URL()+"/authui/saml/metadata.xml")
			if resp.StatusCode != http.StatusOK || !strings.Contains(body, `entityID="`+a.URL()+`/authui/saml/metadata.xml"`) ||
				!strings.Contains(body, `Location="`+a.URL()+`/authui/saml/acs"`) || !strings.Contains(body, "<ds:Signature") {
				t.Fatalf("metadata: %d\n%s", resp.StatusCode, body)
			}
			if _, err := saml.CertificateFromMetadata([]byte(body)); err != nil {
				t.Fatal(err)
			}
			tests := []struct {
				name, method, path string
				status             int
			}{
				{"LoginWithoutPlatform", http.MethodGet, "/authui/saml/login", http.StatusBadRequest},
				{"LoginUnknownPlatform", http.MethodGet, "/authui/saml/login?xAccountType=NOPE", http.StatusNotFound},
				{"LoginOffSiteService", http.MethodGet, "/authui/saml/login?xAccountType=NOPE&service=https%3A%2F%2Fevil.example.com", http.StatusBadRequest},
				{"ACSWithoutResponse", http.MethodPost, "/authui/saml/acs", http.StatusForbidden},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var resp *http.Response
					var err error
					if tt.method == http.MethodPost {
						resp, err = c.PostForm(a.URL()+tt.path, url.Values{"SAMLResponse": {"bm90IHhtbA=="}})
					} else {
						resp, err = c.Get(a.URL() + tt.path)
					}
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if resp.StatusCode != tt.status {
						t.Fatalf("status %d, want %d (Location %q)", resp.StatusCode, tt.status, resp.Header.Get("Location"))
					}
				})
			}
		})
	}
}

// TestAllowHTTPNotifyLoopback: PC_ALLOW_HTTP_NOTIFY_LOOPBACK reaches the
// notification URL rules, and is off by default.
func TestAllowHTTPNotifyLoopback(t *testing.T) {
	c, err := app.Defaults().Env(func(k string) string {
		if k == "PC_ALLOW_HTTP_NOTIFY_LOOPBACK" {
			return "true"
		}
		return ""
	})
	if err != nil || !c.AllowHTTPNotifyLoopback || app.Defaults().AllowHTTPNotifyLoopback {
		t.Fatalf("env: %v %v", c.AllowHTTPNotifyLoopback, err)
	}
	if _, err := app.Defaults().Env(func(k string) string { return map[string]string{"PC_ALLOW_HTTP_NOTIFY_LOOPBACK": "maybe"}[k] }); err == nil {
		t.Fatal("PC_ALLOW_HTTP_NOTIFY_LOOPBACK=maybe accepted")
	}
	for _, on := range []bool{false, true} {
		cfg := testConfig(t, db.SQLite)
		cfg.AllowHTTPNotifyLoopback = on
		a := mustStart(t, cfg)
		ctx := context.Background()
		demo, err := a.SeedDemo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p := demo.Partners[0]
		m, partner, err := a.Identity.SignInMember(ctx, p.DomainName, "", p.Admin.Password)
		if err != nil {
			t.Fatal(err)
		}
		err = a.Identity.SetNotifyURL(ctx, m.Actor(partner), "http://127.0.0.1:9/notify")
		if on && err != nil {
			t.Errorf("on: %v", err)
		}
		if !on && !errors.Is(err, identity.ErrNotifyURL) {
			t.Errorf("off: got %v, want ErrNotifyURL", err)
		}
	}
}
