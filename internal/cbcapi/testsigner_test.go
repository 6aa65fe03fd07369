package cbcapi_test

import (
	"net/http"
	"time"

	"partnercenter/internal/cbcapi"
)

// testSigner holds an access key pair and signs with cbcapi.Sign, which
// TestSignVectors pins to the SDK's own signatures (reference/cbc-api.md
// §2.4, §2.5); the real SDK is exercised by the e2e contract tests.
type testSigner struct {
	ak, sk string
}

// sign sets X-Sdk-Date to at and the Authorization header over body.
func (s testSigner) sign(r *http.Request, body []byte, at time.Time) {
	if err := cbcapi.Sign(r, body, s.ak, s.sk, at); err != nil {
		panic(err)
	}
}
