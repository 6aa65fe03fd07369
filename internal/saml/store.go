package saml

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/db"
)

// pendingRequest is an AuthnRequest sent and not yet answered.
type pendingRequest struct {
	ID           string
	PartnerID    string
	XAccountType string
	IsFirstLogin bool
	Service      string
	// BrowserHash is the SHA-256 (hex) of the browser cookie that started
	// the login.
	BrowserHash string
	ExpiresAt   time.Time
}

// maxRequestID bounds an InResponseTo we look up.
const maxRequestID = 256

func hashBrowser(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// saveRequest remembers a login, and forgets the logins and assertion ids
// whose time has passed (cheap with their indexes, and no job needed).
func (s *Service) saveRequest(ctx context.Context, p pendingRequest, now time.Time) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM saml_requests WHERE expires_at < $1", now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM saml_assertions WHERE expires_at < $1", now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO saml_requests (id, partner_id, xaccount_type, is_first_login, service,
			browser_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			p.ID, p.PartnerID, p.XAccountType, p.IsFirstLogin, p.Service, p.BrowserHash, now, p.ExpiresAt)
		return err
	})
}

// openRequest returns the login id answers if it is still open and was
// started by the browser holding browserToken. Anything else is
// ErrRequestUnknown, never saying which.
func (s *Service) openRequest(ctx context.Context, id, browserToken string, now time.Time) (pendingRequest, error) {
	if id == "" || len(id) > maxRequestID {
		return pendingRequest{}, ErrRequestUnknown
	}
	var p pendingRequest
	err := s.DB.SQL.QueryRowContext(ctx, `SELECT id, partner_id, xaccount_type, is_first_login, service, browser_hash, expires_at
		FROM saml_requests WHERE id = $1`, id).
		Scan(&p.ID, &p.PartnerID, &p.XAccountType, &p.IsFirstLogin, &p.Service, &p.BrowserHash, &p.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return pendingRequest{}, ErrRequestUnknown.Wrap(errors.New("no such request"))
	}
	if err != nil {
		return pendingRequest{}, fmt.Errorf("load saml request: %w", err)
	}
	if !now.Before(p.ExpiresAt) {
		return pendingRequest{}, ErrRequestUnknown.Wrap(errors.New("request expired"))
	}
	if browserToken == "" || subtle.ConstantTimeCompare([]byte(hashBrowser(browserToken)), []byte(p.BrowserHash)) != 1 {
		return pendingRequest{}, ErrRequestUnknown.Wrap(errors.New("started in another browser"))
	}
	return p, nil
}

// completeLogin records a verified assertion, consuming the login it
// answers (requestID empty for an IdP-initiated one), in one transaction:
// a second answer to the same login, or the same assertion again, fails.
func (s *Service) completeLogin(ctx context.Context, requestID, partnerID, assertionID string, until, now time.Time) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if requestID != "" {
			res, err := tx.ExecContext(ctx, "DELETE FROM saml_requests WHERE id = $1 AND partner_id = $2 AND expires_at > $3",
				requestID, partnerID, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return ErrRequestUnknown.Wrap(errors.New("request already answered"))
			}
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO saml_assertions (partner_id, assertion_id, expires_at) VALUES ($1, $2, $3)",
			partnerID, assertionID, until)
		if db.IsUniqueViolation(err) {
			return ErrReplayed.Wrap(fmt.Errorf("assertion %s", assertionID))
		}
		return err
	})
}
