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
	CustomerSignedIn Access = "customer" // any signed-in customer (the customer portal)
)

const (
	itemPrefix = "item:"
	rolePrefix = "ops-role:"
)

// Item is access for partner members holding permission item code.
func Item(code string) Access { return Access(itemPrefix + code) }

// OperatorRole is access for operators holding role.
func OperatorRole(role identity.OperatorRole) Access { return Access(rolePrefix + string(role)) }

// OperatorAnyRole is access for operators holding at least one of roles.
func OperatorAnyRole(roles ...identity.OperatorRole) Access {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return Access(rolePrefix + strings.Join(names, ","))
}

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
	case a == CustomerSignedIn:
		return FaceCustomer
	}
	return ""
}

// allows reports whether actor a may use a route with this access. The
// actor's face has already been checked by the guard.
func (a Access) allows(actor identity.Actor) bool {
	switch {
	case a == Public, a == PartnerSignedIn, a == OperatorSignedIn, a == CustomerSignedIn:
		return true
	case strings.HasPrefix(string(a), itemPrefix):
		return actor.Can(strings.TrimPrefix(string(a), itemPrefix))
	case strings.HasPrefix(string(a), rolePrefix):
		for role := range strings.SplitSeq(strings.TrimPrefix(string(a), rolePrefix), ",") {
			if actor.HasOperatorRole(identity.OperatorRole(role)) {
				return true
			}
		}
		return false
	}
	return false
}

// Face is the console a route belongs to.
type Face string

