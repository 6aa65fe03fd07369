package web

import (
	"net/http"
	"strconv"
	"time"

	"partnercenter/internal/funds"
)

type fundsLedgerData struct {
	Rows  []funds.LedgerEntry
	Total int
	Page  pager
}

// fundsLedger is 收支明细: every change of the partner's own account —
// top-ups, credit lines, allocations, reclaims, payments and refunds —
// newest first, with the balance and used credit after each.
func (s *Server) fundsLedger(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	var data fundsLedgerData
	var err error
	data.Rows, data.Total, err = s.Funds.Ledger(r.Context(), mustActor(r), "", offset, fundsPageSize)
	data.Page = newPager(r, data.Total, fundsPageSize)
	v := view{Title: "funds.ledger.title", Data: data}
	if err != nil {
		s.renderError(w, r, "funds_ledger", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "funds_ledger", v)
}

type opsFundsLedgerData struct {
	Report    funds.LedgerReport
	CheckedAt time.Time
}

// opsFundsLedger is 资金账本核对: it checks the funds ledger's invariants
// at this moment (funds.Service.VerifyLedger) and shows what it counted
// and every broken invariant. Read-only; any operator.
func (s *Server) opsFundsLedger(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Funds.VerifyLedger(r.Context())
	v := view{Title: "funds.verify.title", Data: opsFundsLedgerData{Report: rep, CheckedAt: time.Now().UTC()}}
	if err != nil {
		s.renderError(w, r, "ops_funds_ledger", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_funds_ledger", v)
}
