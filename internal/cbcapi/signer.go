package cbcapi

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// Sign signs r for the open API the way huaweicloud-sdk-go-v3's default
// signer (core/auth/signer, SDK-HMAC-SHA256) does, so Go clients and tools
// (cmd/pcload, tests) can call the API without the SDK. It sets X-Sdk-Date
// to now (UTC, whole seconds) and Authorization; the verifier's own
// canonicalization (canonicalRequest, signature) computes the signature, so
// VerifySignature accepts what Sign signs, and TestSignVectors pins both to
// the SDK's own signatures.
//
// As the SDK does, it signs every header present on r, lower-cased and
// sorted, except names starting with "content-type", names containing "_",
// and Authorization (left over from an earlier signing); Host is not signed
// (Go keeps it out of r.Header). Set every header the request will carry,
// X-Domain-Id and User-Agent included, before calling Sign: a header added
// or changed afterwards breaks the signature. Also as the SDK does, a
// Content-Type that is neither JSON nor BSON makes the body unsigned
// (X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD); a caller-set
// X-Sdk-Content-Sha256 is signed literally in place of the body hash.
//
// body must be exactly the bytes that will be sent (the SDK's JSON ends in
// "\n"); Sign does not read or set r.Body. The query is signed from
// r.URL.RawQuery and the path from r.URL.Path, as the server decodes them.
// Unlike the SDK, a pre-set X-Sdk-Date is not honoured: now decides the
// date. Sign is safe to call again on the same request (re-signing).
func Sign(r *http.Request, body []byte, ak, sk string, now time.Time) error {
	if ak == "" {
		return errors.New("sign: ak is required")
	}
	if sk == "" {
		return errors.New("sign: sk is required")
	}
	if strings.ContainsFunc(ak, func(c rune) bool { return c <= ' ' || c == ',' || c == '=' || c >= 0x7f }) {
		return errors.New("sign: ak contains a character that cannot appear in the Authorization header")
	}
	if r.URL == nil {
		return errors.New("sign: request has no URL")
	}
	if r.Header == nil {
		r.Header = http.Header{}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" &&
		!strings.Contains(ct, "application/json") && !strings.Contains(ct, "application/bson") {
		r.Header.Set("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD")
	}
	// A key set directly on the map in a non-canonical spelling is moved
	// to its canonical key, where the server (and Header.Values) finds it.
	for k, vals := range r.Header {
		if ck := http.CanonicalHeaderKey(k); ck != k {
			delete(r.Header, k)
			r.Header[ck] = append(r.Header[ck], vals...)
		}
	}
	date := now.UTC().Format(sdkDateLayout)
	r.Header.Set("X-Sdk-Date", date)

	names := make([]string, 0, len(r.Header))
	for k, vals := range r.Header {
		lk := strings.ToLower(k)
		if len(vals) == 0 || strings.HasPrefix(lk, "content-type") || strings.Contains(lk, "_") || lk == "authorization" {
			continue
		}
		names = append(names, lk)
	}
	slices.Sort(names)

	auth := Authorization{AccessKey: ak, SignedHeaders: names, rawHeaders: strings.Join(names, ";")}
	canonical, err := canonicalRequest(r, auth, body)
	if err != nil {
		return fmt.Errorf("sign: query %q: %w", r.URL.RawQuery, err)
	}
	r.Header.Set("Authorization", signAlgorithm+" Access="+ak+", SignedHeaders="+auth.rawHeaders+
		", Signature="+signature(sk, date, canonical))
	return nil
}
