package saml

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"strings"

	crewjam "github.com/crewjam/saml"
)

// SigAlgRSASHA256 is the SigAlg a binding notice carries (cbc-api.md §4.3).
const SigAlgRSASHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

// BindNotice is the account-binding result the platform posts to a
// partner's notification URL (cbc-api.md §4.3): which cloud account
// (domainName, domainId) the partner platform's user xUserId was bound to.
// BindAction is passed through as given: Huawei's example sends 1 for a
// bind, and console.md's notes read 0 bind / 1 unbind; the delivery job
// that creates notices fixes the meaning.
type BindNotice struct {
	DomainName string `json:"domainName"`
	DomainID   string `json:"domainId"`
	XUserID    string `json:"xUserId"`
	BindAction int    `json:"bindAction"`
}

// SignNotice signs payload with RSA-SHA256 (PKCS #1 v1.5) and returns the
// signature in standard Base64, as the Signature field of a notice. For a
// notice the payload is the bindRequest value itself (its Base64 text).
func (k *PlatformKey) SignNotice(payload []byte) (sig string) {
	sum := sha256.Sum256(payload)
	raw, err := rsa.SignPKCS1v15(rand.Reader, k.Key, crypto.SHA256, sum[:])
	if err != nil {
		// Only a broken key fails here, and the key was checked on load.
		panic(fmt.Sprintf("saml: sign notice: %v", err))
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// NoticeForm builds the application/x-www-form-urlencoded body of a notice:
// bindRequest (Base64 of the compact JSON object, keys in the documented
// order), SigAlg and Signature (over the bindRequest value).
func (k *PlatformKey) NoticeForm(n BindNotice) url.Values {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(n) // a struct of strings and an int always encodes
	bindRequest := base64.StdEncoding.EncodeToString(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return url.Values{
		"bindRequest": {bindRequest},
		"SigAlg":      {SigAlgRSASHA256},
		"Signature":   {k.SignNotice([]byte(bindRequest))},
	}
}

// ErrNoticeSignature is returned by VerifyNotice for a notice that was not
// signed by the certificate's key.
var ErrNoticeSignature = errors.New("binding notice: signature does not verify")

// VerifyNotice checks a notice's form as a partner would, with the
// certificate from our SP metadata (CertificateFromMetadata), and returns
// what it says.
func VerifyNotice(cert *x509.Certificate, form url.Values) (BindNotice, error) {
	if form.Get("SigAlg") != SigAlgRSASHA256 {
		return BindNotice{}, fmt.Errorf("binding notice: SigAlg %q", form.Get("SigAlg"))
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return BindNotice{}, fmt.Errorf("binding notice: %T key, want RSA", cert.PublicKey)
	}
	sig, err := base64.StdEncoding.DecodeString(form.Get("Signature"))
	if err != nil {
		return BindNotice{}, ErrNoticeSignature
	}
	bindRequest := form.Get("bindRequest")
	sum := sha256.Sum256([]byte(bindRequest))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return BindNotice{}, ErrNoticeSignature
	}
	raw, err := base64.StdEncoding.DecodeString(bindRequest)
	if err != nil {
		return BindNotice{}, fmt.Errorf("binding notice: bindRequest: %w", err)
	}
	var n BindNotice
	if err := json.Unmarshal(raw, &n); err != nil {
		return BindNotice{}, fmt.Errorf("binding notice: bindRequest: %w", err)
	}
	return n, nil
}

// CertificateFromMetadata returns the signing certificate of the SP in an
// SP metadata document (ours, signed or not).
func CertificateFromMetadata(metadata []byte) (*x509.Certificate, error) {
	var ed crewjam.EntityDescriptor
	if err := xml.Unmarshal(metadata, &ed); err != nil {
		return nil, fmt.Errorf("sp metadata: %w", err)
	}
	for _, sp := range ed.SPSSODescriptors {
		for _, kd := range sp.KeyDescriptors {
			if kd.Use != "" && kd.Use != "signing" {
				continue
			}
			for _, c := range kd.KeyInfo.X509Data.X509Certificates {
				der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(c.Data), ""))
				if err != nil {
					return nil, fmt.Errorf("sp metadata certificate: %w", err)
				}
				return x509.ParseCertificate(der)
			}
		}
	}
	return nil, errors.New("sp metadata: no signing certificate")
}