const (
	FacePartner  Face = "partner"
	FaceOperator Face = "ops"
	FaceCustomer Face = "customer"
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

// routes is the route table of every face: the core routes below, then
// each sales area's own table (routes_*.go), in menu order.
func (s *Server) routes() []route {
	var all []route
	all = append(all, s.coreRoutes()...)
	all = append(all, s.customerRoutes()...)
	all = append(all, s.prospectRoutes()...)
	all = append(all, s.associationRoutes()...)
	all = append(all, s.couponRoutes()...)
	all = append(all, s.couponOpsRoutes()...)
	all = append(all, s.customerKeyRoutes()...)
	all = append(all, s.resellerRoutes()...)
	all = append(all, s.catalogRoutes()...)
	all = append(all, s.fundsRoutes()...)
	all = append(all, s.orderRoutes()...)
	all = append(all, s.payRoutes()...)
	all = append(all, s.partnerPayRoutes()...)
	all = append(all, s.resourceRoutes()...)
	all = append(all, s.cardRoutes()...)
	return all
}

// coreRoutes are sign-in, home, organization, account, support, the
// operator console and the customer portal's own pages.
func (s *Server) coreRoutes() []route {
	manage := Item(identity.PermOrgMemberManage)
	see := Item(identity.PermOrgMemberView)
	roles := Item(identity.PermOrgRoleManage)
	admin := OperatorRole(identity.RolePlatformAdmin)
	// Partners, the protected list and the test-account mark: platform
	// admins and ecosystem managers change them (as identity.CreatePartner,
	// customer.AddProtected and identity.SetPartnerTest enforce).
	curator := OperatorAnyRole(identity.RolePlatformAdmin, identity.RoleEcoManager)
	return []route{
		{"GET", "/lang/{lang}", FacePartner, Public, "", s.switchLanguage, true},

		{"GET", "/signin", FacePartner, Public, "", s.partnerSignInForm, true},
		{"POST", "/signin", FacePartner, Public, "", s.partnerSignIn, true},
		{"POST", "/signout", FacePartner, PartnerSignedIn, "", s.partnerSignOut, true},
		{"GET", "/password/forgot", FacePartner, Public, "", s.passwordForgotForm, true},
		{"POST", "/password/forgot", FacePartner, Public, "", s.passwordForgot, true},
		{"GET", "/password/reset", FacePartner, Public, "", s.passwordResetForm, true},
		{"POST", "/password/reset", FacePartner, Public, "", s.passwordReset, true},
		{"GET", "/{$}", FacePartner, PartnerSignedIn, "nav.home", s.partnerHome, false},

		// 组织 > 组织成员: 人员管理 and 角色管理. The menu entry leads to the
		// first tab the member may open.
		{"GET", "/org/members", FacePartner, see, "nav.organization", s.orgMemberList, false},
		{"GET", "/org/roles", FacePartner, roles, "nav.organization", s.orgRoleList, false},
		{"GET", "/org/members/new", FacePartner, manage, "", s.orgMemberNew, false},
		{"POST", "/org/members", FacePartner, manage, "", s.orgMemberCreate, false},
		{"GET", "/org/members/{id}", FacePartner, see, "", s.orgMemberShow, false},
		{"GET", "/org/members/{id}/edit", FacePartner, manage, "", s.orgMemberEdit, false},
		{"POST", "/org/members/{id}", FacePartner, manage, "", s.orgMemberUpdate, false},
		{"POST", "/org/members/{id}/status", FacePartner, manage, "", s.orgMemberSetStatus, false},
		{"POST", "/org/members/{id}/password", FacePartner, manage, "", s.orgMemberResetPassword, false},
		{"POST", "/org/members/{id}/move", FacePartner, manage, "", s.orgMemberMove, false},
		{"GET", "/org/members/{id}/delete", FacePartner, manage, "", s.orgMemberDeleteConfirm, false},
		{"POST", "/org/members/{id}/delete", FacePartner, manage, "", s.orgMemberDelete, false},
		{"GET", "/org/roles/new", FacePartner, roles, "", s.orgRoleNew, false},
		{"POST", "/org/roles", FacePartner, roles, "", s.orgRoleCreate, false},
		{"GET", "/org/roles/{id}", FacePartner, roles, "", s.orgRoleShow, false},
		{"POST", "/org/roles/{id}", FacePartner, roles, "", s.orgRoleUpdate, false},
		{"GET", "/org/roles/{id}/delete", FacePartner, roles, "", s.orgRoleDeleteConfirm, false},
		{"POST", "/org/roles/{id}/delete", FacePartner, roles, "", s.orgRoleDelete, false},

		// The user menu: 个人资料 and 我的凭证 > 访问密钥.
		{"GET", "/account/profile", FacePartner, PartnerSignedIn, "", s.accountProfile, false},
		{"GET", "/account/password", FacePartner, PartnerSignedIn, "", s.accountPasswordForm, true},
		{"POST", "/account/password", FacePartner, PartnerSignedIn, "", s.accountPasswordChange, true},
		{"GET", "/account/keys", FacePartner, PartnerSignedIn, "", s.accountKeys, false},
		{"POST", "/account/keys", FacePartner, PartnerSignedIn, "", s.accountKeyCreate, false},
		{"POST", "/account/keys/{ak}/status", FacePartner, PartnerSignedIn, "", s.accountKeySetStatus, false},
		{"GET", "/account/keys/{ak}/delete", FacePartner, PartnerSignedIn, "", s.accountKeyDeleteConfirm, false},
		{"POST", "/account/keys/{ak}/delete", FacePartner, PartnerSignedIn, "", s.accountKeyDelete, false},

		// 支持 > 能力开放 > 接入配置 (SAML IdP metadata, notification URL,
		// contact); the SP endpoints themselves are mounted by app.
		{"GET", "/support/access", FacePartner, Item(identity.PermAccessConfig), "nav.support", s.supportAccess, false},
		{"POST", "/support/access/idp-metadata", FacePartner, Item(identity.PermAccessConfig), "", s.supportAccessIdP, false},
		{"POST", "/support/access/idp-initiated", FacePartner, Item(identity.PermAccessConfig), "", s.supportAccessIdPInitiated, false},
		{"POST", "/support/access/notify-url", FacePartner, Item(identity.PermAccessConfig), "", s.supportAccessNotify, false},
		{"POST", "/support/access/contacts", FacePartner, Item(identity.PermAccessConfig), "", s.supportAccessContacts, false},
		// 能力开放: the binding-notification delivery log (cbc-api.md §4.3).
		{"GET", "/support/notifications", FacePartner, Item(identity.PermAccessConfig), "", s.supportNotifications, false},
		{"POST", "/support/notifications/{id}/resend", FacePartner, Item(identity.PermAccessConfig), "", s.supportNotificationResend, false},

		{"GET", "/ops/signin", FaceOperator, Public, "", s.opsSignInForm, true},
		{"POST", "/ops/signin", FaceOperator, Public, "", s.opsSignIn, true},
		{"POST", "/ops/signout", FaceOperator, OperatorSignedIn, "", s.opsSignOut, true},
		{"GET", "/ops/{$}", FaceOperator, OperatorSignedIn, "", s.opsIndex, false},
		{"GET", "/ops/partners", FaceOperator, OperatorSignedIn, "nav.ops.partners", s.opsPartnerList, false},
		{"GET", "/ops/partners/new", FaceOperator, curator, "", s.opsPartnerNew, false},
		{"POST", "/ops/partners", FaceOperator, curator, "", s.opsPartnerCreate, false},
		{"GET", "/ops/partners/{id}", FaceOperator, OperatorSignedIn, "", s.opsPartnerShow, false},
		{"POST", "/ops/partners/{id}/status", FaceOperator, curator, "", s.opsPartnerSetStatus, false},
		{"POST", "/ops/partners/{id}/eco-manager", FaceOperator, curator, "", s.opsPartnerSetEcoManager, false},
		{"POST", "/ops/partners/{id}/test", FaceOperator, curator, "", s.opsPartnerSetTest, false},
		// 受保护客户名单: contacts followed by direct sales (CBC.99000051).
		{"GET", "/ops/protected", FaceOperator, OperatorSignedIn, "nav.ops.protected", s.opsProtectedList, false},
		{"POST", "/ops/protected", FaceOperator, curator, "", s.opsProtectedAdd, false},
		{"GET", "/ops/protected/{id}/delete", FaceOperator, curator, "", s.opsProtectedDeleteConfirm, false},
		{"POST", "/ops/protected/{id}/delete", FaceOperator, curator, "", s.opsProtectedDelete, false},
		{"GET", "/ops/outbox", FaceOperator, OperatorSignedIn, "nav.ops.outbox", s.opsOutbox, false},
		{"GET", "/ops/operators", FaceOperator, admin, "nav.ops.operators", s.opsOperatorList, false},
		{"GET", "/ops/operators/new", FaceOperator, admin, "", s.opsOperatorNew, false},
		{"POST", "/ops/operators", FaceOperator, admin, "", s.opsOperatorCreate, false},
		{"GET", "/ops/operators/{id}", FaceOperator, admin, "", s.opsOperatorShow, false},
		{"POST", "/ops/operators/{id}/status", FaceOperator, admin, "", s.opsOperatorSetStatus, false},
		{"POST", "/ops/operators/{id}/roles", FaceOperator, admin, "", s.opsOperatorSetRoles, false},
		{"POST", "/ops/operators/{id}/password", FaceOperator, admin, "", s.opsOperatorResetPassword, false},
		{"GET", "/ops/account/password", FaceOperator, OperatorSignedIn, "", s.opsPasswordForm, true},
		{"POST", "/ops/account/password", FaceOperator, OperatorSignedIn, "", s.opsPasswordChange, true},

		// The customer portal (customer_portal.go); its guard is
		// guardCustomer. The /customer/sso/ pages finish a first single
		// sign-on and need its pending identity in the session.
		{"GET", "/customer/signin", FaceCustomer, Public, "", s.customerSignInForm, true},
		{"POST", "/customer/signin", FaceCustomer, Public, "", s.customerSignIn, true},
		{"POST", "/customer/signout", FaceCustomer, CustomerSignedIn, "", s.customerSignOut, true},
		{"GET", "/customer/{$}", FaceCustomer, CustomerSignedIn, "", s.customerHome, true},
		{"GET", "/customer/partner", FaceCustomer, CustomerSignedIn, "", s.customerPartner, true},
		{"POST", "/customer/partner/unbind", FaceCustomer, CustomerSignedIn, "", s.customerUnbind, true},
		{"GET", "/customer/sso/first", FaceCustomer, Public, "", s.customerSSOFirst, true},
		{"POST", "/customer/sso/code", FaceCustomer, Public, "", s.customerSSOCode, true},
		{"POST", "/customer/sso/register", FaceCustomer, Public, "", s.customerSSORegister, true},
		{"POST", "/customer/sso/bind", FaceCustomer, Public, "", s.customerSSOBind, true},
	}
}

// may reports whether actor may use the route method pattern: the route
// exists, belongs to the actor's face and its access allows the actor.
func (s *Server) may(actor identity.Actor, method, pattern string) bool {
	acc, ok := s.table().access[method+" "+pattern]
	if !ok {
		return false
	}
	face := FacePartner
	if actor.IsOperator() {
		face = FaceOperator
	}
	return (acc == Public || acc.face() == face) && acc.allows(actor)
}

// navItem is one top-level menu entry.
type navItem struct {
	Key    string
	Href   string
	Active bool
}

// routeTable is the route table indexed once for the per-page questions
// (which menus, which buttons), so rendering a page does not rebuild it.
type routeTable struct {
	access map[string]Access // by "METHOD pattern"
	menus  []route           // routes carrying a menu key, in table order
}

func (s *Server) table() *routeTable {
	s.tableOnce.Do(func() {
		t := &routeTable{access: map[string]Access{}}
		for _, rt := range s.routes() {
			t.access[rt.Method+" "+rt.Pattern] = rt.Access
			if rt.Menu != "" {
				t.menus = append(t.menus, rt)
			}
		}
		s.indexed = t
	})
	return s.indexed
}

// menu lists the top-level menu entries of face that actor may use, in
// table order; several routes may share a menu key, and the first one the
// actor may use is where the entry leads.
func (s *Server) menu(actor identity.Actor, face Face, currentPath string) []navItem {
	var out []navItem
	seen := map[string]bool{}
	for _, rt := range s.table().menus {
		if rt.Face != face || seen[rt.Menu] || !rt.Access.allows(actor) {
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
