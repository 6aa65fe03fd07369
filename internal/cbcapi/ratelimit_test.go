package cbcapi_test

import (
	"testing"
	"time"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

func TestRateLimit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, cbcapi.Config{RateLimit: 1, RateBurst: 2})
		a, b := f.mustTenant(t), f.mustTenant(t)
		services := func(k *testSigner) request { return request{target: "/v2/products/service-types", signer: k} }
		resources := func(k *testSigner) request { return request{target: "/v2/products/resource-types", signer: k} }
		ok := check{status: 200}
		limited := check{status: 429, code: "CBC.0250"}

		steps := []struct {
			name    string
			advance time.Duration
			req     request
			want    check
		}{
			{"OK/Burst1", 0, services(&a.key), ok},
			{"OK/Burst2", 0, services(&a.key), ok},
			{"ErrTooManyRequests", 0, services(&a.key), limited},
			{"OK/AnotherRoute", 0, resources(&a.key), ok},
			{"OK/AnotherPartner", 0, services(&b.key), ok},
			{"ErrTooManyRequests/StillWithinTheSecond", 500 * time.Millisecond, services(&a.key), limited},
			{"OK/Refilled", 500 * time.Millisecond, services(&a.key), ok},
			{"ErrTooManyRequests/English", 0, request{target: "/v2/products/service-types", signer: &a.key,
				headers: map[string]string{"X-Language": "en_US"}}, check{status: 429, code: "CBC.0250", msg: "Too many requests"}},
		}
		for _, s := range steps {
			f.clock.Advance(s.advance)
			t.Run(s.name, func(t *testing.T) { assertResponse(t, f.do(t, s.req), s.want) })
		}

		t.Run("TokenRouteLimitedPerClient", func(t *testing.T) {
			body := keystoneBody(a.partner.DomainName, a.partner.DomainName, a.password)
			for i, want := range []int{201, 201, 429} {
				if w := f.do(t, request{method: "POST", target: "/v3/auth/tokens", body: body}); w.Code != want {
					t.Errorf("token request %d: %d, want %d", i+1, w.Code, want)
				}
			}
		})
	})
}
