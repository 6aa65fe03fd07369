package commerce_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/commerce"
	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
)

// directory is a fake customer and partner directory: customer id →
// partner id, partner id → standing.
type directory struct {
	customers map[string]string
	partners  map[string]identity.PartnerStanding
}

func (d directory) CurrentAssociation(_ context.Context, id string) (customer.Association, bool, error) {
	p, ok := d.customers[id]
	return customer.Association{CustomerID: id, PartnerID: p}, ok, nil
}

func (d directory) PartnerStanding(_ context.Context, id string) (identity.PartnerStanding, error) {
	st, ok := d.partners[id]
	if !ok {
		return identity.PartnerStanding{}, identity.ErrPartnerNotFound
	}
	return st, nil
}

var (
	spActor   = identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p-sp", PartnerType: identity.SolutionProvider, DomainID: "d-sp"}
	sp2Actor  = identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p-sp2", PartnerType: identity.SolutionProvider, DomainID: "d-sp2"}
	distActor = identity.Actor{Kind: identity.ActorAPIKey, PartnerID: "p-dist", PartnerType: identity.Distributor, DomainID: "d-dist"}
	testDir   = directory{
		customers: map[string]string{"c-sp": "p-sp", "c-sp2": "p-sp2", "c-res": "p-res", "c-dist": "p-dist"},
		partners: map[string]identity.PartnerStanding{
			"p-sp": {ID: "p-sp", Type: identity.SolutionProvider}, "p-sp2": {ID: "p-sp2", Type: identity.SolutionProvider},
			"p-dist": {ID: "p-dist", Type: identity.Distributor},
			"p-res":  {ID: "p-res", Type: identity.CloudReseller, ParentID: "p-dist"},
		},
	}
)

