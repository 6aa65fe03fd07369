package cbcapi

import (
	"encoding/json"
	"net/http"

	"partnercenter/internal/funds"
	"partnercenter/internal/platform/money"
)

// Partner accounts (reference/cbc-api.md §6): money a partner moves to
// its reseller-model customers and a distributor to its cloud resellers,
// balances and adjust records.

// transferBody is AdjustAccountReq, ReclaimToPartnerAccountBalancesReq,
// AdjustToIndirectPartnerReq and ReclaimIndirectPartnerAccountReq.
type transferBody struct {
	CustomerID        *string         `json:"customer_id"`
	IndirectPartnerID *string         `json:"indirect_partner_id"`
	Amount            json.RawMessage `json:"amount"`
}

// parseAmount reads an amount > 0 with at most 2 decimals, as a JSON
// number or a numeric string.
func parseAmount(raw json.RawMessage) (money.Amount, error) {
	var amount money.Amount
	if len(raw) == 0 || string(raw) == "null" || amount.UnmarshalJSON(raw) != nil || amount.Cmp(money.Amount{}) <= 0 {
		return amount, errParam("amount")
	}
	return amount, nil
}

// customerTransfer reads a partner → customer body.
func customerTransfer(r *http.Request) (funds.Transfer, error) {
	var b transferBody
	if err := decodeJSON(r, &b); err != nil {
		return funds.Transfer{}, err
	}
	if b.CustomerID == nil || *b.CustomerID == "" || checkLen("customer_id", *b.CustomerID, maxIDLen) != nil {
		return funds.Transfer{}, errParam("customer_id")
	}
	indirect, err := optString("indirect_partner_id", b.IndirectPartnerID, maxIndirectIDLen)
	if err != nil {
		return funds.Transfer{}, err
	}
	amount, err := parseAmount(b.Amount)
	if err != nil {
		return funds.Transfer{}, err
	}
	return funds.Transfer{TargetID: *b.CustomerID, Amount: amount, IndirectPartnerID: indirect}, nil
}

// resellerTransfer reads a distributor → reseller body.
func resellerTransfer(r *http.Request) (funds.Transfer, error) {
	var b transferBody
	if err := decodeJSON(r, &b); err != nil {
		return funds.Transfer{}, err
	}
	if b.IndirectPartnerID == nil || *b.IndirectPartnerID == "" ||
		checkLen("indirect_partner_id", *b.IndirectPartnerID, maxIndirectIDLen) != nil {
		return funds.Transfer{}, errParam("indirect_partner_id")
	}
	amount, err := parseAmount(b.Amount)
	if err != nil {
		return funds.Transfer{}, err
	}
	return funds.Transfer{TargetID: *b.IndirectPartnerID, Amount: amount}, nil
}

// updateCustomerAccountAmount is UpdateCustomerAccountAmount:
// POST /v2/accounts/partner-accounts/adjust-amount → {transfer_id}.
func (a *API) updateCustomerAccountAmount(w http.ResponseWriter, r *http.Request) error {
	t, err := customerTransfer(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	id, err := a.Funds.AllocateToCustomer(r.Context(), actor, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"transfer_id": id})
	return nil
}

// reclaimToPartnerAccount is ReclaimToPartnerAccount:
// POST /v2/accounts/partner-accounts/reclaim → {trans_id}.
func (a *API) reclaimToPartnerAccount(w http.ResponseWriter, r *http.Request) error {
	t, err := customerTransfer(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	id, err := a.Funds.ReclaimFromCustomer(r.Context(), actor, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"trans_id": id})
	return nil
}

// updateIndirectPartnerAccount is UpdateIndirectPartnerAccount:
// POST /v2/accounts/partner-accounts/indirect-partner-adjust → {transfer_id}.
func (a *API) updateIndirectPartnerAccount(w http.ResponseWriter, r *http.Request) error {
	t, err := resellerTransfer(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	id, err := a.Funds.AllocateToReseller(r.Context(), actor, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"transfer_id": id})
	return nil
}

