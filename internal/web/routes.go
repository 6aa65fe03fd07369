package web

import (
	"net/http"
	"strings"

	"partnercenter/internal/identity"
)

// Access says who may reach a route: anyone (Public), any signed-in member
// or operator, a member holding a permission item (Item), or an operator
// holding a role (OperatorRole). Menus are built from the same table, so a
// member sees exactly the menus it may use.
type Access string

const (
	Public           Access = "public"   // anyone, signed in or not
	PartnerSignedIn  Access = "partner"  // any signed-in partner member (home, own profile, own keys)
	OperatorSignedIn Access = "operator" // any signed-in operator
)

const (
	itemPrefix = "item:"
	rolePrefix = "ops-role:"
)

// Item is access for partner members holding permission item code.
func Item(code string) Access { return Access(itemPrefix + code) }

// OperatorRole is access for operators holding role.
func OperatorRole(role identity.OperatorRole) Access { return Access(rolePrefix + string(role)) }

// Item returns the permission item the access needs, if any.
func (a Access) Item() (string, bool) {
	code, ok := strings.CutPrefix(string(a), itemPrefix)
	return code, ok
}

// face returns the face an access level belongs to ("" for Public).
func (a Access) face() Face {
	switch {
	case a == PartnerSignedIn || strings.HasPrefix(string(a), itemPrefix):
		return FacePartner
	case a == OperatorSignedIn || strings.HasPrefix(string(a), rolePrefix):
		return FaceOperator
	}
	return ""
}

// allows reports whether actor a may use a route with this access. The
// actor's face has already been checked by the guard.
func (a Access) allows(actor identity.Actor) bool {
	switch {
	case a == Public, a == PartnerSignedIn, a == OperatorSignedIn:
		return true
	case strings.HasPrefix(string(a), itemPrefix):
		return actor.Can(strings.TrimPrefix(string(a), itemPrefix))
	case strings.HasPrefix(string(a), rolePrefix):
		return actor.HasOperatorRole(identity.OperatorRole(strings.TrimPrefix(string(a), rolePrefix)))
	}
	return false
}

// Face is the console a route belongs to.
type Face string

const (
	FacePartner  Face = "partner"
	FaceOperator Face = "ops"
)

// route is one row of a console's route table. Every route names who may
// use it, and menu routes name their top-level menu, so menus are built from
// the same table that guards the handlers.
type route struct {
	Method  string
	Pattern string
	Face    Face
	Access  Access
	Menu    string // i18n key of the menu entry; empty if not in a menu
	Handler http.HandlerFunc
	// AllowedBeforePasswordChange marks the few routes a member with an
	// initial password may use (changing it, signing out).
	AllowedBeforePasswordChange bool
}

// routes is the route table of both consoles.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/lang/{lang}", FacePartner, Public, "", s.switchLanguage, true},

		{"GET", "/signin", FacePartner, Public, "", s.partnerSignInForm, true},
		{"POST", "/signin", FacePartner, Public, "", s.partnerSignIn, true},
		{"POST", "/signout", FacePartner, PartnerSignedIn, "", s.partnerSignOut, true},
		{"GET", "/{$}", FacePartner, PartnerSignedIn, "nav.home", s.partnerHome, false},

		{"GET", "/ops/signin", FaceOperator, Public, "", s.opsSignInForm, true},
		{"POST", "/ops/signin", FaceOperator, Public, "", s.opsSignIn, true},
		{"POST", "/ops/signout", FaceOperator, OperatorSignedIn, "", s.opsSignOut, true},
		{"GET", "/ops/{$}", FaceOperator, OperatorSignedIn, "", s.opsIndex, false},
		{"GET", "/ops/partners", FaceOperator, OperatorSignedIn, "nav.ops.partners", s.opsPartnerList, false},
		{"GET", "/ops/partners/new", FaceOperator, OperatorSignedIn, "", s.opsPartnerNew, false},
		{"POST", "/ops/partners", FaceOperator, OperatorSignedIn, "", s.opsPartnerCreate, false},
		{"GET", "/ops/partners/{id}", FaceOperator, OperatorSignedIn, "", s.opsPartnerShow, false},
		{"POST", "/ops/partners/{id}/status", FaceOperator, OperatorSignedIn, "", s.opsPartnerSetStatus, false},
		{"POST", "/ops/partners/{id}/eco-manager", FaceOperator, OperatorSignedIn, "", s.opsPartnerSetEcoManager, false},
		{"GET", "/ops/outbox", FaceOperator, OperatorSignedIn, "nav.ops.outbox", s.opsOutbox, false},
	}
}

// navItem is one top-level menu entry.
type navItem struct {
	Key    string
	Href   string
	Active bool
}

// menu lists the top-level menu entries of face that actor may use, in
// table order; several routes may share a menu key, and the first one the
// actor may use is where the entry leads.
func (s *Server) menu(actor identity.Actor, face Face, currentPath string) []navItem {
	var out []navItem
	seen := map[string]bool{}
	for _, rt := range s.routes() {
		if rt.Face != face || rt.Menu == "" || seen[rt.Menu] || !rt.Access.allows(actor) {
			continue
		}
		seen[rt.Menu] = true
		href := strings.TrimSuffix(rt.Pattern, "{$}")
		out = append(out, navItem{Key: rt.Menu, Href: href,
			Active: currentPath == href || (href != "/" && href != "/ops/" && strings.HasPrefix(currentPath, menuRoot(href)))})
	}
	return out
}

// menuRoot is the first path segment of href, e.g. "/org/" for
// "/org/members", so every page of a menu group highlights its entry.
func menuRoot(href string) string {
	parts := strings.SplitN(strings.TrimPrefix(href, "/"), "/", 3)
	if parts[0] == "ops" && len(parts) > 1 {
		return "/ops/" + parts[1]
	}
	return "/" + parts[0] + "/"
}
