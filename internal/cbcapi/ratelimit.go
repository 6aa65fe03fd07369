package cbcapi

import (
	"sync"
	"time"

	"golang.org/x/time/rate"

	"partnercenter/internal/platform/clock"
)

// limiter is a token bucket per key (a partner and a route, or a client IP
// and a route), as Huawei's flow control counts per account and API
// (reference/cbc-api.md §1.8). It lives in process: with several nodes behind
// a balancer each node allows the configured rate. Time comes from the
// injected clock, so tests control refills.
type limiter struct {
	limit   rate.Limit
	burst   int
	clock   clock.Clock
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	l    *rate.Limiter
	last time.Time
}

// limiterIdle is how long an unused bucket is kept; a bucket idle that long
// is full again, so dropping it changes nothing.
const limiterIdle = 10 * time.Minute

// newLimiter returns nil (no limiting) when perSecond <= 0.
func newLimiter(perSecond float64, burst int, c clock.Clock) *limiter {
	if perSecond <= 0 {
		return nil
	}
	if burst < 1 {
		burst = max(1, int(perSecond))
	}
	return &limiter{limit: rate.Limit(perSecond), burst: burst, clock: c, buckets: map[string]*bucket{}}
}

// allow takes one token from key's bucket, reporting false when it is empty.
func (l *limiter) allow(key string) bool {
	if l == nil {
		return true
	}
	now := l.clock.Now()
	l.mu.Lock()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{l: rate.NewLimiter(l.limit, l.burst)}
		l.buckets[key] = b
	}
	b.last = now
	if now.Sub(l.swept) > limiterIdle {
		l.swept = now
		for k, b := range l.buckets {
			if now.Sub(b.last) > limiterIdle {
				delete(l.buckets, k)
			}
		}
	}
	l.mu.Unlock()
	return b.l.AllowN(now, 1)
}
