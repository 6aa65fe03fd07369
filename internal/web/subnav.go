package web

import "strings"

// subNav is a top-level menu's second level: its pages in console order.
// An entry shows only when the actor may open it (and its route exists).
type subNav struct {
	prefix  string // the paths the second level belongs to
	entries []navItem
}

var subNavs = []subNav{
	{"/sales/", []navItem{
		{Key: "nav.sales.customers", Href: "/sales/customers"},
		{Key: "nav.sales.assign", Href: "/sales/customers/assign"},
		{Key: "nav.sales.prospects", Href: "/sales/prospects"},
		{Key: "nav.sales.relations", Href: "/sales/relations"},
		{Key: "nav.sales.vouchers", Href: "/sales/coupons/vouchers"},
		{Key: "nav.sales.cash_coupons", Href: "/sales/coupons/cash"},
	}},
}

// secondLevel returns the entries of the second-level menu of path that
// may allows, the one path falls under (the longest matching href) active.
func secondLevel(path string, may func(method, pattern string) bool) []navItem {
	for _, sn := range subNavs {
		if !strings.HasPrefix(path, sn.prefix) {
			continue
		}
		var out []navItem
		best := -1
		for _, e := range sn.entries {
			if !may("GET", e.Href) {
				continue
			}
			if (path == e.Href || strings.HasPrefix(path, e.Href+"/")) && (best < 0 || len(e.Href) > len(out[best].Href)) {
				best = len(out)
			}
			out = append(out, e)
		}
		if best >= 0 {
			out[best].Active = true
		}
		return out
	}
	return nil
}
