package commerce

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/platform/i18n"
)

// Billing says how a resource spec is priced.
type Billing string

const (
	// BillUnit prices one instance (a server, an IP) per hour, month or year.
	BillUnit Billing = "unit"
	// BillLinear prices per size unit (per GB of disk, per Mbit/s of
	// bandwidth): resource_size and size_measure_id are required.
	BillLinear Billing = "linear"
	// BillUsage prices per unit of usage only (traffic per GB); on demand only.
	BillUsage Billing = "usage"
)

// Valid reports whether b is a known billing.
func (b Billing) Valid() bool { return b == BillUnit || b == BillLinear || b == BillUsage }

// PriceMode is which list price of a spec: on demand (per usage measure
// unit, e.g. per hour), per month or per year.
type PriceMode string

const (
	OnDemand PriceMode = "on_demand"
	Monthly  PriceMode = "month"
	Yearly   PriceMode = "year"
)

var priceModes = []PriceMode{OnDemand, Monthly, Yearly}

// Valid reports whether m is a known mode.
func (m PriceMode) Valid() bool { return m == OnDemand || m == Monthly || m == Yearly }

// Measure ids of the units the price table uses (Huawei's ids: 1 yuan,
// 4 hour, 10 GB of traffic, 15 Mbit/s, 17 GB of capacity).
const (
	MeasureYuan       = 1
	MeasureHour       = 4
	MeasureTrafficGB  = 10
	MeasureMbps       = 15
	MeasureCapacityGB = 17
)

// Currency of every price.
const Currency = "CNY"

// Region is a cloud region (云服务区), named in one language.
type Region struct {
	Code string
	Name string
}

// MeasureUnit is a unit of measure (度量单位), named in one language.
type MeasureUnit struct {
	ID           int
	Name         string
	Abbreviation string
	// Type is the measure type: 1 currency, 2 duration, 3 traffic, 7
	// capacity, 12 count, 16 bandwidth.
	Type int
}

// Conversion says one MeasureID is Ratio RefMeasureID (1 hour = 60 minutes).
type Conversion struct {
	MeasureID    int   `json:"measure_id"`
	RefMeasureID int   `json:"ref_measure_id"`
	Ratio        int64 `json:"ratio"`
	MeasureType  int   `json:"type"`
}

// UsageType is a usage factor (计费因子) of a resource type, e.g. Duration.
type UsageType struct {
	Code             string
	Name             string
	ResourceTypeCode string
	ResourceTypeName string
	ServiceTypeCode  string
	ServiceTypeName  string
}

// Spec is a resource spec (资源规格) with its pricing rules, named in one
// language.
type Spec struct {
	ServiceTypeCode  string
	ResourceTypeCode string
	Code             string
	Name             string
	Billing          Billing
	// SizeMeasureID is the unit of a linear spec's size (17 GB, 15 Mbit/s);
	// 0 for others.
	SizeMeasureID int
	// UsageFactor and UsageMeasureID are what the on-demand price is per:
	// Duration per hour (4), upflow per GB (10).
	UsageFactor    string
	UsageMeasureID int
}

// SpecPrices is a spec with its list prices in one region; a nil price is
// not sold that way (traffic has no monthly price).
type SpecPrices struct {
	Spec
	Region   string
	OnDemand *decimal.Decimal
	Monthly  *decimal.Decimal
	Yearly   *decimal.Decimal
}

// Price returns the spec's price in mode, if it has one.
func (p SpecPrices) Price(m PriceMode) (decimal.Decimal, bool) {
	var d *decimal.Decimal
	switch m {
	case OnDemand:
		d = p.OnDemand
	case Monthly:
		d = p.Monthly
	case Yearly:
		d = p.Yearly
	}
	if d == nil {
		return decimal.Zero, false
	}
	return *d, true
}

type specKey struct{ resourceType, code string }

type priceKey struct {
	region string
	spec   specKey
	mode   PriceMode
}

