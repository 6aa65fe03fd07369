package cbcapi

import (
	"encoding/json"
	"net/http"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
)

// Price inquiry (reference/cbc-api.md §7): ListOnDemandResourceRatings,
// ListRateOnPeriodDetail and ListRenewRateOnPeriod. Request and response
// shapes are the SDK's (services/bss/v2/model: RateOnDemandReq,
// DemandProductInfo, RateOnPeriodReq, PeriodProductInfo,
// ListRenewRateOnPeriodReq and their responses). Amounts are JSON numbers
// with up to 6 (or 10) decimals.

// num renders an exact amount as a JSON number.
func num(d decimal.Decimal) json.Number { return json.Number(d.String()) }

type productRefJSON struct {
	ID               *string `json:"id"`
	CloudServiceType *string `json:"cloud_service_type"`
	ResourceType     *string `json:"resource_type"`
	ResourceSpec     *string `json:"resource_spec"`
	Region           *string `json:"region"`
	AvailableZone    *string `json:"available_zone"`
	ResourceSize     *int64  `json:"resource_size"`
	SizeMeasureID    *int    `json:"size_measure_id"`
}

func (p productRefJSON) ref() commerce.ProductRef {
	r := commerce.ProductRef{ID: str(p.ID), ServiceType: str(p.CloudServiceType), ResourceType: str(p.ResourceType),
		Spec: str(p.ResourceSpec), Region: str(p.Region), AvailableZone: str(p.AvailableZone)}
	if p.ResourceSize != nil {
		r.ResourceSize = *p.ResourceSize
	}
	if p.SizeMeasureID != nil {
		r.SizeMeasureID = *p.SizeMeasureID
	}
	return r
}

type demandProductJSON struct {
	productRefJSON
	UsageFactor     *string          `json:"usage_factor"`
	UsageValue      *decimal.Decimal `json:"usage_value"`
	UsageMeasureID  *int             `json:"usage_measure_id"`
	SubscriptionNum *int             `json:"subscription_num"`
}

type rateOnDemandReq struct {
	ProjectID        *string             `json:"project_id"`
	InquiryPrecision *int                `json:"inquiry_precision"`
	ProductInfos     []demandProductJSON `json:"product_infos"`
}

type periodProductJSON struct {
	productRefJSON
	PeriodType         *int    `json:"period_type"`
	PeriodNum          *int    `json:"period_num"`
	SubscriptionNum    *int    `json:"subscription_num"`
	FeeInstallmentMode *string `json:"fee_installment_mode"`
}

type rateOnPeriodReq struct {
	ProjectID    *string             `json:"project_id"`
	ProductInfos []periodProductJSON `json:"product_infos"`
}

type discountRatingJSON struct {
	DiscountID   string      `json:"discount_id"`
	DiscountType int         `json:"discount_type"`
	Amount       json.Number `json:"amount"`
	MeasureID    int         `json:"measure_id"`
	DiscountName string      `json:"discount_name"`
}

type demandProductRatingJSON struct {
	ID                    string               `json:"id"`
	ProductID             string               `json:"product_id"`
	Amount                json.Number          `json:"amount"`
	DiscountAmount        json.Number          `json:"discount_amount"`
	OfficialWebsiteAmount json.Number          `json:"official_website_amount"`
	MeasureID             int                  `json:"measure_id"`
	DiscountRatingResults []discountRatingJSON `json:"discount_rating_results"`
}

// requiredRef checks the fields every product must carry.
func requiredRef(p productRefJSON) error {
	switch {
	case p.ID == nil:
		return errParam("product_infos.id")
	case p.CloudServiceType == nil:
		return errParam("product_infos.cloud_service_type")
	case p.ResourceType == nil:
		return errParam("product_infos.resource_type")
	case p.ResourceSpec == nil:
		return errParam("product_infos.resource_spec")
	case p.Region == nil:
		return errParam("product_infos.region")
	}
	return nil
}

