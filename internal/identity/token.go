package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// TokenLifetime is how long an open API token is valid, as IAM's.
const TokenLifetime = 24 * time.Hour

// tokenBytes is the token's entropy; base64url makes it 64 characters.
const tokenBytes = 48

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// IssueToken authenticates a partner's person by password, as IAM's
// Keystone password method does, and returns a token for the open API's
// X-Auth-Token header, valid for TokenLifetime. domainName is the partner's
// account name; userName the main account's login name (the account name
// itself) or a member's account name. The sign-in rules apply (lockout after
// repeated failures, frozen partners, disabled members), so it returns
// SignInMember's errors: ErrBadCredentials, ErrAccountLocked,
// ErrAccountFrozen, ErrAccountDisable. Not idempotent: every call issues a new
// token. Only the token's hash is stored.
func (s *Service) IssueToken(ctx context.Context, domainName, userName, password string) (string, time.Time, Actor, error) {
	m, p, err := s.SignInMember(ctx, domainName, userName, password)
	if err != nil {
		return "", time.Time{}, Actor{}, err
	}
	a, err := s.actorFor(ctx, m, p)
	if err != nil {
		return "", time.Time{}, Actor{}, err
	}
	a.Kind = ActorAPIKey
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", time.Time{}, Actor{}, fmt.Errorf("issue token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := s.clock.Now()
	expires := now.Add(TokenLifetime)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Expired tokens of the member are of no use to anyone: drop them
		// here rather than in a job, which keeps the table small.
		if _, err := tx.ExecContext(ctx, "DELETE FROM api_tokens WHERE member_id = $1 AND partner_id = $2 AND expires_at <= $3", m.ID, p.ID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, member_id, partner_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, hashToken(token), m.ID, p.ID, now, expires); err != nil {
			return err
		}
		return audit(ctx, tx, a, p.ID, "api_token.issue", m.ID, "", now)
	})
	if err != nil {
		return "", time.Time{}, Actor{}, fmt.Errorf("issue token for %s: %w", m.ID, err)
	}
	return token, expires, a, nil
}

// TokenActor resolves an X-Auth-Token to the actor it acts as. The token
// must exist and not be expired, its member must be active and its partner
// not frozen; otherwise it returns ErrAPICredentials. Results are cached in
// process for a few seconds, but expiry is checked on every call.
func (s *Service) TokenActor(ctx context.Context, token string) (Actor, error) {
	now := s.clock.Now()
	hash := hashToken(token)
	if e, ok := s.apiAuth.token(hash, now); ok {
		if !now.Before(e.extra) {
			return Actor{}, ErrAPICredentials.Wrap(errors.New("token expired"))
		}
		return e.actor, nil
	}
	var memberID, partnerID string
	var expires time.Time
	err := s.db.SQL.QueryRowContext(ctx, "SELECT member_id, partner_id, expires_at FROM api_tokens WHERE token_hash = $1", hash).
		Scan(&memberID, &partnerID, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, ErrAPICredentials.Wrap(errors.New("unknown token"))
	}
	if err != nil {
		return Actor{}, fmt.Errorf("load token: %w", err)
	}
	if !now.Before(expires) {
		return Actor{}, ErrAPICredentials.Wrap(errors.New("token expired"))
	}
	a, err := s.apiActor(ctx, partnerID, memberID)
	if err != nil {
		return Actor{}, err
	}
	s.apiAuth.putToken(hash, cachedToken{actor: a, extra: expires, loaded: now})
	return a, nil
}
