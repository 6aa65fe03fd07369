package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestRoutes checks the route table: every route says who may use it, menu
// entries are pages one can link to, and no route is declared twice.
func TestRoutes(t *testing.T) {
	s := &Server{}
	routes := s.routes()
	if len(routes) == 0 {
		t.Fatal("no routes")
	}
	// Only signing in and switching language may be used without a session.
	// A new public route must be added here deliberately.
	wantPublic := map[string]bool{
		"GET /lang/{lang}": true, "GET /signin": true, "POST /signin": true,
		"GET /ops/signin": true, "POST /ops/signin": true,
	}
	seen := map[string]bool{}
	for _, rt := range routes {
		key := rt.Method + " " + rt.Pattern
		t.Run(key, func(t *testing.T) {
			if rt.Access == "" {
				t.Error("no Access")
			}
			if got, want := rt.Access == Public, wantPublic[key]; got != want {
				t.Errorf("public %v, want %v", got, want)
			}
			switch rt.Method {
			case http.MethodGet, http.MethodPost:
			default:
				t.Errorf("method %q, want GET or POST", rt.Method)
			}
			if rt.Menu != "" && rt.Method != http.MethodGet {
				t.Errorf("menu entry %q on a %s route", rt.Menu, rt.Method)
			}
			if rt.Menu != "" && strings.Contains(strings.TrimSuffix(rt.Pattern, "{$}"), "{") {
				t.Errorf("menu entry %q on a pattern with wildcards", rt.Menu)
			}
			if rt.Handler == nil {
				t.Error("no handler")
			}
			switch {
			case rt.Face == "":
				t.Error("no face")
			case strings.HasPrefix(rt.Pattern, "/ops/") != (rt.Face == FaceOperator):
				t.Errorf("face %q does not match the path", rt.Face)
			case rt.Face == FaceOperator && rt.Access == PartnerSignedIn,
				rt.Face == FacePartner && rt.Access == OperatorSignedIn:
				t.Errorf("face %q with access %q", rt.Face, rt.Access)
			}
			if seen[key] {
				t.Error("declared twice")
			}
			seen[key] = true
		})
	}
}

func TestMenu(t *testing.T) {
	s := &Server{}
	tests := []struct {
		name     string
		face     Face
		path     string
		wantKeys []string // at least these, in this order
	}{
		{"Partner", FacePartner, "/", []string{"nav.home"}},
		{"Operator", FaceOperator, "/ops/outbox", []string{"nav.ops.partners", "nav.ops.outbox"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			active := 0
			for _, it := range s.menu(tt.face, tt.path) {
				keys = append(keys, it.Key)
				if it.Active {
					active++
				}
				if got, want := it.Active, it.Href == tt.path; got != want {
					t.Errorf("%s active %v, want %v", it.Href, got, want)
				}
				if strings.Contains(it.Href, "{") {
					t.Errorf("menu link %q holds a pattern", it.Href)
				}
				if strings.HasPrefix(it.Href, "/ops/") != (tt.face == FaceOperator) {
					t.Errorf("menu link %q is not of face %s", it.Href, tt.face)
				}
			}
			if active != 1 {
				t.Errorf("%d active entries for %s, want 1", active, tt.path)
			}
			i := 0
			for _, k := range keys {
				if i < len(tt.wantKeys) && k == tt.wantKeys[i] {
					i++
				}
			}
			if i != len(tt.wantKeys) {
				t.Errorf("menu %v, want it to hold %v in order", keys, tt.wantKeys)
			}
		})
	}
}

func TestLocalPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/", "/"},
		{"/ops/partners?q=a", "/ops/partners?q=a"},
		{"", "/fallback"},
		{"signin", "/fallback"},
		{"//evil.example", "/fallback"},
		{`/\evil.example`, "/fallback"},
		{"https://evil.example", "/fallback"},
		{"/\t/evil.example", "/fallback"},
		{"/\r\n/evil.example", "/fallback"},
	}
	for _, tt := range tests {
		if got := localPath(tt.in, "/fallback"); got != tt.want {
			t.Errorf("localPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
