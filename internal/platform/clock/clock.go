// Package clock is the only place domain code gets the current time from.
//
// Services take a Clock as a dependency instead of calling time.Now, so that
// tests can pin and move time deterministically (no sleeps, no flaky
// "within a second" assertions) and so that every timestamp the system
// produces is in UTC, whatever the host's TZ is. Rendering in a user's zone
// is the job of the presentation layer, never of storage or business rules.
package clock

import (
	"sync"
	"time"
)

// Clock tells the current time, always in UTC.
type Clock interface {
	Now() time.Time
}

// System returns the real wall clock.
func System() Clock { return systemClock{} }

type systemClock struct{}

// Now returns time.Now in UTC. Converting to UTC also drops the monotonic
// reading, which is what we want: values are stored and compared as wall
// times, and a stripped reading makes == and DeepEqual behave after a round
// trip through the database.
func (systemClock) Now() time.Time { return time.Now().UTC() }

// Mock is a Clock for tests that only moves when told to. It is safe for
// concurrent use, because code under test often reads the clock from
// goroutines (workers, handlers) while the test advances it.
type Mock struct {
	mu  sync.Mutex
	now time.Time
}

var _ Clock = (*Mock)(nil)

// NewMock returns a Mock stopped at t (converted to UTC).
func NewMock(t time.Time) *Mock { return &Mock{now: t.UTC()} }

// Now returns the mock's current time in UTC.
func (m *Mock) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t (converted to UTC). Moving backwards is allowed so
// tests can simulate clock skew.
func (m *Mock) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = t.UTC()
}

// Advance moves the clock by d, which may be negative.
func (m *Mock) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
}
