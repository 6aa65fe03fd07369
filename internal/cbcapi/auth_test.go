package cbcapi_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/httpx"
)

const (
	msgUnauthZH = "IAM认证信息错误：AK/SK签名校验失败"
	msgUnauthEN = "Incorrect IAM authentication information: verify aksk signature fail"
)

func TestAuthentication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d, noLimit)
		a, b := f.mustTenant(t), f.mustTenant(t)
		_, memberKey := f.mustPlainMember(t, a, "no-items")
		disabled := f.mustKey(t, a.main)
		if err := f.ident.SetAccessKeyStatus(ctx, a.main, disabled.ak, identity.AccessKeyInactive); err != nil {
			t.Fatal(err)
		}
		wrongSecret := testSigner{ak: a.key.ak, sk: a.key.sk + "x"}
		unknown := testSigner{ak: "UNKNOWNKEY0000000000", sk: a.key.sk}
		const list = "/v2/products/service-types"
		ok := check{status: 200, json: map[string]any{"service_types.0.service_type_code": "hws.service.type.ec2"}}
		unauth := check{status: 401, code: "APIGW.0301", msg: msgUnauthZH}

		tests := []struct {
			name string
			req  request
			want check
		}{
			{"OK/Signed", request{target: list, signer: &a.key, domainID: a.partner.DomainID}, ok},
			{"OK/SignedWithoutDomainID", request{target: list, signer: &a.key}, ok},
			{"OK/SignedWithQuery", request{target: list + "?offset=0&limit=3", signer: &a.key}, ok},
			{"OK/Date14MinutesOld", request{target: list, signer: &a.key, signedAt: f.clock.Now().Add(-14 * time.Minute)}, ok},
			{"OK/Date14MinutesAhead", request{target: list, signer: &a.key, signedAt: f.clock.Now().Add(14 * time.Minute)}, ok},
			{"OK/SignedBody", request{target: list, body: "{\"offset\":0}\n", signer: &a.key}, ok},

			{"ErrWrongSecret", request{target: list, signer: &wrongSecret, domainID: a.partner.DomainID}, unauth},
			{"ErrDate16MinutesOld", request{target: list, signer: &a.key, signedAt: f.clock.Now().Add(-16 * time.Minute)}, unauth},
			{"ErrDate16MinutesAhead", request{target: list, signer: &a.key, signedAt: f.clock.Now().Add(16 * time.Minute)}, unauth},
			{"ErrDateRemoved", request{target: list, signer: &a.key, afterSigning: func(r *http.Request) {
				r.Header.Del("X-Sdk-Date")
			}}, unauth},
			{"ErrBodyChangedAfterSigning", request{target: list, body: "{\"offset\":0}\n", signer: &a.key,
				afterSigning: func(r *http.Request) {
					changed := "{\"offset\":1}\n"
					r.Body, r.ContentLength = io.NopCloser(strings.NewReader(changed)), int64(len(changed))
				}}, unauth},
			{"ErrQueryChangedAfterSigning", request{target: list + "?limit=5", signer: &a.key, afterSigning: func(r *http.Request) {
				r.URL.RawQuery = "limit=6"
			}}, unauth},
			{"ErrSignedHeaderChanged", request{target: list, signer: &a.key, afterSigning: func(r *http.Request) {
				r.Header.Set("User-Agent", "proxy/1.0")
			}}, unauth},
			{"ErrDisabledKey", request{target: list, signer: &disabled}, unauth},
			{"ErrUnknownKey", request{target: list, signer: &unknown}, unauth},
			{"ErrOtherPartnersDomainID", request{target: list, signer: &a.key, domainID: b.partner.DomainID}, unauth},
			{"ErrOtherPartnerWithMyDomainID", request{target: list, signer: &b.key, domainID: a.partner.DomainID}, unauth},
			{"ErrMissingAuthorization", request{target: list, domainID: a.partner.DomainID}, unauth},
			{"ErrMalformedAuthorization", request{target: list, headers: map[string]string{"Authorization": "Basic YWs6c2s="}}, unauth},
			{"ErrUnknownToken", request{target: list, headers: map[string]string{"X-Auth-Token": "not-a-token"}}, unauth},
			{"ErrUnauthenticated/English", request{target: list, signer: &wrongSecret, headers: map[string]string{"X-Language": "en_US"}},
				check{status: 401, code: "APIGW.0301", msg: msgUnauthEN}},

			{"ErrForbidden/MemberWithoutTheItem", request{target: list, signer: &memberKey, domainID: a.partner.DomainID},
				check{status: 403, code: "CBC.0151"}},
			{"ErrForbidden/English", request{target: list, signer: &memberKey, headers: map[string]string{"X-Language": "en_US"}},
				check{status: 403, code: "CBC.0151", msg: "Access denied"}},

			{"ErrBodyTooLarge", request{target: list, body: strings.Repeat("x", cbcapi.MaxSignedBody+1), signer: &a.key},
				check{status: 413, code: "APIGW.0201"}},
			{"OK/BodyAtTheLimit", request{target: list, body: strings.Repeat("x", cbcapi.MaxSignedBody), signer: &a.key}, ok},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assertResponse(t, f.do(t, tt.req), tt.want)
			})
		}

		t.Run("ErrUnauthenticated/BodyCarriesRequestID", func(t *testing.T) {
			w := f.do(t, request{target: list, signer: &wrongSecret, headers: map[string]string{"X-Language": "en_US"}})
			body := decode(t, w)
			if got, want := len(body), 3; got != want {
				t.Errorf("body %v has %d fields, want error_code, error_msg and request_id", body, got)
			}
			if got, want := body["error_msg"], msgUnauthEN; got != want {
				t.Errorf("error_msg %q, want %q", got, want)
			}
			if got, want := body["request_id"], w.Header().Get(httpx.RequestIDHeader); got != want || want == "" {
				t.Errorf("request_id %q, want the X-Request-Id %q", got, want)
			}
		})

		t.Run("OK/RecordsLastUse", func(t *testing.T) {
			c := f.mustTenant(t)
			assertResponse(t, f.do(t, request{target: list, signer: &c.key}), ok)
			keys, err := f.ident.AccessKeysOf(ctx, c.partner.ID, c.main.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || keys[0].LastUsedAt == nil || !keys[0].LastUsedAt.Equal(f.clock.Now()) {
				t.Errorf("keys %+v, want last use now", keys)
			}
		})

		t.Run("ErrDisabledAfterUse", func(t *testing.T) {
			c := f.mustTenant(t)
			assertResponse(t, f.do(t, request{target: list, signer: &c.key}), ok)
			if err := f.ident.SetAccessKeyStatus(ctx, c.main, c.key.ak, identity.AccessKeyInactive); err != nil {
				t.Fatal(err)
			}
			assertResponse(t, f.do(t, request{target: list, signer: &c.key}), unauth)
		})

		t.Run("ErrFrozenPartner", func(t *testing.T) {
			c := f.mustTenant(t)
			assertResponse(t, f.do(t, request{target: list, signer: &c.key}), ok)
			if err := f.ident.SetPartnerStatus(ctx, f.admin, c.partner.ID, identity.PartnerFrozen); err != nil {
				t.Fatal(err)
			}
			assertResponse(t, f.do(t, request{target: list, signer: &c.key}), unauth)
		})
	})
}

func TestInternalError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		a := f.mustTenant(t) // its key was never used, so it is not cached
		d.SQL.Close()
		w := f.do(t, request{target: "/v2/products/service-types", signer: &a.key, headers: map[string]string{"X-Language": "en_US"}})
		id := w.Header().Get(httpx.RequestIDHeader)
		assertResponse(t, w, check{status: 500, code: "CBC.0999", msg: "Internal error. Quote request ID " + id})
		if strings.Contains(w.Body.String(), "sql") {
			t.Errorf("the body leaks the cause: %s", w.Body.String())
		}
	})
}
