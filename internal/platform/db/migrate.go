package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockID is the PostgreSQL advisory lock that serializes schema
// changes when several nodes start at once.
const migrationLockID = 7_301_202_611

// Migrate applies every pending schema migration, then runs extra (River's
// migrations, wired in by the caller) under the same lock. Several processes
// may call it at once: on PostgreSQL an advisory lock makes them take turns;
// on SQLite the single writer does.
func (d *DB) Migrate(ctx context.Context, extra ...func(context.Context) error) error {
	unlock, err := d.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	byDialect, err := dialectMigrations(d.Dialect)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, d.SQL, fsys, goose.WithGoMigrations(byDialect...))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	for _, fn := range extra {
		if err := fn(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) lockMigrations(ctx context.Context) (func(), error) {
	if d.Dialect != Postgres {
		return func() {}, nil
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID); err != nil {
		conn.Close()
		return nil, fmt.Errorf("migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", migrationLockID)
		conn.Close()
	}, nil
}
