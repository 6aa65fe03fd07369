package web

import (
	"net/http"
	"strings"
	"testing"

	"partnercenter/internal/identity"
)

var (
	mainActor = identity.Actor{Kind: identity.ActorMember, IsMain: true, Perms: map[string]bool{
		identity.PermOrgMemberView: true, identity.PermOrgMemberManage: true, identity.PermOrgRoleManage: true}}
	roleManager = identity.Actor{Kind: identity.ActorMember, Perms: map[string]bool{identity.PermOrgRoleManage: true}}
	opActor     = identity.Actor{Kind: identity.ActorOperator, OperatorRoles: []identity.OperatorRole{identity.RolePlatformAdmin}}
)

// TestMenuFollowsPermissions: a member without an item does not see the
// menu of routes needing it.
func TestMenuFollowsPermissions(t *testing.T) {
	s := &Server{}
	for _, rt := range s.routes() {
		code, ok := rt.Access.Item()
		if !ok || rt.Menu == "" {
			continue
		}
		with := identity.Actor{Kind: identity.ActorMember, Perms: map[string]bool{code: true}}
		without := identity.Actor{Kind: identity.ActorMember, Perms: map[string]bool{}}
		if !hasMenu(s.menu(with, FacePartner, "/"), rt.Menu) {
			t.Errorf("%s: a member holding %s does not see menu %s", rt.Pattern, code, rt.Menu)
		}
		if !menuReachable(s, rt.Menu, without) && hasMenu(s.menu(without, FacePartner, "/"), rt.Menu) {
			t.Errorf("%s: a member without %s sees menu %s", rt.Pattern, code, rt.Menu)
		}
	}
}

// menuReachable reports whether some route of menu is open to a.
func menuReachable(s *Server, menu string, a identity.Actor) bool {
	for _, rt := range s.routes() {
		if rt.Menu == menu && rt.Access.allows(a) {
			return true
		}
	}
	return false
}

func hasMenu(items []navItem, key string) bool {
	for _, it := range items {
		if it.Key == key {
			return true
		}
	}
	return false
}

// TestRoutes checks the route table: every route says who may use it, menu
// entries are pages one can link to, and no route is declared twice.
func TestRoutes(t *testing.T) {
	s := &Server{}
	routes := s.routes()
	if len(routes) == 0 {
		t.Fatal("no routes")
	}
	// Only signing in, the forgotten-password pages and switching language
	// may be used without a session. A new public route must be added here
	// deliberately.
	wantPublic := map[string]bool{
		"GET /lang/{lang}": true, "GET /signin": true, "POST /signin": true,
		"GET /ops/signin": true, "POST /ops/signin": true,
		"GET /password/forgot": true, "POST /password/forgot": true,
		"GET /password/reset": true, "POST /password/reset": true,
		"GET /customer/signin": true, "POST /customer/signin": true, "GET /customer/sso/first": true,
		"POST /customer/sso/code": true, "POST /customer/sso/register": true, "POST /customer/sso/bind": true,
		"GET /customer/invite/{token}": true, "POST /customer/invite/{token}/code": true,
		"POST /customer/invite/{token}/signin": true, "POST /customer/invite/{token}/register": true,
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
			case rt.Access != Public && rt.Access.face() != rt.Face:
				t.Errorf("face %q with access %q", rt.Face, rt.Access)
			}
			if code, ok := rt.Access.Item(); ok {
				if _, known := identity.PermissionByCode(code); !known {
					t.Errorf("permission item %q is not in the catalogue", code)
				}
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
		actor    identity.Actor
		face     Face
		path     string
		wantKeys []string // at least these, in this order
	}{
		{"Partner", mainActor, FacePartner, "/", []string{"nav.home"}},
		{"PartnerOrganization", mainActor, FacePartner, "/org/members", []string{"nav.home", "nav.organization"}},
		{"RoleManagerLandsOnRoles", roleManager, FacePartner, "/org/roles", []string{"nav.home", "nav.organization"}},
		{"Operator", opActor, FaceOperator, "/ops/outbox", []string{"nav.ops.partners", "nav.ops.outbox", "nav.ops.operators"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			active := 0
			for _, it := range s.menu(tt.actor, tt.face, tt.path) {
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

// TestPasswordChangeRoutes: the pages the guard sends a member or operator
// with a one-time password to must be open to it, or it could never leave.
func TestPasswordChangeRoutes(t *testing.T) {
	s := &Server{}
	want := map[string]bool{
		"GET /account/password": true, "POST /account/password": true,
		"GET /ops/account/password": true, "POST /ops/account/password": true,
		"POST /signout": true, "POST /ops/signout": true,
	}
	for _, rt := range s.routes() {
		key := rt.Method + " " + rt.Pattern
		if want[key] && !rt.AllowedBeforePasswordChange {
			t.Errorf("%s is not allowed before the password change", key)
		}
		delete(want, key)
		if rt.AllowedBeforePasswordChange && rt.Access != Public && strings.HasPrefix(rt.Pattern, "/org/") {
			t.Errorf("%s is open before the password change", key)
		}
	}
	for key := range want {
		t.Errorf("no route %s", key)
	}
}

// TestMay: pages show a link only when the route table lets the actor use it.
func TestMay(t *testing.T) {
	s := &Server{}
	viewer := identity.Actor{Kind: identity.ActorMember, Perms: map[string]bool{identity.PermOrgMemberView: true}}
	tests := []struct {
		name            string
		actor           identity.Actor
		method, pattern string
		want            bool
	}{
		{"MainCreatesMembers", mainActor, "POST", "/org/members", true},
		{"ViewerSeesMembers", viewer, "GET", "/org/members/{id}", true},
		{"ViewerCannotCreate", viewer, "GET", "/org/members/new", false},
		{"ViewerOwnKeys", viewer, "GET", "/account/keys", true},
		{"OperatorNotOnPartnerPages", opActor, "GET", "/account/keys", false},
		{"MemberNotOnOperatorPages", mainActor, "GET", "/ops/partners", false},
		{"AdminOperators", opActor, "GET", "/ops/operators", true},
		{"UnknownRoute", mainActor, "GET", "/no/such", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.may(tt.actor, tt.method, tt.pattern); got != tt.want {
				t.Errorf("may(%s %s) = %v, want %v", tt.method, tt.pattern, got, tt.want)
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
