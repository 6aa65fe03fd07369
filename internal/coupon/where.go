package coupon

import (
	"fmt"
	"strings"
)

// where builds a list query's filter: AND-ed conditions whose "?" are
// numbered in order, one argument each, so IN lists take several.
type where struct {
	conds []string
	args  []any
}

// add appends cond, its i-th "?" standing for args[i].
func (w *where) add(cond string, args ...any) *where {
	var b strings.Builder
	i := 0
	for _, r := range cond {
		if r == '?' && i < len(args) {
			w.args = append(w.args, args[i])
			i++
			fmt.Fprintf(&b, "$%d", len(w.args))
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
	return w
}

// in appends "column IN (...)" for vals; nothing for an empty list.
func (w *where) in(column string, vals []any) *where {
	if len(vals) == 0 {
		return w
	}
	return w.add(column+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")", vals...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// page returns " LIMIT $a OFFSET $b" and all arguments.
func (w *where) page(offset, limit int) (string, []any) {
	n := len(w.args)
	return fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2), append(append([]any{}, w.args...), limit, offset)
}

func anys[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// scope adds the actor's data scope on column (already numbered from the
// next argument by identity.Scope.SQL).
func (w *where) scope(cond string, args []any) *where {
	if cond == "" {
		return w
	}
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
	return w
}
