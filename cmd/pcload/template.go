package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// bodyTemplate is a -body-template: text with placeholders that each
// request fills in, so that requests which need unique values (a new
// customer's domain_name and xaccount_id) or varied filters get them.
//
//	{{n}}       the request's sequence number in this run, from 0
//	{{run}}     a random token of 6 letters, the same for the whole run, so
//	            that names from {{n}} do not repeat across runs
//	{{rand}}    8 random hex digits, new for every placeholder
//	{{pick:a|b|c}} one of the alternatives, at random
//	{{ids:K}}   K distinct ids drawn at random from the -ids file, as
//	            quoted JSON strings joined by commas, e.g.
//	            "customer_ids":[{{ids:100}}] for CreatePartnerCoupons
//	{{next}}    the first field of the -ids line this request takes: each
//	            request takes the next line, once, and the run ends when
//	            the lines run out (e.g. one pending order id per PayOrders)
//	{{next:F}}  field F (from 1; fields split on blanks) of that line
//
// Text outside placeholders is sent as it is; the body is signed after
// expansion.
type bodyTemplate struct {
	parts []tmplPart
	ids   []string // the -ids pool, for {{ids:K}}
}

type tmplKind int

const (
	tmplText tmplKind = iota
	tmplN
	tmplRand
	tmplPick
	tmplIDs
	tmplNext
)

type tmplPart struct {
	kind    tmplKind
	text    string   // tmplText
	choices []string // tmplPick
	k       int      // tmplIDs: how many; tmplNext: the field, from 0
}

// parseBodyTemplate parses s; run is the run's token for {{run}}.
func parseBodyTemplate(s, run string) (*bodyTemplate, error) {
	t := &bodyTemplate{}
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			t.parts = append(t.parts, tmplPart{kind: tmplText, text: s})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tmplPart{kind: tmplText, text: s[:i]})
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("-body-template: unclosed {{ at %q", s[i:])
		}
		name := s[i+2 : i+j]
		switch {
		case name == "n":
			t.parts = append(t.parts, tmplPart{kind: tmplN})
		case name == "run":
			t.parts = append(t.parts, tmplPart{kind: tmplText, text: run})
		case name == "rand":
			t.parts = append(t.parts, tmplPart{kind: tmplRand})
		case strings.HasPrefix(name, "pick:") && len(name) > len("pick:"):
			t.parts = append(t.parts, tmplPart{kind: tmplPick, choices: strings.Split(name[len("pick:"):], "|")})
		case strings.HasPrefix(name, "ids:"):
			k, err := strconv.Atoi(name[len("ids:"):])
			if err != nil || k < 1 {
				return nil, fmt.Errorf("-body-template: {{%s}}: want ids:K with K >= 1", name)
			}
			t.parts = append(t.parts, tmplPart{kind: tmplIDs, k: k})
		case name == "next":
			t.parts = append(t.parts, tmplPart{kind: tmplNext})
		case strings.HasPrefix(name, "next:"):
			f, err := strconv.Atoi(name[len("next:"):])
			if err != nil || f < 1 {
				return nil, fmt.Errorf("-body-template: {{%s}}: want next:F with field F >= 1", name)
			}
			t.parts = append(t.parts, tmplPart{kind: tmplNext, k: f - 1})
		default:
			return nil, fmt.Errorf("-body-template: unknown placeholder {{%s}} (want n, run, rand, pick:a|b, ids:K, next, next:F)", name)
		}
		s = s[i+j+2:]
	}
	return t, nil
}

// expand returns the body of request n, drawing random values from r.
func (t *bodyTemplate) expand(n int64, r *rand.Rand) []byte { return t.expandLine(n, r, nil) }

// expandLine is expand for a request that took line (its fields), which
// {{next:F}} reads; parseFlags has checked that every line has the fields.
func (t *bodyTemplate) expandLine(n int64, r *rand.Rand, line []string) []byte {
	var b []byte
	for _, p := range t.parts {
		switch p.kind {
		case tmplText:
			b = append(b, p.text...)
		case tmplN:
			b = strconv.AppendInt(b, n, 10)
		case tmplRand:
			b = fmt.Appendf(b, "%08x", r.Uint32())
		case tmplPick:
			b = append(b, p.choices[r.IntN(len(p.choices))]...)
		case tmplIDs:
			for i, j := range distinct(r, len(t.ids), p.k) {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendQuote(b, t.ids[j])
			}
		case tmplNext:
			if p.k < len(line) {
				b = append(b, line[p.k]...)
			}
		}
	}
	return b
}

// runToken returns 6 random lower-case letters.
func runToken(r *rand.Rand) string {
	b := make([]byte, 6)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	return string(b)
}

// setIDs gives the template its {{ids:K}} pool, which must hold at least the
// largest K distinct ids.
func (t *bodyTemplate) setIDs(ids []string) error {
	for _, p := range t.parts {
		if p.kind == tmplIDs && p.k > len(ids) {
			return fmt.Errorf("-body-template: {{ids:%d}} needs %d ids, -ids has %d", p.k, p.k, len(ids))
		}
	}
	t.ids = ids
	return nil
}

// needsIDs reports whether the template has an {{ids:K}} placeholder.
func (t *bodyTemplate) needsIDs() bool {
	for _, p := range t.parts {
		if p.kind == tmplIDs {
			return true
		}
	}
	return false
}

// nextFields returns how many fields of a line the template's {{next:F}}
// placeholders read: 0 when it takes no lines.
func (t *bodyTemplate) nextFields() int {
	n := 0
	for _, p := range t.parts {
		if p.kind == tmplNext {
			n = max(n, p.k+1)
		}
	}
	return n
}

// distinct returns k distinct indices in [0, n), k <= n, in random order:
// rejection sampling while k is small against n, a partial shuffle
// otherwise.
func distinct(r *rand.Rand, n, k int) []int {
	out := make([]int, 0, k)
	if k*4 <= n {
		seen := make(map[int]bool, k)
		for len(out) < k {
			if j := r.IntN(n); !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
		return out
	}
	perm := r.Perm(n)
	return append(out, perm[:k]...)
}
