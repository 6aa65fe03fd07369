// Package sessions stores console sessions (alexedwards/scs) in the
// application database, so every node behind a load balancer sees the same
// sessions and CSRF tokens.
package sessions

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/alexedwards/scs/v2"

	"partnercenter/internal/platform/db"
)

// Store implements scs.CtxStore on the sessions table.
type Store struct {
	db *db.DB
}

var _ scs.CtxStore = (*Store)(nil)

// NewStore returns a session store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// FindCtx returns the session data for token, if it exists and has not expired.
func (s *Store) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := s.db.SQL.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = $1 AND expiry > $2",
		token, time.Now().UTC()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}

// CommitCtx saves the session data for token until expiry.
func (s *Store) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := s.db.SQL.ExecContext(ctx, `INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, data, expiry.UTC())
	return err
}

// DeleteCtx removes a session.
func (s *Store) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.SQL.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// Find, Commit and Delete satisfy scs.Store for callers without a context.
func (s *Store) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s *Store) Commit(token string, data []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, data, expiry)
}
func (s *Store) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// PurgeExpired deletes expired sessions and reports how many; a periodic job
// calls it.
func (s *Store) PurgeExpired(ctx context.Context) (int64, error) {
	res, err := s.db.SQL.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", time.Now().UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
