// Package blob is Partner Center's object store: exports and uploads are kept
// here under slash-separated keys. Two implementations satisfy Store with the
// same behaviour: Local (files under a directory, the default) and S3 (any
// S3-compatible service, e.g. versitygw or MinIO).
//
// Behaviour common to both:
//   - keys are checked by ValidKey before anything is touched;
//   - Put stores exactly size bytes read from r (size < 0 means "until EOF")
//     and fails, storing nothing, if r yields a different number of bytes;
//   - an empty content type is stored as DefaultContentType;
//   - Get, Stat of a missing key return an error wrapping ErrNotFound;
//   - Delete of a missing key succeeds;
//   - List returns every key starting with prefix (a plain string prefix, as
//     in S3), sorted by key, with Key, Size and ModTime set. ContentType is
//     left empty because S3 listings do not carry it; use Stat when needed.
package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// Store keeps objects under keys.
type Store interface {
	// Put stores r's content under key, replacing any previous object.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object; the caller closes the reader. A missing key
	// returns an error wrapping ErrNotFound.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object; ErrNotFound when it is missing.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List describes every object whose key starts with prefix, sorted by key.
	List(ctx context.Context, prefix string) ([]Info, error)
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ContentType string // empty in List results
	ModTime     time.Time
}

// DefaultContentType is stored when Put is given an empty content type.
const DefaultContentType = "application/octet-stream"

// MaxKeyLen is the longest key, in bytes, that ValidKey accepts.
const MaxKeyLen = 1024

var (
	// ErrNotFound is returned (wrapped) when an object does not exist.
	ErrNotFound = errors.New("blob: not found")
	// ErrInvalidKey is returned (wrapped) for a key ValidKey rejects, or one
	// a store reserves for its own use.
	ErrInvalidKey = errors.New("blob: invalid key")
)

// ValidKey reports whether key is a clean slash-separated relative path:
// non-empty, at most MaxKeyLen bytes, valid UTF-8 without control characters
// or backslashes, no leading or trailing "/", no empty, "." or ".." segments.
// The error wraps ErrInvalidKey.
func ValidKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	case len(key) > MaxKeyLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	case !utf8.ValidString(key):
		return fmt.Errorf("%w %q: not valid UTF-8", ErrInvalidKey, key)
	case strings.HasPrefix(key, "/"):
		return fmt.Errorf("%w %q: absolute path", ErrInvalidKey, key)
	case strings.ContainsRune(key, '\\'):
		return fmt.Errorf("%w %q: backslash", ErrInvalidKey, key)
	}
	for _, c := range key {
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("%w %q: control character", ErrInvalidKey, key)
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return fmt.Errorf("%w %q: empty path segment", ErrInvalidKey, key)
		case ".", "..":
			return fmt.Errorf("%w %q: %q path segment", ErrInvalidKey, key, seg)
		}
	}
	return nil
}

// validPrefix checks a List prefix: empty, or a valid key optionally
// followed by one "/".
func validPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	if err := ValidKey(strings.TrimSuffix(prefix, "/")); err != nil {
		return fmt.Errorf("prefix: %w", err)
	}
	return nil
}

func contentTypeOrDefault(ct string) string {
	if ct == "" {
		return DefaultContentType
	}
	return ct
}

// ctxReader stops a long copy when ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func sizeMismatch(got, want int64) error {
	return fmt.Errorf("read %d bytes, want %d", got, want)
}
