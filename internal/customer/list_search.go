package customer

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"partnercenter/internal/platform/db"
)

// searchSelectiveMax is how many customers (of every partner) a "contains"
// search may find in the trigram index for the list to start from them.
// Above it the text is common and a page is found sooner by walking the
// partner's associations newest first, stopping at the first matches.
const searchSelectiveMax = 2000

// searchVerdictTTL is how long the list trusts what it learned about a
// text's rarity. The verdict only chooses where a query starts, never what
// it finds (the LIKE condition decides), so a stale one costs time, not
// correctness; it spares the index probe, a fifth of a common search.
const searchVerdictTTL = 5 * time.Minute

// searchVerdict is whether a text was rare in a column, and since when.
type searchVerdict struct {
	rare bool
	at   time.Time
}

// Searchable customer columns: the lower-cased account name and the
// real-name name, both in the trigram index (dialect migration 00014).
const (
	searchAccountName = "domain_name_key"
	searchRealName    = "real_name"
)

// selectiveSearch is how the list narrows a "contains" filter through the
// trigram index on SQLite: when text (already lower-cased) is long enough to
// have trigrams and occurs in at most searchSelectiveMax customers of all,
// it returns the condition on customers c that picks them by rowid, with
// its argument, and ok. The caller keeps its LIKE condition beside it (the
// index finds candidates; LIKE decides) and lets the candidates drive the
// query. PostgreSQL needs none of this: its planner chooses between the
// pg_trgm indexes and the association index by itself.
func (s *Service) selectiveSearch(ctx context.Context, column, text string, nextArg int) (cond string, arg any, ok bool, err error) {
	if s.db.Dialect != db.SQLite || utf8.RuneCountInString(text) < 3 {
		return "", nil, false, nil
	}
	match := column + ` : "` + strings.ReplaceAll(text, `"`, `""`) + `"`
	v, known := s.lists.searches.Get(match)
	if !known || time.Since(v.at) > searchVerdictTTL {
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM customer_search WHERE customer_search MATCH $1 LIMIT $2)`,
			match, searchSelectiveMax+1).Scan(&n); err != nil {
			return "", nil, false, fmt.Errorf("customer search: %w", err)
		}
		v = searchVerdict{rare: n <= searchSelectiveMax, at: time.Now()}
		s.lists.searches.Add(match, v)
	}
	if !v.rare {
		return "", nil, false, nil
	}
	return fmt.Sprintf("c.rowid IN (SELECT rowid FROM customer_search WHERE customer_search MATCH $%d)", nextArg), match, true, nil
}
