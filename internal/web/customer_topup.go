package web

import (
	"errors"
	"net/http"
	"strings"

	"partnercenter/internal/card"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/money"
)

// The customer portal's 费用中心 > 充值: a referral (or former) customer
// tops up its own account balance. The online payment is simulated: the
// amount is paid at once, under a reference of ours. Reseller-model
// customers' money is their partner's allocations; the funds domain
// refuses them.

type customerTopUpData struct {
	Balance money.Amount
	Amount  string // the typed amount, to keep the form
	// Refusal is why the customer cannot top up (translated), or "".
	Refusal string
}

func (s *Server) customerTopUpForm(w http.ResponseWriter, r *http.Request) {
	s.showTopUp(w, r, view{Notice: noticeFrom(r, "done", "cards.topup.done")}, "", nil)
}

func (s *Server) showTopUp(w http.ResponseWriter, r *http.Request, v view, amount string, actionErr error) {
	me, _ := customerFrom(r.Context())
	bal, err := s.Funds.CustomerBalance(r.Context(), me.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	data := customerTopUpData{Balance: bal, Amount: amount}
	if refusal := s.Cards.CheckBuyer(r.Context(), me.ID); refusal != nil && !errors.Is(refusal, card.ErrFrozen) {
		// A frozen customer may still top up; a reseller-model one may not.
		data.Refusal, _ = s.errorMessage(r, refusal)
	}
	v.Title, v.Data = "cards.topup.title", data
	if actionErr != nil {
		s.renderError(w, r, "customer_topup", v, actionErr)
		return
	}
	s.render(w, r, http.StatusOK, "customer_topup", v)
}

// customerTopUp pays the amount (simulated) into the account balance.
func (s *Server) customerTopUp(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	typed := strings.TrimSpace(r.PostFormValue("amount"))
	amount, err := money.Parse(typed)
	if err != nil {
		err = opsInvalidField("amount")
	}
	if err == nil {
		_, err = s.Funds.TopUpCustomer(r.Context(), me.ID, amount, "portal-"+ids.New())
	}
	if err != nil {
		s.showTopUp(w, r, view{}, typed, err)
		return
	}
	http.Redirect(w, r, "/customer/topup?done=1", http.StatusSeeOther)
}
