package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
)

// inquire prices one hour of spec in region for demo partner sp.
func (s *site) inquire(tb testing.TB, spec, region string) decimal.Decimal {
	tb.Helper()
	sp := s.partner(tb, "sp")
	actor := identity.Actor{Kind: identity.ActorAPIKey, PartnerID: sp.PartnerID, PartnerType: identity.SolutionProvider, DomainID: sp.DomainID}
	r, err := s.app.Catalog.RateOnDemand(tb.(*testing.T).Context(), actor, commerce.DemandInquiry{ProjectID: sp.DomainID,
		Products: []commerce.DemandProduct{{ProductRef: commerce.ProductRef{ID: "1", ServiceType: "hws.service.type.ec2",
			ResourceType: "hws.resource.type.vm", Spec: spec, Region: region}, UsageFactor: "Duration",
			UsageValue: decimal.NewFromInt(1), UsageMeasureID: 4, SubscriptionNum: 1}}})
	if err != nil {
		tb.Fatal(err)
	}
	return r.Amount
}

func TestOpsCatalog(t *testing.T) {
	s := mustSite(t)
	ops := s.browser(t)
	ops.mustOpsSignIn(s.demo.Operator.Username, s.demo.Operator.Password)

	t.Run("OK/MenuAndList", func(t *testing.T) {
		resp, body := ops.get("/ops/partners")
		mustStatus(t, resp, body, http.StatusOK, `href="/ops/catalog"`, tr(i18n.ZH, "rating.nav.catalog"))
		resp, body = ops.get("/ops/catalog")
		mustStatus(t, resp, body, http.StatusOK, `id="specs"`, "s2.small.1.linux", "s2.small.1.win", "0.22", "32.20", "322.00",
			`value="cn-north-1" selected`, `id="new-spec"`, `class="small edit-price"`)
	})

	t.Run("OK/Filters", func(t *testing.T) {
		resp, body := ops.get("/ops/catalog?region=ap-southeast-1&resource_type=hws.resource.type.volume")
		mustStatus(t, resp, body, http.StatusOK, "SATA", "GPSSD", "0.000625", "0.38", "3.80", tr(i18n.ZH, "rating.per_size", "unit", "GB"))
		if strings.Contains(body, "s2.small.1.linux") {
			t.Error("the volume filter lists a server flavor")
		}
		resp, body = ops.get("/ops/catalog?q=19_")
		mustStatus(t, resp, body, http.StatusOK, "19_bgp", "19_sbgp", "19_share", tr(i18n.ZH, "page.total", "total", 3))
	})

	t.Run("OK/Reference", func(t *testing.T) {
		resp, body := ops.get("/ops/catalog/regions")
		mustStatus(t, resp, body, http.StatusOK, "cn-north-1", "华北-北京一", "ap-southeast-1", `id="unit-17"`, "upflow", "1024")
	})

	t.Run("OK/EditPrice", func(t *testing.T) {
		q := url.Values{"region": {"cn-south-1"}, "resource_type": {"hws.resource.type.vm"}, "spec": {"s6.large.2.linux"}, "mode": {"on_demand"}}
		resp, body := ops.get("/ops/catalog/price?" + q.Encode())
		mustStatus(t, resp, body, http.StatusOK, `id="price-form"`, `value="0.57"`)
		form := url.Values{"region": {"cn-south-1"}, "resource_type": {"hws.resource.type.vm"}, "spec": {"s6.large.2.linux"},
			"mode": {"on_demand"}, "price": {"0.61"}}
		resp, body = ops.submit("/ops/catalog/price?"+q.Encode(), "/ops/catalog/price", form)
		mustRedirect(t, resp, body, "/ops/catalog?region=cn-south-1&resource_type=hws.resource.type.vm&saved=1")
		if got := s.inquire(t, "s6.large.2.linux", "cn-south-1"); !got.Equal(decimal.RequireFromString("0.61")) {
			t.Errorf("inquiry after the edit: %s, want 0.61", got)
		}
		resp, body = ops.get("/ops/catalog?region=cn-south-1&resource_type=hws.resource.type.vm&saved=1")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "rating.price.saved"), "0.61")
	})

	t.Run("ErrPriceValue", func(t *testing.T) {
		q := url.Values{"region": {"cn-south-1"}, "resource_type": {"hws.resource.type.vm"}, "spec": {"s6.large.2.linux"}, "mode": {"month"}}
		form := url.Values{"region": {"cn-south-1"}, "resource_type": {"hws.resource.type.vm"}, "spec": {"s6.large.2.linux"},
			"mode": {"month"}, "price": {"-3"}}
		resp, body := ops.submit("/ops/catalog/price?"+q.Encode(), "/ops/catalog/price", form)
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.rating_price_value"), `value="-3"`, `class="invalid"`)
	})

	t.Run("OK/AddSpec", func(t *testing.T) {
		form := url.Values{"resource_type": {"hws.resource.type.vm"}, "code": {"x1.large.4.linux"}, "name_zh": {"x1 大型"},
			"name_en": {"x1 large"}, "billing": {"unit"}, "size_measure_id": {"0"}, "usage_factor": {"Duration"},
			"usage_measure_id": {"4"}, "on_demand": {"0.9"}, "month": {"150"}, "year": {"1500"}}
		resp, body := ops.submit("/ops/catalog/specs/new", "/ops/catalog/specs", form)
		mustRedirect(t, resp, body, "/ops/catalog?added=1&q=x1.large.4.linux&resource_type=hws.resource.type.vm")
		if got := s.inquire(t, "x1.large.4.linux", "ap-southeast-3"); !got.Equal(decimal.RequireFromString("0.9")) {
			t.Errorf("inquiry of the new spec: %s, want 0.9", got)
		}
		resp, body = ops.submit("/ops/catalog/specs/new", "/ops/catalog/specs", form)
		mustStatus(t, resp, body, http.StatusConflict, tr(i18n.ZH, "err.rating_spec_exists"), `value="x1.large.4.linux"`)
		form.Set("code", "x1 bad")
		resp, body = ops.submit("/ops/catalog/specs/new", "/ops/catalog/specs", form)
		mustStatus(t, resp, body, http.StatusBadRequest, tr(i18n.ZH, "err.invalid_param_named", "field", "code"), `class="invalid"`)
	})

	t.Run("OK/English", func(t *testing.T) {
		ops.header = http.Header{"Accept-Language": {"en-US"}}
		defer func() { ops.header = http.Header{} }()
		resp, body := ops.get("/ops/catalog")
		mustStatus(t, resp, body, http.StatusOK, tr(i18n.EN, "rating.catalog.title"), "CN North-Beijing1", tr(i18n.EN, "rating.billing.unit"))
	})

	t.Run("ErrReviewerViewsOnly", func(t *testing.T) {
		if _, err := s.app.Identity.CreateOperator(t.Context(), identity.NewOperator{Username: "rev.catalog",
			Password: "Initial-pass1", Roles: []identity.OperatorRole{identity.RoleReviewer}}); err != nil {
			t.Fatal(err)
		}
		rev := s.browser(t)
		rev.mustOpsSignIn("rev.catalog", "Initial-pass1")
		resp, body := rev.get("/ops/catalog")
		mustStatus(t, resp, body, http.StatusOK, "s2.small.1.linux")
		if strings.Contains(body, `id="new-spec"`) || strings.Contains(body, "edit-price") {
			t.Error("a reviewer sees the edit controls")
		}
		resp, body = rev.get("/ops/catalog/price?region=cn-north-1&resource_type=hws.resource.type.vm&spec=s2.small.1.linux")
		mustStatus(t, resp, body, http.StatusForbidden)
		resp, body = rev.post("/ops/catalog/price", url.Values{"csrf_token": {csrf(t, body)}, "region": {"cn-north-1"},
			"resource_type": {"hws.resource.type.vm"}, "spec": {"s2.small.1.linux"}, "mode": {"on_demand"}, "price": {"0"}})
		mustStatus(t, resp, body, http.StatusForbidden)
		if got := s.inquire(t, "s2.small.1.linux", "cn-north-1"); !got.Equal(decimal.RequireFromString("0.22")) {
			t.Errorf("price after the reviewer's post: %s", got)
		}
	})
}
