package cbcapi_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// publicRoutes are the only routes callable without credentials.
var publicRoutes = []string{"POST /v3/auth/tokens"}

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

func TestRouteTable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		api := cbcapi.New(cbcapi.Deps{Identity: f.ident}, noLimit)
		routes := api.Routes()
		if len(routes) == 0 {
			t.Fatal("empty route table")
		}
		for _, rt := range routes {
			name := rt.Method + " " + rt.Pattern
			t.Run(name, func(t *testing.T) {
				known := true
				for code := range strings.SplitSeq(rt.Perm, "|") {
					_, ok := identity.PermissionByCode(code)
					known = known && (ok || code == cbcapi.CustomerCaller)
				}
				switch {
				case rt.Perm == cbcapi.Public:
					if !slices.Contains(publicRoutes, name) {
						t.Fatalf("route is public but not in the allow-list of public routes")
					}
				case rt.Perm == cbcapi.CustomerCaller:
				case rt.Perm == "":
					t.Fatal("route names no permission item")
				case !known:
					t.Fatalf("route names %q, which is not in the permission catalogue", rt.Perm)
				}
				if rt.Handler == nil {
					t.Fatal("route has no handler")
				}
				if rt.Perm == cbcapi.Public {
					return
				}
				// The table's guard is really in front of the handler.
				target := wildcard.ReplaceAllString(rt.Pattern, "x")
				assertResponse(t, f.do(t, request{method: rt.Method, target: target}), check{status: 401, code: "APIGW.0301"})
			})
		}
	})
}

func TestNoRoute(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		a := f.mustTenant(t)
		tests := []struct {
			name, method, target string
			lang                 string
			want                 check
			wantAllow            string
		}{
			{"ErrNoRoute/V2", "GET", "/v2/no/such/api", "", check{status: 404, code: "APIGW.0101"}, ""},
			{"ErrNoRoute/V3", "POST", "/v3/nothing", "en_US", check{status: 404, code: "APIGW.0101", msg: "No API matches this path."}, ""},
			{"ErrNoRoute/TrailingSlash", "GET", "/v2/products/service-types/", "", check{status: 404, code: "APIGW.0101"}, ""},
			{"ErrNoRoute/Prefix", "GET", "/v2/", "", check{status: 404, code: "APIGW.0101"}, ""},
			{"ErrMethodNotAllowed/Catalogue", "POST", "/v2/products/service-types", "",
				check{status: 405, code: "APIGW.0102"}, "GET, HEAD"},
			{"ErrMethodNotAllowed/Token", "GET", "/v3/auth/tokens", "en_US",
				check{status: 405, code: "APIGW.0102", msg: "This method is not allowed on this path."}, "POST"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w := f.do(t, request{method: tt.method, target: tt.target, signer: &a.key,
					headers: map[string]string{"X-Language": tt.lang}})
				assertResponse(t, w, tt.want)
				if body := decode(t, w); body["request_id"] != w.Header().Get("X-Request-Id") {
					t.Errorf("request_id %v, want the X-Request-Id", body["request_id"])
				}
				if got := w.Header().Get("Allow"); got != tt.wantAllow {
					t.Errorf("Allow %q, want %q", got, tt.wantAllow)
				}
			})
		}

		t.Run("ConsoleStillServesItsPaths", func(t *testing.T) {
			w := f.do(t, request{target: "/v1/anything"})
			if w.Code != http.StatusSeeOther {
				t.Errorf("console path: %d, want the console's redirect", w.Code)
			}
		})
	})
}
