package web

import (
	"net/http"

	"partnercenter/internal/identity"
)

// salesResellers is 销售 > 云经销商 > 云经销商管理: a distributor's cloud
// resellers, with the row actions that lead to the reseller's customers and
// to issuing it voucher or cash-coupon quota.
func (s *Server) salesResellers(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	v := view{Title: "resellers.title"}
	list, err := s.Identity.Resellers(r.Context(), a)
	if err != nil {
		s.renderError(w, r, "sales_resellers", v, err)
		return
	}
	v.Data = struct{ Resellers []identity.Partner }{list}
	s.render(w, r, http.StatusOK, "sales_resellers", v)
}