func mustPricedCatalog(tb testing.TB, d *db.DB) *commerce.Catalog {
	tb.Helper()
	c := mustCatalog(tb, d)
	c.SetProjectOwners(testDir, testDir)
	return c
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func vm(id, spec, region string) commerce.ProductRef {
	return commerce.ProductRef{ID: id, ServiceType: "hws.service.type.ec2", ResourceType: "hws.resource.type.vm", Spec: spec, Region: region}
}

func disk(id, spec string, size int64, measure int) commerce.ProductRef {
	return commerce.ProductRef{ID: id, ServiceType: "hws.service.type.ebs", ResourceType: "hws.resource.type.volume", Spec: spec,
		Region: "cn-north-4", ResourceSize: size, SizeMeasureID: measure}
}

func hours(ref commerce.ProductRef, value string, measure, num int) commerce.DemandProduct {
	return commerce.DemandProduct{ProductRef: ref, UsageFactor: "Duration", UsageValue: dec(value), UsageMeasureID: measure, SubscriptionNum: num}
}

func period(ref commerce.ProductRef, typ, n, num int) commerce.PeriodProduct {
	return commerce.PeriodProduct{ProductRef: ref, PeriodType: typ, PeriodNum: n, SubscriptionNum: num}
}

func wantAmount(tb testing.TB, what string, got decimal.Decimal, want string) {
	tb.Helper()
	if !got.Equal(dec(want)) {
		tb.Errorf("%s = %s, want %s", what, got, want)
	}
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	e, ok := apperr.As(err)
	if !ok || e.Code != code {
		tb.Fatalf("error %v, want %s", err, code)
	}
}

func TestRateOnDemand(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		rate := func(precision int, ps ...commerce.DemandProduct) (commerce.Rating, error) {
			return c.RateOnDemand(ctx, spActor, commerce.DemandInquiry{ProjectID: "d-sp", Precision: precision, Products: ps})
		}

		t.Run("OK/OneHourOfSmallLinux", func(t *testing.T) {
			r, err := rate(0, hours(vm("1", "s2.small.1.linux", "cn-north-1"), "1", commerce.MeasureHour, 1))
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "amount", r.Amount, "0.22")
			wantAmount(t, "official", r.OfficialAmount, "0.22")
			wantAmount(t, "discount", r.DiscountAmount, "0")
			if len(r.Products) != 1 || r.Products[0].ID != "1" || len(r.Products[0].ProductID) != 32 || r.Currency != "CNY" || r.MeasureID != 1 {
				t.Errorf("rating %+v", r)
			}
		})

		t.Run("OK/SeveralProductsSumAndEchoIDs", func(t *testing.T) {
			r, err := rate(0,
				hours(vm("a", "s2.small.1.linux", "cn-north-1"), "10", commerce.MeasureHour, 3), // 0.22 × 10 × 3
				hours(vm("b", "s2.small.1.win", "cn-north-1"), "1", commerce.MeasureHour, 1),    // 0.27
				commerce.DemandProduct{ProductRef: commerce.ProductRef{ID: "c", ServiceType: "hws.service.type.vpc",
					ResourceType: "hws.resource.type.bandwidth", Spec: "12_bgp", Region: "cn-north-1"},
					UsageFactor: "upflow", UsageValue: dec("512"), UsageMeasureID: 11, SubscriptionNum: 1}, // 0.5 GB × 0.80
			)
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "a", r.Products[0].Amount, "6.6")
			wantAmount(t, "b", r.Products[1].Amount, "0.27")
			wantAmount(t, "c", r.Products[2].Amount, "0.4")
			wantAmount(t, "total", r.Amount, "7.27")
			if r.Products[0].ID != "a" || r.Products[1].ID != "b" || r.Products[2].ID != "c" {
				t.Errorf("ids %+v", r.Products)
			}
		})

		t.Run("OK/WindowsDearerThanLinux", func(t *testing.T) {
			for _, flavor := range []string{"s2.small.1", "s6.large.2", "c6.xlarge.2", "m6.2xlarge.8"} {
				r, err := rate(0, hours(vm("l", flavor+".linux", "cn-east-3"), "1", 4, 1), hours(vm("w", flavor+".win", "cn-east-3"), "1", 4, 1))
				if err != nil {
					t.Fatal(err)
				}
				if !r.Products[1].Amount.GreaterThan(r.Products[0].Amount) {
					t.Errorf("%s: windows %s, linux %s", flavor, r.Products[1].Amount, r.Products[0].Amount)
				}
			}
		})

		t.Run("OK/LinearDiskBySize", func(t *testing.T) {
			r, err := rate(0, hours(disk("d", "SSD", 100, commerce.MeasureCapacityGB), "2", 4, 1)) // 0.0016 × 100 × 2
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "ssd", r.Amount, "0.32")
			r, err = rate(0, hours(disk("d", "SATA", 1, 18), "1", 4, 1)) // 1 TB = 1024 GB × 0.0005
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "sata 1 TB", r.Amount, "0.512")
		})

		t.Run("OK/LinearBandwidthPerMbps", func(t *testing.T) {
			ref := commerce.ProductRef{ID: "bw", ServiceType: "hws.service.type.vpc", ResourceType: "hws.resource.type.bandwidth",
				Spec: "19_bgp", Region: "cn-north-4", ResourceSize: 5, SizeMeasureID: commerce.MeasureMbps}
			r, err := rate(0, hours(ref, "1", 4, 2)) // 0.063 × 5 × 2
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "19_bgp", r.Amount, "0.63")
		})

		t.Run("OK/Precision", func(t *testing.T) {
			// One minute of s2.small.1.linux is 0.22 / 60 = 0.003666…
			p := hours(vm("m", "s2.small.1.linux", "cn-north-1"), "1", 5, 1)
			r, err := rate(0, p)
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "precision 0", r.Amount, "0.003666")
			r, err = rate(1, p)
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "precision 1", r.Amount, "0.0036666666")
		})

		t.Run("OK/RegionFactor", func(t *testing.T) {
			r, err := rate(0, hours(vm("hk", "s2.small.1.linux", "ap-southeast-1"), "1", 4, 1))
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "hong kong", r.Amount, "0.275")
		})

		errs := []struct {
			name string
			p    commerce.DemandProduct
			prec int
			code string
		}{
			{"ErrUnknownSpec", hours(vm("1", "s9.tiny.1.linux", "cn-north-1"), "1", 4, 1), 0, "CBC.99006006"},
			{"ErrUnknownRegion", hours(vm("1", "s2.small.1.linux", "mars-1"), "1", 4, 1), 0, "CBC.99006006"},
			{"ErrServiceMismatch", hours(commerce.ProductRef{ID: "1", ServiceType: "hws.service.type.obs", ResourceType: "hws.resource.type.vm",
				Spec: "s2.small.1.linux", Region: "cn-north-1"}, "1", 4, 1), 0, "CBC.99006006"},
			{"ErrUsageFactor", commerce.DemandProduct{ProductRef: vm("1", "s2.small.1.linux", "cn-north-1"), UsageFactor: "upflow",
				UsageValue: dec("1"), UsageMeasureID: 4, SubscriptionNum: 1}, 0, "CBC.99006074"},
			{"ErrUsageMeasure", hours(vm("1", "s2.small.1.linux", "cn-north-1"), "1", 10, 1), 0, "CBC.99006050"},
			{"ErrLinearWithoutSize", hours(disk("d", "SSD", 0, 17), "1", 4, 1), 0, "CBC.0100"},
			{"ErrLinearWrongSizeUnit", hours(disk("d", "SSD", 10, 15), "1", 4, 1), 0, "CBC.0100"},
			{"ErrSubscriptionZero", hours(vm("1", "s2.small.1.linux", "cn-north-1"), "1", 4, 0), 0, "CBC.0100"},
			{"ErrUsageZero", hours(vm("1", "s2.small.1.linux", "cn-north-1"), "0", 4, 1), 0, "CBC.0100"},
			{"ErrPrecision", hours(vm("1", "s2.small.1.linux", "cn-north-1"), "1", 4, 1), 2, "CBC.0100"},
			{"ErrMissingID", hours(vm("", "s2.small.1.linux", "cn-north-1"), "1", 4, 1), 0, "CBC.0100"},
			{"ErrAmountTooLarge", hours(vm("1", "m6.2xlarge.8.win", "cn-north-1"), "999999999", 4, 9999), 0, "CBC.99006055"},
		}
		for _, tt := range errs {
			t.Run(tt.name, func(t *testing.T) {
				_, err := rate(tt.prec, tt.p)
				wantCode(t, err, tt.code)
			})
		}

		t.Run("ErrDuplicateID", func(t *testing.T) {
			p := hours(vm("same", "s2.small.1.linux", "cn-north-1"), "1", 4, 1)
			_, err := rate(0, p, p)
			wantCode(t, err, "CBC.30050012")
		})
		t.Run("ErrNoProducts", func(t *testing.T) {
			_, err := rate(0)
			wantCode(t, err, "CBC.0100")
		})
	})
}

