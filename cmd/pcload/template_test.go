package main

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestBodyTemplate(t *testing.T) {
	tests := []struct {
		name, tmpl string
		n          int64
		want       string
	}{
		{"OK/Plain", `{"offset":0,"limit":10}`, 5, `{"offset":0,"limit":10}`},
		{"OK/N", `{"xaccount_id":"u-{{n}}","domain_name":"lt-{{run}}-{{n}}"}`, 42, `{"xaccount_id":"u-42","domain_name":"lt-abcdef-42"}`},
		{"OK/Empty", ``, 0, ``},
		{"OK/Braces", `{"a":{"b":"{{n}}"}}`, 7, `{"a":{"b":"7"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := parseBodyTemplate(tt.tmpl, "abcdef")
			if err != nil {
				t.Fatal(err)
			}
			if got := string(tp.expand(tt.n, rand.New(rand.NewPCG(1, 2)))); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}

	t.Run("OK/RandDiffers", func(t *testing.T) {
		tp, err := parseBodyTemplate(`{{rand}}-{{rand}}`, "x")
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		got := string(tp.expand(0, r))
		a, b, _ := strings.Cut(got, "-")
		if len(a) != 8 || len(b) != 8 || a == b {
			t.Fatalf("got %q, want two different 8-digit hex tokens", got)
		}
	})
	t.Run("OK/Pick", func(t *testing.T) {
		tp, err := parseBodyTemplate(`{"account_name":"{{pick:an|li|wei}}"}`, "x")
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		seen := map[string]bool{}
		for i := range 100 {
			seen[string(tp.expand(int64(i), r))] = true
		}
		for _, w := range []string{"an", "li", "wei"} {
			if !seen[`{"account_name":"`+w+`"}`] {
				t.Fatalf("never picked %q in 100 draws: %v", w, seen)
			}
		}
		if len(seen) != 3 {
			t.Fatalf("got %d distinct bodies, want 3", len(seen))
		}
	})
	for _, bad := range []string{"{{n", "{{nope}}", "{{pick:}}"} {
		t.Run("ErrBad/"+bad, func(t *testing.T) {
			if _, err := parseBodyTemplate(bad, "x"); err == nil {
				t.Fatalf("parse %q: got no error", bad)
			}
		})
	}
	t.Run("OK/RunToken", func(t *testing.T) {
		tok := runToken(rand.New(rand.NewPCG(3, 4)))
		if len(tok) != 6 || strings.Trim(tok, "abcdefghijklmnopqrstuvwxyz") != "" {
			t.Fatalf("got %q, want 6 lower-case letters", tok)
		}
	})
}
