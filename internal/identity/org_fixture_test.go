package identity_test

import (
	"context"
	"testing"

	"partnercenter/internal/identity"
)

// org is a partner with its main account's actor, for organization tests.
type org struct {
	fixture
	p    identity.Partner
	acct identity.MainAccount
	main identity.Actor
}

// mustOrg creates a partner on f's service and signs its main account in.
func mustOrg(tb testing.TB, f fixture) org {
	tb.Helper()
	p, acct := mustPartner(tb, f, identity.NewPartner{})
	return org{fixture: f, p: p, acct: acct, main: mustMainActor(tb, f, p, acct)}
}

// mustOrgMember creates a member holding roles as the main account and returns
// it with its initial password. director may be empty.
func mustOrgMember(tb testing.TB, o org, director string, roles ...string) (identity.Member, string) {
	tb.Helper()
	m, pw, err := o.svc.CreateMember(context.Background(), o.main, identity.NewMember{
		AccountName: uniqueName("user"), Roles: roles, DirectorID: director})
	if err != nil {
		tb.Fatalf("create member with %v: %v", roles, err)
	}
	return m, pw
}

// mustOrgActor returns the console actor of member id of o's partner, with the
// permissions and scope MemberAccess gives it, as the console builds it.
func mustOrgActor(tb testing.TB, o org, id string) identity.Actor {
	tb.Helper()
	ctx := context.Background()
	m, err := o.svc.MemberByID(ctx, o.p.ID, id)
	if err != nil {
		tb.Fatalf("load member %s: %v", id, err)
	}
	a := m.Actor(o.p)
	if a.Perms, a.Scope, err = o.svc.MemberAccess(ctx, o.p.ID, id); err != nil {
		tb.Fatalf("member access of %s: %v", id, err)
	}
	return a
}

// mustOrgMemberActor creates a member holding roles and returns its actor.
func mustOrgMemberActor(tb testing.TB, o org, roles ...string) (identity.Member, identity.Actor) {
	tb.Helper()
	m, _ := mustOrgMember(tb, o, "", roles...)
	return m, mustOrgActor(tb, o, m.ID)
}

// mustOrgRole creates a custom role as the main account.
func mustOrgRole(tb testing.TB, o org, name string, perms ...string) identity.Role {
	tb.Helper()
	r, err := o.svc.CreateRole(context.Background(), o.main, identity.NewRole{Name: name, Permissions: perms})
	if err != nil {
		tb.Fatalf("create role %s: %v", name, err)
	}
	return r
}

func orgPtr[T any](v T) *T { return &v }

func orgRoleIDs(v identity.MemberView) []string {
	var out []string
	for _, r := range v.Roles {
		out = append(out, r.ID)
	}
	return out
}

// orgCount runs a COUNT query.
func orgCount(tb testing.TB, o org, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := o.db.SQL.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}
