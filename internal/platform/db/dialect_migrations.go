package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

// dialectMigrationFiles hold the few schema changes that cannot be written
// once for both databases (triggers, mostly). Each version has four files,
// NNNNN_name.{sqlite,postgres}.{up,down}.sql, and takes its place in the
// one numbered sequence beside the portable migrations/*.sql.
//
//go:embed dialect_migrations/*.sql
var dialectMigrationFiles embed.FS

// dialectMigrations returns the dialect-specific migrations for dialect as
// goose Go migrations, each running its file in the migration transaction.
func dialectMigrations(dialect Dialect) ([]*goose.Migration, error) {
	suffix := ".sqlite."
	if dialect == Postgres {
		suffix = ".postgres."
	}
	names, err := dialectMigrationFiles.ReadDir("dialect_migrations")
	if err != nil {
		return nil, err
	}
	type pair struct{ up, down string }
	byVersion := map[int64]*pair{}
	var order []int64
	for _, e := range names {
		name := e.Name()
		if !strings.Contains(name, suffix) {
			continue
		}
		version, err := strconv.ParseInt(name[:strings.IndexByte(name, '_')], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("dialect migration %s: %w", name, err)
		}
		raw, err := dialectMigrationFiles.ReadFile(path.Join("dialect_migrations", name))
		if err != nil {
			return nil, err
		}
		p := byVersion[version]
		if p == nil {
			p = &pair{}
			byVersion[version] = p
			order = append(order, version)
		}
		switch {
		case strings.HasSuffix(name, ".up.sql"):
			p.up = string(raw)
		case strings.HasSuffix(name, ".down.sql"):
			p.down = string(raw)
		default:
			return nil, fmt.Errorf("dialect migration %s: want .up.sql or .down.sql", name)
		}
	}
	out := make([]*goose.Migration, 0, len(order))
	for _, v := range order {
		p := byVersion[v]
		if p.up == "" || p.down == "" {
			return nil, fmt.Errorf("dialect migration %05d: needs both up and down for %s", v, strings.Trim(suffix, "."))
		}
		out = append(out, goose.NewGoMigration(v, execSQL(p.up), execSQL(p.down)))
	}
	return out, nil
}

// execSQL runs a whole file of statements; both drivers accept several
// statements in one Exec without arguments.
func execSQL(script string) *goose.GoFunc {
	return &goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, script)
		return err
	}}
}
