package db

import (
	"context"
	"sync"
	"testing"
)

// TestPreparedReads: reads through the statement cache give the same
// answers as plain ones, concurrently, and a bad query still reports its
// error.
func TestPreparedReads(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.SQL.Exec(`CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3)`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				var sum int
				if err := d.QueryRowContext(ctx, "SELECT SUM(n) FROM t WHERE n >= $1", 2).Scan(&sum); err != nil || sum != 5 {
					t.Errorf("sum = %d, %v; want 5", sum, err)
					return
				}
				rows, err := d.QueryContext(ctx, "SELECT n FROM t ORDER BY n")
				if err != nil {
					t.Error(err)
					return
				}
				var got []int
				for rows.Next() {
					var n int
					if err := rows.Scan(&n); err != nil {
						t.Error(err)
					}
					got = append(got, n)
				}
				rows.Close()
				if len(got) != 3 {
					t.Errorf("rows = %v", got)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got := d.stmts.cache.Len(); got != 2 {
		t.Errorf("%d statements cached, want 2", got)
	}
	var n int
	if err := d.QueryRowContext(ctx, "SELECT nope FROM t").Scan(&n); err == nil {
		t.Error("a bad query gave no error")
	}
	if _, err := d.QueryContext(ctx, "SELECT nope FROM t"); err == nil {
		t.Error("a bad query gave no error")
	}
}
