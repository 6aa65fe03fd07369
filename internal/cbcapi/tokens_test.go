package cbcapi_test

import (
	"fmt"
	"testing"
	"time"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// keystoneBody is a Keystone password authentication request.
func keystoneBody(domain, user, password string) string {
	return fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,"password":%q,`+
		`"domain":{"name":%q}}}},"scope":{"domain":{"name":%q}}}}`, user, password, domain, domain)
}

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		a, b := f.mustTenant(t), f.mustTenant(t)
		member, _ := f.mustPlainMember(t, a, "sales-api")
		const list = "/v2/products/service-types"
		issue := func(t *testing.T, body string) string {
			t.Helper()
			w := f.do(t, request{method: "POST", target: "/v3/auth/tokens", body: body})
			if w.Code != 201 {
				t.Fatalf("issue token: %d %s", w.Code, w.Body.String())
			}
			return w.Header().Get("X-Subject-Token")
		}

		t.Run("OK/IssueAndUse", func(t *testing.T) {
			w := f.do(t, request{method: "POST", target: "/v3/auth/tokens", body: keystoneBody(a.partner.DomainName, a.partner.DomainName, a.password)})
			assertResponse(t, w, check{status: 201, json: map[string]any{
				"token.methods.0":        "password",
				"token.issued_at":        "2025-03-01T08:00:00.000000Z",
				"token.expires_at":       "2025-03-02T08:00:00.000000Z",
				"token.user.id":          a.main.ID,
				"token.user.name":        a.partner.DomainName,
				"token.user.domain.id":   a.partner.DomainID,
				"token.user.domain.name": a.partner.DomainName,
				"token.domain.id":        a.partner.DomainID,
				"token.catalog":          []any{},
			}})
			token := w.Header().Get("X-Subject-Token")
			if len(token) < 64 {
				t.Fatalf("X-Subject-Token %q, want a token of at least 64 characters", token)
			}
			assertResponse(t, f.do(t, request{target: list, headers: map[string]string{"X-Auth-Token": token,
				"X-Domain-Id": a.partner.DomainID}}), check{status: 200, json: map[string]any{
				"service_types.0.service_type_code": "hws.service.type.ec2"}})

			// Partner A's token cannot act as partner B.
			assertResponse(t, f.do(t, request{target: list, headers: map[string]string{"X-Auth-Token": token,
				"X-Domain-Id": b.partner.DomainID}}), check{status: 401, code: "APIGW.0301"})
		})

		t.Run("ErrExpired", func(t *testing.T) {
			token := issue(t, keystoneBody(b.partner.DomainName, b.partner.DomainName, b.password))
			use := request{target: list, headers: map[string]string{"X-Auth-Token": token}}
			assertResponse(t, f.do(t, use), check{status: 200})
			f.clock.Advance(24 * time.Hour)
			assertResponse(t, f.do(t, use), check{status: 401, code: "APIGW.0301", msg: msgUnauthZH})
		})

		t.Run("ErrForbidden/MemberWithoutTheItem", func(t *testing.T) {
			w := f.do(t, request{method: "POST", target: "/v3/auth/tokens", body: keystoneBody(a.partner.DomainName, "sales-api", testPassword)})
			assertResponse(t, w, check{status: 201, json: map[string]any{"token.user.id": member.ID, "token.user.name": "sales-api"}})
			assertResponse(t, f.do(t, request{target: list, headers: map[string]string{"X-Auth-Token": w.Header().Get("X-Subject-Token")}}),
				check{status: 403, code: "CBC.0151"})
		})

		tests := []struct {
			name string
			body string
			lang string
			want check
		}{
			{"ErrWrongPassword", keystoneBody(a.partner.DomainName, a.partner.DomainName, "Wrong-pass1"), "en_US",
				check{status: 401, code: "PC.0401", msg: "The account name or password is incorrect."}},
			{"ErrUnknownUser", keystoneBody(a.partner.DomainName, "nobody", testPassword), "", check{status: 401, code: "PC.0401"}},
			{"ErrUnknownDomain", keystoneBody("nosuchdomain", "nosuchdomain", testPassword), "", check{status: 401, code: "PC.0401"}},
			{"ErrScopeIsAnotherDomain", fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":%q,`+
				`"password":%q,"domain":{"name":%q}}}},"scope":{"domain":{"name":%q}}}}`,
				a.partner.DomainName, a.password, a.partner.DomainName, b.partner.DomainName), "", check{status: 401, code: "APIGW.0301"}},
			{"ErrMalformedJSON", `{"auth":`, "en_US", check{status: 400, code: "CBC.0100", msg: "Invalid parameter: body"}},
			{"ErrNoAuth", `{}`, "", check{status: 400, code: "CBC.0100", msg: "auth"}},
			{"ErrNotPasswordMethod", `{"auth":{"identity":{"methods":["token"]}}}`, "", check{status: 400, code: "CBC.0100",
				msg: "auth.identity.methods"}},
			{"ErrNoUserName", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"password":"x","domain":{"name":"d"}}}}}}`, "",
				check{status: 400, code: "CBC.0100", msg: "auth.identity.password.user.name"}},
			{"ErrNoDomain", `{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"x"}}}}}`, "",
				check{status: 400, code: "CBC.0100", msg: "auth.identity.password.user.domain.name"}},
			{"ErrProjectScope", fmt.Sprintf(`{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"u","password":"x",`+
				`"domain":{"name":%q}}}},"scope":{"project":{"name":"cn-north-4"}}}}`, a.partner.DomainName), "",
				check{status: 400, code: "CBC.0100", msg: "auth.scope.project"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w := f.do(t, request{method: "POST", target: "/v3/auth/tokens", body: tt.body, headers: map[string]string{"X-Language": tt.lang}})
				assertResponse(t, w, tt.want)
				if got := w.Header().Get("X-Subject-Token"); got != "" {
					t.Errorf("a refused request got token %q", got)
				}
			})
		}
	})
}
