package commerce

import (
	"context"
	"errors"

	"github.com/shopspring/decimal"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// Errors of price inquiry, with Huawei's codes (reference/cbc-api.md §7 and
// the pricing APIs' error tables).
var (
	ErrProductNotFound = apperr.New("CBC.99006006", "err.rating_product_not_found")
	ErrUsageMeasure    = apperr.New("CBC.99006050", "err.rating_usage_measure")
	ErrAmountTooLarge  = apperr.New("CBC.99006055", "err.rating_amount_too_large")
	ErrUsageFactor     = apperr.New("CBC.99006074", "err.rating_usage_factor")
	ErrProjectNotFound = apperr.New("CBC.99006073", "err.rating_project_not_found")
	ErrDuplicateID     = apperr.New("CBC.30050012", "err.rating_duplicate_id")
)

// Limits of one inquiry.
const (
	MaxInquiryProducts = 100
	maxIDLen           = 64
	maxCodeLen         = 400
	maxSubscription    = 10_000
	maxMonths          = 60
	maxYears           = 5
)

// maxAmount is the largest amount an inquiry answers (CBC.99006055 above).
var maxAmount = decimal.New(1, 12)

// Precision modes of inquiry_precision.
const (
	PrecisionDefault = 0 // at most 6 decimals
	PrecisionHigh    = 1 // at most 10 decimals
)

// Period types of a yearly/monthly inquiry.
const (
	PeriodDay   = 0
	PeriodMonth = 2
	PeriodYear  = 3
	PeriodHour  = 4
)

// ProductRef names a priced product: which service, resource type and spec,
// where, and how big. ID is the caller's, unique in one inquiry and echoed.
type ProductRef struct {
	ID            string
	ServiceType   string
	ResourceType  string
	Spec          string
	Region        string
	AvailableZone string
	// ResourceSize and SizeMeasureID are required for linear specs
	// (disks per GB, bandwidth per Mbit/s); zero when absent.
	ResourceSize  int64
	SizeMeasureID int
}

// DemandProduct is one product of an on-demand inquiry: UsageValue of
// UsageMeasureID (1 hour, 30 minutes, 5 GB of traffic) of UsageFactor, for
// SubscriptionNum instances.
type DemandProduct struct {
	ProductRef
	UsageFactor     string
	UsageValue      decimal.Decimal
	UsageMeasureID  int
	SubscriptionNum int
}

// DemandInquiry is ListOnDemandResourceRatings' question.
type DemandInquiry struct {
	ProjectID string
	Precision int
	Products  []DemandProduct
}

// PeriodProduct is one product of a yearly/monthly inquiry: PeriodNum
// months or years, for SubscriptionNum instances.
type PeriodProduct struct {
	ProductRef
	PeriodType         int
	PeriodNum          int
	SubscriptionNum    int
	FeeInstallmentMode string
}

// PeriodInquiry is ListRateOnPeriodDetail's question.
type PeriodInquiry struct {
	ProjectID string
	Products  []PeriodProduct
}

// ProductRating is the price of one product of an inquiry. Amount is what
// the customer would pay: OfficialAmount less DiscountAmount.
type ProductRating struct {
	ID             string
	ProductID      string
	Amount         decimal.Decimal
	DiscountAmount decimal.Decimal
	OfficialAmount decimal.Decimal
	MeasureID      int
}

// Rating answers an inquiry: the totals and each product's price, in the
// order asked. Amounts are in yuan (MeasureID 1).
type Rating struct {
	Amount         decimal.Decimal
	DiscountAmount decimal.Decimal
	OfficialAmount decimal.Decimal
	MeasureID      int
	Currency       string
	Products       []ProductRating
}

// PricedLine is one product at its official price, as the discount hook
// sees it.
type PricedLine struct {
	ProductRef
	ProductID string
	Mode      PriceMode
	Official  decimal.Decimal
}

// CustomerDiscount is the hook through which a customer's discount (the
// partner-granted discount of a referral customer) reaches price inquiry.
// It returns the amount off line.Official for the customer projectID, zero
// when none applies. Until the discounts part is wired in, no discount
// applies and discount_amount is 0.
type CustomerDiscount interface {
	InquiryDiscount(ctx context.Context, projectID string, line PricedLine) (decimal.Decimal, error)
}

// CustomerDirectory answers whose customer an account is.
type CustomerDirectory interface {
	CurrentAssociation(ctx context.Context, customerID string) (customer.Association, bool, error)
}

// PartnerDirectory answers a partner's type and distributor.
type PartnerDirectory interface {
	PartnerStanding(ctx context.Context, partnerID string) (identity.PartnerStanding, error)
}

// SetProjectOwners lets inquiries name a customer's project: without it a
// caller may name only its own domain id. Call it once at wiring.
func (c *Catalog) SetProjectOwners(customers CustomerDirectory, partners PartnerDirectory) {
	c.customers, c.partners = customers, partners
}

// SetCustomerDiscount installs the customer-discount hook. Call it once at
// wiring.
func (c *Catalog) SetCustomerDiscount(h CustomerDiscount) { c.discount = h }

// checkProject allows a project_id that is the caller's own domain id, one
// of its customers, or — for a distributor — a customer of one of its cloud
// resellers. Anything else, including another partner's customer, is
// ErrProjectNotFound, so that nobody learns which accounts exist.
func (c *Catalog) checkProject(ctx context.Context, actor identity.Actor, projectID string) error {
	if actor.PartnerID == "" {
		return identity.ErrForbidden
	}
	if projectID == "" || len(projectID) > 64 {
		return errParam("project_id")
	}
	if projectID == actor.DomainID {
		return nil
	}
	if c.customers == nil {
		return ErrProjectNotFound
	}
	a, ok, err := c.customers.CurrentAssociation(ctx, projectID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrProjectNotFound
	}
	if a.PartnerID == actor.PartnerID {
		return nil
	}
	if actor.PartnerType != identity.Distributor || c.partners == nil {
		return ErrProjectNotFound
	}
	st, err := c.partners.PartnerStanding(ctx, a.PartnerID)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		return ErrProjectNotFound
	}
	if err != nil {
		return err
	}
	if st.Type == identity.CloudReseller && st.ParentID == actor.PartnerID {
		return nil
	}
	return ErrProjectNotFound
}

