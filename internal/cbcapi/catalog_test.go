package cbcapi_test

import (
	"context"
	"testing"

	"partnercenter/internal/commerce"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/i18n"
)

func TestCatalogAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d, noLimit)
		a := f.mustTenant(t)
		cat, err := commerce.NewCatalog(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		services, nServices, _ := cat.ServiceTypes(context.Background(), i18n.ZH, "", 0, 0)
		resources, nResources, _ := cat.ResourceTypes(context.Background(), i18n.EN, "", 0, 0)
		en := map[string]string{"X-Language": "en_US"}

		tests := []struct {
			name    string
			target  string
			headers map[string]string
			want    check
		}{
			{"ListServiceTypes/OK/DefaultPage", "/v2/products/service-types", nil, check{status: 200, json: map[string]any{
				"total_count":                        nServices,
				"service_types.0.service_type_code":  "hws.service.type.ec2",
				"service_types.0.service_type_name":  "弹性云服务器",
				"service_types.0.abbreviation":       "ECS",
				"service_types.9.service_type_code":  services[9].Code,
				"service_types.10":                   absent,
				"service_types.0.resource_type_code": absent,
			}}},
			{"ListServiceTypes/OK/PageInEnglish", "/v2/products/service-types?limit=2&offset=2", en, check{status: 200, json: map[string]any{
				"total_count":                       nServices,
				"service_types.0.service_type_code": services[2].Code,
				"service_types.0.service_type_name": "Elastic Volume Service",
				"service_types.1.service_type_code": services[3].Code,
				"service_types.2":                   absent,
			}}},
			{"ListServiceTypes/OK/LastPage", "/v2/products/service-types?limit=1000&offset=" + itoa(nServices-1), nil, check{status: 200, json: map[string]any{
				"total_count":                       nServices,
				"service_types.0.service_type_code": services[nServices-1].Code,
				"service_types.1":                   absent,
			}}},
			{"ListServiceTypes/OK/EmptyValuesAreDefaults", "/v2/products/service-types?limit=&offset=", nil, check{status: 200, json: map[string]any{
				"service_types.9": map[string]any{"abbreviation": services[9].Abbreviation, "service_type_code": services[9].Code,
					"service_type_name": services[9].Name},
				"service_types.10": absent,
			}}},
			{"ListServiceTypes/OK/PastTheEnd", "/v2/products/service-types?offset=1000", nil, check{status: 200, json: map[string]any{
				"total_count": nServices, "service_types": []any{},
			}}},
			{"ListServiceTypes/ErrLimitZero", "/v2/products/service-types?limit=0", nil, check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"ListServiceTypes/ErrLimitTooLarge", "/v2/products/service-types?limit=1001", en, check{status: 400, code: "CBC.0100",
				msg: "Invalid parameter: limit"}},
			{"ListServiceTypes/ErrLimitNotANumber", "/v2/products/service-types?limit=ten", nil, check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"ListServiceTypes/ErrOffsetNegative", "/v2/products/service-types?offset=-1", nil, check{status: 400, code: "CBC.0100",
				msg: "参数错误：offset"}},
			{"ListServiceTypes/ErrOffsetTooLarge", "/v2/products/service-types?offset=1000000001", nil, check{status: 400, code: "CBC.0100", msg: "offset"}},

			{"ListServiceTypesOld/OK/ByCode", "/v2/bases/service-types?service_type_code=hws.service.type.obs", en, check{status: 200, json: map[string]any{
				"service_types.0.service_type_code": "hws.service.type.obs",
				"service_types.0.service_type_name": "Object Storage Service",
				"service_types.0.abbreviation":      "OBS",
				"service_types.1":                   absent,
				"total_count":                       absent,
			}}},
			{"ListServiceTypesOld/OK/All", "/v2/bases/service-types", nil, check{status: 200, json: map[string]any{
				"service_types." + itoa(nServices-1) + ".service_type_code": services[nServices-1].Code,
				"service_types." + itoa(nServices):                          absent,
			}}},
			{"ListServiceTypesOld/OK/UnknownCode", "/v2/bases/service-types?service_type_code=hws.service.type.nope", nil, check{status: 200,
				json: map[string]any{"service_types": []any{}}}},

			{"ListResourceTypes/OK/DefaultPage", "/v2/products/resource-types", nil, check{status: 200, json: map[string]any{
				"total_count":                         nResources,
				"resource_types.0.resource_type_code": "hws.resource.type.vm",
				"resource_types.0.resource_type_name": "云主机",
				"resource_types.0.service_type_code":  "hws.service.type.ec2",
				"resource_types.9.resource_type_code": resources[9].Code,
				"resource_types.10":                   absent,
			}}},
			{"ListResourceTypes/OK/PageInEnglish", "/v2/products/resource-types?limit=3&offset=2", en, check{status: 200, json: map[string]any{
				"total_count":                         nResources,
				"resource_types.0.resource_type_code": resources[2].Code,
				"resource_types.0.resource_type_name": resources[2].Name,
				"resource_types.0.resource_type_desc": resources[2].Desc,
				"resource_types.0.service_type_code":  resources[2].ServiceTypeCode,
				"resource_types.3":                    absent,
			}}},
			{"ListResourceTypes/ErrLimit", "/v2/products/resource-types?limit=-5", nil, check{status: 400, code: "CBC.0100", msg: "limit"}},

			{"ListResourceTypesOld/OK/ByCode", "/v2/bases/resource-types?resource_type_code=hws.resource.type.volume", en, check{status: 200, json: map[string]any{
				"resource_types.0.resource_type_code": "hws.resource.type.volume",
				"resource_types.0.resource_type_name": "Elastic volume",
				"resource_types.0.service_type_code":  absent,
				"resource_types.1":                    absent,
				"total_count":                         absent,
			}}},
			{"ListResourceTypesOld/OK/All", "/v2/bases/resource-types", nil, check{status: 200, json: map[string]any{
				"resource_types." + itoa(nResources-1) + ".resource_type_code": resources[nResources-1].Code,
				"resource_types." + itoa(nResources):                           absent,
			}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				w := f.do(t, request{target: tt.target, headers: tt.headers, signer: &a.key, domainID: a.partner.DomainID})
				assertResponse(t, w, tt.want)
			})
		}
	})
}
