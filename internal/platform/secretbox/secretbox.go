// Package secretbox encrypts small secrets (access-key secrets) at rest with
// the server key, using AES-256-GCM. The server key comes from PC_SECRET_KEY,
// else a key file in the data directory (created on first start), else, on
// PostgreSQL without a data directory shared by the nodes, the settings table —
// so every node of a cluster decrypts what another encrypted.
package secretbox

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"partnercenter/internal/platform/db"
)

// Box seals and opens secrets with one 32-byte key.
type Box struct {
	aead cipher.AEAD
	key  []byte
}

// New returns a Box for a 32-byte key.
func New(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("server key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead, key: append([]byte(nil), key...)}, nil
}

// ParseKey accepts 64 hex characters or base64 of 32 bytes.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("server key must be 64 hex characters or base64 of 32 bytes")
}

// Seal encrypts plaintext; the result is printable (base64 of nonce+ciphertext).
func (b *Box) Seal(plaintext string) string {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return base64.StdEncoding.EncodeToString(out)
}

// Open decrypts what Seal produced.
func (b *Box) Open(sealed string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return "", errors.New("open secret: malformed")
	}
	n := b.aead.NonceSize()
	pt, err := b.aead.Open(nil, raw[:n], raw[n:], nil)
	if err != nil {
		return "", fmt.Errorf("open secret: %w", err)
	}
	return string(pt), nil
}

// Derive returns a stable sub-key for purpose, so one server key can seed
// several independent uses (for example deterministic demo passwords).
func (b *Box) Derive(purpose string) []byte {
	return derive(b.key, purpose)
}

// Load finds the server key: configured (PC_SECRET_KEY) first; on SQLite a
// key file in dataDir, created on first use; on PostgreSQL a row of the
// settings table, created once by whichever node gets there first.
func Load(ctx context.Context, configured, dataDir string, d *db.DB) (*Box, error) {
	if configured != "" {
		key, err := ParseKey(configured)
		if err != nil {
			return nil, fmt.Errorf("PC_SECRET_KEY: %w", err)
		}
		return New(key)
	}
	if d.Dialect == db.Postgres {
		return loadFromSettings(ctx, d)
	}
	return loadFromFile(filepath.Join(dataDir, "secret.key"))
}

func loadFromFile(path string) (*Box, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.WriteString(hex.EncodeToString(key) + "\n")
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return nil, fmt.Errorf("write server key: %w", err)
			}
			return New(key)
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("create server key: %w", err)
		}
		raw, err = os.ReadFile(path) // another process won the race
	}
	if err != nil {
		return nil, fmt.Errorf("read server key: %w", err)
	}
	key, err := ParseKey(string(raw))
	if err != nil {
		return nil, fmt.Errorf("server key file %s: %w", path, err)
	}
	return New(key)
}

func loadFromSettings(ctx context.Context, d *db.DB) (*Box, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var stored string
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx,
			"INSERT INTO settings (key, value) VALUES ('server_key', $1) ON CONFLICT (key) DO NOTHING",
			hex.EncodeToString(fresh)); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'server_key'").Scan(&stored)
	})
	if err != nil {
		return nil, fmt.Errorf("load server key: %w", err)
	}
	key, err := ParseKey(stored)
	if err != nil {
		return nil, err
	}
	return New(key)
}
