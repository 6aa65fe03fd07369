package web

import (
	"context"
	"strconv"
	"strings"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/platform/i18n"
)

// opsCouponOrderTypes are the order kinds in form order.
var opsCouponOrderTypes = []coupon.OrderType{coupon.OrderNew, coupon.OrderRenew, coupon.OrderChange}

// opsLimitLine is one translated line of a quota's or coupon's usage limits.
type opsLimitLine struct {
	Key   string // a stable name, for element ids: service_types, products, ...
	Label string
	Value string
}

// opsCatalogNames names service types, products (resource types) and
// regions by code in one language, for showing limits.
type opsCatalogNames struct {
	services, products, regions map[string]string
}

// opsCatalogNames reads the catalogue's names in lang; codes it does not know
// are shown as they are.
func (s *Server) opsCatalogNames(ctx context.Context, lang i18n.Lang) opsCatalogNames {
	n := opsCatalogNames{services: map[string]string{}, products: map[string]string{}, regions: map[string]string{}}
	if s.Catalog == nil {
		return n
	}
	if list, _, err := s.Catalog.ServiceTypes(ctx, lang, "", 0, 0); err == nil {
		for _, st := range list {
			n.services[st.Code] = st.Name
		}
	}
	if list, _, err := s.Catalog.ResourceTypes(ctx, lang, "", 0, 0); err == nil {
		for _, rt := range list {
			n.products[rt.Code] = rt.Name
		}
	}
	for _, r := range s.Catalog.Regions(ctx, lang) {
		n.regions[r.Code] = r.Name
	}
	return n
}

func opsNameOr(names map[string]string, code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// opsDescribeLimits turns limits into translated lines; a limit that is not
// set is shown as "no limit" so the reader knows it was not forgotten.
func opsDescribeLimits(lang i18n.Lang, names opsCatalogNames, l coupon.Limits, cash bool) []opsLimitLine {
	t := func(key string, args ...any) string { return view{Lang: lang}.T(key, args...) }
	sep := "、"
	if lang == i18n.EN {
		sep = ", "
	}
	join := func(codes []string, name func(string) string) string {
		if len(codes) == 0 {
			return t("couponops.limit.none")
		}
		out := make([]string, len(codes))
		for i, c := range codes {
			out[i] = name(c)
		}
		return strings.Join(out, sep)
	}
	orderTypes := make([]string, len(l.OrderTypes))
	for i, ot := range l.OrderTypes {
		orderTypes[i] = string(ot)
	}
	lines := []opsLimitLine{
		{"service_types", t("couponops.limit.service_types"), join(l.ServiceTypes, func(c string) string { return opsNameOr(names.services, c) })},
		{"products", t("couponops.limit.products"), join(l.ProductIDs, func(c string) string { return opsNameOr(names.products, c) })},
		{"regions", t("couponops.limit.regions"), join(l.Regions, func(c string) string { return opsNameOr(names.regions, c) })},
		{"min_order", t("couponops.limit.min_order"), t("couponops.limit.none")},
		{"order_types", t("couponops.limit.order_types"), join(orderTypes, func(c string) string { return t("couponops.order_type." + c) })},
	}
	if !l.MinOrder.IsZero() {
		lines[3].Value = t("couponops.limit.min_order_value", "amount", l.MinOrder.String())
	}
	if cash {
		share := opsLimitLine{"max_share", t("couponops.limit.max_share"), t("couponops.limit.none")}
		if l.MaxOrderShare > 0 {
			share.Value = strconv.Itoa(l.MaxOrderShare) + "%"
		}
		lines = append(lines, share)
	}
	return lines
}

// opsProductGroup is a service type with its products, for the grant form.
type opsProductGroup struct {
	Service  commerce.ServiceType
	Products []commerce.ResourceType
}

// opsProductGroups lists the catalogue's products (resource types) under
// their service types, in display order.
func (s *Server) opsProductGroups(ctx context.Context, lang i18n.Lang) ([]commerce.ServiceType, []opsProductGroup, error) {
	if s.Catalog == nil {
		return nil, nil, nil
	}
	services, _, err := s.Catalog.ServiceTypes(ctx, lang, "", 0, 0)
	if err != nil {
		return nil, nil, err
	}
	resources, _, err := s.Catalog.ResourceTypes(ctx, lang, "", 0, 0)
	if err != nil {
		return nil, nil, err
	}
	var groups []opsProductGroup
	at := map[string]int{}
	for _, st := range services {
		at[st.Code] = len(groups)
		groups = append(groups, opsProductGroup{Service: st})
	}
	for _, rt := range resources {
		if i, ok := at[rt.ServiceTypeCode]; ok {
			groups[i].Products = append(groups[i].Products, rt)
		}
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g.Products) > 0 {
			out = append(out, g)
		}
	}
	return services, out, nil
}