// reclaimIndirectPartnerAccount is ReclaimIndirectPartnerAccount:
// POST /v2/accounts/partner-accounts/indirect-partner-reclaim → {trans_id}.
func (a *API) reclaimIndirectPartnerAccount(w http.ResponseWriter, r *http.Request) error {
	t, err := resellerTransfer(r)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	id, err := a.Funds.ReclaimFromReseller(r.Context(), actor, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"trans_id": id})
	return nil
}

// Account types of AccountBalanceV2.
const (
	accountTypeBalance = 1
	accountTypeCredit  = 2
)

// listPartnerBalances is ListPartnerBalances:
// GET /v2/accounts/partner-accounts/balances?indirect_partner_id — the
// balance account, and the credit account when a credit line is set
// (amount: credit still available; credit_amount: the line).
func (a *API) listPartnerBalances(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	indirect := q.str("indirect_partner_id", maxIndirectIDLen)
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	acc, err := a.Funds.PartnerAccount(r.Context(), actor, indirect)
	if err != nil {
		return err
	}
	type balanceJSON struct {
		AccountID        string        `json:"account_id"`
		AccountType      int           `json:"account_type"`
		Amount           money.Amount  `json:"amount"`
		Currency         string        `json:"currency"`
		DesignatedAmount money.Amount  `json:"designated_amount"`
		CreditAmount     *money.Amount `json:"credit_amount,omitempty"`
		MeasureID        int           `json:"measure_id"`
	}
	out := []balanceJSON{{AccountID: acc.ID, AccountType: accountTypeBalance, Amount: acc.Balance, Currency: "CNY",
		MeasureID: measureYuan}}
	if !acc.CreditLimit.IsZero() {
		limit := acc.CreditLimit
		out = append(out, balanceJSON{AccountID: acc.ID + "-credit", AccountType: accountTypeCredit,
			Amount: acc.CreditLimit.Sub(acc.CreditUsed), Currency: "CNY", CreditAmount: &limit, MeasureID: measureYuan})
	}
	writeJSON(w, http.StatusOK, struct {
		AccountBalances []balanceJSON `json:"account_balances"`
	}{out})
	return nil
}

// listPartnerAdjustRecords is ListPartnerAdjustRecords, served on both
// GET /v3/accounts/partner-accounts/adjust-records (newest SDKs) and the
// older /v2/ path: the partner's allocations to and reclaims from its
// customers, newest first.
func (a *API) listPartnerAdjustRecords(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	f := funds.AdjustFilter{TargetKind: funds.TargetCustomer,
		TargetID: q.str("customer_id", maxIDLen), TransID: q.str("trans_id", maxIDLen),
		From: q.time("operation_time_begin"), To: q.time("operation_time_end"),
		IndirectPartnerID: q.str("indirect_partner_id", maxIndirectIDLen)}
	switch op := q.v.Get("operation_type"); op {
	case "", funds.OpTypeAdjust, funds.OpTypeRetrieve, funds.OpTypeUnbind:
		f.OperationType = op
	default:
		q.fail("operation_type")
	}
	f.Offset, f.Limit = q.paging()
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Funds.AdjustRecords(r.Context(), actor, f)
	if err != nil {
		return err
	}
	type recordJSON struct {
		CustomerID    string `json:"customer_id"`
		CustomerName  string `json:"customer_name"`
		OperationType string `json:"operation_type"`
		Amount        string `json:"amount"`
		Currency      string `json:"currency"`
		ApplyScene    string `json:"apply_scene"`
		OperationTime string `json:"operation_time"`
		MeasureID     int    `json:"measure_id"`
		TransID       string `json:"trans_id"`
		Memo          string `json:"memo"`
	}
	out := make([]recordJSON, len(list))
	for i, rec := range list {
		out[i] = recordJSON{CustomerID: rec.TargetID, CustomerName: rec.TargetName, OperationType: rec.OperationType,
			Amount: rec.Amount.String(), Currency: "CNY", ApplyScene: "", OperationTime: apiTime(rec.CreatedAt),
			MeasureID: measureYuan, TransID: rec.TransID, Memo: rec.Memo}
	}
	writeJSON(w, http.StatusOK, struct {
		Records    []recordJSON `json:"records"`
		TotalCount int          `json:"total_count"`
	}{out, total})
	return nil
}
