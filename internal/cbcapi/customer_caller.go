package cbcapi

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"partnercenter/internal/identity"
)

// Who may call a route. Partner routes name the permission item (or items,
// joined by "|", any of which will do) their caller must hold; customer
// routes name CustomerCaller and are called with a customer's own access key
// (made in the customer portal). A customer's key is refused on every
// partner route and a partner's on every customer route, with CBC.0151.

// CustomerCaller is the permission of the routes a partner's customer calls
// with its own credentials (reference/cbc-api.md §11, audience Cu).
const CustomerCaller = "customer"

// AnyOf is a permission met by holding any one of codes, as Huawei's
// documentation writes BPC_ITEM_…_030102|…_030103.
func AnyOf(codes ...string) string { return strings.Join(codes, "|") }

// allows reports whether actor may call the route. A route whose items
// include CustomerCaller (AnyOf(CustomerCaller, identity.PermX)) serves
// customers with their own keys and partners holding the other items.
func (rt Route) allows(actor identity.Actor) bool {
	if actor.Kind == identity.ActorCustomer {
		return slices.Contains(strings.Split(rt.Perm, "|"), CustomerCaller)
	}
	for code := range strings.SplitSeq(rt.Perm, "|") {
		if code != CustomerCaller && actor.Can(code) {
			return true
		}
	}
	return false
}

// accessKeyActor resolves a signing access key: a member's, else a
// customer's. Both kinds answer an unknown key with
// identity.ErrAPICredentials, so the caller learns nothing of which.
func (a *API) accessKeyActor(r *http.Request, ak string) (identity.Actor, string, error) {
	actor, secret, err := a.Identity.AccessKeyActor(r.Context(), ak)
	if err == nil || !errors.Is(err, identity.ErrAPICredentials) {
		return actor, secret, err
	}
	if cActor, cSecret, cErr := a.Identity.CustomerAccessKeyActor(r.Context(), ak); cErr == nil {
		return cActor, cSecret, nil
	} else if !errors.Is(cErr, identity.ErrAPICredentials) {
		return identity.Actor{}, "", cErr
	}
	return identity.Actor{}, "", err
}

// noteKeyUsed records the accepted key's last use in its own table.
func (a *API) noteKeyUsed(r *http.Request, actor identity.Actor, ak string) {
	if actor.Kind == identity.ActorCustomer {
		a.Identity.NoteCustomerAccessKeyUsed(r.Context(), ak)
		return
	}
	a.Identity.NoteAccessKeyUsed(r.Context(), ak)
}

// limitKey is whose budget a call spends: its partner's, or a customer's
// own.
func limitKey(actor identity.Actor) string {
	if actor.Kind == identity.ActorCustomer {
		return "customer " + actor.ID
	}
	return actor.PartnerID
}