// errParam is CBC.0100 naming the parameter at fault.
func errParam(name string) error {
	return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", name)
}

// resolve finds the spec of ref in the snapshot and checks its size.
// Returns the spec, the size multiplier (1 for non-linear specs) and the
// price key without its mode.
func (s *priceSnapshot) resolve(ref ProductRef, field string) (*specEntry, decimal.Decimal, error) {
	e, ok := s.specByKey[specKey{ref.ResourceType, ref.Spec}]
	if !ok || e.ServiceTypeCode != ref.ServiceType || !s.regionSet[ref.Region] {
		return nil, decimal.Zero, ErrProductNotFound.With("id", ref.ID)
	}
	if e.Billing != BillLinear {
		return e, decimal.NewFromInt(1), nil
	}
	if ref.ResourceSize <= 0 {
		return nil, decimal.Zero, errParam(field + ".resource_size")
	}
	f, ok := s.factor(ref.SizeMeasureID, e.SizeMeasureID)
	if !ok {
		return nil, decimal.Zero, errParam(field + ".size_measure_id")
	}
	size := decimal.NewFromInt(ref.ResourceSize).Mul(decimal.NewFromInt(f.num)).Div(decimal.NewFromInt(f.den))
	return e, size, nil
}

func checkRef(ref ProductRef, field string, seen map[string]bool) error {
	switch {
	case ref.ID == "" || len(ref.ID) > maxIDLen:
		return errParam(field + ".id")
	case ref.ServiceType == "" || len(ref.ServiceType) > maxCodeLen:
		return errParam(field + ".cloud_service_type")
	case ref.ResourceType == "" || len(ref.ResourceType) > maxCodeLen:
		return errParam(field + ".resource_type")
	case ref.Spec == "" || len(ref.Spec) > maxCodeLen:
		return errParam(field + ".resource_spec")
	case ref.Region == "" || len(ref.Region) > maxCodeLen:
		return errParam(field + ".region")
	case len(ref.AvailableZone) > maxCodeLen:
		return errParam(field + ".available_zone")
	case ref.ResourceSize < 0:
		return errParam(field + ".resource_size")
	}
	if seen[ref.ID] {
		return ErrDuplicateID.With("id", ref.ID)
	}
	seen[ref.ID] = true
	return nil
}

