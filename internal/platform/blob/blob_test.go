package blob

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

// testStore is the conformance test every Store implementation passes. It
// expects store to be empty.
func testStore(t *testing.T, store Store) {
	ctx := t.Context()

	t.Run("PutGetStat", func(t *testing.T) {
		before := time.Now().Add(-time.Hour)
		mustPut(t, store, "docs/a.txt", "hello", "text/plain; charset=utf-8")
		want := Info{Key: "docs/a.txt", Size: 5, ContentType: "text/plain; charset=utf-8"}
		got, info := mustGet(t, store, "docs/a.txt")
		if string(got) != "hello" {
			t.Errorf("Get content = %q, want %q", got, "hello")
		}
		checkInfo(t, "Get", info, want, before)
		st, err := store.Stat(ctx, "docs/a.txt")
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		checkInfo(t, "Stat", st, want, before)
	})

	t.Run("DefaultContentType", func(t *testing.T) {
		mustPut(t, store, "untyped", "x", "")
		st, err := store.Stat(ctx, "untyped")
		if err != nil {
			t.Fatalf("Stat: %v", err)
		}
		if st.ContentType != DefaultContentType {
			t.Errorf("ContentType = %q, want %q", st.ContentType, DefaultContentType)
		}
	})

	t.Run("Overwrite", func(t *testing.T) {
		mustPut(t, store, "over/x.csv", "first version, longer", "text/csv")
		mustPut(t, store, "over/x.csv", `{"v":2}`, "application/json")
		got, info := mustGet(t, store, "over/x.csv")
		if string(got) != `{"v":2}` {
			t.Errorf("content = %q, want second version", got)
		}
		checkInfo(t, "Get", info, Info{Key: "over/x.csv", Size: 7, ContentType: "application/json"}, time.Time{})
	})

	t.Run("EmptyObject", func(t *testing.T) {
		mustPut(t, store, "empty", "", "text/plain")
		got, info := mustGet(t, store, "empty")
		if len(got) != 0 || info.Size != 0 {
			t.Errorf("got %d bytes, Size %d; want empty", len(got), info.Size)
		}
	})

	t.Run("Binary2MB", func(t *testing.T) {
		data := make([]byte, 2<<20)
		if _, err := rand.Read(data); err != nil {
			t.Fatal(err)
		}
		for i := range 256 { // every byte value, at a known place
			data[i] = byte(i)
		}
		if err := store.Put(ctx, "bin/big.bin", bytes.NewReader(data), int64(len(data)), "application/octet-stream"); err != nil {
			t.Fatalf("Put: %v", err)
		}
		got, info := mustGet(t, store, "bin/big.bin")
		if !bytes.Equal(got, data) {
			t.Fatalf("content differs: got %d bytes, want %d byte-exact", len(got), len(data))
		}
		if info.Size != int64(len(data)) {
			t.Errorf("Size = %d, want %d", info.Size, len(data))
		}
	})

	t.Run("UnseekableReader", func(t *testing.T) {
		data := bytes.Repeat([]byte("0123456789abcdef"), 70000) // ~1.1 MB
		for _, size := range []int64{int64(len(data)), -1} {
			r := io.MultiReader(bytes.NewReader(data[:1000]), bytes.NewReader(data[1000:]))
			if err := store.Put(ctx, "stream.bin", r, size, "application/x-test"); err != nil {
				t.Fatalf("Put size %d: %v", size, err)
			}
			got, info := mustGet(t, store, "stream.bin")
			if !bytes.Equal(got, data) || info.Size != int64(len(data)) {
				t.Fatalf("size %d: got %d bytes (Size %d), want %d byte-exact", size, len(got), info.Size, len(data))
			}
		}
		if err := store.Delete(ctx, "stream.bin"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("SizeMismatch", func(t *testing.T) {
		readers := map[string]func() io.Reader{
			"seekable":   func() io.Reader { return strings.NewReader("abc") },
			"unseekable": func() io.Reader { return io.MultiReader(strings.NewReader("abc")) },
		}
		for name, r := range readers {
			for _, size := range []int64{2, 4} {
				if err := store.Put(ctx, "mismatch", r(), size, "text/plain"); err == nil {
					t.Errorf("%s: Put of 3 bytes with size %d succeeded", name, size)
				}
				if _, err := store.Stat(ctx, "mismatch"); !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: Stat after failed Put = %v, want ErrNotFound", name, err)
				}
			}
		}
	})

	t.Run("Missing", func(t *testing.T) {
		for _, key := range []string{"no/such/key", "docs/a.txt/below-a-file", "docs"} {
			rc, _, err := store.Get(ctx, key)
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Get(%q) error = %v, want ErrNotFound", key, err)
			}
			if rc != nil {
				rc.Close()
			}
			if _, err := store.Stat(ctx, key); !errors.Is(err, ErrNotFound) {
				t.Errorf("Stat(%q) error = %v, want ErrNotFound", key, err)
			}
		}
	})

	t.Run("Delete", func(t *testing.T) {
		mustPut(t, store, "del/me", "bye", "text/plain")
		mustPut(t, store, "del/keep", "stay", "text/plain")
		for i := range 2 {
			if err := store.Delete(ctx, "del/me"); err != nil {
				t.Fatalf("Delete #%d: %v", i+1, err)
			}
		}
		if err := store.Delete(ctx, "never/existed"); err != nil {
			t.Errorf("Delete of a never-existing key: %v", err)
		}
		if _, err := store.Stat(ctx, "del/me"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat after Delete = %v, want ErrNotFound", err)
		}
		if got, _ := mustGet(t, store, "del/keep"); string(got) != "stay" {
			t.Errorf("sibling content = %q", got)
		}
		if err := store.Delete(ctx, "del/keep"); err != nil {
			t.Fatal(err)
		}
		// A deleted key can be written again.
		mustPut(t, store, "del/me", "again", "text/plain")
		if got, _ := mustGet(t, store, "del/me"); string(got) != "again" {
			t.Errorf("content after re-Put = %q", got)
		}
		if err := store.Delete(ctx, "del/me"); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("List", func(t *testing.T) {
		for _, k := range []string{"list/b", "list/sub/c", "list/a", "list-x", "lis", "listing/z"} {
			mustPut(t, store, k, "v-"+k, "text/plain")
		}
		cases := map[string][]string{
			"list/":    {"list/a", "list/b", "list/sub/c"},
			"list":     {"list-x", "list/a", "list/b", "list/sub/c", "listing/z"}, // '-' < '/' < 'i'
			"list/s":   {"list/sub/c"},
			"list/sub": {"list/sub/c"},
			"lis":      {"lis", "list-x", "list/a", "list/b", "list/sub/c", "listing/z"},
			"nope/":    {},
			"list/a/":  {},
		}
		for prefix, want := range cases {
			infos, err := store.List(ctx, prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", prefix, err)
			}
			if got := keys(infos); !slices.Equal(got, want) {
				t.Errorf("List(%q) = %q, want %q", prefix, got, want)
			}
			for _, in := range infos {
				if in.Size != int64(len("v-"+in.Key)) || in.ModTime.IsZero() {
					t.Errorf("List(%q): %+v: wrong size or zero ModTime", prefix, in)
				}
			}
		}
		all, err := store.List(ctx, "")
		if err != nil {
			t.Fatalf("List(\"\"): %v", err)
		}
		got := keys(all)
		if !slices.IsSorted(got) {
			t.Errorf("List(\"\") not sorted: %q", got)
		}
		for _, k := range []string{"bin/big.bin", "docs/a.txt", "empty", "lis", "list/sub/c", "over/x.csv", "untyped"} {
			if !slices.Contains(got, k) {
				t.Errorf("List(\"\") = %q, missing %q", got, k)
			}
		}
		for _, k := range got {
			if strings.HasPrefix(k, "del/") || k == "mismatch" || k == "stream.bin" {
				t.Errorf("List(\"\") = %q, holds deleted or failed key %q", got, k)
			}
		}
	})

	t.Run("InvalidKeys", func(t *testing.T) {
		bad := []string{"../x", "/abs", "a//b", "", "a/", "a\\b", "..", "a/../b", "a/./b", "a\x00b", strings.Repeat("k", MaxKeyLen+1)}
		for _, key := range bad {
			if err := store.Put(ctx, key, strings.NewReader("x"), 1, "text/plain"); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Put(%q) error = %v, want ErrInvalidKey", key, err)
			}
			if _, _, err := store.Get(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Get(%q) error = %v, want ErrInvalidKey", key, err)
			}
			if _, err := store.Stat(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Stat(%q) error = %v, want ErrInvalidKey", key, err)
			}
			if err := store.Delete(ctx, key); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Delete(%q) error = %v, want ErrInvalidKey", key, err)
			}
		}
		for _, prefix := range []string{"../", "/abs", "a//", "a/../"} {
			if _, err := store.List(ctx, prefix); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("List(%q) error = %v, want ErrInvalidKey", prefix, err)
			}
		}
	})

	t.Run("CanceledContext", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := store.Put(cctx, "canceled", strings.NewReader("x"), 1, "text/plain"); !errors.Is(err, context.Canceled) {
			t.Errorf("Put with canceled context = %v, want context.Canceled", err)
		}
		if _, err := store.Stat(ctx, "canceled"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Stat after canceled Put = %v, want ErrNotFound", err)
		}
	})
}

