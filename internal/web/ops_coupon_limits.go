package web

import (
	"context"
	"strconv"
	"strings"

	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/platform/i18n"
)

// opsCouponRegions are the region codes a quota may be limited to, in the
// order the grant form offers them; each is named by the message
// "couponops.region.<code>". Region codes are Huawei Cloud's own.
var opsCouponRegions = []string{
	"cn-north-4", "cn-north-1", "cn-north-9", "cn-east-3", "cn-east-2",
	"cn-south-1", "cn-southwest-2", "ap-southeast-1", "ap-southeast-3",
}

// opsCouponOrderTypes are the order kinds in form order.
var opsCouponOrderTypes = []coupon.OrderType{coupon.OrderNew, coupon.OrderRenew, coupon.OrderChange}

// opsLimitLine is one translated line of a quota's or coupon's usage limits.
type opsLimitLine struct {
	Key   string // a stable name, for element ids: service_types, products, ...
	Label string
	Value string
}

// opsCatalogNames names service types and products (resource types) by code
// in one language, for showing limits.
type opsCatalogNames struct {
	services, products map[string]string
}

// opsCatalogNames reads the catalogue's names in lang; codes it does not know
// are shown as they are.
func (s *Server) opsCatalogNames(ctx context.Context, lang i18n.Lang) opsCatalogNames {
	n := opsCatalogNames{services: map[string]string{}, products: map[string]string{}}
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
		{"regions", t("couponops.limit.regions"), join(l.Regions, func(c string) string { return opsRegionName(lang, c) })},
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

// opsRegionName names a region code in lang, or shows the code when the
// region is not one the console knows.
func opsRegionName(lang i18n.Lang, code string) string {
	key := "couponops.region." + code
	if !i18n.Has(key) {
		return code
	}
	return view{Lang: lang}.T(key)
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
