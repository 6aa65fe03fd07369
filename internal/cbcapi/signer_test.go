package cbcapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/cbcapi"
)

// sdkRequest builds a request with the headers huaweicloud-sdk-go-v3 sends
// (reference/stack.md §1): Content-Type (never signed), User-Agent and,
// when domainID is set, X-Domain-Id.
func sdkRequest(method, target, body, domainID string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	if domainID != "" {
		r.Header.Set("X-Domain-Id", domainID)
	}
	return r
}

// TestSignVectors: Sign reproduces the signatures of reference/cbc-api.md
// §2.4 (the SDK's own signer tests) and §2.5 (the worked example), so it
// signs as the SDK does and not merely as the verifier expects.
func TestSignVectors(t *testing.T) {
	example := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	sdkTest := time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC)
	bare := func(method, body string, headers ...string) *http.Request {
		r := httptest.NewRequest(method, "https://example.huaweicloud.com/path", strings.NewReader(body))
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Set(headers[i], headers[i+1])
		}
		return r
	}
	tests := []struct {
		name    string
		r       *http.Request
		body    string
		ak, sk  string
		at      time.Time
		want    string // the Authorization header
		wantDay string // X-Sdk-Date
	}{
		{
			name: "OK/WorkedExamplePost",
			r:    sdkRequest("POST", "http://127.0.0.1/v2/partners/sub-customers/query", "{\"offset\":0,\"limit\":10}\n", "0a1b2c3d4e5f"),
			body: "{\"offset\":0,\"limit\":10}\n", ak: "EXAMPLEAK0001", sk: "ExampleSecretKey0001", at: example,
			want: "SDK-HMAC-SHA256 Access=EXAMPLEAK0001, SignedHeaders=user-agent;x-domain-id;x-sdk-date, " +
				"Signature=997ae89d541e83c6f0c94c2918de9cebc7fc4975df2f3ab040a86a238d87c9af",
			wantDay: "20240101T000000Z",
		},
		{
			name: "OK/WorkedExampleGetWithQuery",
			r: sdkRequest("GET", "http://127.0.0.1/v2/partners/issued-coupon-quotas?limit=10&offset=0&indirect_partner_id=abc",
				"", "0a1b2c3d4e5f"),
			ak: "EXAMPLEAK0001", sk: "ExampleSecretKey0001", at: example,
			want: "SDK-HMAC-SHA256 Access=EXAMPLEAK0001, SignedHeaders=user-agent;x-domain-id;x-sdk-date, " +
				"Signature=d95961cf167ce743bfdd1ddd5a1db972b458bfc3a05e5caeacf3a4ad606b5639",
			wantDay: "20240101T000000Z",
		},
		{
			name: "OK/SDKTestGet", r: bare("GET", ""), ak: "AccessKey", sk: "SecretKey", at: sdkTest,
			want:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76",
			wantDay: "20060102T150405Z",
		},
		{
			name: "OK/SDKTestPostJSONUnderscoreHeaderNotSigned",
			r:    bare("POST", "{\"Name\":\"test\",\"Id\":1}\n", "Content-Type", "application/json", "TEST_UNDERSCORE", "x"),
			body: "{\"Name\":\"test\",\"Id\":1}\n", ak: "AccessKey", sk: "SecretKey",
			// A non-UTC time is converted: 23:04:05+08:00 is 15:04:05Z.
			at:      time.Date(2006, 1, 2, 23, 4, 5, 0, time.FixedZone("CST", 8*3600)),
			want:    "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62",
			wantDay: "20060102T150405Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := cbcapi.Sign(tt.r, []byte(tt.body), tt.ak, tt.sk, tt.at); err != nil {
				t.Fatal(err)
			}
			if got := tt.r.Header.Get("Authorization"); got != tt.want {
				t.Errorf("Authorization\n got %s\nwant %s", got, tt.want)
			}
			if got := tt.r.Header.Get("X-Sdk-Date"); got != tt.wantDay {
				t.Errorf("X-Sdk-Date %q, want %q", got, tt.wantDay)
			}
		})
	}
}

