package e2e

import (
	"net/http"
	"testing"

	bss "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
	"github.com/shopspring/decimal"
)

// The catalogue and price-inquiry APIs' contract with
// huaweicloud-sdk-go-v3 v0.1.207 (reference/cbc-api.md §7) through
// services/bss/v2 against the real binary and its seeded price table:
// service resources, usage types, measure units, conversions, on-demand,
// yearly/monthly and renewal inquiry, and each error code.

func vmDemand(id, spec, region string, value string, measure int32) model.DemandProductInfo {
	return model.DemandProductInfo{Id: id, CloudServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm",
		ResourceSpec: spec, Region: region, UsageFactor: "Duration", UsageValue: dec(value), UsageMeasureId: measure, SubscriptionNum: 1}
}

func vmPeriod(id, spec string, periodType, n int32) model.PeriodProductInfo {
	return model.PeriodProductInfo{Id: id, CloudServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm",
		ResourceSpec: spec, Region: "cn-north-1", PeriodType: periodType, PeriodNum: n, SubscriptionNum: 1}
}

func onDemand(c *bss.BssClient, project string, precision *int32, ps ...model.DemandProductInfo) (*model.ListOnDemandResourceRatingsResponse, error) {
	return c.ListOnDemandResourceRatings(&model.ListOnDemandResourceRatingsRequest{Body: &model.RateOnDemandReq{
		ProjectId: project, InquiryPrecision: precision, ProductInfos: ps}})
}

func wantDec(t *testing.T, what string, got *decimal.Decimal, want string) {
	t.Helper()
	if got == nil || !got.Equal(decimal.RequireFromString(want)) {
		t.Errorf("%s = %v, want %s", what, got, want)
	}
}

