package cbcapi

import (
	"net/http"
	"strconv"

	"partnercenter/internal/card"
)

// storedValueCardJSON is UserStoredValueCard: amounts are strings with two
// decimals, as Huawei sends them.
type storedValueCardJSON struct {
	CardID        string `json:"card_id"`
	CardName      string `json:"card_name"`
	Status        int    `json:"status"`
	FaceValue     string `json:"face_value"`
	Balance       string `json:"balance"`
	EffectiveTime string `json:"effective_time"`
	ExpireTime    string `json:"expire_time"`
}

// maxCardOffset bounds offset ([0, max int] in Huawei's table).
const maxCardOffset = 1_000_000_000

// listStoredValueCards is ListStoredValueCards: GET
// /v2/promotions/benefits/stored-value-cards?status&card_id&offset&limit.
// status (1 usable, 2 used up; an expired card lists as 2) is required;
// card_id (≤64) filters when not empty; limit 1–100, default 10.
func (a *API) listStoredValueCards(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	status, err := strconv.Atoi(q.Get("status"))
	if err != nil || (status != card.StatusUsable && status != card.StatusUsedUp) {
		return errParam("status")
	}
	cardID := q.Get("card_id")
	if len(cardID) > 64 {
		return errParam("card_id")
	}
	limit, offset, err := paging(q, card.MaxLimit, maxCardOffset)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Cards.List(r.Context(), actor.ID, card.Filter{Status: status, CardID: cardID, Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := struct {
		TotalCount int                   `json:"total_count"`
		Cards      []storedValueCardJSON `json:"stored_value_cards"`
	}{TotalCount: total, Cards: []storedValueCardJSON{}}
	for _, c := range list {
		out.Cards = append(out.Cards, storedValueCardJSON{CardID: c.ID, CardName: c.Name, Status: c.Status,
			FaceValue: c.FaceValue.String(), Balance: c.Balance.String(), EffectiveTime: apiTime(c.EffectiveAt),
			ExpireTime: apiTime(c.ExpiresAt)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