// TestSignRoundTrip: whatever Sign signs, VerifySignature accepts as
// received, and refuses once a signed part changes.
func TestSignRoundTrip(t *testing.T) {
	const ak, sk = "ROUNDTRIPAK00000001", "round-trip secret"
	now := time.Date(2026, 11, 23, 18, 51, 29, 0, time.UTC)
	verify := func(r *http.Request, body string, at time.Time) error {
		auth, err := cbcapi.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			return err
		}
		if auth.AccessKey != ak {
			t.Fatalf("access key %q", auth.AccessKey)
		}
		return cbcapi.VerifySignature(r, auth, []byte(body), sk, at)
	}
	tests := []struct {
		name, method, target, body string
		headers                    [][2]string
		change                     func(r *http.Request) // after signing; nil: verify as signed
		changeBody                 string                // the body as received, when changed
		at                         time.Time             // the verifier's clock; now when zero
		wantErr                    error
	}{
		{name: "OK/CatalogueGet", method: "GET", target: "/v2/products/service-types?limit=10&offset=0"},
		{name: "OK/AwkwardQuery", method: "GET",
			target: "/v2/x?q=" + url.QueryEscape("a b+c/d~e*f'g!h=i&j;k,l:m@n$o%p") + "&empty=&bare&zh=%E4%B8%AD%E6%96%87&q=0"},
		{name: "OK/EscapedPathSegment", method: "GET", target: "/v2/orders/ord%201%3A%C3%BC~*/detail"},
		{name: "OK/PostBodyAndExtraHeaders", method: "POST", target: "/v2/partners/sub-customers/query",
			body:    "{\"offset\":0,\"limit\":10}\n",
			headers: [][2]string{{"X-Language", "en_US"}, {"X-Multi", "b"}, {"X-Multi", "a"}, {"X-Empty", ""}}},
		{name: "OK/ClockSkewInsideWindow", method: "GET", target: "/v2/products/resource-types", at: now.Add(14 * time.Minute)},
		{name: "OK/NonJSONBodyUnsignedAsInSDK", method: "POST", target: "/v2/upload", body: "a=1",
			headers:    [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}},
			changeBody: "a=2"},
		{name: "ErrBodyChanged", method: "POST", target: "/v2/partners/sub-customers/query",
			body: "{\"offset\":0,\"limit\":10}\n", changeBody: "{\"offset\":0,\"limit\":100}\n", wantErr: cbcapi.ErrSignatureMismatch},
		{name: "ErrQueryChanged", method: "GET", target: "/v2/products/service-types?limit=10",
			change: func(r *http.Request) { r.URL.RawQuery = "limit=11" }, wantErr: cbcapi.ErrSignatureMismatch},
		{name: "ErrSignedHeaderChanged", method: "GET", target: "/v2/products/service-types",
			change: func(r *http.Request) { r.Header.Set("X-Domain-Id", "another") }, wantErr: cbcapi.ErrSignatureMismatch},
		{name: "ErrMethodChanged", method: "GET", target: "/v2/products/service-types",
			change: func(r *http.Request) { r.Method = "DELETE" }, wantErr: cbcapi.ErrSignatureMismatch},
		{name: "ErrDateOutsideWindow", method: "GET", target: "/v2/products/service-types", at: now.Add(16 * time.Minute),
			wantErr: cbcapi.ErrSignatureDate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkRequest(tt.method, "http://127.0.0.1:8080"+tt.target, tt.body, "0a1b2c3d4e5f")
			for _, h := range tt.headers {
				if h[0] == "Content-Type" {
					r.Header.Set(h[0], h[1])
				} else {
					r.Header.Add(h[0], h[1])
				}
			}
			if err := cbcapi.Sign(r, []byte(tt.body), ak, sk, now); err != nil {
				t.Fatal(err)
			}
			if tt.change != nil {
				tt.change(r)
			}
			body := tt.body
			if tt.changeBody != "" {
				body = tt.changeBody
			}
			at := tt.at
			if at.IsZero() {
				at = now
			}
			if err := verify(r, body, at); err != tt.wantErr {
				t.Fatalf("verify: %v, want %v\nAuthorization: %s", err, tt.wantErr, r.Header.Get("Authorization"))
			}
		})
	}
}

