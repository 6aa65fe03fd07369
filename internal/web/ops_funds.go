package web

import (
	"net/http"
	"net/url"
	"strings"

	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/money"
)

type opsFundsData struct {
	Partners []identity.Partner
	Partner  string
	Account  funds.Account
	Ledger   []funds.LedgerEntry
}

// opsFunds is 伙伴资金: pick a partner, see its account (balance, credit
// line, used credit) and latest ledger rows, top it up or set its credit
// line. Platform admins and ecosystem managers only.
func (s *Server) opsFunds(w http.ResponseWriter, r *http.Request) { s.opsFundsPage(w, r, "", nil) }

func (s *Server) opsFundsPage(w http.ResponseWriter, r *http.Request, partnerID string, formErr error) {
	ctx, op := r.Context(), mustActor(r)
	if partnerID == "" {
		partnerID = r.URL.Query().Get("partner_id")
	}
	data := opsFundsData{Partner: partnerID}
	v := view{Title: "funds.ops.title", Data: &data}
	if r.URL.Query().Get("done") == "1" {
		v.Notice = view{Lang: langOf(r)}.T("funds.ops.done")
	}
	var err error
	data.Partners, _, err = s.Identity.ListPartners(ctx, op, identity.PartnerFilter{Limit: 200})
	if err == nil && partnerID != "" {
		data.Account, err = s.Funds.AccountOf(ctx, op, partnerID)
		if err == nil {
			data.Ledger, _, err = s.Funds.Ledger(ctx, op, partnerID, 0, 20)
		}
	}
	if err == nil {
		err = formErr
	}
	if err != nil {
		s.renderError(w, r, "ops_funds", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_funds", v)
}

// opsFundsTopUp tops up the partner's account by the form's amount.
func (s *Server) opsFundsTopUp(w http.ResponseWriter, r *http.Request) {
	s.opsFundsChange(w, r, func(id string, amount money.Amount, reason string) error {
		_, err := s.Funds.TopUp(r.Context(), mustActor(r), id, amount, reason)
		return err
	})
}

// opsFundsCredit sets the partner's credit line to the form's amount.
func (s *Server) opsFundsCredit(w http.ResponseWriter, r *http.Request) {
	s.opsFundsChange(w, r, func(id string, amount money.Amount, reason string) error {
		_, err := s.Funds.SetCreditLine(r.Context(), mustActor(r), id, amount, reason)
		return err
	})
}

func (s *Server) opsFundsChange(w http.ResponseWriter, r *http.Request, fn func(string, money.Amount, string) error) {
	_ = r.ParseForm()
	id := r.PathValue("id")
	amount, err := money.Parse(strings.TrimSpace(r.PostFormValue("amount")))
	if err != nil {
		err = opsInvalidField("amount")
	} else {
		err = fn(id, amount, strings.TrimSpace(r.PostFormValue("reason")))
	}
	if err != nil {
		s.opsFundsPage(w, r, id, err)
		return
	}
	http.Redirect(w, r, "/ops/funds?"+url.Values{"partner_id": {id}, "done": {"1"}}.Encode(), http.StatusSeeOther)
}