func TestRateOnPeriod(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		rate := func(ps ...commerce.PeriodProduct) (commerce.Rating, error) {
			return c.RateOnPeriod(ctx, spActor, commerce.PeriodInquiry{ProjectID: "c-sp", Products: ps})
		}

		t.Run("OK/MonthAndYear", func(t *testing.T) {
			r, err := rate(period(vm("m", "s2.small.1.linux", "cn-north-1"), commerce.PeriodMonth, 3, 2),
				period(vm("y", "s2.small.1.linux", "cn-north-1"), commerce.PeriodYear, 1, 1))
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "3 months × 2", r.Products[0].OfficialAmount, "193.2")
			wantAmount(t, "1 year", r.Products[1].OfficialAmount, "322")
			wantAmount(t, "total", r.OfficialAmount, "515.2")
			wantAmount(t, "amount", r.Amount, "515.2")
		})

		t.Run("OK/YearCheaperThanTwelveMonths", func(t *testing.T) {
			for _, ref := range []commerce.ProductRef{vm("1", "c6.xlarge.2.win", "cn-south-1"), disk("1", "GPSSD", 40, 17),
				{ID: "1", ServiceType: "hws.service.type.vpc", ResourceType: "hws.resource.type.ip", Spec: "5_bgp", Region: "ap-southeast-3"}} {
				m, err := rate(period(ref, commerce.PeriodMonth, 12, 1))
				if err != nil {
					t.Fatal(err)
				}
				y, err := rate(period(ref, commerce.PeriodYear, 1, 1))
				if err != nil {
					t.Fatal(err)
				}
				if !y.Amount.LessThan(m.Amount) {
					t.Errorf("%s: a year %s, 12 months %s", ref.Spec, y.Amount, m.Amount)
				}
			}
		})

		t.Run("OK/LinearDiskMonth", func(t *testing.T) {
			r, err := rate(period(disk("d", "SAS", 100, 17), commerce.PeriodMonth, 1, 1))
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "100 GB SAS", r.Amount, "35")
		})

		for _, tt := range []struct {
			name string
			p    commerce.PeriodProduct
			code string
		}{
			{"ErrTrafficHasNoPeriodPrice", period(commerce.ProductRef{ID: "t", ServiceType: "hws.service.type.vpc",
				ResourceType: "hws.resource.type.bandwidth", Spec: "12_bgp", Region: "cn-north-1"}, commerce.PeriodMonth, 1, 1), "CBC.99006006"},
			{"ErrDayPeriod", period(vm("1", "s2.small.1.linux", "cn-north-1"), commerce.PeriodDay, 1, 1), "CBC.0100"},
			{"ErrPeriodNum", period(vm("1", "s2.small.1.linux", "cn-north-1"), commerce.PeriodYear, 6, 1), "CBC.0100"},
			{"ErrUnknownSpec", period(vm("1", "x.linux", "cn-north-1"), commerce.PeriodMonth, 1, 1), "CBC.99006006"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := rate(tt.p)
				wantCode(t, err, tt.code)
			})
		}
	})
}

