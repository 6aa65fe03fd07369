package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"syscall"
)

const (
	metaSuffix = ".meta"      // sidecar holding an object's content type
	tempPrefix = ".blob-tmp-" // files being written, renamed into place
	filePerm   = 0o640
	dirPerm    = 0o750
)

// Local is a Store keeping each object as a file under a directory: key
// "a/b.csv" is the file dir/a/b.csv, its content type the JSON sidecar
// dir/a/b.csv.meta. Writes go to a temp file in the same directory that is
// synced and renamed into place, so readers never see a partial object.
//
// All file access goes through an os.Root, so neither a key nor a symlink
// planted in dir can reach outside it. Because of the sidecars and temp
// files, keys with a segment ending in ".meta" or starting with ".blob-tmp-"
// are rejected (ErrInvalidKey); and as on any filesystem, "a" and "a/b"
// cannot both exist.
//
// Operations are coordinated within one Local; several processes writing the
// same key concurrently may pair one writer's data with another's content
// type.
type Local struct {
	root *os.Root
	mu   sync.RWMutex // Put/Delete exclusive, Get/Stat shared
}

var _ Store = (*Local)(nil)

// NewLocal opens (creating it if needed) dir as a store. Close releases it.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("open local blob store: empty directory")
	}
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return nil, fmt.Errorf("open local blob store: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open local blob store: %w", err)
	}
	return &Local{root: root}, nil
}

// Close releases the directory handle.
func (l *Local) Close() error { return l.root.Close() }

// localKey validates key for this store.
func localKey(key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	for seg := range strings.SplitSeq(key, "/") {
		if reservedName(seg) {
			return fmt.Errorf("%w %q: segment %q is reserved by the local store", ErrInvalidKey, key, seg)
		}
	}
	return nil
}

func reservedName(name string) bool {
	return strings.HasSuffix(name, metaSuffix) || strings.HasPrefix(name, tempPrefix)
}

type localMeta struct {
	ContentType string `json:"content_type"`
}

// Put writes the object to a temp file, then renames it (and its sidecar)
// into place.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := l.put(ctx, key, r, size, contentType); err != nil {
		return fmt.Errorf("put blob %s: %w", key, err)
	}
	return nil
}

func (l *Local) put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (err error) {
	if err := localKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	meta, err := json.Marshal(localMeta{ContentType: contentTypeOrDefault(contentType)})
	if err != nil {
		return err
	}
	dir := path.Dir(key)

	// Create both temp files under the lock so Delete cannot prune the
	// directory in between; once they exist the directory is not empty.
	l.mu.Lock()
	var dataTmp, metaTmp *os.File
	var dataName, metaName string
	if dir != "." {
		err = l.root.MkdirAll(dir, dirPerm)
	}
	if err == nil {
		dataTmp, dataName, err = l.createTemp(dir)
	}
	if err == nil {
		metaTmp, metaName, err = l.createTemp(dir)
		if err != nil {
			dataTmp.Close()
			_ = l.root.Remove(dataName)
		}
	}
	l.mu.Unlock()
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			_ = l.root.Remove(dataName)
			_ = l.root.Remove(metaName)
		}
	}()

	n, err := io.Copy(dataTmp, ctxReader{ctx, r})
	if err == nil && size >= 0 && n != size {
		err = sizeMismatch(n, size)
	}
	if err == nil {
		err = dataTmp.Sync()
	}
	if cerr := dataTmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		metaTmp.Close()
		return err
	}
	_, err = metaTmp.Write(meta)
	if err == nil {
		err = metaTmp.Sync()
	}
	if cerr := metaTmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.root.Rename(dataName, key); err != nil {
		return err
	}
	committed = true
	if err := l.root.Rename(metaName, key+metaSuffix); err != nil {
		_ = l.root.Remove(metaName)
		return err
	}
	l.syncDir(dir)
	return nil
}

