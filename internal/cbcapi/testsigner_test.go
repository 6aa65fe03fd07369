package cbcapi_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"
)

// testSigner signs requests the way huaweicloud-sdk-go-v3's SDK-HMAC-SHA256
// signer does (reference/cbc-api.md §2.2), written apart from the server's
// verifier so the tests do not check the verifier against itself. The real
// SDK is exercised by the contract tests of the e2e module.
type testSigner struct {
	ak, sk string
}

// sdkEscape percent-encodes every byte but A–Z a–z 0–9 - _ . ~, upper-case.
func sdkEscape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + string(hexDigits[c>>4]) + string(hexDigits[c&15]))
	}
	return b.String()
}

// sign sets X-Sdk-Date to at and the Authorization header over body. Like the
// SDK it signs every header present except Content-Type.
func (s testSigner) sign(r *http.Request, body []byte, at time.Time) {
	date := at.UTC().Format("20060102T150405Z")
	r.Header.Set("X-Sdk-Date", date)

	var names []string
	for k := range r.Header {
		if lk := strings.ToLower(k); !strings.HasPrefix(lk, "content-type") && lk != "authorization" {
			names = append(names, lk)
		}
	}
	sort.Strings(names)

	segs := strings.Split(r.URL.Path, "/")
	for i := range segs {
		segs[i] = sdkEscape(segs[i])
	}
	uri := strings.Join(segs, "/")
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}

	q := r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var pairs []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			pairs = append(pairs, sdkEscape(k)+"="+sdkEscape(v))
		}
	}

	var headers strings.Builder
	for _, n := range names {
		vals := append([]string(nil), r.Header.Values(n)...)
		sort.Strings(vals)
		for _, v := range vals {
			headers.WriteString(n + ":" + strings.TrimSpace(v) + "\n")
		}
	}
	bodySum := sha256.Sum256(body)
	canonical := strings.Join([]string{r.Method, uri, strings.Join(pairs, "&"), headers.String(),
		strings.Join(names, ";"), hex.EncodeToString(bodySum[:])}, "\n")
	reqSum := sha256.Sum256([]byte(canonical))
	m := hmac.New(sha256.New, []byte(s.sk))
	m.Write([]byte("SDK-HMAC-SHA256\n" + date + "\n" + hex.EncodeToString(reqSum[:])))
	r.Header.Set("Authorization", "SDK-HMAC-SHA256 Access="+s.ak+", SignedHeaders="+strings.Join(names, ";")+
		", Signature="+hex.EncodeToString(m.Sum(nil)))
}

// TestTestSigner checks the test signer against the reference's worked
// example (reference/cbc-api.md §2.5), so that the API tests sign as the SDK.
func TestTestSigner(t *testing.T) {
	body := "{\"offset\":0,\"limit\":10}\n"
	r := httptest.NewRequest("POST", "http://127.0.0.1/v2/partners/sub-customers/query", strings.NewReader(body))
	r.Header.Set("User-Agent", "huaweicloud-usdk-go/3.0")
	r.Header.Set("X-Domain-Id", "0a1b2c3d4e5f")
	r.Header.Set("Content-Type", "application/json")
	testSigner{ak: "EXAMPLEAK0001", sk: "ExampleSecretKey0001"}.sign(r, []byte(body), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	want := "SDK-HMAC-SHA256 Access=EXAMPLEAK0001, SignedHeaders=user-agent;x-domain-id;x-sdk-date, " +
		"Signature=997ae89d541e83c6f0c94c2918de9cebc7fc4975df2f3ab040a86a238d87c9af"
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n%s\nwant\n%s", got, want)
	}
}
