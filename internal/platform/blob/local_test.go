package blob

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func newLocal(t *testing.T) (*Local, string) {
	t.Helper()
	dir := t.TempDir()
	l, err := NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, dir
}

func TestLocal(t *testing.T) {
	l, dir := newLocal(t)
	testStore(t, l)
	// Nothing but objects and their sidecars is left behind.
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tempPrefix) {
			t.Errorf("temp file left behind: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNewLocalCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	l, err := NewLocal(dir)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	defer l.Close()
	mustPut(t, l, "k", "v", "text/plain")
	if b, err := os.ReadFile(filepath.Join(dir, "k")); err != nil || string(b) != "v" {
		t.Errorf("file = %q, %v", b, err)
	}
	if _, err := NewLocal(""); err == nil {
		t.Error("NewLocal(\"\") succeeded")
	}
}

func TestLocalLayoutAndListSkipsSidecars(t *testing.T) {
	l, dir := newLocal(t)
	mustPut(t, l, "x/report.csv", "a,b\n", "text/csv")
	b, err := os.ReadFile(filepath.Join(dir, "x", "report.csv.meta"))
	if err != nil {
		t.Fatalf("sidecar: %v", err)
	}
	if string(b) != `{"content_type":"text/csv"}` {
		t.Errorf("sidecar = %s", b)
	}
	// A crashed writer's temp file, a stray sidecar, and a symlink.
	for _, name := range []string{"x/" + tempPrefix + "123", "x/orphan.meta"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("junk"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("report.csv", filepath.Join(dir, "x", "link")); err != nil {
		t.Fatal(err)
	}
	infos, err := l.List(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(infos); !slices.Equal(got, []string{"x/report.csv"}) {
		t.Errorf("List = %q, want only x/report.csv", got)
	}
	// A missing sidecar means the default content type.
	if err := os.Remove(filepath.Join(dir, "x", "report.csv.meta")); err != nil {
		t.Fatal(err)
	}
	st, err := l.Stat(t.Context(), "x/report.csv")
	if err != nil || st.ContentType != DefaultContentType {
		t.Errorf("Stat without sidecar = %+v, %v", st, err)
	}
}

func TestLocalReservedKeys(t *testing.T) {
	l, _ := newLocal(t)
	for _, key := range []string{"a.meta", "a.meta/b", "x/" + tempPrefix + "1"} {
		if err := l.Put(t.Context(), key, strings.NewReader("x"), 1, ""); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := l.Stat(t.Context(), key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Stat(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

func TestLocalStaysInsideDir(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cr3t"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, dir := newLocal(t)
	if err := os.Symlink(outside, filepath.Join(dir, "escape")); err != nil {
		t.Fatal(err)
	}
	if rc, _, err := l.Get(t.Context(), "escape/secret"); err == nil {
		rc.Close()
		t.Error("Get through a symlink out of the store succeeded")
	}
	if err := l.Put(t.Context(), "escape/planted", strings.NewReader("x"), 1, ""); err == nil {
		t.Error("Put through a symlink out of the store succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("file planted outside the store: %v", err)
	}
	if err := l.Delete(t.Context(), "escape/secret"); err == nil {
		t.Error("Delete through a symlink out of the store succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "secret")); err != nil {
		t.Errorf("file outside the store: %v", err)
	}
}

func TestLocalDeletePrunesEmptyDirs(t *testing.T) {
	l, dir := newLocal(t)
	mustPut(t, l, "a/b/c/d", "1", "")
	mustPut(t, l, "a/keep", "2", "")
	if err := l.Delete(t.Context(), "a/b/c/d"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "b")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a/b still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "a", "keep")); err != nil {
		t.Errorf("a/keep: %v", err)
	}
	// The freed name can now be a key.
	mustPut(t, l, "a/b", "3", "")
	// A "directory" of keys is not an object: Delete leaves it alone.
	if err := l.Delete(t.Context(), "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Stat(t.Context(), "a/keep"); err != nil {
		t.Errorf("a/keep after Delete(\"a\"): %v", err)
	}
}

func TestLocalConcurrent(t *testing.T) {
	l, dir := newLocal(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				key := fmt.Sprintf("c/%d/%d", i, j%3)
				content := fmt.Sprintf("%d-%d", i, j)
				if err := l.Put(t.Context(), key, strings.NewReader(content), int64(len(content)), "text/plain"); err != nil {
					t.Error(err)
					return
				}
				if _, err := l.Stat(t.Context(), "c/shared"); err != nil && !errors.Is(err, ErrNotFound) {
					t.Error(err)
				}
				if err := l.Put(t.Context(), "c/shared", strings.NewReader(content), int64(len(content)), "text/plain"); err != nil {
					t.Error(err)
				}
				if err := l.Delete(t.Context(), key); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	infos, err := l.List(t.Context(), "c/")
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(infos); !slices.Equal(got, []string{"c/shared"}) {
		t.Errorf("List = %q, want [c/shared]", got)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "c"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"shared", "shared.meta"}) {
		t.Errorf("dir c holds %q", names)
	}
}
