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
// it. The fields after IndirectPartnerID are the partner console's own
// filters (console.md §1.5); the open API never sets them.
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

	// AccountManager matches any part of the account name or display name
	// of the member a customer is assigned to, ignoring case. It is ignored
	// for a distributor's resellers' customers, whose managers it does not
	// see.
	AccountManager *string
	// Mobile is the national mobile number, exact ("+86" or "0086" in
	// front, spaces and hyphens are dropped).
	Mobile *string
	// AssociatedFrom (inclusive) and AssociatedBefore (exclusive) bound the
	// association time, as the console's date range does.
	AssociatedFrom   *time.Time
	AssociatedBefore *time.Time
	// Frozen keeps frozen (true) or not frozen (false) customers.
	Frozen *bool
	// Unassigned keeps customers without an account manager.
	Unassigned bool
	// OldestFirst sorts by association time, oldest first.
	OldestFirst bool
	// AllResellers lists the customers of every cloud reseller of the
	// calling distributor (the console's 云经销商的客户 tab);
	// IndirectPartnerID, when set, narrows it to one. Nothing for other
	// partners.
	AllResellers bool
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
	return s.list(ctx, actor, f)
}

// maxManagerMatches bounds how many members an account-manager name filter
// may stand for.
const maxManagerMatches = 1000

