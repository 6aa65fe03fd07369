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
//
// Text outside placeholders is sent as it is; the body is signed after
// expansion.
type bodyTemplate struct {
	parts []tmplPart
}

type tmplKind int

const (
	tmplText tmplKind = iota
	tmplN
	tmplRand
	tmplPick
)

type tmplPart struct {
	kind    tmplKind
	text    string   // tmplText
	choices []string // tmplPick
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
		default:
			return nil, fmt.Errorf("-body-template: unknown placeholder {{%s}} (want n, run, rand, pick:a|b)", name)
		}
		s = s[i+j+2:]
	}
	return t, nil
}

// expand returns the body of request n, drawing random values from r.
func (t *bodyTemplate) expand(n int64, r *rand.Rand) []byte {
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
