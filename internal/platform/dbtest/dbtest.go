// Package dbtest opens real databases for tests: a fresh SQLite file always,
// and a fresh PostgreSQL schema when TEST_DATABASE_URL is set. With CI=true a
// missing TEST_DATABASE_URL fails the test instead of skipping PostgreSQL.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"partnercenter/internal/platform/db"
)

// Open returns a migrated database of the given dialect, closed and (on
// PostgreSQL) dropped when the test ends. extra runs inside the migration,
// as app does for River.
func Open(tb testing.TB, dialect db.Dialect, extra ...func(*db.DB) func(context.Context) error) *db.DB {
	tb.Helper()
	ctx := context.Background()
	cfg := Config(tb, dialect)
	d, err := db.Open(ctx, cfg)
	if err != nil {
		tb.Fatalf("open %s: %v", dialect, err)
	}
	tb.Cleanup(func() { d.Close() })
	var fns []func(context.Context) error
	for _, e := range extra {
		fns = append(fns, e(d))
	}
	if err := d.Migrate(ctx, fns...); err != nil {
		tb.Fatalf("migrate %s: %v", dialect, err)
	}
	return d
}

// Config returns an empty database's configuration for dialect: a temp
// directory for SQLite, a new schema for PostgreSQL (dropped at cleanup).
func Config(tb testing.TB, dialect db.Dialect) db.Config {
	tb.Helper()
	if dialect == db.SQLite {
		return db.Config{DataDir: tb.TempDir()}
	}
	url := PostgresURL(tb)
	schema := "t_" + randomHex(8)
	admin, err := db.Open(context.Background(), db.Config{URL: url, MaxConns: 1})
	if err != nil {
		tb.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.SQL.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin, err := db.Open(context.Background(), db.Config{URL: url, MaxConns: 1})
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.SQL.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	return db.Config{URL: withSearchPath(url, schema)}
}

// withSearchPath adds search_path to a PostgreSQL URL; pgx passes unknown
// URL parameters to the server as run-time settings, so every connection of
// every pool opened from the URL (an app's, River's) uses the test's schema.
func withSearchPath(url, schema string) string {
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "search_path=" + schema
}

// PostgresURL returns TEST_DATABASE_URL, skipping the test when it is unset
// (failing it under CI=true).
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("TEST_DATABASE_URL is not set; CI must test PostgreSQL")
		}
		tb.Skip("TEST_DATABASE_URL not set: PostgreSQL not tested")
	}
	return url
}

// Dialects lists the databases every database test runs on.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// Each runs fn as a subtest per dialect with a freshly migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB), extra ...func(*db.DB) func(context.Context) error) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, Open(t, dialect, extra...))
		})
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