// list is ListSubCustomers without the permission check, for the console
// too. Every query is restricted to the owning partner(s) and the actor's
// scope in SQL.
func (s *Service) list(ctx context.Context, actor identity.Actor, f ListFilter) ([]Listed, int, error) {
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
	where := ""
	var args []any
	// customerSide: some condition is on customers, so the count needs the
	// join; without one it counts the association index alone.
	customerSide := false
	// candidatesFirst: a text filter is rare enough for the trigram index
	// to name the candidate customers (list_search.go).
	candidatesFirst := false
	add := func(cond string, arg any) {
		args = append(args, arg)
		where += " AND " + fmt.Sprintf(cond, len(args))
		customerSide = customerSide || strings.HasPrefix(cond, "c.")
	}
	for _, t := range []struct {
		name, cond string
		v          *string
		lower      bool
		// search is the trigram-indexed column that can find rare texts
		// (list_search.go); "" for none.
		search string
	}{
		// domain_name_key is the lower-cased name: no LOWER() per row.
		{"account_name", "c.domain_name_key LIKE $%d ESCAPE '\\'", f.AccountName, true, searchAccountName},
		{"customer", "c.real_name <> '' AND LOWER(c.real_name) LIKE $%d ESCAPE '\\'", f.Customer, true, searchRealName},
		{"label", "c.label <> REPLACE(c.label, $%d, '')", f.Label, false, ""},
	} {
		if t.v == nil || *t.v == "" {
			continue
		}
		if len([]rune(*t.v)) > maxFilterText || strings.ContainsAny(*t.v, " \t") {
			return nil, 0, errParam(t.name)
		}
		if !t.lower {
			add(t.cond, *t.v)
			continue
		}
		text := strings.ToLower(*t.v)
		add(t.cond, db.Contains(text))
		if t.search == "" {
			continue
		}
		cond, arg, ok, err := s.selectiveSearch(ctx, t.search, text, len(args)+1)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			args = append(args, arg)
			where += " AND " + cond
			candidatesFirst = true
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
	if f.AssociatedFrom != nil {
		add("a.associated_at >= $%d", f.AssociatedFrom.UTC())
	}
	if f.AssociatedBefore != nil {
		add("a.associated_at < $%d", f.AssociatedBefore.UTC())
	}
	if f.CustomerID != nil && *f.CustomerID != "" {
		if len(*f.CustomerID) > maxCustomerID {
			return nil, 0, errParam("customer_id")
		}
		add("c.id = $%d", *f.CustomerID)
	}
	if f.Mobile != nil && *f.Mobile != "" {
		national, ok := mobileFilter(*f.Mobile)
		if !ok {
			return nil, 0, errParam("mobile")
		}
		// Every stored mobile is a mainland one; naming the country code
		// lets the customers_mobile index find it (a partial index: its
		// condition must appear in the query).
		add("c.mobile_country_code = $%d", ChinaCountryCode)
		add("c.mobile <> '' AND c.mobile = $%d", national)
	}
	if f.Frozen != nil {
		if *f.Frozen {
			where += " AND c.frozen <> 0"
		} else {
			where += " AND c.frozen = 0"
		}
		customerSide = true
	}
	if f.Unassigned {
		where += " AND c.account_manager_id IS NULL"
		customerSide = true
	}
	manager := ""
	if f.AccountManager != nil {
		manager = strings.TrimSpace(*f.AccountManager)
		if len([]rune(manager)) > maxFilterText {
			return nil, 0, errParam("account_manager")
		}
	}
	indirectID := ""
	if f.IndirectPartnerID != nil {
		indirectID = *f.IndirectPartnerID
	}
	o, err := s.ownerFor(ctx, actor, indirectID)
	if err != nil {
		return nil, 0, err
	}
	// partners are the owners whose customers are listed: one, or every
	// cloud reseller of a distributor. countOwner is whose version the
	// count is cached under: the distributor's covers its resellers'.
	partners, countOwner := []string{o.partner.ID}, o.partner.ID
	indirect := o.indirect
	if f.AllResellers && !o.indirect {
		partners, indirect = nil, true
		if o.caller.Type == identity.Distributor {
			resellers, err := s.identity.ResellersOf(ctx, o.caller.ID)
			if err != nil {
				return nil, 0, err
			}
			for _, r := range resellers {
				partners = append(partners, r.ID)
			}
		}
		if len(partners) == 0 {
			return []Listed{}, 0, nil
		}
	}
	if manager != "" && !indirect {
		refs, err := s.identity.MemberRefsByName(ctx, o.partner.ID, manager, maxManagerMatches)
		if err != nil {
			return nil, 0, err
		}
		if len(refs) == 0 {
			return []Listed{}, 0, nil
		}
		marks := make([]string, len(refs))
		for i, r := range refs {
			args = append(args, r.ID)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		where += " AND c.account_manager_id IN (" + strings.Join(marks, ", ") + ")"
		customerSide = true
	}
	marks := make([]string, len(partners))
	for i, id := range partners {
		args = append(args, id)
		marks[i] = fmt.Sprintf("$%d", len(args))
	}
	partnerCond := "a.partner_id = " + marks[0]
	if len(marks) > 1 {
		partnerCond = "a.partner_id IN (" + strings.Join(marks, ", ") + ")"
	}
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
		WHERE ` + partnerCond + ` AND a.ended_at IS NULL` + where
	if candidatesFirst {
		// A rare text: start from the few customers the trigram index
		// found and sort them, rather than walk every association. SQLite
		// keeps the left table of a CROSS JOIN as the outer loop.
		from = ` FROM customers c CROSS JOIN customer_associations a
		WHERE a.customer_id = c.id AND ` + partnerCond + ` AND a.ended_at IS NULL` + where
	}
	count := "SELECT COUNT(*)" + from
	if !customerSide {
		count = "SELECT COUNT(*) FROM customer_associations a WHERE " + partnerCond + " AND a.ended_at IS NULL" + where
	}
	total, err := s.countCurrent(ctx, countOwner, count, args)
	if err != nil {
		return nil, 0, err
	}
	if total <= offset {
		return []Listed{}, total, nil
	}
	args = append(args, limit, offset)
	order := " ORDER BY a.associated_at DESC, a.customer_id DESC"
	if f.OldestFirst {
		order = " ORDER BY a.associated_at, a.customer_id"
	}
	// First the page's customer ids alone: a.customer_id is c.id, so
	// ordering by the association's columns lets the index give the order,
	// and without customer conditions the page never leaves the index.
	// When a customer condition drives the query from the customers side
	// (an account manager's own customers), the sort holds ids, not rows.
	pageFrom := from
	if !customerSide {
		pageFrom = " FROM customer_associations a WHERE " + partnerCond + " AND a.ended_at IS NULL" + where
	}
	page, err := s.db.QueryContext(ctx, "SELECT a.customer_id"+pageFrom+order+
		fmt.Sprintf(" LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list customers: %w", err)
	}
	var pageIDs []string
	for page.Next() {
		var id string
		if err := page.Scan(&id); err != nil {
			page.Close()
			return nil, 0, fmt.Errorf("list customers: %w", err)
		}
		pageIDs = append(pageIDs, id)
	}
	page.Close()
	if err := page.Err(); err != nil {
		return nil, 0, fmt.Errorf("list customers: %w", err)
	}
	out := []Listed{}
	if len(pageIDs) == 0 {
		return out, total, nil
	}
	// Then those customers' rows, still within the owners.
	rowArgs := make([]any, 0, len(partners)+len(pageIDs))
	pmarks := make([]string, len(partners))
	for i, id := range partners {
		rowArgs = append(rowArgs, id)
		pmarks[i] = fmt.Sprintf("$%d", len(rowArgs))
	}
	imarks := make([]string, len(pageIDs))
	for i, id := range pageIDs {
		rowArgs = append(rowArgs, id)
		imarks[i] = fmt.Sprintf("$%d", len(rowArgs))
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+customerColumns+", a.id, a.customer_id, a.partner_id, a.type, a.associated_at"+
		" FROM customer_associations a JOIN customers c ON c.id = a.customer_id WHERE a.partner_id IN ("+strings.Join(pmarks, ", ")+
		") AND a.ended_at IS NULL AND a.customer_id IN ("+strings.Join(imarks, ", ")+")", rowArgs...)
	if err != nil {
		return nil, 0, fmt.Errorf("list customers: %w", err)
	}
	defer rows.Close()
	byID := make(map[string]Listed, len(pageIDs))
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
		byID[l.Customer.ID] = l
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list customers: %w", err)
	}
	for _, id := range pageIDs {
		if l, ok := byID[id]; ok {
			out = append(out, l)
		}
	}
	if len(managers) > 0 && !indirect {
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

// mobileFilter returns the national number of a mobile filter: digits
// only, after dropping separators and a "+86" or "0086" prefix.
func mobileFilter(s string) (string, bool) {
	s = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	for _, p := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			s = rest
			break
		}
	}
	if s == "" || len(s) > maxMobileField {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return s, true
}
