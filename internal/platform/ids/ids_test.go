package ids_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"partnercenter/internal/platform/ids"
)

// assertID fails unless id is a well-formed id.
func assertID(tb testing.TB, id string) {
	tb.Helper()
	if len(id) != ids.Len {
		tb.Fatalf("id %q has length %d, want %d", id, len(id), ids.Len)
	}
	if !ids.Valid(id) {
		tb.Fatalf("id %q is not valid", id)
	}
	if strings.ToLower(id) != id {
		tb.Fatalf("id %q is not lowercase", id)
	}
}

func TestNewFormat(t *testing.T) {
	for range 100 {
		assertID(t, ids.New())
	}
}

func TestNewSequentialOrder(t *testing.T) {
	const n = 10_000
	got := make([]string, n)
	for i := range got {
		got[i] = ids.New()
	}
	for i := 1; i < n; i++ {
		if got[i-1] >= got[i] {
			t.Fatalf("id %d (%s) does not sort after id %d (%s)", i, got[i], i-1, got[i-1])
		}
	}
}

func TestNewConcurrentUnique(t *testing.T) {
	const workers, perWorker = 8, 10_000
	results := make([][]string, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			out := make([]string, perWorker)
			for i := range out {
				out[i] = ids.New()
			}
			results[w] = out
		})
	}
	wg.Wait()

	seen := make(map[string]struct{}, workers*perWorker)
	for w, out := range results {
		// Within one goroutine calls are sequential, so the order must hold too.
		if !slices.IsSorted(out) {
			t.Fatalf("worker %d: ids are not in creation order", w)
		}
		for _, id := range out {
			if _, dup := seen[id]; dup {
				t.Fatalf("duplicate id %s", id)
			}
			seen[id] = struct{}{}
		}
	}
	got, want := len(seen), workers*perWorker
	if got != want {
		t.Fatalf("got %d distinct ids, want %d", got, want)
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"accepts a fresh id", ids.New(), true},
		{"accepts all zeros", strings.Repeat("0", 32), true},
		{"accepts every hex digit", "0123456789abcdef0123456789abcdef", true},
		{"rejects empty", "", false},
		{"rejects 31 characters", strings.Repeat("a", 31), false},
		{"rejects 33 characters", strings.Repeat("a", 33), false},
		{"rejects uppercase hex", "0123456789ABCDEF0123456789abcdef", false},
		{"rejects non-hex letter", "0123456789abcdeg0123456789abcdef", false},
		{"rejects dashed uuid", "01234567-89ab-cdef-0123-456789abcdef", false},
		{"rejects surrounding space", " 123456789abcdef0123456789abcde ", false},
		{"rejects multibyte characters of the right byte length", strings.Repeat("é", 16), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := ids.Valid(tt.in), tt.want
			if got != want {
				t.Fatalf("Valid(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}
