package saml

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/secretbox"
)

// PlatformKey is the platform's SP key pair: it signs AuthnRequests, the SP
// metadata and binding notices, and decrypts assertions IdPs encrypt to the
// certificate in our metadata.
type PlatformKey struct {
	Key         *rsa.PrivateKey
	Certificate *x509.Certificate
}

const (
	platformKeyID   = "platform"
	platformKeyBits = 2048
	// platformKeyYears is how long the self-signed certificate is valid.
	platformKeyYears = 10
)

// LoadPlatformKey returns the platform's key pair, creating it on first use.
// Several nodes may call it at once: each may generate a key, but only the
// first insert wins and every node returns that one. box opens the private
// key, which is stored sealed.
func LoadPlatformKey(ctx context.Context, d *db.DB, box *secretbox.Box, now time.Time) (*PlatformKey, error) {
	k, err := readPlatformKey(ctx, d, box)
	if !errors.Is(err, sql.ErrNoRows) {
		return k, err
	}
	keyPEM, certPEM, err := newPlatformKey(now)
	if err != nil {
		return nil, fmt.Errorf("generate platform key: %w", err)
	}
	if _, err := d.SQL.ExecContext(ctx, `INSERT INTO saml_sp_keys (id, private_key_enc, certificate_pem, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`, platformKeyID, box.Seal(string(keyPEM)), string(certPEM), now); err != nil {
		return nil, fmt.Errorf("store platform key: %w", err)
	}
	return readPlatformKey(ctx, d, box)
}

func readPlatformKey(ctx context.Context, d *db.DB, box *secretbox.Box) (*PlatformKey, error) {
	var sealed, certPEM string
	err := d.SQL.QueryRowContext(ctx, "SELECT private_key_enc, certificate_pem FROM saml_sp_keys WHERE id = $1", platformKeyID).
		Scan(&sealed, &certPEM)
	if err != nil {
		return nil, err
	}
	keyPEM, err := box.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("open platform key: %w", err)
	}
	kb, _ := pem.Decode([]byte(keyPEM))
	cb, _ := pem.Decode([]byte(certPEM))
	if kb == nil || cb == nil {
		return nil, errors.New("platform key: malformed PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("platform key: %w", err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("platform key: %T, want RSA", parsed)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("platform certificate: %w", err)
	}
	return &PlatformKey{Key: key, Certificate: cert}, nil
}

// newPlatformKey makes an RSA key and a self-signed certificate valid for
// platformKeyYears from an hour before now (for clocks behind ours).
func newPlatformKey(now time.Time) (keyPEM, certPEM []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, platformKeyBits)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "Partner Center SAML SP", Organization: []string{"Partner Center"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(platformKeyYears, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

// CertificatePEM is the platform certificate in PEM, as partners load it.
func (k *PlatformKey) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: k.Certificate.Raw})
}
