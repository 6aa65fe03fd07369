package web

import (
	"net/http"
	"strconv"

	"partnercenter/internal/coupon"
)

// The customer portal's 费用中心 > 优惠折扣: the vouchers (优惠券) and cash
// coupons (现金券) partners issued to the signed-in customer. Issued
// coupons need no activation; reclaimed ones are hidden by the coupon
// domain, and a coupon of another customer is not found.

// customerCouponTabs are the two tabs, by the ?type= value.
var customerCouponTabs = map[string]coupon.CouponType{"voucher": coupon.CouponVoucher, "cash": coupon.CouponCash}

// custCouponRow is a coupon with its limits described.
type custCouponRow struct {
	coupon.Coupon
	Cash   bool
	Limits []opsLimitLine
}

type customerCouponsData struct {
	Tab   string // voucher or cash
	Rows  []custCouponRow
	Total int
	Page  pager
}

func (s *Server) customerCoupons(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	ctx, lang := r.Context(), langOf(r)
	tab := r.URL.Query().Get("type")
	typ, ok := customerCouponTabs[tab]
	if !ok {
		tab, typ = "voucher", coupon.CouponVoucher
	}
	const limit = 20
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := s.Coupons.CustomerCoupons(ctx, me.ID, coupon.CustomerCouponFilter{Type: &typ,
		Offset: max(offset, 0), Limit: limit})
	data := customerCouponsData{Tab: tab, Total: total, Page: newPager(r, total, limit)}
	names := s.opsCatalogNames(ctx, lang)
	for _, c := range list {
		cash := c.Type == coupon.CouponCash
		data.Rows = append(data.Rows, custCouponRow{Coupon: c, Cash: cash, Limits: opsDescribeLimits(lang, names, c.Limits, cash)})
	}
	v := view{Title: "couponops.customer.title", Data: data}
	if err != nil {
		s.renderError(w, r, "customer_coupons", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "customer_coupons", v)
}

type customerCouponData struct {
	custCouponRow
	Tab    string
	Usages []coupon.Usage
}

// customerCouponShow is one coupon's details with its usage records.
func (s *Server) customerCouponShow(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	ctx, lang := r.Context(), langOf(r)
	c, usages, err := s.Coupons.CustomerCoupon(ctx, me.ID, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "customer_coupon_error", view{Title: "couponops.customer.detail"}, err)
		return
	}
	cash := c.Type == coupon.CouponCash
	d := customerCouponData{custCouponRow: custCouponRow{Coupon: c, Cash: cash,
		Limits: opsDescribeLimits(lang, s.opsCatalogNames(ctx, lang), c.Limits, cash)}, Tab: "voucher", Usages: usages}
	if cash {
		d.Tab = "cash"
	}
	s.render(w, r, http.StatusOK, "customer_coupon_show", view{Title: "couponops.customer.detail", Data: d})
}
