package cbcapi

import (
	"context"
	"net/http"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/money"
	"partnercenter/internal/refund"
)

// The resource calls (api_order_00019 CancelResourcesSubscription,
// api_order_00020 ShowRefundOrderDetails, api_order_00021
// ListPayPerUseCustomerResources). Response shapes are named after the
// SDK's models: OrderInstanceV2, FailResourceInfo, OrderRefundInfoV2.

const (
	maxResourceQueryIDs = 50
	maxOwnResourceLimit = 100
)

// queryResourcesBody is QueryResourcesReq.
type queryResourcesBody struct {
	ResourceIDs      *[]string `json:"resource_ids"`
	OrderID          *string   `json:"order_id"`
	OnlyMainResource *int      `json:"only_main_resource"`
	StatusList       *[]int    `json:"status_list"`
	Offset           *int      `json:"offset"`
	Limit            *int      `json:"limit"`
	ExpireTimeBegin  *string   `json:"expire_time_begin"`
	ExpireTimeEnd    *string   `json:"expire_time_end"`
	ServiceTypeCode  *string   `json:"service_type_code"`
	CustomerID       *string   `json:"customer_id"`
}

// orderInstanceJSON is OrderInstanceV2.
type orderInstanceJSON struct {
	ID                string           `json:"id"`
	ResourceID        string           `json:"resource_id"`
	ResourceName      string           `json:"resource_name"`
	RegionCode        string           `json:"region_code"`
	ServiceTypeCode   string           `json:"service_type_code"`
	ResourceTypeCode  string           `json:"resource_type_code"`
	ResourceTypeName  string           `json:"resource_type_name,omitempty"`
	ServiceTypeName   string           `json:"service_type_name,omitempty"`
	ResourceSpecCode  string           `json:"resource_spec_code"`
	ProjectID         string           `json:"project_id"`
	ProductID         string           `json:"product_id"`
	ParentResourceID  string           `json:"parent_resource_id"`
	IsMainResource    int              `json:"is_main_resource"`
	Status            int              `json:"status"`
	EffectiveTime     string           `json:"effective_time"`
	ExpireTime        string           `json:"expire_time"`
	ExpirePolicy      int              `json:"expire_policy"`
	ProductSpecDesc   string           `json:"product_spec_desc"`
	SpecSize          *decimal.Decimal `json:"spec_size,omitempty"`
	SpecSizeMeasureID *int             `json:"spec_size_measure_id,omitempty"`
	UpdateTime        string           `json:"update_time"`
}

// resourceFilter checks a QueryResourcesReq (CBC.0100 naming the field).
func resourceFilter(b queryResourcesBody) (refund.Filter, error) {
	var f refund.Filter
	if b.ResourceIDs != nil {
		if err := idList("resource_ids", *b.ResourceIDs, maxResourceQueryIDs, false); err != nil {
			return f, err
		}
		f.IDs = *b.ResourceIDs
	}
	if b.OrderID != nil {
		if utf8.RuneCountInString(*b.OrderID) > maxIDLen {
			return f, errParam("order_id")
		}
		f.OrderID = *b.OrderID
	}
	if b.OnlyMainResource != nil && *b.OnlyMainResource != 0 && *b.OnlyMainResource != 1 {
		return f, errParam("only_main_resource")
	}
	if b.StatusList != nil {
		for _, st := range *b.StatusList {
			if st < refund.APIStatusInUse || st > refund.APIStatusExpired {
				return f, errParam("status_list")
			}
		}
		f.Statuses = *b.StatusList
		if len(f.Statuses) == 0 {
			f.Statuses = nil
		}
	}
	f.Offset, f.Limit = 0, 10
	if b.Offset != nil {
		if *b.Offset < 0 {
			return f, errParam("offset")
		}
		f.Offset = *b.Offset
	}
	if b.Limit != nil {
		if *b.Limit < 1 || *b.Limit > maxOwnResourceLimit {
			return f, errParam("limit")
		}
		f.Limit = *b.Limit
	}
	var err error
	if b.ExpireTimeBegin != nil && *b.ExpireTimeBegin != "" {
		if f.ExpireFrom, err = parseAPITime("expire_time_begin", *b.ExpireTimeBegin); err != nil {
			return f, err
		}
	}
	if b.ExpireTimeEnd != nil && *b.ExpireTimeEnd != "" {
		if f.ExpireTo, err = parseAPITime("expire_time_end", *b.ExpireTimeEnd); err != nil {
			return f, err
		}
	}
	if b.ServiceTypeCode != nil {
		// Documented: not absent means a code; the empty string is refused.
		if *b.ServiceTypeCode == "" || utf8.RuneCountInString(*b.ServiceTypeCode) > 64 {
			return f, errParam("service_type_code")
		}
		f.ServiceType = *b.ServiceTypeCode
	}
	if b.CustomerID != nil && utf8.RuneCountInString(*b.CustomerID) > maxIDLen {
		return f, errParam("customer_id")
	}
	return f, nil
}

