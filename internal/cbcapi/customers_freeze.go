package cbcapi

import (
	"net/http"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/i18n"
)

// Freezing and unfreezing customers (bssintl, reference/cbc-api.md §4.2):
// 200 with an empty body when every customer succeeded, 200 with
// error_details listing the customers that failed otherwise.

type freezeBody struct {
	CustomerIDs       []string `json:"customer_ids"`
	Reason            *string  `json:"reason"`
	IndirectPartnerID *string  `json:"indirect_partner_id"`
	FreezeType        *string  `json:"freeze_type"`
	UnfreezeType      *string  `json:"unfreeze_type"`
}

type errorDetailJSON struct {
	ErrorCode string `json:"error_code"`
	ErrorMsg  string `json:"error_msg"`
	ID        string `json:"id"`
}

// freezeSubCustomers is FreezeSubCustomers: POST /v2/partners/sub-customers/freeze.
func (a *API) freezeSubCustomers(w http.ResponseWriter, r *http.Request) error {
	return a.setFrozen(w, r, true)
}

// unfreezeSubCustomers is UnfreezeSubCustomers: POST /v2/partners/sub-customers/unfreeze.
func (a *API) unfreezeSubCustomers(w http.ResponseWriter, r *http.Request) error {
	return a.setFrozen(w, r, false)
}

func (a *API) setFrozen(w http.ResponseWriter, r *http.Request, freeze bool) error {
	var body freezeBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	req := customer.FreezeRequest{CustomerIDs: body.CustomerIDs, Reason: str(body.Reason),
		IndirectPartnerID: body.IndirectPartnerID, Type: body.UnfreezeType}
	actor, _ := ActorFrom(r.Context())
	var (
		failed []customer.ItemError
		err    error
	)
	if freeze {
		req.Type = body.FreezeType
		failed, err = a.Customers.FreezeCustomers(r.Context(), actor, req)
	} else {
		failed, err = a.Customers.UnfreezeCustomers(r.Context(), actor, req)
	}
	if err != nil {
		return err
	}
	out := struct {
		ErrorDetails []errorDetailJSON `json:"error_details,omitempty"`
	}{}
	l := lang(r)
	for _, f := range failed {
		out.ErrorDetails = append(out.ErrorDetails, errorDetailJSON{ErrorCode: f.Err.Code,
			ErrorMsg: i18n.T(l, f.Err.Key, f.Err.Args), ID: f.ID})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
