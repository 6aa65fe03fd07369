package cbcapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// signedListRequest returns a factory of identical signed ListServiceTypes
// requests, as the SDK sends them: the signature is computed once, since the
// server accepts a signed request again within the date window.
func signedListRequest(tb testing.TB, f *fixture, k testSigner, domainID string) func() *http.Request {
	tb.Helper()
	const target = "http://127.0.0.1:8080/v2/products/service-types?limit=10&offset=0"
	r := httptest.NewRequest("GET", target, nil)
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("X-Domain-Id", domainID)
	k.sign(r, nil, f.clock.Now())
	return func() *http.Request {
		req := httptest.NewRequest("GET", target, nil)
		req.Header = r.Header.Clone()
		return req
	}
}

// BenchmarkListServiceTypes measures the whole signed request path through
// the handler (request id, routing, signature, cached key, permission item,
// rate limiter, catalogue, JSON) on SQLite, without the network.
func BenchmarkListServiceTypes(b *testing.B) {
	d := dbtest.Open(b, db.SQLite)
	f := mustFixture(b, d, cbcapi.Config{RateLimit: 1e9, RateBurst: 1e9})
	a := f.mustTenant(b)
	next := signedListRequest(b, f, a.key, a.partner.DomainID)
	if w := serve(f, next()); w.Code != 200 || !strings.Contains(w.Body.String(), "hws.service.type.ec2") {
		b.Fatalf("warm-up: %d %s", w.Code, w.Body.String())
	}

	b.Run("Serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if w := serve(f, next()); w.Code != 200 {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
	b.Run("Parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if w := serve(f, next()); w.Code != 200 {
					b.Errorf("status %d", w.Code)
					return
				}
			}
		})
	})
}

func serve(f *fixture, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	f.handler.ServeHTTP(w, r)
	return w
}

// BenchmarkVerifySignatureWithQuery measures parsing and checking the
// signature of a request with a query string, as the SDK signs it.
func BenchmarkVerifySignatureWithQuery(b *testing.B) {
	body := []byte("{\"offset\":0,\"limit\":10}\n")
	r := httptest.NewRequest("POST", "http://127.0.0.1/v2/partners/sub-customers/query?limit=10&offset=0", nil)
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("X-Domain-Id", "0a1b2c3d4e5f")
	r.Header.Set("Content-Type", "application/json")
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	k := testSigner{ak: "EXAMPLEAK0001", sk: "ExampleSecretKey0001"}
	k.sign(r, body, now)
	b.ReportAllocs()
	for b.Loop() {
		auth, err := cbcapi.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			b.Fatal(err)
		}
		if err := cbcapi.VerifySignature(r, auth, body, k.sk, now); err != nil {
			b.Fatal(err)
		}
	}
}
