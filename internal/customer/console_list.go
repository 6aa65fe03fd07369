package customer

import (
	"context"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/mask"
)

// ConsoleRow is one customer as the partner console lists it (客户管理):
// the personal data — name, account name, mobile, e-mail and account
// manager — comes masked; RevealCustomers returns it plain, audited.
type ConsoleRow struct {
	ID string
	// Name is the real-name (实名认证) name, masked; empty before
	// verification.
	Name        string
	AccountName string
	Mobile      string
	Email       string
	// AccountManager is the assigned member's account name, masked; empty
	// when unassigned and on the resellers' tab.
	AccountManager string
	Assigned       bool
	Label          string
	Type           AssociationType
	AssociatedAt   time.Time
	FreezeState    FreezeState
	FreezeReason   string
	CustomerType   int
	Verified       int
	// PartnerID is the partner the customer is associated with: the
	// caller, or on the resellers' tab the cloud reseller.
	PartnerID string
}

// Frozen reports whether the customer is frozen.
func (r ConsoleRow) Frozen() bool { return r.FreezeState != NotFrozen }

// ConsoleCustomers lists customers for the partner console's customer list
// with the filters, paging and order of ListFilter (console.md §1.5),
// restricted to the partner (or, with AllResellers or IndirectPartnerID, a
// distributor's cloud resellers) and to the actor's data scope in SQL.
// Personal data comes masked. Callers need PermCustomerList. Returns
// CBC.0100 naming the bad filter, ErrNotYourReseller. Read-only.
func (s *Service) ConsoleCustomers(ctx context.Context, actor identity.Actor, f ListFilter) ([]ConsoleRow, int, error) {
	if !actor.Can(identity.PermCustomerList) {
		return nil, 0, identity.ErrForbidden
	}
	list, total, err := s.list(ctx, actor, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]ConsoleRow, len(list))
	for i, l := range list {
		out[i] = consoleRow(l)
		if l.Association.PartnerID != actor.PartnerID {
			// A reseller's customer, at its distributor: basic
			// information only.
			out[i].AccountManager, out[i].Assigned = "", false
		}
	}
	return out, total, nil
}

// consoleRow masks one listed customer.
func consoleRow(l Listed) ConsoleRow {
	c := l.Customer
	return ConsoleRow{
		ID:             c.ID,
		Name:           mask.Name(c.RealName),
		AccountName:    mask.AccountName(c.DomainName),
		Mobile:         mask.Mobile(displayMobile(c.MobileCountryCode, c.Mobile)),
		Email:          mask.Email(c.Email),
		AccountManager: mask.AccountName(l.AccountManager),
		Assigned:       c.AccountManagerID != "",
		Label:          c.Label,
		Type:           l.Association.Type,
		AssociatedAt:   l.Association.AssociatedAt,
		FreezeState:    c.FreezeState,
		FreezeReason:   c.FreezeReason,
		CustomerType:   c.Type,
		Verified:       c.VerifiedStatus,
		PartnerID:      l.Association.PartnerID,
	}
}

// displayMobile writes a stored mobile as "+86 13812345678"; "" without a
// mobile.
func displayMobile(countryCode, national string) string {
	if national == "" {
		return ""
	}
	cc := strings.TrimPrefix(countryCode, "00")
	if cc == "" {
		return national
	}
	return "+" + cc + " " + national
}

// ConsoleResellers lists the calling distributor's cloud resellers, for the
// filter of the resellers' customers tab; none for other partners. Callers
// need PermCustomerList. Read-only.
func (s *Service) ConsoleResellers(ctx context.Context, actor identity.Actor) ([]identity.PartnerRef, error) {
	if !actor.Can(identity.PermCustomerList) || actor.PartnerID == "" {
		return nil, identity.ErrForbidden
	}
	if actor.PartnerType != identity.Distributor {
		return nil, nil
	}
	return s.identity.ResellersOf(ctx, actor.PartnerID)
}

// MaxFreezeBatch is how many customers one FreezeCustomers or
// UnfreezeCustomers call takes (the open API's bound); the console sends a
// larger selection in several calls.
const MaxFreezeBatch = maxFreezeIDs
