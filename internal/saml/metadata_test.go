package saml_test

import (
	"context"
	"crypto/rsa"
	"encoding/xml"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	crewjam "github.com/crewjam/saml"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/saml"
	"partnercenter/internal/saml/samltest"
)

func TestMetadata(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		c := newClient(t)
		key, err := f.sp.PlatformKey(context.Background())
		if err != nil {
			t.Fatal(err)
		}

		t.Run("OKSignedVerifiedByXMLSec1", func(t *testing.T) {
			samltest.XMLSec1(t)
			resp, body := get(t, c, f.srv.URL+saml.MetadataPath)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/samlmetadata+xml" {
				t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			cert, err := saml.CertificateFromMetadata([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			if !cert.Equal(key.Certificate) {
				t.Fatal("the metadata's certificate is not the platform's")
			}
			dir := t.TempDir()
			certPath, metaPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "metadata.xml")
			mustWrite(t, certPath, key.CertificatePEM())
			mustWrite(t, metaPath, []byte(body))
			if out, err := samltest.RunXMLSec1(t, "--verify", "--pubkey-cert-pem", certPath,
				"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", metaPath); err != nil {
				t.Fatalf("xmlsec1 refused our signed metadata: %v\n%s\n%s", err, out, body)
			}
			// The check is not vacuous: an edited copy fails.
			edited := strings.Replace(body, f.srv.URL+saml.ACSPath, "https://evil.example.com/acs", 1)
			mustWrite(t, metaPath, []byte(edited))
			if _, err := samltest.RunXMLSec1(t, "--verify", "--pubkey-cert-pem", certPath,
				"--id-attr:ID", "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor", metaPath); err == nil {
				t.Fatal("xmlsec1 verified edited metadata")
			}
		})

		t.Run("OKContent", func(t *testing.T) {
			_, body := get(t, c, f.srv.URL+saml.MetadataPath)
			var ed crewjam.EntityDescriptor
			if err := xml.Unmarshal([]byte(body), &ed); err != nil {
				t.Fatal(err)
			}
			if got, want := ed.EntityID, f.srv.URL+saml.MetadataPath; got != want {
				t.Errorf("entity id %q, want %q", got, want)
			}
			if ed.Signature == nil || !strings.HasPrefix(body, `<?xml version="1.0" encoding="UTF-8"?>`) {
				t.Error("signed metadata lacks the signature or the XML declaration")
			}
			if i, j := strings.Index(body, "<ds:Signature"), strings.Index(body, "<SPSSODescriptor"); i < 0 || j < 0 || i > j {
				t.Error("the signature is not the EntityDescriptor's first child")
			}
			sp := ed.SPSSODescriptors[0]
			if len(sp.AssertionConsumerServices) != 1 || sp.AssertionConsumerServices[0].Location != f.srv.URL+saml.ACSPath ||
				sp.AssertionConsumerServices[0].Binding != crewjam.HTTPPostBinding {
				t.Errorf("ACS %+v", sp.AssertionConsumerServices)
			}
			if sp.AuthnRequestsSigned == nil || !*sp.AuthnRequestsSigned || sp.WantAssertionsSigned == nil || !*sp.WantAssertionsSigned {
				t.Error("AuthnRequestsSigned and WantAssertionsSigned must be true")
			}
		})

		t.Run("OKUnsigned", func(t *testing.T) {
			resp, body := get(t, c, f.srv.URL+saml.MetadataPath+"?unsigned=true")
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "Signature") {
				t.Fatalf("status %d, signed %v", resp.StatusCode, strings.Contains(body, "Signature"))
			}
			cert, err := saml.CertificateFromMetadata([]byte(body))
			if err != nil || !cert.Equal(key.Certificate) {
				t.Fatalf("certificate: %v", err)
			}
		})
	})
}

func TestPlatformKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)
		now := f.clock.Now()
		// Two nodes starting at once agree on one key.
		var wg sync.WaitGroup
		keys := make([]*saml.PlatformKey, 3)
		errs := make([]error, 3)
		for i := range keys {
			wg.Add(1)
			go func() {
				defer wg.Done()
				keys[i], errs[i] = saml.LoadPlatformKey(ctx, d, f.box, now)
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d: %v", i, err)
			}
			if !keys[i].Certificate.Equal(keys[0].Certificate) || !keys[i].Key.Equal(keys[0].Key) {
				t.Fatalf("node %d got another key", i)
			}
		}
		k := keys[0]
		if got := k.Key.N.BitLen(); got != 2048 {
			t.Errorf("key of %d bits, want 2048", got)
		}
		if _, ok := k.Certificate.PublicKey.(*rsa.PublicKey); !ok || k.Certificate.CheckSignature(k.Certificate.SignatureAlgorithm, k.Certificate.RawTBSCertificate, k.Certificate.Signature) != nil {
			t.Error("the certificate is not self-signed RSA")
		}
		if life := k.Certificate.NotAfter.Sub(now); life < 10*365*24*time.Hour || life > 11*366*24*time.Hour {
			t.Errorf("valid for %v, want 10 years", life)
		}
		// The SP serves the same key, and the private key is sealed at rest.
		sk, err := f.sp.PlatformKey(ctx)
		if err != nil || !sk.Certificate.Equal(k.Certificate) {
			t.Fatalf("the SP uses another key: %v", err)
		}
		var sealed string
		if err := d.SQL.QueryRow("SELECT private_key_enc FROM saml_sp_keys").Scan(&sealed); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, "PRIVATE KEY") {
			t.Error("the private key is stored in the clear")
		}
		if pt, err := f.box.Open(sealed); err != nil || !strings.Contains(pt, "BEGIN PRIVATE KEY") {
			t.Errorf("the private key is not sealed with the server key: %v", err)
		}
	})
}