// resourceTypeName names a resource type in l from the catalogue ("" when
// unknown).
func (a *API) resourceTypeName(ctx context.Context, l i18n.Lang, code string) string {
	if a.Catalog == nil {
		return ""
	}
	list, _, err := a.Catalog.ResourceTypes(ctx, l, code, 1, 0)
	if err != nil || len(list) == 0 {
		return ""
	}
	return list[0].Name
}

// listPayPerUseCustomerResources is ListPayPerUseCustomerResources (despite
// its name, the customer's yearly/monthly resources): POST
// /v2/orders/suscriptions/resources/query. Every resource is a main one
// (no attached resources exist here), so only_main_resource changes
// nothing. A partner names its customer in customer_id (required); a
// customer's customer_id is checked and ignored.
func (a *API) listPayPerUseCustomerResources(w http.ResponseWriter, r *http.Request) error {
	var body queryResourcesBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	f, err := resourceFilter(body)
	if err != nil {
		return err
	}
	actor, _ := ActorFrom(r.Context())
	var list []refund.Resource
	var total int
	if actor.Kind == identity.ActorCustomer {
		list, total, err = a.Refunds.Resources(r.Context(), actor.ID, f)
	} else {
		list, total, err = a.Refunds.PartnerResources(r.Context(), actor, str(body.CustomerID), f)
	}
	if err != nil {
		return err
	}
	l := lang(r)
	now := a.Clock.Now().UTC()
	out := make([]orderInstanceJSON, len(list))
	for i, res := range list {
		o := orderInstanceJSON{ID: res.ID, ResourceID: res.ID, ResourceName: res.SpecCode, RegionCode: res.Region,
			ServiceTypeCode: res.ServiceTypeCode, ResourceTypeCode: res.ResourceTypeCode,
			ResourceTypeName: a.resourceTypeName(r.Context(), l, res.ResourceTypeCode),
			ServiceTypeName:  a.Orders.ServiceTypeName(r.Context(), l, res.ServiceTypeCode), ResourceSpecCode: res.SpecCode,
			ProjectID: res.Region, ProductID: res.ProductID, IsMainResource: 1, Status: res.APIStatus(now),
			EffectiveTime: apiTime(res.EffectiveAt), ExpireTime: apiTime(res.ExpiresAt),
			ProductSpecDesc: res.SpecCode + " | " + res.Region, UpdateTime: apiTime(res.EffectiveAt)}
		if res.UnsubscribedAt != nil {
			o.UpdateTime = apiTime(*res.UnsubscribedAt)
		}
		if res.ResourceSize > 0 {
			size, unit := decimal.NewFromInt(res.ResourceSize), res.SizeMeasureID
			o.SpecSize, o.SpecSizeMeasureID = &size, &unit
		}
		out[i] = o
	}
	writeJSON(w, http.StatusOK, struct {
		Data       []orderInstanceJSON `json:"data"`
		TotalCount int                 `json:"total_count"`
	}{out, total})
	return nil
}

// unsubscribeBody is UnsubscribeResourcesReq.
type unsubscribeBody struct {
	ResourceIDs           *[]string `json:"resource_ids"`
	UnsubscribeType       *int      `json:"unsubscribe_type"`
	UnsubscribeReasonType *int      `json:"unsubscribe_reason_type"`
	UnsubscribeReason     *string   `json:"unsubscribe_reason"`
}

// failResourceJSON is FailResourceInfo.
type failResourceJSON struct {
	ErrorCode  string `json:"error_code"`
	ErrorMsg   string `json:"error_msg"`
	ResourceID string `json:"resource_id"`
}