// TestSignHeaders: which headers Sign signs and sets.
func TestSignHeaders(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	signed := func(r *http.Request) string {
		auth, err := cbcapi.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(auth.SignedHeaders, ";")
	}

	t.Run("OK/ResignReplacesDateAndSignature", func(t *testing.T) {
		r := sdkRequest("GET", "http://127.0.0.1/v2/products/service-types", "", "d1")
		if err := cbcapi.Sign(r, nil, "AK1", "SK1", now); err != nil {
			t.Fatal(err)
		}
		first := r.Header.Get("Authorization")
		if err := cbcapi.Sign(r, nil, "AK1", "SK1", now.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if got := signed(r); got != "user-agent;x-domain-id;x-sdk-date" {
			t.Errorf("signed headers after re-signing %q: the old Authorization must not be signed", got)
		}
		if r.Header.Get("Authorization") == first || r.Header.Get("X-Sdk-Date") != "20260102T030406Z" {
			t.Errorf("re-signing kept the old date or signature: %s %s", r.Header.Get("X-Sdk-Date"), r.Header.Get("Authorization"))
		}
		if len(r.Header.Values("Authorization")) != 1 || len(r.Header.Values("X-Sdk-Date")) != 1 {
			t.Errorf("duplicated headers: %v", r.Header)
		}
	})
	t.Run("OK/ContentTypeVariantsAndUnderscoresNotSigned", func(t *testing.T) {
		r := sdkRequest("GET", "http://127.0.0.1/v2/x", "", "")
		r.Header.Set("Content-Type-Extra", "x")
		r.Header["X_Under"] = []string{"x"}
		if err := cbcapi.Sign(r, nil, "AK1", "SK1", now); err != nil {
			t.Fatal(err)
		}
		if got := signed(r); got != "user-agent;x-sdk-date" {
			t.Errorf("signed headers %q", got)
		}
	})
	t.Run("OK/NonCanonicalKeyIsSignedWithItsValue", func(t *testing.T) {
		r := sdkRequest("GET", "http://127.0.0.1/v2/x", "", "")
		r.Header["x-language"] = []string{"en_US"}
		if err := cbcapi.Sign(r, nil, "AK1", "SK1", now); err != nil {
			t.Fatal(err)
		}
		if got := signed(r); got != "user-agent;x-language;x-sdk-date" {
			t.Errorf("signed headers %q", got)
		}
		if got := r.Header.Get("X-Language"); got != "en_US" {
			t.Errorf("X-Language %q", got)
		}
		auth, _ := cbcapi.ParseAuthorization(r.Header.Get("Authorization"))
		if err := cbcapi.VerifySignature(r, auth, nil, "SK1", now); err != nil {
			t.Errorf("verify: %v", err)
		}
	})
	t.Run("OK/NonJSONContentTypeSendsUnsignedPayload", func(t *testing.T) {
		r := sdkRequest("POST", "http://127.0.0.1/v2/x", "a=1", "")
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := cbcapi.Sign(r, []byte("a=1"), "AK1", "SK1", now); err != nil {
			t.Fatal(err)
		}
		if got := r.Header.Get("X-Sdk-Content-Sha256"); got != "UNSIGNED-PAYLOAD" {
			t.Errorf("X-Sdk-Content-Sha256 %q", got)
		}
		if got := signed(r); got != "user-agent;x-sdk-content-sha256;x-sdk-date" {
			t.Errorf("signed headers %q", got)
		}
	})

	for _, tt := range []struct {
		name, target, ak, sk string
	}{
		{"ErrNoAK", "/v2/x", "", "sk"},
		{"ErrNoSK", "/v2/x", "ak", ""},
		{"ErrAKWithComma", "/v2/x", "a,k", "sk"},
		{"ErrAKWithSpace", "/v2/x", "a k", "sk"},
		{"ErrMalformedQuery", "/v2/x?a=%zz", "ak", "sk"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := sdkRequest("GET", "http://127.0.0.1/v2/x", "", "")
			r.URL.RawQuery = strings.TrimPrefix(tt.target, "/v2/x?")
			if tt.target == "/v2/x" {
				r.URL.RawQuery = ""
			}
			if err := cbcapi.Sign(r, nil, tt.ak, tt.sk, now); err == nil {
				t.Fatalf("Sign succeeded: %s", r.Header.Get("Authorization"))
			}
			if r.Header.Get("Authorization") != "" {
				t.Errorf("a failed Sign left an Authorization header")
			}
		})
	}
}
