package web

import "partnercenter/internal/identity"

// couponRoutes is the route table of 销售 > 客户 > 券管理 in the partner console: quotas, issuing, issued coupons, reclaiming, the operation log, and a distributor's reseller quotas.
//
// Vouchers (代金券管理) and cash coupons (现金券管理) have the same pages
// under /sales/coupons/vouchers and /sales/coupons/cash; issuing needs the
// item of the kind.
func (s *Server) couponRoutes() []route {
	view := Item(identity.PermCouponQuotaView)
	issued := Item(identity.PermCouponIssuedView)
	reclaim := Item(identity.PermCouponReclaim)
	var out []route
	for _, k := range couponKinds {
		issue := Item(k.IssuePerm)
		p := k.Prefix()
		menu := ""
		if k.Slug == "vouchers" {
			// Members who may see quotas but not the customer list reach
			// 销售 through here.
			menu = "nav.sales"
		}
		out = append(out,
			route{"GET", p, FacePartner, view, menu, s.couponQuotas(k), false},
			route{"GET", p + "/issue", FacePartner, issue, "", s.couponIssueForm(k), false},
			route{"POST", p + "/issue", FacePartner, issue, "", s.couponIssue(k), false},
			route{"GET", p + "/customers", FacePartner, issue, "", s.couponCustomerSearch(k), false},
			route{"GET", p + "/customers/pick", FacePartner, issue, "", s.couponCustomerPick(k), false},
			route{"GET", p + "/issued", FacePartner, issued, "", s.couponIssued(k), false},
			route{"GET", p + "/issued/{id}", FacePartner, issued, "", s.couponShow(k), false},
			route{"GET", p + "/reclaim", FacePartner, reclaim, "", s.couponReclaimConfirm(k), false},
			route{"POST", p + "/reclaim", FacePartner, reclaim, "", s.couponReclaim(k), false},
			route{"GET", p + "/records", FacePartner, view, "", s.couponRecords(k), false},
			// A distributor's cloud resellers' quotas.
			route{"GET", p + "/quota-issue", FacePartner, issue, "", s.couponQuotaIssueForm(k), false},
			route{"POST", p + "/quota-issue", FacePartner, issue, "", s.couponQuotaIssue(k), false},
			route{"GET", p + "/reseller-quotas", FacePartner, view, "", s.couponResellerQuotas(k), false},
			route{"GET", p + "/reseller-quotas/reclaim", FacePartner, reclaim, "", s.couponQuotaReclaimConfirm(k), false},
			route{"POST", p + "/reseller-quotas/reclaim", FacePartner, reclaim, "", s.couponQuotaReclaim(k), false},
			route{"GET", p + "/quota-records", FacePartner, view, "", s.couponQuotaRecords(k), false},
		)
	}
	return out
}
