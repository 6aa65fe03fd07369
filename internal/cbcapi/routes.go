package cbcapi

import (
	"net/http"

	"partnercenter/internal/identity"
)

// Public is the permission item of the routes that need no credentials
// (obtaining a token). Every other route names an identity.Perm... code.
const Public = "public"

// HandlerFunc serves one API call. A returned error is rendered as
// {"error_code","error_msg"} with its apperr status, so handlers only write
// successful responses.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one row of the open API's route table. Every route names the
// permission item its caller must hold (or Public), so that the table is the
// one place that says who may call what, and a test checks that none lacks it.
type Route struct {
	Method  string
	Pattern string
	Perm    string
	Handler HandlerFunc
}

// routes is the open API's route table: the core routes below, then each
// area's own table (routes_*.go). Where Huawei moved a path between SDK
// generations both paths are served (reference/cbc-api.md §0).
func (a *API) routes() []Route {
	var all []Route
	all = append(all, a.coreRoutes()...)
	all = append(all, a.ratingRoutes()...)
	all = append(all, a.fundsRoutes()...)
	all = append(all, a.orderRoutes()...)
	all = append(all, a.payRoutes()...)
	all = append(all, a.partnerPayRoutes()...)
	all = append(all, a.resourceRoutes()...)
	all = append(all, a.cardRoutes()...)
	return all
}

// coreRoutes are tokens, the catalogue's types, customers and coupons.
func (a *API) coreRoutes() []Route {
	return []Route{
		{"POST", "/v3/auth/tokens", Public, a.createToken},

		{"GET", "/v2/products/service-types", identity.PermCatalogView, a.listServiceTypes},
		{"GET", "/v2/bases/service-types", identity.PermCatalogView, a.listServiceTypesOld},
		{"GET", "/v2/products/resource-types", identity.PermCatalogView, a.listResourceTypes},
		{"GET", "/v2/bases/resource-types", identity.PermCatalogView, a.listResourceTypesOld},

		{"POST", "/v2/partners/sub-customers/users/check-identity", identity.PermCustomerCreate, a.checkUserIdentity},
		{"POST", "/v2/bases/verificationcode/send", identity.PermCustomerCreate, a.sendVerificationCode},
		{"POST", "/v2/partners/sub-customers", identity.PermCustomerCreate, a.createSubCustomer},
		{"POST", "/v2/partners/sub-customers/query", identity.PermCustomerQuery, a.listSubCustomers},
		{"POST", "/v2/partners/sub-customers/freeze", identity.PermCustomerFreeze, a.freezeSubCustomers},
		{"POST", "/v2/partners/sub-customers/unfreeze", identity.PermCustomerUnfreeze, a.unfreezeSubCustomers},

		{"POST", "/v2/partners/coupon-quotas/query", identity.PermCouponQuotaView, a.listQuotaCoupons},
		{"POST", "/v2/promotions/benefits/partner-coupons", AnyOf(identity.PermVoucherIssue, identity.PermCashCouponIssue), a.createPartnerCoupons},
		{"POST", "/v2/promotions/benefits/partner-coupons/reclaim", identity.PermCouponReclaim, a.reclaimPartnerCoupons},
		{"GET", "/v2/promotions/benefits/partner-coupons", identity.PermCouponIssuedView, a.listIssuedPartnerCoupons},
		{"GET", "/v2/promotions/benefits/partner-coupons/records/query", identity.PermCouponIssuedView, a.listPartnerCouponsRecord},
		{"GET", "/v2/promotions/benefits/coupons", CustomerCaller, a.listSubCustomerCoupons},
		{"POST", "/v2/partners/coupon-quotas/indirect-partner-adjust", AnyOf(identity.PermVoucherIssue, identity.PermCashCouponIssue), a.updateCouponQuotas},
		{"POST", "/v2/partners/coupon-quotas/indirect-partner-reclaim", identity.PermCouponReclaim, a.reclaimCouponQuotas},
		{"GET", "/v2/partners/issued-coupon-quotas", identity.PermCouponIssuedView, a.listIssuedCouponQuotas},
		{"GET", "/v2/partners/coupon-quotas/records", identity.PermCouponIssuedView, a.listCouponQuotasRecords},
	}
}
