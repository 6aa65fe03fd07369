package cbcapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// signedRequest builds a request carrying the given signature headers.
func signedRequest(method, target, body string, headers map[string]string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

// TestSignatureVectors checks the verifier against the signatures of
// reference/cbc-api.md §2.4 (the SDK's own signer tests) and §2.5.
func TestSignatureVectors(t *testing.T) {
	tests := []struct {
		name, method, target, body, ak, sk, date, signedHeaders, sig string
		headers                                                      map[string]string
	}{
		{
			name: "SDKGet", method: "GET", target: "https://example.huaweicloud.com/path", ak: "AccessKey", sk: "SecretKey",
			date: "20060102T150405Z", signedHeaders: "x-sdk-date",
			sig: "eb70b3a0caf6633a8b8e4317622d8a0f6819821ec84896ceb7739a57e2d9ed76",
		},
		{
			name: "SDKPostJSONWithTrailingNewline", method: "POST", target: "https://example.huaweicloud.com/path",
			body: "{\"Name\":\"test\",\"Id\":1}\n", ak: "AccessKey", sk: "SecretKey",
			date: "20060102T150405Z", signedHeaders: "x-sdk-date",
			sig:     "7f587e76874c5079f7e98769ab285ee75bea28e30110ab10dec4fc4d12c32f62",
			headers: map[string]string{"Content-Type": "application/json"},
		},
		{
			name: "WorkedExamplePost", method: "POST", target: "http://127.0.0.1/v2/partners/sub-customers/query",
			body: "{\"offset\":0,\"limit\":10}\n", ak: "EXAMPLEAK0001", sk: "ExampleSecretKey0001",
			date: "20240101T000000Z", signedHeaders: "user-agent;x-domain-id;x-sdk-date",
			sig: "997ae89d541e83c6f0c94c2918de9cebc7fc4975df2f3ab040a86a238d87c9af",
			headers: map[string]string{"User-Agent": "huaweicloud-usdk-go/3.0", "X-Domain-Id": "0a1b2c3d4e5f",
				"Content-Type": "application/json"},
		},
		{
			name: "WorkedExampleGetWithQuery", method: "GET",
			target: "http://127.0.0.1/v2/partners/issued-coupon-quotas?limit=10&offset=0&indirect_partner_id=abc",
			ak:     "EXAMPLEAK0001", sk: "ExampleSecretKey0001",
			date: "20240101T000000Z", signedHeaders: "user-agent;x-domain-id;x-sdk-date",
			sig:     "d95961cf167ce743bfdd1ddd5a1db972b458bfc3a05e5caeacf3a4ad606b5639",
			headers: map[string]string{"User-Agent": "huaweicloud-usdk-go/3.0", "X-Domain-Id": "0a1b2c3d4e5f"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now, _ := time.Parse(sdkDateLayout, tt.date)
			h := map[string]string{"X-Sdk-Date": tt.date,
				"Authorization": "SDK-HMAC-SHA256 Access=" + tt.ak + ", SignedHeaders=" + tt.signedHeaders + ", Signature=" + tt.sig}
			for k, v := range tt.headers {
				h[k] = v
			}
			r := signedRequest(tt.method, tt.target, tt.body, h)
			auth, err := ParseAuthorization(r.Header.Get("Authorization"))
			if err != nil {
				t.Fatal(err)
			}
			if auth.AccessKey != tt.ak {
				t.Fatalf("access key %q, want %q", auth.AccessKey, tt.ak)
			}
			if err := VerifySignature(r, auth, []byte(tt.body), tt.sk, now); err != nil {
				t.Fatalf("valid signature refused: %v", err)
			}
			if err := VerifySignature(r, auth, []byte(tt.body), tt.sk+"x", now); err != ErrSignatureMismatch {
				t.Fatalf("wrong secret: got %v, want mismatch", err)
			}
			if err := VerifySignature(r, auth, []byte(tt.body+" "), tt.sk, now); err != ErrSignatureMismatch {
				t.Fatalf("changed body: got %v, want mismatch", err)
			}
			if err := VerifySignature(r, auth, []byte(tt.body), tt.sk, now.Add(16*time.Minute)); err != ErrSignatureDate {
				t.Fatalf("16 minutes later: got %v, want date error", err)
			}
			if err := VerifySignature(r, auth, []byte(tt.body), tt.sk, now.Add(-14*time.Minute)); err != nil {
				t.Fatalf("14 minutes earlier must pass: %v", err)
			}
		})
	}
}

func TestCanonicalQueryEscaping(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"", ""},
		{"b=2&a=1", "a=1&b=2"},
		{"a=2&a=1", "a=1&a=2"},
		{"coupon_id&limit=10", "coupon_id=&limit=10"},
		{"q=a%20b%2Bc%2Fd~e*f", "q=a%20b%2Bc%2Fd~e%2Af"},
		{"name=%E4%B8%AD", "name=%E4%B8%AD"},
	}
	for _, tt := range tests {
		got, err := canonicalQuery(tt.raw)
		if err != nil || got != tt.want {
			t.Errorf("canonicalQuery(%q) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	if got, want := canonicalURI("/v2/orders/ord 1:ü~*"), "/v2/orders/ord%201%3A%C3%BC~%2A/"; got != want {
		t.Errorf("canonicalURI = %q, want %q", got, want)
	}
}

func TestParseAuthorization(t *testing.T) {
	bad := []string{"", "Bearer x", "SDK-HMAC-SHA256 ", "SDK-HMAC-SHA256 Access=a, Signature=b",
		"SDK-HMAC-SHA256 Access=a, SignedHeaders=x-sdk-date", "SDK-HMAC-SHA256 garbage"}
	for _, h := range bad {
		if _, err := ParseAuthorization(h); err == nil {
			t.Errorf("ParseAuthorization(%q) accepted", h)
		}
	}
}

func BenchmarkVerifySignature(b *testing.B) {
	body := []byte("{\"offset\":0,\"limit\":10}\n")
	r := signedRequest("POST", "http://127.0.0.1/v2/partners/sub-customers/query", string(body), map[string]string{
		"User-Agent": "huaweicloud-usdk-go/3.0", "X-Domain-Id": "0a1b2c3d4e5f", "X-Sdk-Date": "20240101T000000Z",
		"Authorization": "SDK-HMAC-SHA256 Access=EXAMPLEAK0001, SignedHeaders=user-agent;x-domain-id;x-sdk-date, Signature=997ae89d541e83c6f0c94c2918de9cebc7fc4975df2f3ab040a86a238d87c9af",
	})
	now, _ := time.Parse(sdkDateLayout, "20240101T000000Z")
	b.ReportAllocs()
	for b.Loop() {
		auth, err := ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			b.Fatal(err)
		}
		if err := VerifySignature(r, auth, body, "ExampleSecretKey0001", now); err != nil {
			b.Fatal(err)
		}
	}
}
