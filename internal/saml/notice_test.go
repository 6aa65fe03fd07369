package saml_test

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/saml"
)

func TestBindNotice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		key, err := f.sp.PlatformKey(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		// A partner verifies with the certificate from our SP metadata.
		_, metadata := get(t, newClient(t), f.srv.URL+saml.MetadataPath+"?unsigned=true")
		cert, err := saml.CertificateFromMetadata([]byte(metadata))
		if err != nil {
			t.Fatal(err)
		}
		n := saml.BindNotice{DomainName: "yongzhi", DomainID: "yongzhiid", XUserID: "yongzhix", BindAction: 1}
		form := key.NoticeForm(n)

		t.Run("OK", func(t *testing.T) {
			raw, err := base64.StdEncoding.DecodeString(form.Get("bindRequest"))
			if err != nil {
				t.Fatal(err)
			}
			// The documented example, byte for byte.
			if got, want := string(raw), `{"domainName":"yongzhi","domainId":"yongzhiid","xUserId":"yongzhix","bindAction":1}`; got != want {
				t.Errorf("bindRequest %s, want %s", got, want)
			}
			if got := form.Get("SigAlg"); got != "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256" {
				t.Errorf("SigAlg %q", got)
			}
			if form.Get("Signature") != key.SignNotice([]byte(form.Get("bindRequest"))) {
				t.Error("Signature is not SignNotice of the bindRequest value") // PKCS #1 v1.5 is deterministic
			}
			got, err := saml.VerifyNotice(cert, form)
			if err != nil || got != n {
				t.Fatalf("verify: %+v, %v", got, err)
			}
		})

		t.Run("ErrAltered", func(t *testing.T) {
			altered := saml.BindNotice{DomainName: "yongzhi", DomainID: "yongzhiid", XUserID: "mallory", BindAction: 1}
			bad := key.NoticeForm(altered)
			bad.Set("Signature", form.Get("Signature"))
			if _, err := saml.VerifyNotice(cert, bad); !errors.Is(err, saml.ErrNoticeSignature) {
				t.Fatalf("got %v, want ErrNoticeSignature", err)
			}
		})

		t.Run("ErrOtherKey", func(t *testing.T) {
			if _, err := saml.VerifyNotice(f.idp.Cert, form); !errors.Is(err, saml.ErrNoticeSignature) {
				t.Fatalf("got %v, want ErrNoticeSignature", err)
			}
		})
	})
}
