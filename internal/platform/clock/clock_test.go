package clock_test

import (
	"sync"
	"testing"
	"time"

	"partnercenter/internal/platform/clock"
)

// assertTime fails unless got and want are the same instant in UTC.
func assertTime(tb testing.TB, got, want time.Time) {
	tb.Helper()
	if !got.Equal(want) {
		tb.Fatalf("got %s, want %s", got, want)
	}
	if got.Location() != time.UTC {
		tb.Fatalf("got location %s, want UTC", got.Location())
	}
}

func TestSystem(t *testing.T) {
	t.Run("returns current time in UTC", func(t *testing.T) {
		before := time.Now()
		got := clock.System().Now()
		after := time.Now()
		if got.Before(before) || got.After(after) {
			t.Fatalf("got %s, want between %s and %s", got, before, after)
		}
		if got.Location() != time.UTC {
			t.Fatalf("got location %s, want UTC", got.Location())
		}
	})
}

func TestMock(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	start := time.Date(2025, 3, 1, 8, 0, 0, 0, shanghai) // 00:00 UTC

	tests := []struct {
		name string
		act  func(m *clock.Mock)
		want time.Time
	}{
		{
			name: "starts at the given instant in UTC",
			act:  func(*clock.Mock) {},
			want: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "advances forward",
			act:  func(m *clock.Mock) { m.Advance(90 * time.Minute) },
			want: time.Date(2025, 3, 1, 1, 30, 0, 0, time.UTC),
		},
		{
			name: "advances backward on a negative duration",
			act:  func(m *clock.Mock) { m.Advance(-24 * time.Hour) },
			want: time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "jumps to a set time converted to UTC",
			act:  func(m *clock.Mock) { m.Set(time.Date(2030, 1, 1, 8, 0, 0, 0, shanghai)) },
			want: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		},
		{
			name: "does not move on its own",
			act:  func(m *clock.Mock) { m.Now(); m.Now() },
			want: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := clock.NewMock(start)
			tt.act(m)
			assertTime(t, m.Now(), tt.want)
		})
	}
}

// TestMockConcurrent is meant for -race: readers and writers share one Mock.
func TestMockConcurrent(t *testing.T) {
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	m := clock.NewMock(start)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				m.Advance(time.Millisecond)
				_ = m.Now()
			}
		})
	}
	wg.Wait()
	got, want := m.Now(), start.Add(8*1000*time.Millisecond)
	assertTime(t, got, want)
}
