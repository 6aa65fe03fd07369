package identity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/secretbox"
)

// testPassword satisfies the policy and is used wherever a test picks the
// password itself.
const testPassword = "Passw0rd!x"

// fixture is an identity service on a real database, with a stopped clock
// and a platform administrator to act as.
type fixture struct {
	svc   *identity.Service
	db    *db.DB
	clock *clock.Mock
	admin identity.Actor // an operator holding platform_admin
}

// mustFixture builds the service on d. The clock starts at a whole second so
// stored times compare exactly on both databases.
func mustFixture(tb testing.TB, d *db.DB) fixture {
	tb.Helper()
	box, err := secretbox.New(bytes.Repeat([]byte{1}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	c := clock.NewMock(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC))
	f := fixture{svc: identity.NewService(d, c, box), db: d, clock: c}
	f.admin = mustOperator(tb, f, "admin", identity.RolePlatformAdmin)
	return f
}

var seq atomic.Int64

// uniqueName returns a valid, unused account name starting with prefix.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s%d", prefix, seq.Add(1))
}

// mustOperator creates an operator with roles (password testPassword) and
// returns its actor.
func mustOperator(tb testing.TB, f fixture, username string, roles ...identity.OperatorRole) identity.Actor {
	tb.Helper()
	op, err := f.svc.CreateOperator(context.Background(), identity.NewOperator{
		Username: username, Password: testPassword, Roles: roles})
	if err != nil {
		tb.Fatalf("create operator %s: %v", username, err)
	}
	return op.Actor()
}

// mustPartner creates a partner as the platform admin. Empty Name and
// DomainName are filled in; Type defaults to a solution provider.
func mustPartner(tb testing.TB, f fixture, in identity.NewPartner) (identity.Partner, identity.MainAccount) {
	tb.Helper()
	if in.Type == "" {
		in.Type = identity.SolutionProvider
	}
	if in.DomainName == "" {
		in.DomainName = uniqueName("partner")
	}
	if in.Name == "" {
		in.Name = "Partner " + in.DomainName
	}
	p, acct, err := f.svc.CreatePartner(context.Background(), f.admin, in)
	if err != nil {
		tb.Fatalf("create partner %s: %v", in.DomainName, err)
	}
	return p, acct
}

// mustMainActor signs in a partner's main account and returns its actor.
func mustMainActor(tb testing.TB, f fixture, p identity.Partner, acct identity.MainAccount) identity.Actor {
	tb.Helper()
	m, got, err := f.svc.SignInMember(context.Background(), p.DomainName, "", acct.Password)
	if err != nil {
		tb.Fatalf("sign in %s: %v", p.DomainName, err)
	}
	return m.Actor(got)
}

// assertErr fails unless err matches want (nil meaning no error).
func assertErr(tb testing.TB, err, want error) {
	tb.Helper()
	switch {
	case want == nil && err != nil:
		tb.Fatalf("got error %v, want none", err)
	case want != nil && !errors.Is(err, want):
		tb.Fatalf("got error %v, want %v", err, want)
	}
}
