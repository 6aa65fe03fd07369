package db

import (
	"context"
	"database/sql"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// statementCacheSize bounds the prepared statements a SQLite database
// keeps: the hot read paths' queries, in every filter combination in use.
const statementCacheSize = 512

// statements keeps prepared statements by their SQL, for SQLite, which
// (unlike pgx, which caches per connection by itself) parses every
// statement it is handed: on the customer list a sixth of the time went to
// parsing the same few queries. database/sql prepares a cached statement
// once per connection it runs on; an evicted one closes once its last rows
// are closed.
type statements struct {
	once  sync.Once
	cache *lru.Cache[string, *sql.Stmt]
}

func (st *statements) get(ctx context.Context, d *sql.DB, query string) (*sql.Stmt, error) {
	st.once.Do(func() {
		st.cache, _ = lru.NewWithEvict[string, *sql.Stmt](statementCacheSize, func(_ string, s *sql.Stmt) { s.Close() })
	})
	if s, ok := st.cache.Get(query); ok {
		return s, nil
	}
	s, err := d.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	// Another goroutine may have prepared the same query meanwhile: keep
	// the first, close ours.
	if prev, ok, _ := st.cache.PeekOrAdd(query, s); ok {
		s.Close()
		return prev, nil
	}
	return s, nil
}

// QueryContext runs a read outside a transaction, from a prepared
// statement on SQLite. Use it for queries run again and again (list pages,
// lookups); one-off statements and transactions use d.SQL as before.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if d.Dialect != SQLite {
		return d.SQL.QueryContext(ctx, query, args...)
	}
	s, err := d.stmts.get(ctx, d.SQL, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext is QueryContext for one row.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if d.Dialect != SQLite {
		return d.SQL.QueryRowContext(ctx, query, args...)
	}
	s, err := d.stmts.get(ctx, d.SQL, query)
	if err != nil {
		// sql.Row carries no error of its own making: let database/sql
		// prepare again and report the error through Scan.
		return d.SQL.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}