// createTemp creates a new temp file in dir and returns it with its
// root-relative name.
func (l *Local) createTemp(dir string) (*os.File, string, error) {
	for range 10 {
		var b [12]byte
		_, _ = rand.Read(b[:])
		name := path.Join(dir, tempPrefix+hex.EncodeToString(b[:]))
		f, err := l.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", errors.New("create temp file: too many collisions")
}

// syncDir makes renames in dir durable, best effort.
func (l *Local) syncDir(dir string) {
	if d, err := l.root.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// Get opens the object's file.
func (l *Local) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	f, info, err := l.get(ctx, key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("get blob %s: %w", key, err)
	}
	return f, info, nil
}

func (l *Local) get(ctx context.Context, key string) (*os.File, Info, error) {
	if err := localKey(key); err != nil {
		return nil, Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, Info{}, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	f, err := l.root.Open(key)
	if err != nil {
		return nil, Info{}, notFound(err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = ErrNotFound
	}
	var ct string
	if err == nil {
		ct, err = l.contentType(key)
	}
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, Info{Key: key, Size: fi.Size(), ContentType: ct, ModTime: fi.ModTime()}, nil
}

// Stat describes the object's file.
func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	info, err := l.stat(ctx, key)
	if err != nil {
		return Info{}, fmt.Errorf("stat blob %s: %w", key, err)
	}
	return info, nil
}

func (l *Local) stat(ctx context.Context, key string) (Info, error) {
	if err := localKey(key); err != nil {
		return Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	fi, err := l.root.Stat(key)
	if err != nil {
		return Info{}, notFound(err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, ErrNotFound
	}
	ct, err := l.contentType(key)
	if err != nil {
		return Info{}, err
	}
	return Info{Key: key, Size: fi.Size(), ContentType: ct, ModTime: fi.ModTime()}, nil
}

// contentType reads key's sidecar; a missing sidecar means the default.
func (l *Local) contentType(key string) (string, error) {
	b, err := l.root.ReadFile(key + metaSuffix)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultContentType, nil
	}
	if err != nil {
		return "", err
	}
	var m localMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return "", fmt.Errorf("read %s%s: %w", key, metaSuffix, err)
	}
	return contentTypeOrDefault(m.ContentType), nil
}

// notFound maps "no such file" (including a path through a regular file) to
// ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return ErrNotFound
	}
	return err
}

// Delete removes the object and its sidecar, then any directories left
// empty.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := l.delete(ctx, key); err != nil {
		return fmt.Errorf("delete blob %s: %w", key, err)
	}
	return nil
}

func (l *Local) delete(ctx context.Context, key string) error {
	if err := localKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	fi, err := l.root.Lstat(key)
	if err != nil {
		if notFound(err) == ErrNotFound {
			return nil
		}
		return err
	}
	if fi.IsDir() {
		return nil // a "directory" of other keys is not an object
	}
	if err := l.root.Remove(key); err != nil && notFound(err) != ErrNotFound {
		return err
	}
	if err := l.root.Remove(key + metaSuffix); err != nil && notFound(err) != ErrNotFound {
		return err
	}
	// Prune now-empty parents; Remove fails (and we stop) at the first
	// directory that still holds something.
	for dir := path.Dir(key); dir != "."; dir = path.Dir(dir) {
		if l.root.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// List walks the directory the prefix points into.
func (l *Local) List(ctx context.Context, prefix string) ([]Info, error) {
	infos, err := l.list(ctx, prefix)
	if err != nil {
		return nil, fmt.Errorf("list blobs %s: %w", prefix, err)
	}
	return infos, nil
}

func (l *Local) list(ctx context.Context, prefix string) ([]Info, error) {
	if err := validPrefix(prefix); err != nil {
		return nil, err
	}
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		start = prefix[:i]
	}
	infos := []Info{}
	err := fs.WalkDir(l.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// Entries vanishing under a concurrent Delete are not errors.
			if notFound(err) == ErrNotFound {
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p == start {
				return nil
			}
			// Descend only where keys can still match the prefix.
			if !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || reservedName(d.Name()) || !strings.HasPrefix(p, prefix) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if notFound(err) == ErrNotFound {
				return nil
			}
			return err
		}
		infos = append(infos, Info{Key: p, Size: fi.Size(), ModTime: fi.ModTime()})
		return nil
	})
	if err != nil && notFound(err) != ErrNotFound {
		return nil, err
	}
	slices.SortFunc(infos, func(a, b Info) int { return strings.Compare(a.Key, b.Key) })
	return infos, nil
}
