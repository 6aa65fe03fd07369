package cbcapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// The open API authenticates requests signed the way huaweicloud-sdk-go-v3
// signs them (SDK-HMAC-SHA256, reference/cbc-api.md §2): an HMAC-SHA256,
// keyed with the secret key as-is, over a canonical form of the method, path,
// query, the headers the client chose to sign, and the SHA-256 of the body
// exactly as received.

const (
	signAlgorithm = "SDK-HMAC-SHA256"
	sdkDateLayout = "20060102T150405Z"
	// MaxClockSkew is how far X-Sdk-Date may be from the server's clock.
	MaxClockSkew = 15 * time.Minute
	// MaxSignedBody is the largest body the gateway accepts (12 MB).
	MaxSignedBody = 12 << 20
)

// Authorization is the parsed Authorization header of a signed request.
type Authorization struct {
	AccessKey     string
	SignedHeaders []string
	rawHeaders    string
	Signature     string
}

var errBadAuthorization = errors.New("malformed SDK-HMAC-SHA256 authorization")

// ParseAuthorization reads `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
func ParseAuthorization(h string) (Authorization, error) {
	rest, ok := strings.CutPrefix(h, signAlgorithm+" ")
	if !ok {
		return Authorization{}, errBadAuthorization
	}
	var a Authorization
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Authorization{}, errBadAuthorization
		}
		switch k {
		case "Access":
			a.AccessKey = v
		case "SignedHeaders":
			a.rawHeaders = v
			a.SignedHeaders = strings.Split(v, ";")
		case "Signature":
			a.Signature = v
		}
	}
	if a.AccessKey == "" || a.rawHeaders == "" || a.Signature == "" {
		return Authorization{}, errBadAuthorization
	}
	return a, nil
}

// shouldEscape reports whether b must be percent-encoded: everything but
// A–Z a–z 0–9 - _ . ~ is.
func shouldEscape(b byte) bool {
	switch {
	case 'A' <= b && b <= 'Z', 'a' <= b && b <= 'z', '0' <= b && b <= '9':
		return false
	case b == '-' || b == '_' || b == '.' || b == '~':
		return false
	}
	return true
}

// escape percent-encodes s byte by byte with upper-case hex.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if shouldEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if shouldEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// canonicalURI escapes each segment of the decoded path and ends it with "/".
func canonicalURI(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	u := strings.Join(segs, "/")
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// canonicalQuery sorts keys, and each key's values, and escapes both.
func canonicalQuery(rawQuery string) (string, error) {
	if rawQuery == "" {
		return "", nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", err
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		ek := escape(k)
		for _, v := range vals {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(ek)
			b.WriteByte('=')
			b.WriteString(escape(v))
		}
	}
	return b.String(), nil
}

// canonicalRequest rebuilds what the client signed.
func canonicalRequest(r *http.Request, auth Authorization, body []byte) (string, error) {
	query, err := canonicalQuery(r.URL.RawQuery)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.URL.Path))
	b.WriteByte('\n')
	b.WriteString(query)
	b.WriteByte('\n')
	for _, name := range auth.SignedHeaders {
		var vals []string
		if name == "host" {
			vals = []string{r.Host}
		} else {
			vals = r.Header.Values(name)
		}
		if len(vals) > 1 {
			vals = append([]string(nil), vals...)
			sort.Strings(vals)
		}
		for _, v := range vals {
			b.WriteString(name)
			b.WriteByte(':')
			b.WriteString(strings.TrimSpace(v))
			b.WriteByte('\n')
		}
	}
	b.WriteByte('\n')
	b.WriteString(auth.rawHeaders)
	b.WriteByte('\n')
	if h := r.Header.Get("X-Sdk-Content-Sha256"); h != "" {
		b.WriteString(h)
	} else {
		sum := sha256.Sum256(body)
		b.WriteString(hex.EncodeToString(sum[:]))
	}
	return b.String(), nil
}

// signature computes the expected signature of a canonical request.
func signature(secret, date, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(signAlgorithm + "\n" + date + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(m.Sum(nil))
}

// Signature check failures; all are answered as APIGW.0301.
var (
	ErrSignatureDate     = errors.New("x-sdk-date missing, malformed or outside the 15-minute window")
	ErrSignatureMismatch = errors.New("signature does not match")
	ErrDateNotSigned     = errors.New("x-sdk-date is not among the signed headers")
)

// VerifySignature checks a signed request against the key's secret at time
// now. body is the raw body as received.
func VerifySignature(r *http.Request, auth Authorization, body []byte, secret string, now time.Time) error {
	date := r.Header.Get("X-Sdk-Date")
	t, err := time.Parse(sdkDateLayout, date)
	if err != nil || t.Sub(now).Abs() > MaxClockSkew {
		return ErrSignatureDate
	}
	signed := false
	for _, h := range auth.SignedHeaders {
		if h == "x-sdk-date" {
			signed = true
		}
	}
	if !signed {
		return ErrDateNotSigned
	}
	canonical, err := canonicalRequest(r, auth, body)
	if err != nil {
		return err
	}
	want := signature(secret, date, canonical)
	if !hmac.Equal([]byte(want), []byte(strings.ToLower(auth.Signature))) {
		return ErrSignatureMismatch
	}
	return nil
}
