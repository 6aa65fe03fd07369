package customer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
)

// APITime is the open API's time format (UTC).
const APITime = "2006-01-02T15:04:05Z"

// Paging bounds of ListSubCustomers.
const (
	DefaultListLimit = 10
	MaxListLimit     = 100
	MaxListOffset    = 40_000_000
)

// ListFilter is ListSubCustomers' body (reference/cbc-api.md §4.1). Nil
// pointers are absent; "" is absent too except for the times, which refuse
// it.
type ListFilter struct {
	// AccountName, Customer (the real-name name) and Label match any part;
	// Label is case-sensitive. None may contain spaces.
	AccountName *string
	Customer    *string
	Label       *string
	// AssociationType is "1" referral or "2" reseller ("3", the bssintl
	// code for resale, is taken as "2").
	AssociationType *string
	// AssociatedOnBegin and AssociatedOnEnd bound the association time,
	// exclusively, in APITime.
	AssociatedOnBegin *string
	AssociatedOnEnd   *string
	CustomerID        *string
	// IndirectPartnerID lists a distributor's cloud reseller's customers.
	IndirectPartnerID *string
	Offset            *int
	Limit             *int
}

// Listed is one row of ListSubCustomers.
type Listed struct {
	Customer    Customer
	Association Association
	// AccountManager is the account name of the member the customer is
	// assigned to; empty when unassigned, and for a reseller's customers
	// listed by its distributor, who sees only basic information.
	AccountManager string
}

// ListSubCustomers lists the customers currently associated with the caller
// (or with one of a distributor's cloud resellers, named by
// IndirectPartnerID), newest association first, with the total, restricted
// to the caller's data scope: an account manager sees the customers assigned
// to it. Callers need PermCustomerQuery or PermCustomerList. Returns CBC.0100
// naming the bad field, ErrNotYourReseller. Read-only.
func (s *Service) ListSubCustomers(ctx context.Context, actor identity.Actor, f ListFilter) ([]Listed, int, error) {
	if !actor.Can(identity.PermCustomerQuery) && !actor.Can(identity.PermCustomerList) {
		return nil, 0, identity.ErrForbidden
	}
	limit, offset := DefaultListLimit, 0
	if f.Limit != nil {
		if *f.Limit < 1 || *f.Limit > MaxListLimit {
			return nil, 0, errParam("limit")
		}
		limit = *f.Limit
	}
	if f.Offset != nil {
		if *f.Offset < 0 || *f.Offset > MaxListOffset {
			return nil, 0, errParam("offset")
		}
		offset = *f.Offset
	}
	// $1 is the partner, known once the filters are valid.
	where := ""
	args := []any{nil}
	// customerSide: some condition is on customers, so the count needs the
	// join; without one it counts the association index alone.
	customerSide := false
	add := func(cond string, arg any) {
		args = append(args, arg)
		where += " AND " + fmt.Sprintf(cond, len(args))
		customerSide = customerSide || strings.HasPrefix(cond, "c.")
	}
	for _, t := range []struct {
		name, cond string
		v          *string
		lower      bool
	}{
		// domain_name_key is the lower-cased name: no LOWER() per row.
		{"account_name", "c.domain_name_key LIKE $%d ESCAPE '\\'", f.AccountName, true},
		{"customer", "c.real_name <> '' AND LOWER(c.real_name) LIKE $%d ESCAPE '\\'", f.Customer, true},
		{"label", "c.label <> REPLACE(c.label, $%d, '')", f.Label, false},
	} {
		if t.v == nil || *t.v == "" {
			continue
		}
		if len([]rune(*t.v)) > maxFilterText || strings.ContainsAny(*t.v, " \t") {
			return nil, 0, errParam(t.name)
		}
		if t.lower {
			add(t.cond, db.Contains(strings.ToLower(*t.v)))
		} else {
			add(t.cond, *t.v)
		}
	}
	if f.AssociationType != nil && *f.AssociationType != "" {
		switch *f.AssociationType {
		case "1":
			add("a.type = $%d", Referral)
		case "2", "3":
			add("a.type = $%d", Reseller)
		default:
			return nil, 0, errParam("association_type")
		}
	}
	for _, t := range []struct {
		name, cond string
		v          *string
	}{
		{"associated_on_begin", "a.associated_at > $%d", f.AssociatedOnBegin},
		{"associated_on_end", "a.associated_at < $%d", f.AssociatedOnEnd},
	} {
		if t.v == nil {
			continue
		}
		at, err := time.Parse(APITime, *t.v)
		if err != nil {
			return nil, 0, errParam(t.name)
		}
		add(t.cond, at.UTC())
	}
	if f.CustomerID != nil && *f.CustomerID != "" {
		if len(*f.CustomerID) > maxCustomerID {
			return nil, 0, errParam("customer_id")
		}
		add("c.id = $%d", *f.CustomerID)
	}
	indirectID := ""
	if f.IndirectPartnerID != nil {
		indirectID = *f.IndirectPartnerID
	}
	o, err := s.ownerFor(ctx, actor, indirectID)
	if err != nil {
		return nil, 0, err
	}
	args[0] = o.partner.ID
	if cond, scopeArgs := actor.Scope.SQL("c.account_manager_id", len(args)+1); cond != "" {
		where += " AND " + cond
		args = append(args, scopeArgs...)
		customerSide = true
	}
	// The partner's current associations, newest first, are one range of
	// customer_associations_page (migration 00009): the page reads it
	// backwards and stops after limit+offset entries, joining customers
	// only for those; a count without customer conditions never leaves it.
	from := ` FROM customer_associations a JOIN customers c ON c.id = a.customer_id
		WHERE a.partner_id = $1 AND a.ended_at IS NULL` + where
	count := "SELECT COUNT(*)" + from
	if !customerSide {
		count = "SELECT COUNT(*) FROM customer_associations a WHERE a.partner_id = $1 AND a.ended_at IS NULL" + where
	}
	total, err := s.countCurrent(ctx, o.partner.ID, count, args)
	if err != nil {
		return nil, 0, err
	}
	if total <= offset {
		return []Listed{}, total, nil
	}
	args = append(args, limit, offset)
	// a.customer_id is c.id: ordering by the association's column lets the
	// index give the order, with no sort.
	rows, err := s.db.SQL.QueryContext(ctx, "SELECT "+customerColumns+", a.id, a.customer_id, a.partner_id, a.type, a.associated_at"+
		from+fmt.Sprintf(" ORDER BY a.associated_at DESC, a.customer_id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list customers: %w", err)
	}
	defer rows.Close()
	out := []Listed{}
	var managers []string
	for rows.Next() {
		var l Listed
		a := &l.Association
		l.Customer, err = scanCustomer(rows, &a.ID, &a.CustomerID, &a.PartnerID, &a.Type, &a.AssociatedAt)
		if err != nil {
			return nil, 0, fmt.Errorf("list customers: %w", err)
		}
		if l.Customer.AccountManagerID != "" {
			managers = append(managers, l.Customer.AccountManagerID)
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list customers: %w", err)
	}
	if len(managers) > 0 && !o.indirect {
		names, err := s.identity.MemberAccountNames(ctx, o.partner.ID, managers)
		if err != nil {
			return nil, 0, err
		}
		for i := range out {
			out[i].AccountManager = names[out[i].Customer.AccountManagerID]
		}
	}
	return out, total, nil
}
