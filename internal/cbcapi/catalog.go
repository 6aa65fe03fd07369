package cbcapi

import (
	"net/http"

	"partnercenter/internal/commerce"
)

// The product catalogue (reference/cbc-api.md §7): ListServiceTypes and
// ListResourceTypes, at their current /v2/products paths with paging and at
// their older /v2/bases paths with a code filter and no paging.

type serviceTypeJSON struct {
	Name         string `json:"service_type_name"`
	Code         string `json:"service_type_code"`
	Abbreviation string `json:"abbreviation"`
}

type resourceTypeJSON struct {
	Code            string `json:"resource_type_code"`
	Name            string `json:"resource_type_name"`
	Desc            string `json:"resource_type_desc"`
	ServiceTypeCode string `json:"service_type_code,omitempty"`
}

func serviceTypesJSON(list []commerce.ServiceType) []serviceTypeJSON {
	out := make([]serviceTypeJSON, len(list))
	for i, s := range list {
		out[i] = serviceTypeJSON{Name: s.Name, Code: s.Code, Abbreviation: s.Abbreviation}
	}
	return out
}

// resourceTypesJSON converts list; the old API has no service_type_code.
func resourceTypesJSON(list []commerce.ResourceType, withService bool) []resourceTypeJSON {
	out := make([]resourceTypeJSON, len(list))
	for i, r := range list {
		out[i] = resourceTypeJSON{Code: r.Code, Name: r.Name, Desc: r.Desc}
		if withService {
			out[i].ServiceTypeCode = r.ServiceTypeCode
		}
	}
	return out
}

// listServiceTypes is ListServiceTypes: GET /v2/products/service-types.
func (a *API) listServiceTypes(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := paging(r.URL.Query(), maxCatalogLimit, maxCatalogOffset)
	if err != nil {
		return err
	}
	list, total, err := a.Catalog.ServiceTypes(r.Context(), lang(r), "", limit, offset)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount   int               `json:"total_count"`
		ServiceTypes []serviceTypeJSON `json:"service_types"`
	}{total, serviceTypesJSON(list)})
	return nil
}

// listServiceTypesOld is the older ListServiceTypes:
// GET /v2/bases/service-types?service_type_code=.
func (a *API) listServiceTypesOld(w http.ResponseWriter, r *http.Request) error {
	code := r.URL.Query().Get("service_type_code")
	if len(code) > 64 {
		return errParam("service_type_code")
	}
	list, _, err := a.Catalog.ServiceTypes(r.Context(), lang(r), code, 0, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		ServiceTypes []serviceTypeJSON `json:"service_types"`
	}{serviceTypesJSON(list)})
	return nil
}

// listResourceTypes is ListResourceTypes: GET /v2/products/resource-types.
func (a *API) listResourceTypes(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := paging(r.URL.Query(), maxCatalogLimit, maxCatalogOffset)
	if err != nil {
		return err
	}
	list, total, err := a.Catalog.ResourceTypes(r.Context(), lang(r), "", limit, offset)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount    int                `json:"total_count"`
		ResourceTypes []resourceTypeJSON `json:"resource_types"`
	}{total, resourceTypesJSON(list, true)})
	return nil
}

// listResourceTypesOld is the older ListResourceTypes:
// GET /v2/bases/resource-types?resource_type_code=.
func (a *API) listResourceTypesOld(w http.ResponseWriter, r *http.Request) error {
	code := r.URL.Query().Get("resource_type_code")
	if len(code) > 64 {
		return errParam("resource_type_code")
	}
	list, _, err := a.Catalog.ResourceTypes(r.Context(), lang(r), code, 0, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		ResourceTypes []resourceTypeJSON `json:"resource_types"`
	}{resourceTypesJSON(list, false)})
	return nil
}
