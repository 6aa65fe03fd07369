package web

import (
	"net/http"
	"time"

	"partnercenter/internal/coupon"
)

type opsLedgerData struct {
	Report    coupon.LedgerReport
	CheckedAt time.Time
}

// opsLedger is 账本核对: it checks the coupon ledger's invariants at this
// moment (coupon.Service.VerifyLedger) and shows what it counted and every
// broken invariant, or that the books balance. Read-only; any operator.
func (s *Server) opsLedger(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Coupons.VerifyLedger(r.Context())
	v := view{Title: "couponops.ledger.title", Data: opsLedgerData{Report: rep, CheckedAt: time.Now().UTC()}}
	if err != nil {
		s.renderError(w, r, "ops_ledger", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_ledger", v)
}
