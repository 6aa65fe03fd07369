package web

import "net/http"

// Access says who may reach a route. Permission items of the organization
// (BPC_ITEM_...) join these as their features arrive.
type Access string

const (
	Public           Access = "public"   // anyone, signed in or not
	PartnerSignedIn  Access = "partner"  // any signed-in partner member
	OperatorSignedIn Access = "operator" // any signed-in operator
)

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
}

// routes is the route table of both consoles.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/lang/{lang}", FacePartner, Public, "", s.switchLanguage},

		{"GET", "/signin", FacePartner, Public, "", s.partnerSignInForm},
		{"POST", "/signin", FacePartner, Public, "", s.partnerSignIn},
		{"POST", "/signout", FacePartner, PartnerSignedIn, "", s.partnerSignOut},
		{"GET", "/{$}", FacePartner, PartnerSignedIn, "nav.home", s.partnerHome},

		{"GET", "/ops/signin", FaceOperator, Public, "", s.opsSignInForm},
		{"POST", "/ops/signin", FaceOperator, Public, "", s.opsSignIn},
		{"POST", "/ops/signout", FaceOperator, OperatorSignedIn, "", s.opsSignOut},
		{"GET", "/ops/{$}", FaceOperator, OperatorSignedIn, "", s.opsIndex},
		{"GET", "/ops/partners", FaceOperator, OperatorSignedIn, "nav.ops.partners", s.opsPartnerList},
		{"GET", "/ops/partners/new", FaceOperator, OperatorSignedIn, "", s.opsPartnerNew},
		{"POST", "/ops/partners", FaceOperator, OperatorSignedIn, "", s.opsPartnerCreate},
		{"GET", "/ops/partners/{id}", FaceOperator, OperatorSignedIn, "", s.opsPartnerShow},
		{"POST", "/ops/partners/{id}/status", FaceOperator, OperatorSignedIn, "", s.opsPartnerSetStatus},
		{"POST", "/ops/partners/{id}/eco-manager", FaceOperator, OperatorSignedIn, "", s.opsPartnerSetEcoManager},
		{"GET", "/ops/outbox", FaceOperator, OperatorSignedIn, "nav.ops.outbox", s.opsOutbox},
	}
}

// navItem is one top-level menu entry.
type navItem struct {
	Key    string
	Href   string
	Active bool
}

// menu lists the menu entries of face the actor may use, in table order.
func (s *Server) menu(face Face, currentPath string) []navItem {
	var out []navItem
	for _, rt := range s.routes() {
		if rt.Face != face || rt.Menu == "" {
			continue
		}
		href := rt.Pattern
		if href == "/{$}" {
			href = "/"
		}
		out = append(out, navItem{Key: rt.Menu, Href: href, Active: currentPath == href})
	}
	return out
}
