package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/platform/apperr"
)

// The operator console's priced catalogue (目录与价格): specs with their
// list prices per region, the reference data (regions, measure units,
// conversions, usage types), editing one price and adding a spec. Edits
// reload this node's snapshot at once; other nodes see them within
// commerce.RefreshInterval.

const opsPricePageSize = 50

// opsPriceCell is one price of a row: its mode, the price ("" when not sold
// that way) and whether it may be set.
type opsPriceCell struct {
	Mode     string
	Price    string
	Settable bool
}

type opsPriceRow struct {
	commerce.SpecPrices
	// SizeUnit names a linear spec's size unit (GB, Mbps).
	SizeUnit string
	Cells    []opsPriceCell
}

func opsPriceRows(list []commerce.SpecPrices, units []commerce.MeasureUnit) []opsPriceRow {
	names := map[int]string{}
	for _, u := range units {
		names[u.ID] = u.Name
	}
	out := make([]opsPriceRow, len(list))
	for i, sp := range list {
		out[i].SpecPrices = sp
		out[i].SizeUnit = names[sp.SizeMeasureID]
		for _, m := range []commerce.PriceMode{commerce.OnDemand, commerce.Monthly, commerce.Yearly} {
			c := opsPriceCell{Mode: string(m), Settable: sp.Billing != commerce.BillUsage || m == commerce.OnDemand}
			if p, ok := sp.Price(m); ok {
				c.Price = priceText(p)
			}
			out[i].Cells = append(out[i].Cells, c)
		}
	}
	return out
}

// priceText shows a price with at least two decimals and no trailing
// zeros beyond them: 32.20, 0.000625.
func priceText(p decimal.Decimal) string {
	s := p.String()
	if dot := strings.IndexByte(s, '.'); dot < 0 || len(s)-dot-1 < 2 {
		return p.StringFixed(2)
	}
	return s
}

type opsPriceListData struct {
	Rows          []opsPriceRow
	Total         int
	Regions       []commerce.Region
	ResourceTypes []commerce.ResourceType
	Region        string
	ResourceType  string
	Query         string
	Page          pager
}

// opsPriceList lists specs and their prices in one region, filtered by
// resource type and a text.
func (s *Server) opsPriceList(w http.ResponseWriter, r *http.Request) {
	ctx, lang, q := r.Context(), langOf(r), r.URL.Query()
	offset, _ := strconv.Atoi(q.Get("offset"))
	data := opsPriceListData{Regions: s.Catalog.Regions(ctx, lang), Region: q.Get("region"),
		ResourceType: q.Get("resource_type"), Query: q.Get("q")}
	if data.Region == "" && len(data.Regions) > 0 {
		data.Region = data.Regions[0].Code
	}
	data.ResourceTypes, _, _ = s.Catalog.ResourceTypes(ctx, lang, "", 0, 0)
	specs, total := s.Catalog.Specs(ctx, lang, commerce.SpecFilter{Region: data.Region, ResourceType: data.ResourceType,
		Query: data.Query, Limit: opsPricePageSize, Offset: max(offset, 0)})
	data.Rows, data.Total = opsPriceRows(specs, s.Catalog.MeasureUnits(ctx, lang)), total
	data.Page = newPager(r, data.Total, opsPricePageSize)
	v := view{Title: "rating.catalog.title", Data: data}
	switch {
	case q.Get("saved") == "1":
		v.Notice = view{Lang: lang}.T("rating.price.saved")
	case q.Get("added") == "1":
		v.Notice = view{Lang: lang}.T("rating.spec.added")
	}
	s.render(w, r, http.StatusOK, "ops_catalog", v)
}

type opsPriceReferenceData struct {
	Regions     []commerce.Region
	Units       []commerce.MeasureUnit
	Conversions []commerce.Conversion
	UsageTypes  []commerce.UsageType
}

// opsPriceReference shows the regions, measure units, conversions and
// usage types.
func (s *Server) opsPriceReference(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	usage, _ := s.Catalog.UsageTypes(ctx, lang, "", 0, 0)
	data := opsPriceReferenceData{Regions: s.Catalog.Regions(ctx, lang), Units: s.Catalog.MeasureUnits(ctx, lang),
		Conversions: s.Catalog.Conversions(ctx, 0), UsageTypes: usage}
	s.render(w, r, http.StatusOK, "ops_catalog_regions", view{Title: "rating.reference.title", Data: data})
}

type opsPriceEditData struct {
	Spec  commerce.SpecPrices
	Mode  string
	Price string
	Back  string
}

// opsPriceBack is the list the edit form returns to.
func opsPriceBack(region, resourceType string) string {
	return "/ops/catalog?" + url.Values{"region": {region}, "resource_type": {resourceType}}.Encode()
}

// opsPriceEdit is the form that changes one price of a spec in a region.
func (s *Server) opsPriceEdit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	sp, err := s.Catalog.SpecPrice(r.Context(), langOf(r), q.Get("region"), q.Get("resource_type"), q.Get("spec"))
	if err != nil {
		s.renderError(w, r, "error", view{}, err)
		return
	}
	mode := commerce.PriceMode(q.Get("mode"))
	if !mode.Valid() {
		mode = commerce.OnDemand
	}
	data := opsPriceEditData{Spec: sp, Mode: string(mode), Back: opsPriceBack(sp.Region, sp.ResourceTypeCode)}
	if p, ok := sp.Price(mode); ok {
		data.Price = p.String()
	}
	s.render(w, r, http.StatusOK, "ops_catalog_price", view{Title: "rating.price.edit", Data: data})
}

