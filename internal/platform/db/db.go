// Package db opens Partner Center's database — embedded SQLite by default,
// PostgreSQL when a URL is configured — applies its migrations and runs use
// cases in transactions.
//
// Both databases are spoken to through database/sql with one SQL dialect:
// `$N` placeholders, TEXT ids, BIGINT minor units for money, TIMESTAMP columns
// holding UTC, BOOLEAN flags. Code outside this package never branches on the
// dialect except where a statement truly differs (see Dialect).
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the database behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says which database to open. An empty URL means SQLite in DataDir.
type Config struct {
	DataDir string // SQLite file lives at DataDir/partnercenter.db
	URL     string // postgres://... selects PostgreSQL
	// MaxConns caps the pool; 0 picks a default suited to the dialect.
	MaxConns int
}

// DB is an open database. SQL is the database/sql handle every service uses;
// Pool is the pgx pool behind it on PostgreSQL (nil on SQLite), which River
// needs for LISTEN/NOTIFY.
type DB struct {
	SQL     *sql.DB
	Pool    *pgxpool.Pool
	Dialect Dialect
	// Path is the SQLite file, empty on PostgreSQL.
	Path string

	stmts statements // SQLite's prepared statements (statements.go)
}

// Open connects to the configured database and checks that it answers. It
// does not migrate; call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL != "" {
		return openPostgres(ctx, cfg)
	}
	return openSQLite(ctx, cfg)
}

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data dir: %w", err)
	}
	path := filepath.Join(dir, "partnercenter.db")
	// WAL lets readers run beside the one writer; busy_timeout makes a second
	// writer wait instead of failing; _txlock=immediate takes the write lock
	// at BEGIN so two read-then-write transactions cannot deadlock on upgrade.
	// mmap_size lets reads use the OS page cache in place instead of a
	// read() into each connection's own cache: with a million customers the
	// list's random index lookups spent a tenth of their time in syscalls.
	// It is an upper bound on the mapping, not an allocation.
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=mmap_size(2147483648)" +
		"&_txlock=immediate&_time_format=sqlite"
	sqlDB, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	n := cfg.MaxConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	sqlDB.SetConnMaxIdleTime(0)
	d := &DB{SQL: sqlDB, Dialect: SQLite, Path: path}
	if err := d.Ping(ctx); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return d, nil
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	pcfg, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.MaxConns > 0 {
		pcfg.MaxConns = int32(cfg.MaxConns)
	} else if pcfg.MaxConns < 8 {
		pcfg.MaxConns = 8
	}
	pcfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	d := &DB{SQL: stdlib.OpenDBFromPool(pool), Pool: pool, Dialect: Postgres}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// Ping reports whether the database answers a query within 2 seconds.
func (d *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	var one int
	if err := d.SQL.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("ping %s: %w", d.Dialect, err)
	}
	return nil
}

// Close releases every connection.
func (d *DB) Close() error {
	err := d.SQL.Close()
	if d.Pool != nil {
		d.Pool.Close()
	}
	return err
}

// InSnapshot runs fn in a read-only transaction that sees one consistent
// snapshot — repeatable read on PostgreSQL; on SQLite a transaction, which
// holds off writers while it runs — and always rolls it back. For checks
// that read many tables at one moment (the ledger verifications).
func (d *DB) InSnapshot(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var opts *sql.TxOptions
	if d.Dialect == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	tx, err := d.SQL.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	return fn(tx)
}

// ForUpdate is the row-lock suffix of a SELECT in a write transaction:
// " FOR UPDATE" on PostgreSQL; nothing on SQLite, which has one writer (its
// transactions begin IMMEDIATE) and no such clause.
func (d *DB) ForUpdate() string {
	if d.Dialect == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// ForShareOf is the shared row-lock suffix of a SELECT that reads table
// (its name or alias in the query) to act on what it read: " FOR SHARE OF
// t" on PostgreSQL, so that an UPDATE of those rows waits for the reader's
// transaction and a reader waiting for an UPDATE sees its result; nothing
// on SQLite (one writer).
func (d *DB) ForShareOf(table string) string {
	if d.Dialect == Postgres {
		return " FOR SHARE OF " + table
	}
	return ""
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled back
// otherwise (and on panic). Every use case runs through it, together with the
// jobs it enqueues and the audit rows it writes.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// IsUniqueViolation reports whether err is a unique-constraint failure on
// either database, so services can turn a race into a clean "already exists".
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var coded interface{ SQLState() string }
	if errors.As(err, &coded) && coded.SQLState() == "23505" {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// Querier is what both *sql.DB and *sql.Tx offer, so read helpers can run
// inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Contains returns a LIKE pattern matching s anywhere, with LIKE's own
// wildcards in s escaped; use it with `LIKE $n ESCAPE '\'`.
func Contains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}
