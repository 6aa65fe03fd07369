package cbcapi

import (
	"errors"
	"net/http"
	"strconv"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
)

// Customer registration and the customer list (reference/cbc-api.md §3,
// §4.1): CheckUserIdentity, SendVerificationMessageCode (bss and bssintl
// bodies), CreateSubCustomer (bss and bssintl bodies) and ListSubCustomers.

// checkUserIdentity is CheckUserIdentity:
// POST /v2/partners/sub-customers/users/check-identity. The answer is 200
// with check_result and, as Huawei's own example shows, error_code CBC.0000.
func (a *API) checkUserIdentity(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		SearchType  *string `json:"search_type"`
		SearchValue *string `json:"search_value"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.SearchType == nil || *body.SearchType == "" {
		return errParam("search_type")
	}
	actor, _ := ActorFrom(r.Context())
	res, err := a.Customers.CheckIdentity(r.Context(), actor, *body.SearchType, str(body.SearchValue))
	if err != nil {
		return err
	}
	out := struct {
		ErrorCode   string `json:"error_code"`
		ErrorMsg    string `json:"error_msg"`
		CheckResult string `json:"check_result"`
		Remaining   *int   `json:"mobile_remain_available_num,omitempty"`
	}{ErrorCode: "CBC.0000", ErrorMsg: "success", CheckResult: "used_by_user", Remaining: res.MobileRemaining}
	if res.Available {
		out.CheckResult = "available"
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// sendVerificationCode is SendVerificationMessageCode:
// POST /v2/bases/verificationcode/send, 204 on success. receiver_type 1 (bss)
// sends an SMS to mobile_phone, 2 (bssintl) an e-mail to email.
func (a *API) sendVerificationCode(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		ReceiverType *int    `json:"receiver_type"`
		Timeout      *int    `json:"timeout"`
		MobilePhone  *string `json:"mobile_phone"`
		Email        *string `json:"email"`
		Lang         *string `json:"lang"`
		Scene        *int    `json:"scene"`
		CustomerID   *string `json:"customer_id"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.ReceiverType == nil {
		return errParam("receiver_type")
	}
	actor, _ := ActorFrom(r.Context())
	err := a.Customers.SendVerificationCode(r.Context(), actor, customer.CodeRequest{
		ReceiverType: *body.ReceiverType, Timeout: body.Timeout, MobilePhone: str(body.MobilePhone),
		Email: str(body.Email), Lang: body.Lang, Scene: body.Scene, CustomerID: body.CustomerID,
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// createSubCustomer is CreateSubCustomer: POST /v2/partners/sub-customers.
// When the association does not come in time the answer is 500
// CBC.99000050 still carrying domain_id and domain_name.
func (a *API) createSubCustomer(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		XAccountID               *string `json:"xaccount_id"`
		XAccountType             *string `json:"xaccount_type"`
		DomainName               *string `json:"domain_name"`
		MobilePhone              *string `json:"mobile_phone"`
		Email                    *string `json:"email"`
		VerificationCode         *string `json:"verification_code"`
		Password                 *string `json:"password"`
		IsCloseMarketMs          *string `json:"is_close_market_ms"`
		CooperationType          *string `json:"cooperation_type"`
		IndirectPartnerID        *string `json:"indirect_partner_id"`
		IncludeAssociationResult *bool   `json:"include_association_result"`
		DomainArea               *string `json:"domain_area"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	c, err := a.Customers.CreateSubCustomer(r.Context(), actor, customer.NewCustomer{
		XAccountID: str(body.XAccountID), XAccountType: str(body.XAccountType), DomainName: body.DomainName,
		MobilePhone: body.MobilePhone, Email: body.Email, VerificationCode: body.VerificationCode,
		Password: body.Password, IsCloseMarketMs: body.IsCloseMarketMs, CooperationType: body.CooperationType,
		IndirectPartnerID: body.IndirectPartnerID, IncludeAssociationResult: body.IncludeAssociationResult,
		DomainArea: body.DomainArea,
	})
	type created struct {
		ErrorCode  string `json:"error_code,omitempty"`
		ErrorMsg   string `json:"error_msg,omitempty"`
		DomainID   string `json:"domain_id"`
		DomainName string `json:"domain_name"`
	}
	if errors.Is(err, customer.ErrAssociationTimeout) {
		e := apperr.From(err)
		a.Log.WarnContext(r.Context(), "association not made in time", "request_id", httpx.RequestID(r.Context()),
			"customer_id", c.ID)
		writeJSON(w, e.Status(), created{ErrorCode: e.Code, ErrorMsg: i18n.T(lang(r), e.Key, e.Args),
			DomainID: c.ID, DomainName: c.DomainName})
		return nil
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, created{DomainID: c.ID, DomainName: c.DomainName})
	return nil
}

type accountManagerJSON struct {
	AccountName string `json:"account_name"`
}

// customerInfoJSON is CustomerInformation. Personal data is masked: the
// real-name name, the mobile and the e-mail; account_name identifies the
// account and is shown whole, as the API's filter takes it.
type customerInfoJSON struct {
	Customer        string               `json:"customer,omitempty"`
	AccountName     string               `json:"account_name"`
	CustomerID      string               `json:"customer_id"`
	AssociatedOn    string               `json:"associated_on"`
	AssociationType string               `json:"association_type"`
	Label           string               `json:"label,omitempty"`
	Telephone       string               `json:"telephone,omitempty"`
	VerifiedStatus  string               `json:"verified_status"`
	CountryCode     string               `json:"country_code,omitempty"`
	CustomerType    int                  `json:"customer_type"`
	IsFrozen        int                  `json:"is_frozen"`
	AccountManagers []accountManagerJSON `json:"account_managers,omitempty"`
	XAccountID      string               `json:"xaccount_id,omitempty"`
	XAccountType    string               `json:"xaccount_type,omitempty"`
	CustomerLevel   string               `json:"customer_level,omitempty"`
	Email           string               `json:"email,omitempty"`
}

func customerInfo(l customer.Listed) customerInfoJSON {
	c := l.Customer
	out := customerInfoJSON{
		Customer: mask.Name(c.RealName), AccountName: c.DomainName, CustomerID: c.ID,
		AssociatedOn:    l.Association.AssociatedAt.UTC().Format(customer.APITime),
		AssociationType: strconv.Itoa(int(l.Association.Type)), Label: c.Label, Telephone: mask.Mobile(c.Mobile),
		VerifiedStatus: strconv.Itoa(c.VerifiedStatus), CountryCode: c.MobileCountryCode, CustomerType: c.Type,
		IsFrozen: int(c.FreezeState), XAccountID: c.XAccountID, XAccountType: c.XAccountType,
		CustomerLevel: c.Level, Email: mask.Email(c.Email),
	}
	if l.AccountManager != "" {
		out.AccountManagers = []accountManagerJSON{{AccountName: l.AccountManager}}
	}
	return out
}

// listSubCustomers is ListSubCustomers: POST /v2/partners/sub-customers/query.
func (a *API) listSubCustomers(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		AccountName       *string `json:"account_name"`
		Customer          *string `json:"customer"`
		Offset            *int    `json:"offset"`
		Limit             *int    `json:"limit"`
		Label             *string `json:"label"`
		AssociationType   *string `json:"association_type"`
		AssociatedOnBegin *string `json:"associated_on_begin"`
		AssociatedOnEnd   *string `json:"associated_on_end"`
		CustomerID        *string `json:"customer_id"`
		IndirectPartnerID *string `json:"indirect_partner_id"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	list, total, err := a.Customers.ListSubCustomers(r.Context(), actor, customer.ListFilter{
		AccountName: body.AccountName, Customer: body.Customer, Label: body.Label,
		AssociationType: body.AssociationType, AssociatedOnBegin: body.AssociatedOnBegin,
		AssociatedOnEnd: body.AssociatedOnEnd, CustomerID: body.CustomerID,
		IndirectPartnerID: body.IndirectPartnerID, Offset: body.Offset, Limit: body.Limit,
	})
	if err != nil {
		return err
	}
	infos := make([]customerInfoJSON, len(list))
	for i, l := range list {
		infos[i] = customerInfo(l)
	}
	writeJSON(w, http.StatusOK, struct {
		Count         int                `json:"count"`
		CustomerInfos []customerInfoJSON `json:"customer_infos"`
	}{total, infos})
	return nil
}