func TestRatingAPIContract(t *testing.T) {
	s := customerServer(t)
	sp, sp2, dist := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2"), s.Demo.Partner(t, "dist")
	c, _ := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	cDist, _ := newBSS(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)
	c2, _ := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	mine, resCust := s.Demo.Customer(t, "sp-referral"), s.Demo.Customer(t, "reseller-reseller")

	t.Run("ListServiceResources", func(t *testing.T) {
		resp, err := c.ListServiceResources(&model.ListServiceResourcesRequest{ServiceTypeCode: "hws.service.type.vpc", XLanguage: str("en_US")})
		if err != nil {
			t.Fatal(err)
		}
		infos := deref(resp.Infos)
		if deref(resp.TotalCount) != 2 || len(infos) != 2 || deref(infos[0].BasicInfo.ResourceTypeCode) != "hws.resource.type.bandwidth" ||
			deref(infos[0].BasicInfo.ProductOwnerService) != "hws.service.type.vpc" || deref(infos[0].BasicInfo.Name) != "Bandwidth" {
			t.Errorf("service resources %s", resp.String())
		}
	})

	t.Run("ListUsageTypes", func(t *testing.T) {
		resp, err := c.ListUsageTypes(&model.ListUsageTypesRequest{ResourceTypeCode: str("hws.resource.type.bandwidth")})
		if err != nil {
			t.Fatal(err)
		}
		ut := deref(resp.UsageTypes)
		if deref(resp.TotalCount) != 2 || deref(ut[1].Code) != "upflow" || deref(ut[1].ServiceTypeCode) != "hws.service.type.vpc" {
			t.Errorf("usage types %s", resp.String())
		}
	})

	t.Run("ListMeasureUnits", func(t *testing.T) {
		resp, err := c.ListMeasureUnits(&model.ListMeasureUnitsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[int32]model.MeasureUnitRest{}
		for _, u := range deref(resp.MeasureUnits) {
			byID[deref(u.MeasureId)] = u
		}
		if deref(byID[1].MeasureName) != "元" || deref(byID[4].MeasureName) != "小时" || deref(byID[17].MeasureType) != 7 ||
			deref(byID[15].Abbreviation) != "Mbps" {
			t.Errorf("measure units %s", resp.String())
		}
	})

	t.Run("ListConversions", func(t *testing.T) {
		resp, err := c.ListConversions(&model.ListConversionsRequest{MeasureType: i32(3)})
		if err != nil {
			t.Fatal(err)
		}
		cs := deref(resp.Conversions)
		if len(cs) != 4 || deref(cs[0].ConversionRatio) != 1024 || deref(cs[0].MeasureType) != 3 {
			t.Errorf("conversions %s", resp.String())
		}
	})

	t.Run("OnDemand/SmallLinuxInBeijing1", func(t *testing.T) {
		resp, err := onDemand(c, sp.DomainID, nil, vmDemand("vm-1", "s2.small.1.linux", "cn-north-1", "1", 4))
		if err != nil {
			t.Fatal(err)
		}
		wantDec(t, "amount", resp.Amount, "0.22")
		wantDec(t, "official_website_amount", resp.OfficialWebsiteAmount, "0.22")
		wantDec(t, "discount_amount", resp.DiscountAmount, "0")
		rs := deref(resp.ProductRatingResults)
		if resp.HttpStatusCode != http.StatusOK || deref(resp.Currency) != "CNY" || deref(resp.MeasureId) != 1 || len(rs) != 1 ||
			deref(rs[0].Id) != "vm-1" || len(deref(rs[0].ProductId)) != 32 {
			t.Errorf("rating %s", resp.String())
		}
	})

	t.Run("OnDemand/CustomersAndLinearAndPrecision", func(t *testing.T) {
		disk := model.DemandProductInfo{Id: "disk", CloudServiceType: "hws.service.type.ebs", ResourceType: "hws.resource.type.volume",
			ResourceSpec: "SSD", Region: "cn-north-4", ResourceSize: i32(100), SizeMeasureId: i32(17), UsageFactor: "Duration",
			UsageValue: dec("1"), UsageMeasureId: 4, SubscriptionNum: 2}
		resp, err := onDemand(c, mine.DomainID, i32(1), vmDemand("min", "s2.small.1.win", "cn-north-1", "1", 5), disk)
		if err != nil {
			t.Fatal(err)
		}
		rs := deref(resp.ProductRatingResults)
		wantDec(t, "one minute of windows", rs[0].Amount, "0.0045") // 0.27 / 60
		wantDec(t, "2 × 100 GB SSD for an hour", rs[1].Amount, "0.32")
		resp, err = onDemand(c, mine.DomainID, i32(1), vmDemand("min", "s2.small.1.linux", "cn-north-1", "1", 5))
		if err != nil {
			t.Fatal(err)
		}
		wantDec(t, "precision 1", resp.Amount, "0.0036666666")
		resp, err = onDemand(cDist, resCust.DomainID, nil, vmDemand("min", "s2.small.1.linux", "cn-north-1", "1", 5))
		if err != nil {
			t.Fatalf("distributor for its reseller's customer: %v", err)
		}
		wantDec(t, "precision 0", resp.Amount, "0.003666")
	})

	t.Run("Period/MonthYear", func(t *testing.T) {
		resp, err := c.ListRateOnPeriodDetail(&model.ListRateOnPeriodDetailRequest{Body: &model.RateOnPeriodReq{ProjectId: mine.DomainID,
			ProductInfos: []model.PeriodProductInfo{vmPeriod("m12", "s2.small.1.linux", 2, 12), vmPeriod("y1", "s2.small.1.linux", 3, 1)}}})
		if err != nil {
			t.Fatal(err)
		}
		off := resp.OfficialWebsiteRatingResult
		rs := deref(off.ProductRatingResults)
		if len(rs) != 2 || deref(rs[0].Id) != "m12" || deref(rs[1].Id) != "y1" || deref(resp.Currency) != "CNY" {
			t.Fatalf("period rating %s", resp.String())
		}
		wantDec(t, "12 months", rs[0].OfficialWebsiteAmount, "386.4")
		wantDec(t, "a year", rs[1].OfficialWebsiteAmount, "322")
		wantDec(t, "total", off.OfficialWebsiteAmount, "708.4")
		if len(deref(resp.OptionalDiscountRatingResults)) != 0 {
			t.Errorf("a discount without discounts: %s", resp.String())
		}
	})

	t.Run("Renew/UnknownResource", func(t *testing.T) {
		resp, err := c.ListRenewRateOnPeriod(&model.ListRenewRateOnPeriodRequest{Body: &model.ListRenewRateOnPeriodReq{
			ResourceIds: []string{"res-1"}, PeriodType: 2, PeriodNum: 1}})
		if err != nil {
			t.Fatal(err)
		}
		fails := deref(resp.FailResourceInfos)
		if len(fails) != 1 || deref(fails[0].ResourceId) != "res-1" || deref(fails[0].ErrorCode) != "CBC.99006006" {
			t.Errorf("renewal %s", resp.String())
		}
	})

	errCases := []struct {
		name      string
		client    *bss.BssClient
		project   string
		precision *int32
		products  []model.DemandProductInfo
		code      string
	}{
		{"ErrUnknownSpec", c, sp.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "s2.huge.9.linux", "cn-north-1", "1", 4)}, "CBC.99006006"},
		{"ErrUnknownRegion", c, sp.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "s2.small.1.linux", "moon-1", "1", 4)}, "CBC.99006006"},
		{"ErrUsageMeasure", c, sp.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "s2.small.1.linux", "cn-north-1", "1", 10)}, "CBC.99006050"},
		{"ErrDuplicateID", c, sp.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "s2.small.1.linux", "cn-north-1", "1", 4),
			vmDemand("1", "s2.small.1.win", "cn-north-1", "1", 4)}, "CBC.30050012"},
		{"ErrCrossTenantProject", c2, mine.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "s2.small.1.linux", "cn-north-1", "1", 4)}, "CBC.99006073"},
		{"ErrOtherPartnersDomain", c2, sp.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "s2.small.1.linux", "cn-north-1", "1", 4)}, "CBC.99006073"},
		{"ErrPrecision", c, sp.DomainID, i32(5), []model.DemandProductInfo{vmDemand("1", "s2.small.1.linux", "cn-north-1", "1", 4)}, "CBC.0100"},
		{"ErrAmountTooLarge", c, sp.DomainID, nil, []model.DemandProductInfo{vmDemand("1", "m6.2xlarge.8.win", "cn-north-1", "900000000000", 4)}, "CBC.99006055"},
	}
	for _, tc := range errCases {
		t.Run("OnDemand/"+tc.name, func(t *testing.T) {
			_, err := onDemand(tc.client, tc.project, tc.precision, tc.products...)
			wantServiceError(t, err, http.StatusBadRequest, tc.code)
		})
	}
	t.Run("OnDemand/ErrUsageFactor", func(t *testing.T) {
		p := vmDemand("1", "s2.small.1.linux", "cn-north-1", "1", 4)
		p.UsageFactor = "upflow"
		_, err := onDemand(c, sp.DomainID, nil, p)
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99006074")
	})
	t.Run("Period/ErrUnknownSpec", func(t *testing.T) {
		_, err := c.ListRateOnPeriodDetail(&model.ListRateOnPeriodDetailRequest{Body: &model.RateOnPeriodReq{ProjectId: sp.DomainID,
			ProductInfos: []model.PeriodProductInfo{vmPeriod("1", "nope.linux", 2, 1)}}})
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99006006")
	})
	t.Run("Period/ErrCrossTenantProject", func(t *testing.T) {
		_, err := c2.ListRateOnPeriodDetail(&model.ListRateOnPeriodDetailRequest{Body: &model.RateOnPeriodReq{ProjectId: mine.DomainID,
			ProductInfos: []model.PeriodProductInfo{vmPeriod("1", "s2.small.1.linux", 2, 1)}}})
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99006073")
	})
}
