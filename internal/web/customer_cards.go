package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"partnercenter/internal/card"
	"partnercenter/internal/platform/money"
)

// The customer portal's 费用中心 > 储值卡: the signed-in customer's
// stored-value cards (all, usable, used up or expired) and the purchase
// form. The card domain decides who may buy (not a reseller-model
// customer, not frozen) and which face values exist.

type customerCardsData struct {
	Status      string // "", "1" or "2": the tab
	Rows        []card.Card
	Total       int
	Page        pager
	Faces       []money.Amount
	Face        string // the chosen face value, to keep the form
	Balance     money.Amount
	CardBalance money.Amount
	// Refusal is why the customer cannot buy now (translated), or "".
	Refusal string
}

var cardTabs = map[string]int{"": 0, "1": card.StatusUsable, "2": card.StatusUsedUp}

func (s *Server) customerCards(w http.ResponseWriter, r *http.Request) {
	v := view{Notice: noticeFrom(r, "bought", "cards.notice.bought")}
	s.showCards(w, r, http.StatusOK, v, "", nil)
}

// showCards renders the cards page with the chosen face value kept and
// err, if any, shown.
func (s *Server) showCards(w http.ResponseWriter, r *http.Request, status int, v view, face string, actionErr error) {
	me, _ := customerFrom(r.Context())
	ctx := r.Context()
	tab := r.URL.Query().Get("status")
	st, ok := cardTabs[tab]
	if !ok {
		tab, st = "", 0
	}
	const limit = 20
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	data := customerCardsData{Status: tab, Faces: card.FaceValues, Face: face}
	rows, total, err := s.Cards.List(ctx, me.ID, card.Filter{Status: st, Offset: max(offset, 0), Limit: limit})
	if err == nil {
		data.Rows, data.Total, data.Page = rows, total, newPager(r, total, limit)
		data.Balance, err = s.Funds.CustomerBalance(ctx, me.ID)
	}
	if err == nil {
		data.CardBalance, err = s.Cards.UsableBalance(ctx, me.ID)
	}
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	if refusal := s.Cards.CheckBuyer(ctx, me.ID); refusal != nil {
		data.Refusal, _ = s.errorMessage(r, refusal)
	}
	v.Title, v.Data = "cards.title", data
	if actionErr != nil {
		s.renderError(w, r, "customer_cards", v, actionErr)
		return
	}
	s.render(w, r, status, "customer_cards", v)
}

// customerCardBuy buys one card of the chosen face value from the account
// balance.
func (s *Server) customerCardBuy(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	face := strings.TrimSpace(r.PostFormValue("face_value"))
	amount, err := money.Parse(face)
	if err != nil {
		err = card.ErrFaceValue
	}
	var c card.Card
	if err == nil {
		c, err = s.Cards.Buy(r.Context(), me.ID, amount)
	}
	if err != nil {
		s.showCards(w, r, 0, view{}, face, err)
		return
	}
	http.Redirect(w, r, "/customer/cards?bought="+url.QueryEscape(c.ID), http.StatusSeeOther)
}

type customerCardData struct {
	card.Card
	Entries []card.Entry
}

// customerCardShow is one of the customer's cards with its usage records
// (purchase, the orders it paid, refunds); another customer's card is not
// found.
func (s *Server) customerCardShow(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	c, entries, err := s.Cards.Records(r.Context(), me.ID, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	s.render(w, r, http.StatusOK, "customer_card_show", view{Title: "cards.detail.title", Data: customerCardData{Card: c, Entries: entries}})
}
