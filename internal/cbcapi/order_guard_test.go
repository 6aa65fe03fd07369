package cbcapi

import (
	"testing"

	"partnercenter/internal/identity"
)

// TestOrderRouteAllows: the order routes that serve both faces admit a
// customer with its own key and a partner holding the order item, and
// nobody else; cancelling is the customer's alone.
func TestOrderRouteAllows(t *testing.T) {
	both := Route{Perm: AnyOf(CustomerCaller, identity.PermOrderView)}
	cancel := Route{Perm: CustomerCaller}
	customerCaller := identity.Actor{Kind: identity.ActorCustomer, ID: "c1", DomainID: "c1"}
	viewer := identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p1", Perms: map[string]bool{identity.PermOrderView: true}}
	other := identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p1", Perms: map[string]bool{identity.PermCustomerQuery: true}}
	main := identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p1", IsMain: true,
		Perms: map[string]bool{identity.PermOrderView: true, identity.PermCustomerQuery: true}}
	tests := []struct {
		name  string
		route Route
		actor identity.Actor
		want  bool
	}{
		{"OK/CustomerOnSharedRoute", both, customerCaller, true},
		{"OK/PartnerWithItemOnSharedRoute", both, viewer, true},
		{"OK/MainAccountOnSharedRoute", both, main, true},
		{"OK/CustomerCancels", cancel, customerCaller, true},
		{"ErrPartnerWithoutItem", both, other, false},
		{"ErrMainAccountCancels", cancel, main, false},
		{"ErrPartnerCancels", cancel, viewer, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.route.allows(tt.actor); got != tt.want {
				t.Fatalf("allows %v, want %v", got, tt.want)
			}
		})
	}
}
