package identity

import (
	"sync"
	"time"
)

// The open API authenticates every request, and most requests come from a
// few keys, so resolving a key or token to its actor is cached in process
// for apiAuthTTL. Changes made through this Service (disabling a key,
// freezing a partner) drop the affected entries at once; other nodes see
// them within apiAuthTTL.
const (
	apiAuthTTL = 5 * time.Second
	// lastUsedEvery is how often a key's last_used_at is written at most,
	// so that busy keys do not cost a write per request.
	lastUsedEvery = time.Minute
	// apiAuthSweepEvery is how often stale entries are swept from memory.
	apiAuthSweepEvery = time.Minute
)

// apiAuthState is the Service's in-process memory of API credentials. Its
// zero value is ready to use.
type apiAuthState struct {
	mu        sync.RWMutex
	keys      map[string]cachedKey   // by access key
	tokens    map[string]cachedToken // by token hash
	touched   map[string]time.Time   // access key → last last_used_at write
	lastSweep time.Time
}

// cached is one resolved credential: its actor and what else the check
// needs (a key's secret, a token's expiry).
type cached[T any] struct {
	actor  Actor
	extra  T
	loaded time.Time
}

type (
	cachedKey   = cached[string]    // extra: the secret key
	cachedToken = cached[time.Time] // extra: the expiry
)

// fresh reports whether an entry loaded at loaded may still be used at now.
// A clock that went backwards makes every entry stale.
func fresh(loaded, now time.Time) bool {
	d := now.Sub(loaded)
	return d >= 0 && d < apiAuthTTL
}

// lookup returns m's fresh entry for k; callers hold c.mu.
func lookup[T any](m map[string]cached[T], k string, now time.Time) (cached[T], bool) {
	e, ok := m[k]
	return e, ok && fresh(e.loaded, now)
}

// store puts e under k in *m, creating the map on first use; callers hold
// c.mu for writing.
func store[T any](m *map[string]cached[T], k string, e cached[T]) {
	if *m == nil {
		*m = map[string]cached[T]{}
	}
	(*m)[k] = e
}

// dropWhere deletes m's entries for which drop says so.
func dropWhere[T any](m map[string]cached[T], drop func(cached[T]) bool) {
	for k, e := range m {
		if drop(e) {
			delete(m, k)
		}
	}
}

func (c *apiAuthState) key(ak string, now time.Time) (cachedKey, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return lookup(c.keys, ak, now)
}

func (c *apiAuthState) putKey(ak string, e cachedKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	store(&c.keys, ak, e)
	c.sweepLocked(e.loaded)
}

func (c *apiAuthState) token(hash string, now time.Time) (cachedToken, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return lookup(c.tokens, hash, now)
}

func (c *apiAuthState) putToken(hash string, e cachedToken) {
	c.mu.Lock()
	defer c.mu.Unlock()
	store(&c.tokens, hash, e)
	c.sweepLocked(e.loaded)
}

// sweepLocked drops stale entries about once a minute, so keys and tokens
// that stopped being used do not stay in memory.
func (c *apiAuthState) sweepLocked(now time.Time) {
	if d := now.Sub(c.lastSweep); d >= 0 && d < apiAuthSweepEvery {
		return
	}
	c.lastSweep = now
	dropWhere(c.keys, func(e cachedKey) bool { return !fresh(e.loaded, now) })
	dropWhere(c.tokens, func(e cachedToken) bool { return !fresh(e.loaded, now) })
	for k, t := range c.touched {
		if d := now.Sub(t); d < 0 || d >= lastUsedEvery {
			delete(c.touched, k)
		}
	}
}

// forgetKey drops one access key, after its status changed.
func (c *apiAuthState) forgetKey(ak string) {
	c.mu.Lock()
	delete(c.keys, ak)
	c.mu.Unlock()
}

// forgetPartner drops every key and token of a partner, after a change
// that may lock it out (a freeze, a member disabled, roles changed).
func (c *apiAuthState) forgetPartner(partnerID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	dropWhere(c.keys, func(e cachedKey) bool { return e.actor.PartnerID == partnerID })
	dropWhere(c.tokens, func(e cachedToken) bool { return e.actor.PartnerID == partnerID })
}

// touchDue reports whether ak's last_used_at should be written now, and if
// so records the write, so that concurrent requests write it only once.
func (c *apiAuthState) touchDue(ak string, now time.Time) bool {
	c.mu.RLock()
	last, ok := c.touched[ak]
	c.mu.RUnlock()
	if ok {
		if d := now.Sub(last); d >= 0 && d < lastUsedEvery {
			return false
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if last, ok := c.touched[ak]; ok {
		if d := now.Sub(last); d >= 0 && d < lastUsedEvery {
			return false
		}
	}
	if c.touched == nil {
		c.touched = map[string]time.Time{}
	}
	c.touched[ak] = now
	return true
}
