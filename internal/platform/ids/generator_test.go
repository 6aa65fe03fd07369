package ids

import (
	"testing"
	"time"
)

// stoppedGenerator returns a generator whose clock reads *now.
func stoppedGenerator(tb testing.TB, now *time.Time) *generator {
	tb.Helper()
	return &generator{now: func() time.Time { return *now }}
}

func TestGeneratorNext(t *testing.T) {
	base := time.UnixMilli(1_700_000_000_000)

	tests := []struct {
		name    string
		prepare func(g *generator, now *time.Time) // runs before the call under test
		wantMS  int64
		wantSeq uint16
	}{
		{
			name:    "starts a new millisecond at sequence zero",
			prepare: func(*generator, *time.Time) {},
			wantMS:  base.UnixMilli(),
			wantSeq: 0,
		},
		{
			name:    "counts up within the same millisecond",
			prepare: func(g *generator, _ *time.Time) { g.next(); g.next() },
			wantMS:  base.UnixMilli(),
			wantSeq: 2,
		},
		{
			name: "resets the sequence when the millisecond moves on",
			prepare: func(g *generator, now *time.Time) {
				g.next()
				g.next()
				*now = now.Add(time.Millisecond)
			},
			wantMS:  base.UnixMilli() + 1,
			wantSeq: 0,
		},
		{
			name: "keeps counting when the clock steps backwards",
			prepare: func(g *generator, now *time.Time) {
				g.next()
				*now = now.Add(-time.Second)
			},
			wantMS:  base.UnixMilli(),
			wantSeq: 1,
		},
		{
			name: "borrows the next millisecond when the sequence is exhausted",
			prepare: func(g *generator, _ *time.Time) {
				for range maxSeq + 1 {
					g.next()
				}
			},
			wantMS:  base.UnixMilli() + 1,
			wantSeq: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := base
			g := stoppedGenerator(t, &now)
			tt.prepare(g, &now)
			gotMS, gotSeq := g.next()
			if gotMS != tt.wantMS || gotSeq != tt.wantSeq {
				t.Fatalf("got (%d, %d), want (%d, %d)", gotMS, gotSeq, tt.wantMS, tt.wantSeq)
			}
		})
	}
}

// TestGeneratorStoppedClockOrder checks the ordering guarantee where it is
// hardest: a clock that never moves, across a sequence overflow.
func TestGeneratorStoppedClockOrder(t *testing.T) {
	now := time.UnixMilli(1_700_000_000_000)
	g := stoppedGenerator(t, &now)
	prev := g.new()
	for i := range 3 * (maxSeq + 1) {
		got := g.new()
		if got <= prev {
			t.Fatalf("id %d (%s) does not sort after %s", i, got, prev)
		}
		prev = got
	}
}

func TestGeneratorLayout(t *testing.T) {
	now := time.UnixMilli(0x0123456789ab)
	g := stoppedGenerator(t, &now)
	g.new()
	g.new()
	id := g.new() // sequence 2

	got, want := id[:15], "0123456789ab002"
	if got != want {
		t.Fatalf("got prefix %s, want %s (48-bit ms then 12-bit sequence)", got, want)
	}
}