func TestRatingProjectOwnership(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		p := []commerce.DemandProduct{hours(vm("1", "s2.small.1.linux", "cn-north-1"), "1", 4, 1)}
		tests := []struct {
			name    string
			actor   identity.Actor
			project string
			code    string
		}{
			{"OK/OwnDomain", spActor, "d-sp", ""},
			{"OK/OwnCustomer", spActor, "c-sp", ""},
			{"OK/DistributorOwnCustomer", distActor, "c-dist", ""},
			{"OK/DistributorResellersCustomer", distActor, "c-res", ""},
			{"ErrCrossTenantCustomer", spActor, "c-sp2", "CBC.99006073"},
			{"ErrCrossTenantDomain", sp2Actor, "d-sp", "CBC.99006073"},
			{"ErrSolutionProviderNotParent", sp2Actor, "c-res", "CBC.99006073"},
			{"ErrUnknownProject", spActor, "nobody", "CBC.99006073"},
			{"ErrEmptyProject", spActor, "", "CBC.0100"},
			{"ErrOperator", identity.Actor{Kind: identity.ActorOperator}, "d-sp", "CBC.0151"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := c.RateOnDemand(ctx, tt.actor, commerce.DemandInquiry{ProjectID: tt.project, Products: p})
				_, perr := c.RateOnPeriod(ctx, tt.actor, commerce.PeriodInquiry{ProjectID: tt.project,
					Products: []commerce.PeriodProduct{period(vm("1", "s2.small.1.linux", "cn-north-1"), 2, 1, 1)}})
				if tt.code == "" {
					if err != nil || perr != nil {
						t.Fatalf("on demand: %v, period: %v", err, perr)
					}
					return
				}
				wantCode(t, err, tt.code)
				wantCode(t, perr, tt.code)
			})
		}
	})
}

// discountTen takes 10% off every line of customer c-sp.
type discountTen struct{}

func (discountTen) InquiryDiscount(_ context.Context, project string, line commerce.PricedLine) (decimal.Decimal, error) {
	if project != "c-sp" {
		return decimal.Zero, nil
	}
	return line.Official.Mul(dec("0.1")), nil
}

// renewals knows one resource of c-sp and one of c-sp2.
type renewals struct{}

func (renewals) RenewalResources(_ context.Context, ids []string) (map[string]commerce.RenewalResource, error) {
	all := map[string]commerce.RenewalResource{
		"r-sp":  {ProjectID: "c-sp", Product: vm("", "s2.small.1.linux", "cn-north-1"), SubscriptionNum: 1},
		"r-sp2": {ProjectID: "c-sp2", Product: vm("", "s2.small.1.linux", "cn-north-1"), SubscriptionNum: 1},
	}
	out := map[string]commerce.RenewalResource{}
	for _, id := range ids {
		if r, ok := all[id]; ok {
			out[id] = r
		}
	}
	return out, nil
}

