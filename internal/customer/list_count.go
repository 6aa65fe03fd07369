package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	lru "github.com/hashicorp/golang-lru/v2"
)

// listCacheSize bounds the remembered counts (one per partner, data scope
// and filter combination in use) and search verdicts.
const listCacheSize = 8192

// listCache remembers what the list can reuse between requests: exact
// counts, and (list_search.go) whether a search text is rare.
//
// Counts: a count over 100,000 customers reads the partner's whole index
// range (tens of milliseconds); a user paging through a filtered list, or a
// sales platform polling it, asks the same count again and again. Each entry is stored under the partner's
// customer-list version (partner_customer_versions, kept by triggers on
// every table the list filters on), read before counting, so a count is
// served only while nothing it depends on has changed — exact on every node.
type listCache struct {
	counts   *lru.Cache[string, countEntry]
	searches *lru.Cache[string, searchVerdict]
}

type countEntry struct {
	version int64
	total   int
}

func newListCache() *listCache {
	counts, err := lru.New[string, countEntry](listCacheSize)
	if err != nil {
		panic(err) // only for a non-positive size
	}
	searches, err := lru.New[string, searchVerdict](listCacheSize)
	if err != nil {
		panic(err)
	}
	return &listCache{counts: counts, searches: searches}
}

// countCurrent runs count, a COUNT(*) over partnerID's current customers
// with the list's conditions and args, or returns the count it ran for the
// same query while partnerID's customer-list version was what it is now.
func (s *Service) countCurrent(ctx context.Context, partnerID, count string, args []any) (int, error) {
	version, err := s.listVersion(ctx, partnerID)
	if err != nil {
		return 0, err
	}
	key := countKey(count, args)
	if e, ok := s.lists.counts.Get(key); ok && e.version == version {
		return e.total, nil
	}
	var total int
	if err := s.db.QueryRowContext(ctx, count, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count customers: %w", err)
	}
	s.lists.counts.Add(key, countEntry{version: version, total: total})
	return total, nil
}

// listVersion is partnerID's customer-list version; 0 before its first
// change. It must be read before counting: a change committed in between
// then leaves a count newer than its version, which the next read of the
// (bumped) version discards, never an older one.
func (s *Service) listVersion(ctx context.Context, partnerID string) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, "SELECT version FROM partner_customer_versions WHERE partner_id = $1", partnerID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("customer list version: %w", err)
	}
	return v, nil
}

// countKey identifies a count by its SQL and arguments (the partner and
// data scope are among them).
func countKey(count string, args []any) string {
	var b strings.Builder
	b.WriteString(count)
	for _, a := range args {
		fmt.Fprintf(&b, "\x00%T:%v", a, a)
	}
	return b.String()
}
