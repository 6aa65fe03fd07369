package cbcapi

import (
	"testing"

	"partnercenter/internal/identity"
)

// TestRouteAllows is the table of who may call what: customers only the
// customer routes, partners only the partner routes whose permission item
// (any of AnyOf's) they hold.
func TestRouteAllows(t *testing.T) {
	partner := func(perms ...string) identity.Actor {
		m := map[string]bool{}
		for _, p := range perms {
			m[p] = true
		}
		return identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p1", Perms: m}
	}
	customerCaller := identity.Actor{Kind: identity.ActorCustomer, ID: "c1", DomainID: "c1"}
	issue := Route{Perm: AnyOf(identity.PermVoucherIssue, identity.PermCashCouponIssue)}
	view := Route{Perm: identity.PermCouponQuotaView}
	own := Route{Perm: CustomerCaller}
	tests := []struct {
		name  string
		route Route
		actor identity.Actor
		want  bool
	}{
		{"OK/PartnerHoldsItem", view, partner(identity.PermCouponQuotaView), true},
		{"OK/AnyOfFirst", issue, partner(identity.PermVoucherIssue), true},
		{"OK/AnyOfSecond", issue, partner(identity.PermCashCouponIssue), true},
		{"OK/CustomerOnCustomerRoute", own, customerCaller, true},
		{"ErrPartnerLacksItem", view, partner(identity.PermVoucherIssue), false},
		{"ErrAnyOfNone", issue, partner(identity.PermCouponQuotaView), false},
		{"ErrPartnerOnCustomerRoute", own, partner(identity.PermCouponQuotaView, identity.PermCouponIssuedView), false},
		{"ErrCustomerOnPartnerRoute", view, customerCaller, false},
		// A customer actor never holds items, but the kind alone refuses it.
		{"ErrCustomerWithItems", view, identity.Actor{Kind: identity.ActorCustomer,
			Perms: map[string]bool{identity.PermCouponQuotaView: true}}, false},
		{"ErrEmptyPermNeverMatches", Route{Perm: AnyOf(identity.PermCouponQuotaView, "")}, partner(), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.route.allows(tt.actor); got != tt.want {
				t.Fatalf("allows %v, want %v", got, tt.want)
			}
		})
	}
	if got, want := limitKey(customerCaller), "customer c1"; got != want {
		t.Errorf("limitKey(customer) %q, want %q", got, want)
	}
	if got, want := limitKey(partner()), "p1"; got != want {
		t.Errorf("limitKey(partner) %q, want %q", got, want)
	}
}
