package commerce

import (
	"context"
	"fmt"
	"time"
)

// RefreshInterval is how often a node looks for catalogue edits made on
// another node. Every edit bumps price_versions.version in its transaction;
// a read on a node whose last look is older than this starts one
// background look (never more than one at a time) and reloads the snapshot
// when the stored version is newer. On the node that made the edit the
// snapshot is reloaded at once.
const RefreshInterval = 2 * time.Second

// SetRefreshInterval changes how often this node looks for other nodes'
// edits (RefreshInterval by default; tests shorten it).
func (c *Catalog) SetRefreshInterval(d time.Duration) {
	c.interval.Store(int64(d))
	c.nextCheck.Store(time.Now().Add(d).UnixNano())
}

func (c *Catalog) refreshInterval() time.Duration {
	if d := c.interval.Load(); d > 0 {
		return time.Duration(d)
	}
	return RefreshInterval
}

// refreshSoon starts a background version check when one is due.
func (c *Catalog) refreshSoon(context.Context) {
	if time.Now().UnixNano() < c.nextCheck.Load() || !c.refreshing.CompareAndSwap(false, true) {
		return
	}
	c.nextCheck.Store(time.Now().Add(c.refreshInterval()).UnixNano())
	go func() {
		defer c.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = c.ReloadIfChanged(ctx)
	}()
}

// ReloadIfChanged reloads the snapshot when the stored price version is
// newer than the one held, and reports whether it did.
func (c *Catalog) ReloadIfChanged(ctx context.Context) (bool, error) {
	var v int64
	if err := c.db.SQL.QueryRowContext(ctx, "SELECT version FROM price_versions WHERE id = 1").Scan(&v); err != nil {
		return false, fmt.Errorf("load price version: %w", err)
	}
	if v == c.prices.Load().version {
		return false, nil
	}
	return true, c.Reload(ctx)
}