func mustPut(t *testing.T, store Store, key, content, contentType string) {
	t.Helper()
	if err := store.Put(t.Context(), key, strings.NewReader(content), int64(len(content)), contentType); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func mustGet(t *testing.T, store Store, key string) ([]byte, Info) {
	t.Helper()
	rc, info, err := store.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return b, info
}

// checkInfo compares all but ModTime, which must be set and, when after is
// non-zero, later than after.
func checkInfo(t *testing.T, op string, got, want Info, after time.Time) {
	t.Helper()
	mod := got.ModTime
	got.ModTime = time.Time{}
	if got != want {
		t.Errorf("%s info = %+v, want %+v", op, got, want)
	}
	if mod.IsZero() || (!after.IsZero() && mod.Before(after)) || mod.After(time.Now().Add(time.Hour)) {
		t.Errorf("%s ModTime = %v, want about now", op, mod)
	}
}

func keys(infos []Info) []string {
	out := []string{}
	for _, in := range infos {
		out = append(out, in.Key)
	}
	return out
}

func TestValidKey(t *testing.T) {
	good := []string{"a", "a/b", "exports/2024/01/report.csv", "a..b", ".hidden", "a b/ü.txt", strings.Repeat("k", MaxKeyLen)}
	for _, key := range good {
		if err := ValidKey(key); err != nil {
			t.Errorf("ValidKey(%q) = %v, want nil", key, err)
		}
	}
	bad := []string{"", "../x", "x/..", "..", ".", "a/./b", "/abs", "a//b", "a/", "a\\b", "a\x00b", "a\nb", "a\x7fb", "\xff", strings.Repeat("k", MaxKeyLen+1)}
	for _, key := range bad {
		if err := ValidKey(key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ValidKey(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}
