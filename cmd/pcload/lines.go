package main

import (
	"fmt"
	"os"
	"strings"
	"sync/atomic"
)

// lineSource hands out the lines of an -ids file once each, in file
// order, to whichever worker asks first: for requests that must each use
// a different value exactly once, such as paying a pending order
// ({{next}}), and for -ids-creds, signing each request with the key of
// the line's owner.
type lineSource struct {
	lines [][]string // each line's fields, split on blanks
	taken atomic.Int64
}

// take returns the next line's fields, or false when every line is taken.
func (s *lineSource) take() ([]string, bool) {
	i := s.taken.Add(1) - 1
	if i >= int64(len(s.lines)) {
		return nil, false
	}
	return s.lines[i], true
}

// Fields of an -ids-creds line: ID AK SK [DOMAIN_ID [MORE...]]; a
// DOMAIN_ID of "-" sends no X-Domain-Id.
const (
	credsAK     = 1
	credsSK     = 2
	credsDomain = 3
)

// lineKey is the signing key of a request that took line under -ids-creds.
func lineKey(line []string) signingKey {
	k := signingKey{ak: line[credsAK], sk: line[credsSK]}
	if len(line) > credsDomain && line[credsDomain] != "-" {
		k.domainID = line[credsDomain]
	}
	return k
}

// readLines reads an -ids file for {{next}} and -ids-creds: one entry a
// line, fields split on blanks, blank lines and lines starting with #
// skipped; every line must have at least minFields fields.
func readLines(path string, minFields int) (*lineSource, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-ids: %w", err)
	}
	s := &lineSource{}
	n := 0
	for line := range strings.Lines(string(b)) {
		n++
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < minFields {
			return nil, fmt.Errorf("-ids %s line %d: %d fields, want at least %d", path, n, len(f), minFields)
		}
		s.lines = append(s.lines, f)
	}
	if len(s.lines) == 0 {
		return nil, fmt.Errorf("-ids %s: no lines", path)
	}
	return s, nil
}