// listOnDemandResourceRatings is ListOnDemandResourceRatings:
// POST /v2/bills/ratings/on-demand-resources.
func (a *API) listOnDemandResourceRatings(w http.ResponseWriter, r *http.Request) error {
	var req rateOnDemandReq
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.ProjectID == nil {
		return errParam("project_id")
	}
	if len(req.ProductInfos) > commerce.MaxInquiryProducts {
		return errParam("product_infos")
	}
	in := commerce.DemandInquiry{ProjectID: *req.ProjectID, Products: make([]commerce.DemandProduct, len(req.ProductInfos))}
	if req.InquiryPrecision != nil {
		in.Precision = *req.InquiryPrecision
	}
	for i, p := range req.ProductInfos {
		if err := requiredRef(p.productRefJSON); err != nil {
			return err
		}
		switch {
		case p.UsageFactor == nil:
			return errParam("product_infos.usage_factor")
		case p.UsageValue == nil:
			return errParam("product_infos.usage_value")
		case p.UsageMeasureID == nil:
			return errParam("product_infos.usage_measure_id")
		case p.SubscriptionNum == nil:
			return errParam("product_infos.subscription_num")
		}
		in.Products[i] = commerce.DemandProduct{ProductRef: p.ref(), UsageFactor: *p.UsageFactor, UsageValue: *p.UsageValue,
			UsageMeasureID: *p.UsageMeasureID, SubscriptionNum: *p.SubscriptionNum}
	}
	rating, err := a.Catalog.RateOnDemand(r.Context(), callerOf(r), in)
	if err != nil {
		return err
	}
	results := make([]demandProductRatingJSON, len(rating.Products))
	for i, p := range rating.Products {
		results[i] = demandProductRatingJSON{ID: p.ID, ProductID: p.ProductID, Amount: num(p.Amount), DiscountAmount: num(p.DiscountAmount),
			OfficialWebsiteAmount: num(p.OfficialAmount), MeasureID: p.MeasureID, DiscountRatingResults: []discountRatingJSON{}}
	}
	writeJSON(w, http.StatusOK, struct {
		Amount                json.Number               `json:"amount"`
		DiscountAmount        json.Number               `json:"discount_amount"`
		OfficialWebsiteAmount json.Number               `json:"official_website_amount"`
		MeasureID             int                       `json:"measure_id"`
		Currency              string                    `json:"currency"`
		ProductRatingResults  []demandProductRatingJSON `json:"product_rating_results"`
	}{num(rating.Amount), num(rating.DiscountAmount), num(rating.OfficialAmount), rating.MeasureID, rating.Currency, results})
	return nil
}

type periodOfficialJSON struct {
	ID                    string      `json:"id"`
	ProductID             string      `json:"product_id"`
	OfficialWebsiteAmount json.Number `json:"official_website_amount"`
	MeasureID             int         `json:"measure_id"`
}

type periodDiscountProductJSON struct {
	ID                    string      `json:"id"`
	ProductID             string      `json:"product_id"`
	Amount                json.Number `json:"amount"`
	OfficialWebsiteAmount json.Number `json:"official_website_amount"`
	DiscountAmount        json.Number `json:"discount_amount"`
	MeasureID             int         `json:"measure_id"`
}

type optionalDiscountJSON struct {
	DiscountID            string                      `json:"discount_id"`
	Amount                json.Number                 `json:"amount"`
	OfficialWebsiteAmount json.Number                 `json:"official_website_amount"`
	DiscountAmount        json.Number                 `json:"discount_amount"`
	MeasureID             int                         `json:"measure_id"`
	DiscountType          int                         `json:"discount_type"`
	DiscountName          string                      `json:"discount_name"`
	BestOffer             int                         `json:"best_offer"`
	ProductRatingResults  []periodDiscountProductJSON `json:"product_rating_results"`
}

// partnerDiscountType is discount_type of the partner-granted discount
// (伙伴授予折扣) in optional_discount_rating_results.
const partnerDiscountType = 610

// listRateOnPeriodDetail is ListRateOnPeriodDetail:
// POST /v2/bills/ratings/period-resources/subscribe-rate. The official
// price is always answered; optional_discount_rating_results lists the
// customer's discount when one applies, and is empty otherwise.
func (a *API) listRateOnPeriodDetail(w http.ResponseWriter, r *http.Request) error {
	var req rateOnPeriodReq
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.ProjectID == nil {
		return errParam("project_id")
	}
	if len(req.ProductInfos) > commerce.MaxInquiryProducts {
		return errParam("product_infos")
	}
	in := commerce.PeriodInquiry{ProjectID: *req.ProjectID, Products: make([]commerce.PeriodProduct, len(req.ProductInfos))}
	for i, p := range req.ProductInfos {
		if err := requiredRef(p.productRefJSON); err != nil {
			return err
		}
		switch {
		case p.PeriodType == nil:
			return errParam("product_infos.period_type")
		case p.PeriodNum == nil:
			return errParam("product_infos.period_num")
		case p.SubscriptionNum == nil:
			return errParam("product_infos.subscription_num")
		}
		in.Products[i] = commerce.PeriodProduct{ProductRef: p.ref(), PeriodType: *p.PeriodType, PeriodNum: *p.PeriodNum,
			SubscriptionNum: *p.SubscriptionNum, FeeInstallmentMode: str(p.FeeInstallmentMode)}
	}
	rating, err := a.Catalog.RateOnPeriod(r.Context(), callerOf(r), in)
	if err != nil {
		return err
	}
	official := make([]periodOfficialJSON, len(rating.Products))
	discounted := make([]periodDiscountProductJSON, len(rating.Products))
	for i, p := range rating.Products {
		official[i] = periodOfficialJSON{ID: p.ID, ProductID: p.ProductID, OfficialWebsiteAmount: num(p.OfficialAmount), MeasureID: p.MeasureID}
		discounted[i] = periodDiscountProductJSON{ID: p.ID, ProductID: p.ProductID, Amount: num(p.Amount),
			OfficialWebsiteAmount: num(p.OfficialAmount), DiscountAmount: num(p.DiscountAmount), MeasureID: p.MeasureID}
	}
	optional := []optionalDiscountJSON{}
	if rating.DiscountAmount.IsPositive() {
		optional = append(optional, optionalDiscountJSON{DiscountID: "partner-discount", Amount: num(rating.Amount),
			OfficialWebsiteAmount: num(rating.OfficialAmount), DiscountAmount: num(rating.DiscountAmount), MeasureID: rating.MeasureID,
			DiscountType: partnerDiscountType, DiscountName: "partner discount", BestOffer: 1, ProductRatingResults: discounted})
	}
	type officialResultJSON struct {
		OfficialWebsiteAmount json.Number          `json:"official_website_amount"`
		MeasureID             int                  `json:"measure_id"`
		ProductRatingResults  []periodOfficialJSON `json:"product_rating_results"`
	}
	writeJSON(w, http.StatusOK, struct {
		OfficialWebsiteRatingResult   officialResultJSON     `json:"official_website_rating_result"`
		OptionalDiscountRatingResults []optionalDiscountJSON `json:"optional_discount_rating_results"`
		Currency                      string                 `json:"currency"`
	}{
		OfficialWebsiteRatingResult:   officialResultJSON{num(rating.OfficialAmount), rating.MeasureID, official},
		OptionalDiscountRatingResults: optional,
		Currency:                      rating.Currency,
	})
	return nil
}