// truncate cuts d to the decimals of precision ("精度截取").
func truncate(d decimal.Decimal, precision int) decimal.Decimal {
	if precision == PrecisionHigh {
		return d.Truncate(10)
	}
	return d.Truncate(6)
}

// discounted applies the customer-discount hook to one line.
func (c *Catalog) discounted(ctx context.Context, projectID string, line PricedLine, precision int) (ProductRating, error) {
	r := ProductRating{ID: line.ID, ProductID: line.ProductID, OfficialAmount: line.Official, MeasureID: MeasureYuan}
	if c.discount != nil {
		d, err := c.discount.InquiryDiscount(ctx, projectID, line)
		if err != nil {
			return ProductRating{}, err
		}
		if d.IsPositive() {
			r.DiscountAmount = truncate(decimal.Min(d, line.Official), precision)
		}
	}
	r.Amount = r.OfficialAmount.Sub(r.DiscountAmount)
	return r, nil
}

func (r *Rating) add(p ProductRating) {
	r.Products = append(r.Products, p)
	r.Amount = r.Amount.Add(p.Amount)
	r.DiscountAmount = r.DiscountAmount.Add(p.DiscountAmount)
	r.OfficialAmount = r.OfficialAmount.Add(p.OfficialAmount)
}

// RateOnDemand prices on-demand products (ListOnDemandResourceRatings): the
// unit price per usage measure unit × the usage converted to that unit ×
// the size for linear specs × the number of instances, truncated to 6
// decimals (10 with PrecisionHigh); the totals are the sums of the lines.
// Partner callers (PermCatalogView) may name their own domain id or one of
// their customers as ProjectID. Errors: CBC.0100 naming the field,
// ErrDuplicateID, ErrProductNotFound, ErrUsageFactor, ErrUsageMeasure,
// ErrAmountTooLarge, ErrProjectNotFound. Read-only.
func (c *Catalog) RateOnDemand(ctx context.Context, actor identity.Actor, in DemandInquiry) (Rating, error) {
	if in.Precision != PrecisionDefault && in.Precision != PrecisionHigh {
		return Rating{}, errParam("inquiry_precision")
	}
	if len(in.Products) == 0 || len(in.Products) > MaxInquiryProducts {
		return Rating{}, errParam("product_infos")
	}
	seen := make(map[string]bool, len(in.Products))
	for i := range in.Products {
		p := &in.Products[i]
		field := "product_infos"
		if err := checkRef(p.ProductRef, field, seen); err != nil {
			return Rating{}, err
		}
		switch {
		case p.UsageFactor == "" || len(p.UsageFactor) > maxCodeLen:
			return Rating{}, errParam(field + ".usage_factor")
		case !p.UsageValue.IsPositive() || p.UsageValue.GreaterThan(maxAmount):
			return Rating{}, errParam(field + ".usage_value")
		case p.SubscriptionNum < 1 || p.SubscriptionNum > maxSubscription:
			return Rating{}, errParam(field + ".subscription_num")
		}
	}
	if err := c.checkProject(ctx, actor, in.ProjectID); err != nil {
		return Rating{}, err
	}
	c.refreshSoon(ctx)
	s := c.prices.Load()
	out := Rating{MeasureID: MeasureYuan, Currency: Currency}
	for _, p := range in.Products {
		e, size, err := s.resolve(p.ProductRef, "product_infos")
		if err != nil {
			return Rating{}, err
		}
		if p.UsageFactor != e.UsageFactor || !s.usageSet[specKey{e.ResourceTypeCode, p.UsageFactor}] {
			return Rating{}, ErrUsageFactor.With("id", p.ID)
		}
		f, ok := s.factor(p.UsageMeasureID, e.UsageMeasureID)
		if !ok {
			return Rating{}, ErrUsageMeasure.With("id", p.ID)
		}
		k := priceKey{p.Region, specKey{e.ResourceTypeCode, e.Code}, OnDemand}
		unit, ok := s.prices[k]
		if !ok {
			return Rating{}, ErrProductNotFound.With("id", p.ID)
		}
		exact := fromMicros(unit).Mul(p.UsageValue).Mul(size).Mul(decimal.NewFromInt(int64(p.SubscriptionNum))).
			Mul(decimal.NewFromInt(f.num)).DivRound(decimal.NewFromInt(f.den), 20)
		if exact.GreaterThan(maxAmount) {
			return Rating{}, ErrAmountTooLarge
		}
		line := PricedLine{ProductRef: p.ProductRef, ProductID: s.productIDs[k], Mode: OnDemand, Official: truncate(exact, in.Precision)}
		r, err := c.discounted(ctx, in.ProjectID, line, in.Precision)
		if err != nil {
			return Rating{}, err
		}
		out.add(r)
	}
	if out.Amount.GreaterThan(maxAmount) {
		return Rating{}, ErrAmountTooLarge
	}
	return out, nil
}

