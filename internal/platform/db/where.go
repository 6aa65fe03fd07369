package db

import (
	"fmt"
	"strings"
	"time"
)

// Where builds the filter of a list query: AND-ed conditions with numbered
// placeholders on both databases, and the LIMIT/OFFSET that pages it, so list
// use cases state their filters instead of counting "$n" by hand.
type Where struct {
	conds []string
	args  []any
}

// NewWhere starts a filter with a first condition, usually the tenant scope
// ("partner_id = ?").
func NewWhere(cond string, arg any) *Where {
	w := &Where{}
	return w.Add(cond, arg)
}

// Add appends a condition. With one argument every "?" stands for it
// (one value compared with several columns); with several, the i-th "?"
// stands for args[i] (ranges, IN lists).
func (w *Where) Add(cond string, args ...any) *Where {
	if len(args) == 1 {
		w.args = append(w.args, args[0])
		w.conds = append(w.conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(w.args))))
		return w
	}
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

// In appends "column IN (...)" for vals; nothing for an empty list.
func (w *Where) In(column string, vals []any) *Where {
	switch len(vals) {
	case 0:
		return w
	case 1:
		return w.Add(column+" = ?", vals[0])
	}
	return w.Add(column+" IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")+")", vals...)
}

// Scope appends a condition already numbered from the next argument, with
// its arguments: what identity.Scope.SQL(column, len(w.Args())+1) returns.
func (w *Where) Scope(cond string, args []any) *Where {
	if cond == "" {
		return w
	}
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
	return w
}

// TimeRange bounds column by from and to, both exclusive as Huawei's
// "begin" and "end" filters read; a nil bound does not filter.
func (w *Where) TimeRange(column string, from, to *time.Time) *Where {
	if from != nil {
		w.Add(column+" > ?", from.UTC())
	}
	if to != nil {
		w.Add(column+" < ?", to.UTC())
	}
	return w
}

// AddSQL appends a condition without an argument of its own.
func (w *Where) AddSQL(cond string) *Where {
	w.conds = append(w.conds, cond)
	return w
}

// Contains matches text anywhere in any of columns, ignoring case, with LIKE
// wildcards in text taken literally.
func (w *Where) Contains(text string, columns ...string) *Where {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = "LOWER(" + c + ") LIKE LOWER(?) ESCAPE '\\'"
	}
	return w.Add("("+strings.Join(parts, " OR ")+")", Contains(text))
}

// SQL is " WHERE a AND b", or "" without conditions.
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Args are the condition arguments, in placeholder order.
func (w *Where) Args() []any { return w.args }

// Page returns " LIMIT $a OFFSET $b" and the arguments for SQL() plus
// paging. A negative offset counts as 0.
func (w *Where) Page(limit, offset int) (string, []any) {
	n := len(w.args)
	args := append(append([]any{}, w.args...), limit, max(offset, 0))
	return fmt.Sprintf(" LIMIT $%d OFFSET $%d", n+1, n+2), args
}