// cancelResourcesSubscription is CancelResourcesSubscription: POST
// /v2/orders/subscriptions/resources/unsubscribe. 200 with the unsubscribe
// orders written and, per resource refused, fail_resource_infos.
func (a *API) cancelResourcesSubscription(w http.ResponseWriter, r *http.Request) error {
	var body unsubscribeBody
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if body.ResourceIDs == nil {
		return errParam("resource_ids")
	}
	if body.UnsubscribeType == nil {
		return errParam("unsubscribe_type")
	}
	req := refund.Request{ResourceIDs: *body.ResourceIDs, Type: *body.UnsubscribeType, Reason: str(body.UnsubscribeReason)}
	if body.UnsubscribeReasonType != nil {
		if *body.UnsubscribeReasonType == 0 {
			return errParam("unsubscribe_reason_type")
		}
		req.ReasonType = *body.UnsubscribeReasonType
	}
	actor, _ := ActorFrom(r.Context())
	res, err := a.Refunds.Unsubscribe(r.Context(), actor.ID, req)
	if err != nil {
		return err
	}
	l := lang(r)
	fails := make([]failResourceJSON, len(res.Failures))
	for i, f := range res.Failures {
		fails[i] = failResourceJSON{ErrorCode: f.Err.Code, ErrorMsg: i18n.T(l, f.Err.Key, f.Err.Args), ResourceID: f.ResourceID}
	}
	writeJSON(w, http.StatusOK, struct {
		OrderIDs          []string           `json:"order_ids"`
		FailResourceInfos []failResourceJSON `json:"fail_resource_infos"`
	}{res.OrderIDs, fails})
	return nil
}

// orderRefundJSON is OrderRefundInfoV2. amount is negative: money given
// back (Huawei's sign convention).
type orderRefundJSON struct {
	ID               string       `json:"id"`
	Amount           money.Amount `json:"amount"`
	MeasureID        string       `json:"measure_id"`
	CustomerID       string       `json:"customer_id"`
	ResourceTypeCode string       `json:"resource_type_code"`
	ServiceTypeCode  string       `json:"service_type_code"`
	ResourceTypeName string       `json:"resource_type_name,omitempty"`
	ServiceTypeName  string       `json:"service_type_name,omitempty"`
	RegionCode       string       `json:"region_code"`
	BaseOrderID      string       `json:"base_order_id"`
}

// showRefundOrderDetails is ShowRefundOrderDetails: GET
// /v2/orders/customer-orders/refund-orders?order_id[&customer_id][&indirect_partner_id].
// A partner must name the customer (customer_id); a customer's
// customer_id and indirect_partner_id are checked and ignored.
func (a *API) showRefundOrderDetails(w http.ResponseWriter, r *http.Request) error {
	q := newQuery(r.URL)
	id := q.str("order_id", maxIDLen)
	if id == "" {
		q.fail("order_id")
	}
	customerID := q.str("customer_id", maxIDLen)
	indirect := q.str("indirect_partner_id", maxIndirectIDLen)
	if q.err != nil {
		return q.err
	}
	actor, _ := ActorFrom(r.Context())
	if actor.Kind == identity.ActorCustomer {
		customerID, indirect = "", ""
	}
	d, err := a.Refunds.RefundDetails(r.Context(), orderViewer(actor), id, customerID, indirect)
	if err != nil {
		return err
	}
	l := lang(r)
	out := make([]orderRefundJSON, len(d.Infos))
	for i, info := range d.Infos {
		out[i] = orderRefundJSON{ID: info.ID, Amount: money.Amount{}.Sub(info.Amount), MeasureID: "1",
			CustomerID: info.CustomerID, ResourceTypeCode: info.ResourceTypeCode, ServiceTypeCode: info.ServiceTypeCode,
			ResourceTypeName: a.resourceTypeName(r.Context(), l, info.ResourceTypeCode),
			ServiceTypeName:  a.Orders.ServiceTypeName(r.Context(), l, info.ServiceTypeCode), RegionCode: info.Region,
			BaseOrderID: info.BaseOrderID}
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount  int               `json:"total_count"`
		RefundInfos []orderRefundJSON `json:"refund_infos"`
	}{len(out), out})
	return nil
}
