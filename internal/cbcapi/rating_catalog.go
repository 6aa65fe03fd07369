package cbcapi

import (
	"net/http"
)

// The catalogue's resources, usage types, measure units and conversions
// (reference/cbc-api.md §7): ListServiceResources, ListUsageTypes,
// ListMeasureUnits and ListConversions.

// Paging bounds of ListServiceResources and ListUsageTypes.
const maxResourceLimit = 100

// listServiceResources is ListServiceResources:
// GET /v2/products/service-resources?service_type_code (required).
func (a *API) listServiceResources(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	code := q.Get("service_type_code")
	if code == "" || len(code) > 64 {
		return errParam("service_type_code")
	}
	limit, offset, err := paging(q, maxResourceLimit, maxCatalogOffset)
	if err != nil {
		return err
	}
	list, total := a.Catalog.ServiceResources(r.Context(), lang(r), code, limit, offset)
	type basicInfo struct {
		ResourceTypeCode    string `json:"resource_type_code"`
		ProductOwnerService string `json:"product_owner_service"`
		Name                string `json:"name"`
		Description         string `json:"description"`
	}
	type info struct {
		BasicInfo basicInfo `json:"basic_info"`
	}
	infos := make([]info, len(list))
	for i, rt := range list {
		infos[i] = info{basicInfo{rt.Code, rt.ServiceTypeCode, rt.Name, rt.Desc}}
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int    `json:"total_count"`
		Infos      []info `json:"infos"`
	}{total, infos})
	return nil
}

// listUsageTypes is ListUsageTypes:
// GET /v2/products/usage-types?resource_type_code&offset&limit.
func (a *API) listUsageTypes(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	code := q.Get("resource_type_code")
	if len(code) > 64 {
		return errParam("resource_type_code")
	}
	limit, offset, err := paging(q, maxResourceLimit, maxCatalogOffset)
	if err != nil {
		return err
	}
	list, total := a.Catalog.UsageTypes(r.Context(), lang(r), code, limit, offset)
	type usageType struct {
		Code             string `json:"code"`
		Name             string `json:"name"`
		ResourceTypeCode string `json:"resource_type_code"`
		ServiceTypeCode  string `json:"service_type_code"`
		ResourceTypeName string `json:"resource_type_name"`
		ServiceTypeName  string `json:"service_type_name"`
	}
	out := make([]usageType, len(list))
	for i, u := range list {
		out[i] = usageType{u.Code, u.Name, u.ResourceTypeCode, u.ServiceTypeCode, u.ResourceTypeName, u.ServiceTypeName}
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int         `json:"total_count"`
		UsageTypes []usageType `json:"usage_types"`
	}{total, out})
	return nil
}

// listMeasureUnits is ListMeasureUnits: GET /v2/bases/measurements.
func (a *API) listMeasureUnits(w http.ResponseWriter, r *http.Request) error {
	type unit struct {
		MeasureID    int    `json:"measure_id"`
		MeasureName  string `json:"measure_name"`
		Abbreviation string `json:"abbreviation"`
		MeasureType  int    `json:"measure_type"`
	}
	list := a.Catalog.MeasureUnits(r.Context(), lang(r))
	out := make([]unit, len(list))
	for i, u := range list {
		out[i] = unit{u.ID, u.Name, u.Abbreviation, u.Type}
	}
	writeJSON(w, http.StatusOK, struct {
		MeasureUnits []unit `json:"measure_units"`
	}{out})
	return nil
}

// listConversions is ListConversions: GET /v2/bases/conversions?measure_type.
// The parameter may be absent but not empty (reference §1.7).
func (a *API) listConversions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	measureType := 0
	if _, ok := q["measure_type"]; ok {
		var err error
		if measureType, err = intParam(q, "measure_type", -1, 1, 2147483647); err != nil || measureType < 1 {
			return errParam("measure_type")
		}
	}
	type conversion struct {
		MeasureID       int   `json:"measure_id"`
		RefMeasureID    int   `json:"ref_measure_id"`
		ConversionRatio int64 `json:"conversion_ratio"`
		MeasureType     int   `json:"measure_type"`
	}
	list := a.Catalog.Conversions(r.Context(), measureType)
	out := make([]conversion, len(list))
	for i, c := range list {
		out[i] = conversion{c.MeasureID, c.RefMeasureID, c.Ratio, c.MeasureType}
	}
	writeJSON(w, http.StatusOK, struct {
		Conversions []conversion `json:"conversions"`
	}{out})
	return nil
}
