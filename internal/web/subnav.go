package web

import "strings"

// subNav is a top-level menu's second level: its pages in console order.
// An entry shows only when the actor may open it (and its route exists).
type subNav struct {
	prefix  string // the paths the second level belongs to
	entries []subNavEntry
}

// subNavEntry is one page of a second level; distributors marks the pages
// only a distributor has (its cloud resellers).
type subNavEntry struct {
	navItem
	distributors bool
}

var subNavs = []subNav{
	{"/sales/", []subNavEntry{
		{navItem: navItem{Key: "nav.sales.customers", Href: "/sales/customers"}},
		{navItem: navItem{Key: "nav.sales.assign", Href: "/sales/customers/assign"}},
		{navItem: navItem{Key: "nav.sales.prospects", Href: "/sales/prospects"}},
		{navItem: navItem{Key: "nav.sales.relations", Href: "/sales/relations"}},
		{navItem: navItem{Key: "nav.sales.vouchers", Href: "/sales/coupons/vouchers"}},
		{navItem: navItem{Key: "nav.sales.cash_coupons", Href: "/sales/coupons/cash"}},
		{navItem: navItem{Key: "nav.sales.resellers", Href: "/sales/resellers"}, distributors: true},
		{navItem: navItem{Key: "funds.nav.discounts", Href: "/sales/customers/discounts"}},
		{navItem: navItem{Key: "orders.nav.sales", Href: "/sales/orders"}},
		{navItem: navItem{Key: "funds.nav.funds", Href: "/sales/funds"}},
	}},
}

// secondLevel returns the entries of the second-level menu of path that
// may allows (a distributor's pages only to distributors), the one path
// falls under (the longest matching href) active.
func secondLevel(path string, distributor bool, may func(method, pattern string) bool) []navItem {
	for _, sn := range subNavs {
		if !strings.HasPrefix(path, sn.prefix) {
			continue
		}
		var out []navItem
		best := -1
		for _, e := range sn.entries {
			if !may("GET", e.Href) || (e.distributors && !distributor) {
				continue
			}
			if (path == e.Href || strings.HasPrefix(path, e.Href+"/")) && (best < 0 || len(e.Href) > len(out[best].Href)) {
				best = len(out)
			}
			out = append(out, e.navItem)
		}
		if best >= 0 {
			out[best].Active = true
		}
		return out
	}
	return nil
}