// periodPrice is the official price of p for its period.
func (s *priceSnapshot) periodPrice(p PeriodProduct, field string) (decimal.Decimal, string, error) {
	var mode PriceMode
	switch p.PeriodType {
	case PeriodMonth:
		if p.PeriodNum < 1 || p.PeriodNum > maxMonths {
			return decimal.Zero, "", errParam(field + ".period_num")
		}
		mode = Monthly
	case PeriodYear:
		if p.PeriodNum < 1 || p.PeriodNum > maxYears {
			return decimal.Zero, "", errParam(field + ".period_num")
		}
		mode = Yearly
	default:
		// Day and hour periods are not sold in this catalogue.
		return decimal.Zero, "", errParam(field + ".period_type")
	}
	if p.SubscriptionNum < 1 || p.SubscriptionNum > maxSubscription {
		return decimal.Zero, "", errParam(field + ".subscription_num")
	}
	e, size, err := s.resolve(p.ProductRef, field)
	if err != nil {
		return decimal.Zero, "", err
	}
	k := priceKey{p.Region, specKey{e.ResourceTypeCode, e.Code}, mode}
	unit, ok := s.prices[k]
	if !ok {
		return decimal.Zero, "", ErrProductNotFound.With("id", p.ID)
	}
	amount := fromMicros(unit).Mul(size).Mul(decimal.NewFromInt(int64(p.PeriodNum))).Mul(decimal.NewFromInt(int64(p.SubscriptionNum)))
	if amount.GreaterThan(maxAmount) {
		return decimal.Zero, "", ErrAmountTooLarge
	}
	return truncate(amount, PrecisionDefault), s.productIDs[k], nil
}

// RateOnPeriod prices yearly/monthly products (ListRateOnPeriodDetail): the
// monthly or yearly price × the size for linear specs × period_num ×
// subscription_num. A year costs less than twelve months. Same callers and
// errors as RateOnDemand; period types other than 2 (month) and 3 (year)
// are CBC.0100 naming period_type. Read-only.
func (c *Catalog) RateOnPeriod(ctx context.Context, actor identity.Actor, in PeriodInquiry) (Rating, error) {
	if len(in.Products) == 0 || len(in.Products) > MaxInquiryProducts {
		return Rating{}, errParam("product_infos")
	}
	seen := make(map[string]bool, len(in.Products))
	for _, p := range in.Products {
		if err := checkRef(p.ProductRef, "product_infos", seen); err != nil {
			return Rating{}, err
		}
		switch p.FeeInstallmentMode {
		case "", "NA", "HALF_PAY", "ZERO_PAY":
		default:
			return Rating{}, errParam("product_infos.fee_installment_mode")
		}
	}
	if err := c.checkProject(ctx, actor, in.ProjectID); err != nil {
		return Rating{}, err
	}
	c.refreshSoon(ctx)
	s := c.prices.Load()
	out := Rating{MeasureID: MeasureYuan, Currency: Currency}
	for _, p := range in.Products {
		official, pid, err := s.periodPrice(p, "product_infos")
		if err != nil {
			return Rating{}, err
		}
		mode := Monthly
		if p.PeriodType == PeriodYear {
			mode = Yearly
		}
		r, err := c.discounted(ctx, in.ProjectID, PricedLine{ProductRef: p.ProductRef, ProductID: pid, Mode: mode, Official: official}, PrecisionDefault)
		if err != nil {
			return Rating{}, err
		}
		out.add(r)
	}
	if out.Amount.GreaterThan(maxAmount) {
		return Rating{}, ErrAmountTooLarge
	}
	return out, nil
}