// opsPriceSave sets the price and returns to the list.
func (s *Server) opsPriceSave(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	region, rt, spec, mode := r.PostFormValue("region"), r.PostFormValue("resource_type"), r.PostFormValue("spec"), r.PostFormValue("mode")
	raw := r.PostFormValue("price")
	price, perr := decimal.NewFromString(raw)
	var err error
	if perr != nil {
		err = commerce.ErrPriceValue.WithField("price", "err.rating_price_value")
	} else {
		err = s.Catalog.SetPrice(ctx, mustActor(r), region, rt, spec, commerce.PriceMode(mode), price)
	}
	if err != nil {
		sp, lerr := s.Catalog.SpecPrice(ctx, lang, region, rt, spec)
		if lerr != nil {
			s.renderError(w, r, "error", view{}, err)
			return
		}
		data := opsPriceEditData{Spec: sp, Mode: mode, Price: raw, Back: opsPriceBack(region, rt)}
		s.renderError(w, r, "ops_catalog_price", view{Title: "rating.price.edit", Data: data}, err)
		return
	}
	http.Redirect(w, r, opsPriceBack(region, rt)+"&saved=1", http.StatusSeeOther)
}

type opsSpecForm struct {
	ResourceType, Code, NameZH, NameEN, Billing string
	SizeMeasureID, UsageFactor, UsageMeasureID  string
	OnDemand, Monthly, Yearly                   string
}

type opsSpecNewData struct {
	Form          opsSpecForm
	ResourceTypes []commerce.ResourceType
	Units         []commerce.MeasureUnit
	UsageTypes    []commerce.UsageType
	Billings      []commerce.Billing
}

func (s *Server) renderSpecForm(w http.ResponseWriter, r *http.Request, form opsSpecForm, err error) {
	ctx, lang := r.Context(), langOf(r)
	data := opsSpecNewData{Form: form, Units: s.Catalog.MeasureUnits(ctx, lang),
		Billings: []commerce.Billing{commerce.BillUnit, commerce.BillLinear, commerce.BillUsage}}
	data.ResourceTypes, _, _ = s.Catalog.ResourceTypes(ctx, lang, "", 0, 0)
	data.UsageTypes, _ = s.Catalog.UsageTypes(ctx, lang, "", 0, 0)
	v := view{Title: "rating.spec.new", Data: data}
	if err != nil {
		s.renderError(w, r, "ops_catalog_spec_new", v, opsSpecFormError(err))
		return
	}
	s.render(w, r, http.StatusOK, "ops_catalog_spec_new", v)
}

// opsSpecFormError marks the field a CBC.0100 names.
func opsSpecFormError(err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Key != "err.invalid_param_named" {
		return err
	}
	field, _ := e.Args["field"].(string)
	return e.WithField(field, "err.invalid_param_named")
}

// opsSpecNew is the form that adds a spec.
func (s *Server) opsSpecNew(w http.ResponseWriter, r *http.Request) {
	s.renderSpecForm(w, r, opsSpecForm{ResourceType: r.URL.Query().Get("resource_type"), Billing: string(commerce.BillUnit),
		UsageFactor: "Duration", UsageMeasureID: strconv.Itoa(commerce.MeasureHour)}, nil)
}

// optPrice reads an optional price field; "" is nil.
func optPrice(raw, field string) (*decimal.Decimal, error) {
	if raw == "" {
		return nil, nil
	}
	d, err := decimal.NewFromString(raw)
	if err != nil {
		return nil, commerce.ErrPriceValue.WithField(field, "err.rating_price_value")
	}
	return &d, nil
}

// opsSpecCreate adds the spec with the same prices in every region.
func (s *Server) opsSpecCreate(w http.ResponseWriter, r *http.Request) {
	f := opsSpecForm{ResourceType: r.PostFormValue("resource_type"), Code: r.PostFormValue("code"), NameZH: r.PostFormValue("name_zh"),
		NameEN: r.PostFormValue("name_en"), Billing: r.PostFormValue("billing"), SizeMeasureID: r.PostFormValue("size_measure_id"),
		UsageFactor: r.PostFormValue("usage_factor"), UsageMeasureID: r.PostFormValue("usage_measure_id"),
		OnDemand: r.PostFormValue("on_demand"), Monthly: r.PostFormValue("month"), Yearly: r.PostFormValue("year")}
	in := commerce.NewSpec{ResourceType: f.ResourceType, Code: f.Code, NameZH: f.NameZH, NameEN: f.NameEN,
		Billing: commerce.Billing(f.Billing), UsageFactor: f.UsageFactor}
	in.SizeMeasureID, _ = strconv.Atoi(f.SizeMeasureID)
	in.UsageMeasureID, _ = strconv.Atoi(f.UsageMeasureID)
	var err error
	if in.OnDemand, err = optPrice(f.OnDemand, "on_demand"); err == nil {
		if in.Monthly, err = optPrice(f.Monthly, "month"); err == nil {
			in.Yearly, err = optPrice(f.Yearly, "year")
		}
	}
	if err == nil {
		err = s.Catalog.AddSpec(r.Context(), mustActor(r), in)
	}
	if err != nil {
		s.renderSpecForm(w, r, f, err)
		return
	}
	http.Redirect(w, r, "/ops/catalog?"+url.Values{"resource_type": {f.ResourceType}, "q": {f.Code}, "added": {"1"}}.Encode(), http.StatusSeeOther)
}
