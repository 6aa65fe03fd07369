package identity

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/ids"
)

// AccessKey is one AK/SK pair of a member, used to sign open API calls.
type AccessKey struct {
	ID          string
	AccessKey   string
	PartnerID   string
	MemberID    string
	Description string
	Status      string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
}

// MaxAccessKeys is how many key pairs one member may hold.
const MaxAccessKeys = 2

// ErrTooManyAccessKeys is returned when a member already has MaxAccessKeys.
var ErrTooManyAccessKeys = apperr.New("PC.0409", "err.too_many_access_keys")

const akAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
const skAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randomString(alphabet string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// createAccessKeyTx adds a key pair for a member inside tx and returns the
// secret, which is stored only encrypted with the server key.
func (s *Service) createAccessKeyTx(ctx context.Context, tx *sql.Tx, partnerID, memberID, description string) (AccessKey, string, error) {
	// Lock the member row first so concurrent creations count one after
	// another (PostgreSQL's READ COMMITTED would let both see one key).
	if _, err := tx.ExecContext(ctx, "UPDATE members SET id = id WHERE id = $1 AND partner_id = $2", memberID, partnerID); err != nil {
		return AccessKey{}, "", err
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM access_keys WHERE partner_id = $1 AND member_id = $2",
		partnerID, memberID).Scan(&n); err != nil {
		return AccessKey{}, "", err
	}
	if n >= MaxAccessKeys {
		return AccessKey{}, "", ErrTooManyAccessKeys
	}
	k := AccessKey{
		ID: ids.New(), AccessKey: randomString(akAlphabet, 20), PartnerID: partnerID, MemberID: memberID,
		Description: description, Status: "active", CreatedAt: s.clock.Now(),
	}
	secret := randomString(skAlphabet, 40)
	_, err := tx.ExecContext(ctx, `INSERT INTO access_keys (id, access_key, secret_enc, partner_id, member_id, description, status, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		k.ID, k.AccessKey, s.box.Seal(secret), k.PartnerID, k.MemberID, k.Description, k.Status, k.CreatedAt)
	if err != nil {
		return AccessKey{}, "", fmt.Errorf("create access key: %w", err)
	}
	return k, secret, nil
}

// AccessKeySecret returns the clear secret of a key of the given member, for
// signature verification and for re-printing demo credentials.
func (s *Service) AccessKeySecret(ctx context.Context, partnerID, memberID, accessKey string) (string, error) {
	var sealed string
	err := s.db.SQL.QueryRowContext(ctx,
		"SELECT secret_enc FROM access_keys WHERE access_key = $1 AND partner_id = $2 AND member_id = $3",
		accessKey, partnerID, memberID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.NotFound
	}
	if err != nil {
		return "", fmt.Errorf("load access key: %w", err)
	}
	return s.box.Open(sealed)
}

// AccessKeysOf lists a member's key pairs, oldest first, without secrets.
func (s *Service) AccessKeysOf(ctx context.Context, partnerID, memberID string) ([]AccessKey, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT id, access_key, partner_id, member_id, description, status, created_at, last_used_at
		FROM access_keys WHERE partner_id = $1 AND member_id = $2 ORDER BY id`, partnerID, memberID)
	if err != nil {
		return nil, fmt.Errorf("list access keys: %w", err)
	}
	defer rows.Close()
	var out []AccessKey
	for rows.Next() {
		var k AccessKey
		var last sql.NullTime
		if err := rows.Scan(&k.ID, &k.AccessKey, &k.PartnerID, &k.MemberID, &k.Description, &k.Status, &k.CreatedAt, &last); err != nil {
			return nil, err
		}
		if last.Valid {
			k.LastUsedAt = &last.Time
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// CreateAccessKey adds a key pair for the acting member (我的凭证 > 访问密钥)
// and returns its secret, shown once. Returns ErrTooManyAccessKeys at the
// limit. Not idempotent.
func (s *Service) CreateAccessKey(ctx context.Context, actor Actor, description string) (AccessKey, string, error) {
	if actor.Kind != ActorMember {
		return AccessKey{}, "", ErrForbidden
	}
	var (
		k      AccessKey
		secret string
	)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if k, secret, err = s.createAccessKeyTx(ctx, tx, actor.PartnerID, actor.ID, description); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "access_key.create", k.AccessKey, "", k.CreatedAt)
	})
	return k, secret, err
}