type renewRateReq struct {
	ResourceIDs              []string `json:"resource_ids"`
	PeriodType               *int     `json:"period_type"`
	PeriodNum                *int     `json:"period_num"`
	IncludeRelativeResources *bool    `json:"include_relative_resources"`
}

// listRenewRateOnPeriod is ListRenewRateOnPeriod:
// POST /v2/bills/ratings/period-resources/renew-rate. Resources that cannot
// be priced are listed in fail_resource_infos; the amounts are strings, as
// in the SDK's model.
func (a *API) listRenewRateOnPeriod(w http.ResponseWriter, r *http.Request) error {
	var req renewRateReq
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	switch {
	case req.ResourceIDs == nil:
		return errParam("resource_ids")
	case req.PeriodType == nil:
		return errParam("period_type")
	case req.PeriodNum == nil:
		return errParam("period_num")
	}
	rating, err := a.Catalog.RateRenewal(r.Context(), callerOf(r), commerce.RenewInquiry{ResourceIDs: req.ResourceIDs,
		PeriodType: *req.PeriodType, PeriodNum: *req.PeriodNum})
	if err != nil {
		return err
	}
	type resultJSON struct {
		ResourceID string `json:"resource_id"`
		Amount     string `json:"amount"`
	}
	type failJSON struct {
		ErrorCode  string `json:"error_code"`
		ErrorMsg   string `json:"error_msg"`
		ResourceID string `json:"resource_id"`
	}
	results := make([]resultJSON, len(rating.Results))
	for i, res := range rating.Results {
		results[i] = resultJSON{res.ResourceID, res.Amount.String()}
	}
	failed := make([]failJSON, len(rating.Failed))
	for i, f := range rating.Failed {
		failed[i] = failJSON{f.Err.Code, apperrText(r, f.Err), f.ResourceID}
	}
	type officialJSON struct {
		OfficialWebsiteAmount string `json:"official_website_amount"`
	}
	type optionalJSON struct {
		DiscountID            string `json:"discount_id"`
		Amount                string `json:"amount"`
		OfficialWebsiteAmount string `json:"official_website_amount"`
		DiscountAmount        string `json:"discount_amount"`
		DiscountType          int    `json:"discount_type"`
		DiscountName          string `json:"discount_name"`
		BestOffer             int    `json:"best_offer"`
	}
	optional := []optionalJSON{}
	if rating.DiscountAmount.IsPositive() {
		optional = append(optional, optionalJSON{"partner-discount", rating.Amount.String(), rating.OfficialAmount.String(),
			rating.DiscountAmount.String(), partnerDiscountType, "partner discount", 1})
	}
	writeJSON(w, http.StatusOK, struct {
		Currency                      string         `json:"currency"`
		RenewInquiryResults           []resultJSON   `json:"renew_inquiry_results"`
		OfficialWebsiteRatingResult   officialJSON   `json:"official_website_rating_result"`
		OptionalDiscountRatingResults []optionalJSON `json:"optional_discount_rating_results"`
		FailResourceInfos             []failJSON     `json:"fail_resource_infos"`
	}{rating.Currency, results, officialJSON{rating.OfficialAmount.String()}, optional, failed})
	return nil
}

// apperrText translates an item error for a batch answer.
func apperrText(r *http.Request, e *apperr.Error) string { return i18n.T(lang(r), e.Key, e.Args) }

// callerOf is the request's authenticated actor.
func callerOf(r *http.Request) identity.Actor {
	actor, _ := ActorFrom(r.Context())
	return actor
}
