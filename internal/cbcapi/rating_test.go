package cbcapi_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"testing"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/commerce"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/httpx"
)

// mustRatingAPI is the fixture with a catalogue that knows whose customers
// are whose.
func mustRatingAPI(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	f := mustFixture(t, d, noLimit)
	cat, err := commerce.NewCatalog(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	cat.SetProjectOwners(f.customers, f.ident)
	api := cbcapi.New(cbcapi.Deps{Identity: f.ident, Catalog: cat, Customers: f.customers, Clock: f.clock,
		Log: slog.New(slog.DiscardHandler)}, noLimit)
	f.handler = httpx.WithRequestID(api.Mount(http.NewServeMux()))
	return f
}

func demandBody(project, extra string) string {
	return fmt.Sprintf(`{"project_id":%q%s,"product_infos":[{"id":"1","cloud_service_type":"hws.service.type.ec2",
		"resource_type":"hws.resource.type.vm","resource_spec":"s2.small.1.linux","region":"cn-north-1",
		"usage_factor":"Duration","usage_value":1,"usage_measure_id":4,"subscription_num":1}]}`, project, extra)
}

func TestRatingAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f := mustRatingAPI(t, d)
		sp := f.mustTenant(t)
		sp2 := f.mustTenant(t)
		dist := f.mustTenantOf(t, identity.Distributor, "")
		reseller := f.mustTenantOf(t, identity.CloudReseller, dist.partner.ID)
		mine := f.mustCustomer(t, sp, "rating-mine", true)
		theirs := f.mustCustomer(t, sp2, "rating-theirs", false)
		resCust := f.mustCustomer(t, reseller, "rating-res", false)
		_, plain := f.mustPlainMember(t, sp, "plain")
		const onDemand = "/v2/bills/ratings/on-demand-resources"
		const subscribe = "/v2/bills/ratings/period-resources/subscribe-rate"
		const renew = "/v2/bills/ratings/period-resources/renew-rate"
		period := func(project, spec string, periodType, n int) string {
			return fmt.Sprintf(`{"project_id":%q,"product_infos":[{"id":"p1","cloud_service_type":"hws.service.type.ec2",
				"resource_type":"hws.resource.type.vm","resource_spec":%q,"region":"cn-north-1","period_type":%d,"period_num":%d,
				"subscription_num":1},{"id":"p2","cloud_service_type":"hws.service.type.ebs","resource_type":"hws.resource.type.volume",
				"resource_spec":"SSD","region":"cn-north-1","resource_size":40,"size_measure_id":17,"period_type":%d,"period_num":%d,
				"subscription_num":2}]}`, project, spec, periodType, n, periodType, n)
		}
		f.run(t, &sp.key, []apiScenario{
			{name: "OnDemand/OK/OwnDomain", target: onDemand, body: demandBody(sp.partner.DomainID, ""), want: check{status: 200, json: map[string]any{
				"amount": 0.22, "official_website_amount": 0.22, "discount_amount": 0, "measure_id": 1, "currency": "CNY",
				"product_rating_results.0.id": "1", "product_rating_results.0.amount": 0.22, "product_rating_results.1": absent}}},
			{name: "OnDemand/OK/OwnCustomer", target: onDemand, body: demandBody(mine.ID, ""), want: check{status: 200, json: map[string]any{"amount": 0.22}}},
			{name: "OnDemand/OK/DistributorResellersCustomer", target: onDemand, body: demandBody(resCust.ID, ""), as: &dist.key,
				want: check{status: 200, json: map[string]any{"amount": 0.22}}},
			{name: "OnDemand/OK/HighPrecision", target: onDemand, body: `{"project_id":"` + sp.partner.DomainID + `","inquiry_precision":1,
				"product_infos":[{"id":"m","cloud_service_type":"hws.service.type.ec2","resource_type":"hws.resource.type.vm",
				"resource_spec":"s2.small.1.linux","region":"cn-north-1","usage_factor":"Duration","usage_value":"1","usage_measure_id":5,
				"subscription_num":1}]}`, want: check{status: 200, json: map[string]any{"amount": 0.0036666666}}},
			{name: "OnDemand/ErrCrossTenantCustomer", target: onDemand, body: demandBody(theirs.ID, ""),
				want: check{status: 400, code: "CBC.99006073"}},
			{name: "OnDemand/ErrResellersCustomerForSolutionProvider", target: onDemand, body: demandBody(resCust.ID, ""),
				want: check{status: 400, code: "CBC.99006073"}},
			{name: "OnDemand/ErrUnknownSpec", target: onDemand, body: `{"project_id":"` + sp.partner.DomainID + `","product_infos":[{"id":"1",
				"cloud_service_type":"hws.service.type.ec2","resource_type":"hws.resource.type.vm","resource_spec":"nope.linux",
				"region":"cn-north-1","usage_factor":"Duration","usage_value":1,"usage_measure_id":4,"subscription_num":1}]}`,
				want: check{status: 400, code: "CBC.99006006"}},
			{name: "OnDemand/ErrDuplicateID", target: onDemand, body: `{"project_id":"` + sp.partner.DomainID + `","product_infos":[
				{"id":"1","cloud_service_type":"hws.service.type.ec2","resource_type":"hws.resource.type.vm","resource_spec":"s2.small.1.linux",
				"region":"cn-north-1","usage_factor":"Duration","usage_value":1,"usage_measure_id":4,"subscription_num":1},
				{"id":"1","cloud_service_type":"hws.service.type.ec2","resource_type":"hws.resource.type.vm","resource_spec":"s2.small.1.linux",
				"region":"cn-north-1","usage_factor":"Duration","usage_value":1,"usage_measure_id":4,"subscription_num":1}]}`,
				want: check{status: 400, code: "CBC.30050012"}},
			{name: "OnDemand/ErrMissingUsageValue", target: onDemand, lang: "en_US", body: `{"project_id":"x","product_infos":[{"id":"1",
				"cloud_service_type":"a","resource_type":"b","resource_spec":"c","region":"d","usage_factor":"Duration","usage_measure_id":4,
				"subscription_num":1}]}`, want: check{status: 400, code: "CBC.0100", msg: "product_infos.usage_value"}},
			{name: "OnDemand/ErrMissingProject", target: onDemand, body: `{"product_infos":[]}`, want: check{status: 400, code: "CBC.0100", msg: "project_id"}},
			{name: "OnDemand/ErrPrecision", target: onDemand, body: demandBody(sp.partner.DomainID, `,"inquiry_precision":3`),
				want: check{status: 400, code: "CBC.0100", msg: "inquiry_precision"}},
			{name: "OnDemand/ErrNoPermission", target: onDemand, body: demandBody(sp.partner.DomainID, ""), as: &plain,
				want: check{status: 403, code: "CBC.0151"}},

			{name: "Period/OK/Month", target: subscribe, body: period(mine.ID, "s2.small.1.win", 2, 1), want: check{status: 200, json: map[string]any{
				"official_website_rating_result.official_website_amount":                          137.2, // 57.20 + 40 × 1.00 × 2
				"official_website_rating_result.measure_id":                                       1,
				"official_website_rating_result.product_rating_results.0.id":                      "p1",
				"official_website_rating_result.product_rating_results.0.official_website_amount": 57.2,
				"official_website_rating_result.product_rating_results.1.official_website_amount": 80,
				"optional_discount_rating_results":                                                []any{},
				"currency":                                                                        "CNY"}}},
			{name: "Period/OK/Year", target: subscribe, body: period(mine.ID, "s2.small.1.win", 3, 1), want: check{status: 200, json: map[string]any{
				"official_website_rating_result.official_website_amount": 1372}}},
			{name: "Period/ErrCrossTenant", target: subscribe, body: period(theirs.ID, "s2.small.1.win", 2, 1),
				want: check{status: 400, code: "CBC.99006073"}},
			{name: "Period/ErrHourPeriod", target: subscribe, body: period(mine.ID, "s2.small.1.win", 4, 1),
				want: check{status: 400, code: "CBC.0100", msg: "period_type"}},
			{name: "Period/ErrUnknownSpec", target: subscribe, body: period(mine.ID, "zz.linux", 2, 1),
				want: check{status: 400, code: "CBC.99006006"}},

			{name: "Renew/OK/UnknownResourcesFail", target: renew, body: `{"resource_ids":["r1","r2"],"period_type":2,"period_num":1}`,
				want: check{status: 200, json: map[string]any{"renew_inquiry_results": []any{}, "fail_resource_infos.0.resource_id": "r1",
					"fail_resource_infos.0.error_code": "CBC.99006006", "fail_resource_infos.1.resource_id": "r2",
					"official_website_rating_result.official_website_amount": "0"}}},
			{name: "Renew/ErrDuplicate", target: renew, body: `{"resource_ids":["r1","r1"],"period_type":2,"period_num":1}`,
				want: check{status: 400, code: "CBC.30050012"}},
			{name: "Renew/ErrPeriodType", target: renew, body: `{"resource_ids":["r1"],"period_type":1,"period_num":1}`,
				want: check{status: 400, code: "CBC.0100", msg: "period_type"}},
		})

		gets := []struct {
			name, target, lang string
			want               check
		}{
			{"ServiceResources/OK", "/v2/products/service-resources?service_type_code=hws.service.type.vpc", "en_US", check{status: 200, json: map[string]any{
				"total_count": 2, "infos.0.basic_info.resource_type_code": "hws.resource.type.bandwidth",
				"infos.0.basic_info.product_owner_service": "hws.service.type.vpc", "infos.0.basic_info.name": "Bandwidth"}}},
			{"ServiceResources/ErrMissingCode", "/v2/products/service-resources", "", check{status: 400, code: "CBC.0100", msg: "service_type_code"}},
			{"ServiceResources/ErrLimit", "/v2/products/service-resources?service_type_code=x&limit=101", "", check{status: 400, code: "CBC.0100", msg: "limit"}},
			{"UsageTypes/OK", "/v2/products/usage-types?resource_type_code=hws.resource.type.bandwidth", "", check{status: 200, json: map[string]any{
				"total_count": 2, "usage_types.0.code": "Duration", "usage_types.1.code": "upflow", "usage_types.1.name": "上行流量",
				"usage_types.1.service_type_code": "hws.service.type.vpc", "usage_types.1.resource_type_name": "带宽"}}},
			{"UsageTypes/OK/Paging", "/v2/products/usage-types?limit=1&offset=1", "", check{status: 200, json: map[string]any{
				"total_count": 5, "usage_types.0.resource_type_code": "hws.resource.type.volume", "usage_types.1": absent}}},
			{"MeasureUnits/OK", "/v2/bases/measurements", "en_US", check{status: 200, json: map[string]any{
				"measure_units.0.measure_id": 1, "measure_units.0.measure_name": "Yuan", "measure_units.0.measure_type": 1}}},
			{"Conversions/OK/Duration", "/v2/bases/conversions?measure_type=2", "", check{status: 200, json: map[string]any{
				"conversions.0.measure_id": 4, "conversions.0.ref_measure_id": 5, "conversions.0.conversion_ratio": 60,
				"conversions.3": absent}}},
			{"Conversions/ErrEmptyType", "/v2/bases/conversions?measure_type=", "", check{status: 400, code: "CBC.0100", msg: "measure_type"}},
		}
		for _, tt := range gets {
			t.Run(tt.name, func(t *testing.T) {
				w := f.do(t, request{target: tt.target, signer: &sp.key, headers: map[string]string{"X-Language": tt.lang}})
				assertResponse(t, w, tt.want)
			})
		}
	})
}