func TestRatingDiscountHookAndRenewal(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		c.SetCustomerDiscount(discountTen{})
		c.SetRenewalResources(renewals{})

		t.Run("OK/DiscountApplied", func(t *testing.T) {
			r, err := c.RateOnPeriod(ctx, spActor, commerce.PeriodInquiry{ProjectID: "c-sp",
				Products: []commerce.PeriodProduct{period(vm("1", "s2.small.1.linux", "cn-north-1"), 2, 1, 1)}})
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "official", r.OfficialAmount, "32.2")
			wantAmount(t, "discount", r.DiscountAmount, "3.22")
			wantAmount(t, "amount", r.Amount, "28.98")
		})

		t.Run("OK/RenewalWithFailures", func(t *testing.T) {
			r, err := c.RateRenewal(ctx, spActor, commerce.RenewInquiry{ResourceIDs: []string{"r-sp", "r-sp2", "r-none"},
				PeriodType: commerce.PeriodYear, PeriodNum: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Results) != 1 || r.Results[0].ResourceID != "r-sp" || len(r.Failed) != 2 {
				t.Fatalf("renewal %+v", r)
			}
			wantAmount(t, "official", r.OfficialAmount, "322")
			wantAmount(t, "amount", r.Amount, "289.8")
			if r.Failed[0].Err.Code != "CBC.99006073" || r.Failed[1].Err.Code != "CBC.99006006" {
				t.Errorf("failures %+v %+v", r.Failed[0].Err, r.Failed[1].Err)
			}
		})

		t.Run("ErrRenewalDuplicate", func(t *testing.T) {
			_, err := c.RateRenewal(ctx, spActor, commerce.RenewInquiry{ResourceIDs: []string{"a", "a"}, PeriodType: 2, PeriodNum: 1})
			wantCode(t, err, "CBC.30050012")
		})
	})
}

func TestPriceEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		other := mustPricedCatalog(t, d) // a second node on the same database
		admin := identity.Actor{Kind: identity.ActorOperator, Name: "admin", OperatorRoles: []identity.OperatorRole{identity.RolePlatformAdmin}}
		reviewer := identity.Actor{Kind: identity.ActorOperator, Name: "rev", OperatorRoles: []identity.OperatorRole{identity.RoleReviewer}}
		price := func(cat *commerce.Catalog) decimal.Decimal {
			r, err := cat.RateOnDemand(ctx, spActor, commerce.DemandInquiry{ProjectID: "d-sp",
				Products: []commerce.DemandProduct{hours(vm("1", "s2.small.1.linux", "cn-north-1"), "1", 4, 1)}})
			if err != nil {
				t.Fatal(err)
			}
			return r.Amount
		}

		t.Run("ErrReviewerMayNotEdit", func(t *testing.T) {
			err := c.SetPrice(ctx, reviewer, "cn-north-1", "hws.resource.type.vm", "s2.small.1.linux", commerce.OnDemand, dec("1"))
			if !errors.Is(err, identity.ErrForbidden) {
				t.Fatalf("reviewer: %v", err)
			}
			if err := c.SetPrice(ctx, spActor, "cn-north-1", "hws.resource.type.vm", "s2.small.1.linux", commerce.OnDemand, dec("1")); !errors.Is(err, identity.ErrForbidden) {
				t.Fatalf("partner: %v", err)
			}
		})

		t.Run("OK/SetPriceTakesEffect", func(t *testing.T) {
			if err := c.SetPrice(ctx, admin, "cn-north-1", "hws.resource.type.vm", "s2.small.1.linux", commerce.OnDemand, dec("0.25")); err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "this node", price(c), "0.25")
			wantAmount(t, "other node before its check", price(other), "0.22")
			if changed, err := other.ReloadIfChanged(ctx); err != nil || !changed {
				t.Fatalf("other node reload: %v %v", changed, err)
			}
			wantAmount(t, "other node after its check", price(other), "0.25")
			if changed, _ := other.ReloadIfChanged(ctx); changed {
				t.Error("reloaded again without a change")
			}
		})

		t.Run("OK/OtherNodeRefreshesOnItsOwn", func(t *testing.T) {
			other.SetRefreshInterval(time.Millisecond)
			defer other.SetRefreshInterval(commerce.RefreshInterval)
			if err := c.SetPrice(ctx, admin, "cn-north-1", "hws.resource.type.vm", "s2.small.1.linux", commerce.OnDemand, dec("0.26")); err != nil {
				t.Fatal(err)
			}
			// Reads on the other node start its background check; it
			// reloads without being told.
			deadline := time.Now().Add(5 * time.Second)
			for !price(other).Equal(dec("0.26")) {
				if time.Now().After(deadline) {
					t.Fatalf("the other node still prices %s", price(other))
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := c.SetPrice(ctx, admin, "cn-north-1", "hws.resource.type.vm", "s2.small.1.linux", commerce.OnDemand, dec("0.25")); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("OK/Audited", func(t *testing.T) {
			if got := countRows(t, d, "audit_log WHERE action = 'catalog.price_set'"); got != 3 {
				t.Errorf("%d audit rows of price edits, want 3", got)
			}
		})

		t.Run("OK/EditSurvivesReseed", func(t *testing.T) {
			wantAmount(t, "after restart", price(mustPricedCatalog(t, d)), "0.25")
		})

		t.Run("ErrPriceValue", func(t *testing.T) {
			for _, v := range []string{"-1", "0.0000001", "1000000000"} {
				err := c.SetPrice(ctx, admin, "cn-north-1", "hws.resource.type.vm", "s2.small.1.linux", commerce.OnDemand, dec(v))
				wantCode(t, err, "CBC.0100")
			}
			err := c.SetPrice(ctx, admin, "cn-north-1", "hws.resource.type.bandwidth", "12_bgp", commerce.Monthly, dec("1"))
			wantCode(t, err, "CBC.99006006")
		})

		t.Run("OK/AddSpec", func(t *testing.T) {
			month := dec("60")
			in := commerce.NewSpec{ResourceType: "hws.resource.type.vm", Code: "t6.small.1.linux", NameZH: "t6 小型", NameEN: "t6 small",
				Billing: commerce.BillUnit, UsageFactor: "Duration", UsageMeasureID: 4, OnDemand: new(dec("0.1")), Monthly: &month}
			if err := c.AddSpec(ctx, admin, in); err != nil {
				t.Fatal(err)
			}
			r, err := c.RateOnPeriod(ctx, spActor, commerce.PeriodInquiry{ProjectID: "d-sp",
				Products: []commerce.PeriodProduct{period(vm("1", "t6.small.1.linux", "ap-southeast-3"), 2, 2, 1)}})
			if err != nil {
				t.Fatal(err)
			}
			wantAmount(t, "new spec", r.Amount, "120")
			wantCode(t, c.AddSpec(ctx, admin, in), "PC.0409")
			in.Code = "bad code!"
			wantCode(t, c.AddSpec(ctx, admin, in), "CBC.0100")
		})
	})
}

func TestCatalogueLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustPricedCatalog(t, d)
		if regions := c.Regions(ctx, "en-US"); len(regions) < 5 || regions[0].Code != "cn-north-1" || regions[0].Name != "CN North-Beijing1" {
			t.Errorf("regions %+v", regions)
		}
		units := c.MeasureUnits(ctx, "zh-CN")
		byID := map[int]commerce.MeasureUnit{}
		for _, u := range units {
			byID[u.ID] = u
		}
		if byID[1].Name != "元" || byID[4].Name != "小时" || byID[15].Abbreviation != "Mbps" || byID[17].Type != 7 {
			t.Errorf("units %+v", units)
		}
		if got := c.Conversions(ctx, 2); len(got) != 3 {
			t.Errorf("duration conversions %+v", got)
		}
		ut, n := c.UsageTypes(ctx, "en-US", "hws.resource.type.bandwidth", 10, 0)
		if n != 2 || ut[0].ServiceTypeCode != "hws.service.type.vpc" || ut[0].ResourceTypeName != "Bandwidth" {
			t.Errorf("usage types %+v (%d)", ut, n)
		}
		res, n := c.ServiceResources(ctx, "zh-CN", "hws.service.type.vpc", 10, 0)
		if n != 2 || res[0].Code != "hws.resource.type.bandwidth" {
			t.Errorf("service resources %+v", res)
		}
		specs, n := c.Specs(ctx, "en-US", commerce.SpecFilter{Region: "cn-north-4", ResourceType: "hws.resource.type.volume"})
		if n != 4 || specs[0].Monthly == nil || specs[0].Yearly == nil || specs[0].SizeMeasureID != 17 {
			t.Errorf("volume specs %+v", specs)
		}
		specs, n = c.Specs(ctx, "zh-CN", commerce.SpecFilter{Query: "S2.SMALL", Limit: 1})
		if n != 2 || len(specs) != 1 || specs[0].Code != "s2.small.1.linux" || specs[0].Region != "cn-north-1" {
			t.Errorf("query %+v (%d)", specs, n)
		}
	})
}
