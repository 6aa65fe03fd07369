package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/dbtest"
)

// TestOpenAPI drives the open API of a running node over HTTP: it is served
// at the root of the console's port, owns /v2/ and /v3/ whole, and takes its
// rate limit from the configuration.
func TestOpenAPI(t *testing.T) {
	for _, dialect := range dbtest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			cfg := testConfig(t, dialect)
			cfg.APIRateLimit, cfg.APIRateBurst = 0.001, 2
			a := mustStart(t, cfg)
			demo, err := a.SeedDemo(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sp := demo.Partners[0]
			c := noRedirectClient(t)
			call := func(method, path, token, body string) (*http.Response, map[string]any) {
				t.Helper()
				req, _ := http.NewRequest(method, a.URL()+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("X-Auth-Token", token)
				}
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var m map[string]any
				if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
					t.Fatalf("%s %s: %d, body is not JSON: %v", method, path, resp.StatusCode, err)
				}
				if resp.Header.Get("X-Request-Id") == "" {
					t.Errorf("%s %s: no X-Request-Id", method, path)
				}
				return resp, m
			}

			resp, body := call("POST", "/v3/auth/tokens", "", fmt.Sprintf(
				`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,"domain":{"name":%q}}}},`+
					`"scope":{"domain":{"name":%q}}}}`, sp.DomainName, sp.Admin.Password, sp.DomainName, sp.DomainName))
			token := resp.Header.Get("X-Subject-Token")
			if resp.StatusCode != 201 || token == "" {
				t.Fatalf("token: %d %v", resp.StatusCode, body)
			}

			resp, body = call("GET", "/v2/products/service-types?limit=3", token, "")
			if n, _ := body["total_count"].(float64); resp.StatusCode != 200 || n < 20 {
				t.Errorf("ListServiceTypes: %d %v", resp.StatusCode, body)
			}
			resp, body = call("GET", "/v2/products/service-types?limit=3", token, "")
			if resp.StatusCode != 200 {
				t.Errorf("second call within the burst: %d %v", resp.StatusCode, body)
			}
			resp, body = call("GET", "/v2/products/service-types?limit=3", token, "")
			if resp.StatusCode != 429 || body["error_code"] != "CBC.0250" {
				t.Errorf("third call over the configured limit: %d %v, want 429 CBC.0250", resp.StatusCode, body)
			}

			for _, path := range []string{"/v2/no/such/api", "/v3/", "/v2"} {
				resp, body = call("GET", path, "", "")
				if resp.StatusCode != 404 || body["error_code"] != "APIGW.0101" {
					t.Errorf("GET %s: %d %v, want the API's JSON 404", path, resp.StatusCode, body)
				}
			}
			resp, body = call("DELETE", "/v2/products/service-types", token, "")
			if resp.StatusCode != 405 || body["error_code"] != "APIGW.0102" {
				t.Errorf("DELETE: %d %v, want the API's JSON 405", resp.StatusCode, body)
			}
		})
	}
}

func TestAPIRateConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	d := app.Defaults()
	if d.APIRateLimit != 10 || d.APIRateBurst != 20 {
		t.Errorf("defaults %v/s burst %d, want 10/s burst 20", d.APIRateLimit, d.APIRateBurst)
	}
	tests := []struct {
		name      string
		getenv    func(string) string
		wantLimit float64
		wantBurst int
		wantErr   bool
	}{
		{"OK/Set", env("PC_API_RATE_LIMIT", "2.5", "PC_API_RATE_BURST", "7"), 2.5, 7, false},
		{"OK/Off", env("PC_API_RATE_LIMIT", "0"), 0, 20, false},
		{"ErrNegativeLimit", env("PC_API_RATE_LIMIT", "-1"), 0, 0, true},
		{"ErrLimitNotANumber", env("PC_API_RATE_LIMIT", "fast"), 0, 0, true},
		{"ErrZeroBurst", env("PC_API_RATE_BURST", "0"), 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := d.Env(tt.getenv)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && (c.APIRateLimit != tt.wantLimit || c.APIRateBurst != tt.wantBurst) {
				t.Errorf("%v/s burst %d, want %v/s burst %d", c.APIRateLimit, c.APIRateBurst, tt.wantLimit, tt.wantBurst)
			}
		})
	}
}
