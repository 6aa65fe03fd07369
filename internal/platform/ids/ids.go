// Package ids makes the primary keys of Partner Center: 32 lowercase hex
// characters (128 bits) laid out like a UUIDv7 without dashes or version
// bits:
//
//	48 bits  Unix time in milliseconds
//	12 bits  sequence within that millisecond
//	68 bits  random, from crypto/rand
//
// Time first means ids sort in creation order, which keeps B-tree inserts
// append-only and lets "ORDER BY id" stand in for "ORDER BY created_at"
// within a process. The sequence makes that order strict even for ids made in
// the same millisecond. The random tail keeps ids from different processes
// apart and makes them unguessable enough that an id is not an enumeration
// handle (authorization still must be checked; ids are not secrets).
//
// Ids are plain strings, not a named type, so they pass through SQL drivers,
// JSON and the Huawei-compatible API fields without adapters.
package ids

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"
)

// Len is the length of every id.
const Len = 32

// maxSeq is the largest value that fits the 12-bit sequence field.
const maxSeq = 1<<12 - 1

// New returns a fresh id. Ids returned by one process sort lexicographically
// in the order New was called, and never repeat, even under concurrency.
func New() string { return global.new() }

// Valid reports whether s looks like an id: exactly 32 lowercase hex
// characters. Use it to reject malformed path or query parameters early,
// before they reach the database.
func Valid(s string) bool {
	if len(s) != Len {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// global is process-wide: ordering is only guaranteed among ids that share a
// generator.
var global = &generator{now: time.Now}

// generator hands out (millisecond, sequence) pairs that strictly increase.
type generator struct {
	mu     sync.Mutex
	now    func() time.Time // injectable so tests can stop or rewind time
	lastMS int64
	seq    uint16
}

func (g *generator) new() string {
	ms, seq := g.next()

	var b [16]byte
	// Random bytes are drawn outside the lock: the order is already fixed by
	// (ms, seq), so there is no reason to serialize the syscall. crypto/rand
	// never returns an error (it crashes the program instead).
	_, _ = rand.Read(b[7:])

	b[0] = byte(ms >> 40)
	b[1] = byte(ms >> 32)
	b[2] = byte(ms >> 24)
	b[3] = byte(ms >> 16)
	b[4] = byte(ms >> 8)
	b[5] = byte(ms)
	b[6] = byte(seq >> 4)
	b[7] = byte(seq<<4) | b[7]&0x0f // the low nibble stays random

	return hex.EncodeToString(b[:]) // lowercase, fixed width: text order == numeric order
}

// next returns the timestamp and sequence for the next id. If the wall clock
// stalls or steps backwards (NTP), it keeps counting from the last
// millisecond handed out instead of going back, and when 4096 ids have been
// made in one millisecond it borrows the next millisecond. Either way ids
// stay strictly increasing; the embedded time may run slightly ahead of the
// real time, which is harmless because it is an ordering key, not a
// timestamp anyone should read.
func (g *generator) next() (ms int64, seq uint16) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now().UnixMilli()
	switch {
	case now > g.lastMS:
		g.lastMS, g.seq = now, 0
	case g.seq < maxSeq:
		g.seq++
	default:
		g.lastMS, g.seq = g.lastMS+1, 0
	}
	return g.lastMS, g.seq
}