// specEntry is a spec in both languages.
type specEntry struct {
	Spec
	nameZH, nameEN string
	sort           int
}

// priceSnapshot is the priced catalogue, read without touching the database.
type priceSnapshot struct {
	version     int64
	loadedAt    time.Time
	regions     map[i18n.Lang][]Region
	regionSet   map[string]bool
	units       map[i18n.Lang][]MeasureUnit
	unitType    map[int]int
	conversions []Conversion
	factors     map[[2]int]ratio
	usageTypes  []usageEntry
	usageSet    map[specKey]bool // (resource type, usage factor code)
	specs       []*specEntry     // display order
	specByKey   map[specKey]*specEntry
	prices      map[priceKey]int64
	productIDs  map[priceKey]string
}

type usageEntry struct {
	code, resourceType string
	nameZH, nameEN     string
}

// productID is the stable id of one priced product (a spec in a region,
// sold one way), echoed as product_id by price inquiries.
func productID(k priceKey) string {
	h := sha256.Sum256([]byte(k.region + "|" + k.spec.resourceType + "|" + k.spec.code + "|" + string(k.mode)))
	return "OFFI" + hex.EncodeToString(h[:14])
}

// loadPrices reads the priced catalogue.
func (c *Catalog) loadPrices(ctx context.Context) (*priceSnapshot, error) {
	q := c.db.SQL
	s := &priceSnapshot{regions: map[i18n.Lang][]Region{}, regionSet: map[string]bool{}, units: map[i18n.Lang][]MeasureUnit{},
		unitType: map[int]int{}, usageSet: map[specKey]bool{}, specByKey: map[specKey]*specEntry{},
		prices: map[priceKey]int64{}, productIDs: map[priceKey]string{}, loadedAt: time.Now()}
	if err := q.QueryRowContext(ctx, "SELECT version FROM price_versions WHERE id = 1").Scan(&s.version); err != nil {
		return nil, fmt.Errorf("load price version: %w", err)
	}
	rows, err := q.QueryContext(ctx, "SELECT code, name_zh, name_en FROM regions ORDER BY sort, code")
	if err != nil {
		return nil, fmt.Errorf("load regions: %w", err)
	}
	for rows.Next() {
		var code, zh, en string
		if err := rows.Scan(&code, &zh, &en); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load regions: %w", err)
		}
		s.regions[i18n.ZH] = append(s.regions[i18n.ZH], Region{code, zh})
		s.regions[i18n.EN] = append(s.regions[i18n.EN], Region{code, en})
		s.regionSet[code] = true
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, "SELECT id, name_zh, name_en, abbreviation, measure_type FROM measure_units ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("load measure units: %w", err)
	}
	for rows.Next() {
		var u MeasureUnit
		var zh, en string
		if err := rows.Scan(&u.ID, &zh, &en, &u.Abbreviation, &u.Type); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load measure units: %w", err)
		}
		u.Name = zh
		s.units[i18n.ZH] = append(s.units[i18n.ZH], u)
		u.Name = en
		s.units[i18n.EN] = append(s.units[i18n.EN], u)
		s.unitType[u.ID] = u.Type
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, "SELECT measure_id, ref_measure_id, ratio, measure_type FROM measure_conversions ORDER BY measure_type, measure_id, ref_measure_id")
	if err != nil {
		return nil, fmt.Errorf("load conversions: %w", err)
	}
	for rows.Next() {
		var cv Conversion
		if err := rows.Scan(&cv.MeasureID, &cv.RefMeasureID, &cv.Ratio, &cv.MeasureType); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load conversions: %w", err)
		}
		s.conversions = append(s.conversions, cv)
	}
	rows.Close()
	s.factors = conversionFactors(s.conversions)
	rows, err = q.QueryContext(ctx, "SELECT code, resource_type_code, name_zh, name_en FROM usage_types ORDER BY sort, resource_type_code, code")
	if err != nil {
		return nil, fmt.Errorf("load usage types: %w", err)
	}
	for rows.Next() {
		var u usageEntry
		if err := rows.Scan(&u.code, &u.resourceType, &u.nameZH, &u.nameEN); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load usage types: %w", err)
		}
		s.usageTypes = append(s.usageTypes, u)
		s.usageSet[specKey{u.resourceType, u.code}] = true
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT s.resource_type_code, r.service_type_code, s.code, s.name_zh, s.name_en, s.billing,
			s.size_measure_id, s.usage_factor, s.usage_measure_id, s.sort
		FROM resource_specs s JOIN resource_types r ON r.code = s.resource_type_code
		JOIN service_types t ON t.code = r.service_type_code
		ORDER BY t.sort, r.sort, s.sort, s.code`)
	if err != nil {
		return nil, fmt.Errorf("load specs: %w", err)
	}
	for rows.Next() {
		e := &specEntry{}
		var billing string
		if err := rows.Scan(&e.ResourceTypeCode, &e.ServiceTypeCode, &e.Code, &e.nameZH, &e.nameEN, &billing,
			&e.SizeMeasureID, &e.UsageFactor, &e.UsageMeasureID, &e.sort); err != nil {
			rows.Close()
			return nil, fmt.Errorf("load specs: %w", err)
		}
		e.Billing = Billing(billing)
		s.specs = append(s.specs, e)
		s.specByKey[specKey{e.ResourceTypeCode, e.Code}] = e
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, "SELECT region_code, resource_type_code, spec_code, mode, price_micros FROM spec_prices")
	if err != nil {
		return nil, fmt.Errorf("load prices: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k priceKey
		var mode string
		var m int64
		if err := rows.Scan(&k.region, &k.spec.resourceType, &k.spec.code, &mode, &m); err != nil {
			return nil, fmt.Errorf("load prices: %w", err)
		}
		k.mode = PriceMode(mode)
		s.prices[k] = m
		s.productIDs[k] = productID(k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load prices: %w", err)
	}
	return s, nil
}

func (s *priceSnapshot) spec(e *specEntry, lang i18n.Lang) Spec {
	sp := e.Spec
	sp.Name = e.nameZH
	if lang == i18n.EN {
		sp.Name = e.nameEN
	}
	return sp
}

func (s *priceSnapshot) withPrices(sp Spec, region string) SpecPrices {
	out := SpecPrices{Spec: sp, Region: region}
	for _, m := range priceModes {
		v, ok := s.prices[priceKey{region, specKey{sp.ResourceTypeCode, sp.Code}, m}]
		if !ok {
			continue
		}
		d := fromMicros(v)
		switch m {
		case OnDemand:
			out.OnDemand = &d
		case Monthly:
			out.Monthly = &d
		case Yearly:
			out.Yearly = &d
		}
	}
	return out
}

// Regions lists the regions in display order, named in lang. Anyone may
// call it.
func (c *Catalog) Regions(ctx context.Context, lang i18n.Lang) []Region {
	c.refreshSoon(ctx)
	out := c.prices.Load().regions[supported(lang)]
	return append([]Region(nil), out...)
}

// MeasureUnits lists every measure unit, named in lang. Anyone may call it.
func (c *Catalog) MeasureUnits(ctx context.Context, lang i18n.Lang) []MeasureUnit {
	c.refreshSoon(ctx)
	return append([]MeasureUnit(nil), c.prices.Load().units[supported(lang)]...)
}

// Conversions lists the conversions between measure units, only those of
// measureType when it is > 0. Anyone may call it.
func (c *Catalog) Conversions(ctx context.Context, measureType int) []Conversion {
	c.refreshSoon(ctx)
	out := []Conversion{}
	for _, cv := range c.prices.Load().conversions {
		if measureType <= 0 || cv.MeasureType == measureType {
			out = append(out, cv)
		}
	}
	return out
}

// UsageTypes lists usage factors, of one resource type when resourceType is
// not empty, with the number matching; limit <= 0 returns every match from
// offset. Anyone may call it.
func (c *Catalog) UsageTypes(ctx context.Context, lang i18n.Lang, resourceType string, limit, offset int) ([]UsageType, int) {
	c.refreshSoon(ctx)
	lang = supported(lang)
	snap := c.snapshot()
	rtNames := map[string]ResourceType{}
	for _, r := range snap.resources[lang] {
		rtNames[r.Code] = r
	}
	stNames := map[string]string{}
	for _, st := range snap.services[lang] {
		stNames[st.Code] = st.Name
	}
	var all []UsageType
	for _, u := range c.prices.Load().usageTypes {
		if resourceType != "" && u.resourceType != resourceType {
			continue
		}
		rt := rtNames[u.resourceType]
		name := u.nameZH
		if lang == i18n.EN {
			name = u.nameEN
		}
		all = append(all, UsageType{Code: u.code, Name: name, ResourceTypeCode: u.resourceType, ResourceTypeName: rt.Name,
			ServiceTypeCode: rt.ServiceTypeCode, ServiceTypeName: stNames[rt.ServiceTypeCode]})
	}
	return page(all, nil, limit, offset)
}

// ServiceResources lists the resource types of one service type (the
// open API's ListServiceResources), with the number matching.
func (c *Catalog) ServiceResources(ctx context.Context, lang i18n.Lang, serviceType string, limit, offset int) ([]ResourceType, int) {
	items := c.snapshot().resources[supported(lang)]
	list, total := page(items, func(r ResourceType) bool { return r.ServiceTypeCode == serviceType }, limit, offset)
	return list, total
}

// SpecFilter selects specs for the operator console.
type SpecFilter struct {
	Region       string // required: whose prices to show; the first region when empty
	ServiceType  string
	ResourceType string
	Query        string // part of the code or either name, any case
	Limit        int
	Offset       int
}

// Specs lists specs in display order with their prices in f.Region, and the
// number matching. Anyone may call it: list prices are public.
func (c *Catalog) Specs(ctx context.Context, lang i18n.Lang, f SpecFilter) ([]SpecPrices, int) {
	c.refreshSoon(ctx)
	s := c.prices.Load()
	if f.Region == "" && len(s.regions[i18n.ZH]) > 0 {
		f.Region = s.regions[i18n.ZH][0].Code
	}
	q := strings.ToLower(strings.TrimSpace(f.Query))
	keep := func(e *specEntry) bool {
		return (f.ServiceType == "" || e.ServiceTypeCode == f.ServiceType) &&
			(f.ResourceType == "" || e.ResourceTypeCode == f.ResourceType) &&
			(q == "" || strings.Contains(strings.ToLower(e.Code), q) || strings.Contains(strings.ToLower(e.nameZH), q) ||
				strings.Contains(strings.ToLower(e.nameEN), q))
	}
	entries, total := page(s.specs, keep, f.Limit, f.Offset)
	out := make([]SpecPrices, len(entries))
	for i, e := range entries {
		out[i] = s.withPrices(s.spec(e, supported(lang)), f.Region)
	}
	return out, total
}

// SpecPrice returns one spec with its prices in region. Returns
// ErrProductNotFound for an unknown spec or region.
func (c *Catalog) SpecPrice(ctx context.Context, lang i18n.Lang, region, resourceType, code string) (SpecPrices, error) {
	s := c.prices.Load()
	e, ok := s.specByKey[specKey{resourceType, code}]
	if !ok || !s.regionSet[region] {
		return SpecPrices{}, ErrProductNotFound
	}
	return s.withPrices(s.spec(e, supported(lang)), region), nil
}

// PriceVersion is the version of the price table the snapshot holds.
func (c *Catalog) PriceVersion() int64 { return c.prices.Load().version }
