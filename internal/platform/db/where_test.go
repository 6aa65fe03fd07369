package db

import (
	"reflect"
	"testing"
	"time"
)

func TestWhere(t *testing.T) {
	w := NewWhere("partner_id = ?", "p1").Add("status = ?", "active").Contains("50%_off", "name", "domain_name").AddSQL("deleted_at IS NULL")
	if got, want := w.SQL(), ` WHERE partner_id = $1 AND status = $2 AND (LOWER(name) LIKE LOWER($3) ESCAPE '\' OR LOWER(domain_name) LIKE LOWER($3) ESCAPE '\') AND deleted_at IS NULL`; got != want {
		t.Fatalf("SQL:\n got %s\nwant %s", got, want)
	}
	page, args := w.Page(20, -5)
	if page != " LIMIT $4 OFFSET $5" {
		t.Fatalf("page %q", page)
	}
	if want := []any{"p1", "active", `%50\%\_off%`, 20, 0}; !reflect.DeepEqual(args, want) {
		t.Fatalf("args %v, want %v", args, want)
	}
	if got := (&Where{}).SQL(); got != "" {
		t.Fatalf("empty filter gave %q", got)
	}
}

func TestWhereArgumentsInOrder(t *testing.T) {
	w := NewWhere("partner_id = ?", "p1").
		Add("created_at BETWEEN ? AND ?", 1, 2).
		In("status", []any{"a", "b", "c"}).
		In("type", []any{7}).
		In("kind", nil).
		Scope("c.manager_id = $8", []any{"m1"})
	want := ` WHERE partner_id = $1 AND created_at BETWEEN $2 AND $3 AND status IN ($4, $5, $6) AND type = $7 AND c.manager_id = $8`
	if got := w.SQL(); got != want {
		t.Fatalf("SQL:\n got %s\nwant %s", got, want)
	}
	if want := []any{"p1", 1, 2, "a", "b", "c", 7, "m1"}; !reflect.DeepEqual(w.Args(), want) {
		t.Fatalf("args %v, want %v", w.Args(), want)
	}
	if (&Where{}).Scope("", nil).SQL() != "" {
		t.Fatal("an empty scope added a condition")
	}
}

func TestWhereTimeRange(t *testing.T) {
	from := time.Date(2026, 1, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	w := (&Where{}).TimeRange("a", &from, nil).TimeRange("b", nil, &from).TimeRange("c", nil, nil)
	if got, want := w.SQL(), " WHERE a > $1 AND b < $2"; got != want {
		t.Fatalf("SQL %q, want %q", got, want)
	}
	if got := w.Args()[0].(time.Time); got.Location() != time.UTC || !got.Equal(from) {
		t.Fatalf("bound %v, want %v in UTC", got, from)
	}
}
