package commerce

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/platform/db"
)

// priceData is the demo cloud's priced catalogue: regions, measure units and
// conversions, usage types, resource specs and their list prices. ECS specs
// are made from flavors × .linux/.win (Windows adds a licence fee per vCPU);
// a region's prices are the reference prices times its factor; a year costs
// year_months months, so a year is cheaper than 12 months.
//
//go:embed price_data.json
var priceData []byte

type priceSeed struct {
	YearMonths int64 `json:"year_months"`
	Regions    []struct {
		Code   string          `json:"code"`
		NameZH string          `json:"name_zh"`
		NameEN string          `json:"name_en"`
		Factor decimal.Decimal `json:"factor"`
	} `json:"regions"`
	MeasureUnits []struct {
		ID     int    `json:"id"`
		NameZH string `json:"name_zh"`
		NameEN string `json:"name_en"`
		Abbr   string `json:"abbreviation"`
		Type   int    `json:"type"`
	} `json:"measure_units"`
	Conversions []Conversion `json:"conversions"`
	UsageTypes  []struct {
		Code         string `json:"code"`
		ResourceType string `json:"resource_type_code"`
		NameZH       string `json:"name_zh"`
		NameEN       string `json:"name_en"`
	} `json:"usage_types"`
	ECS struct {
		ResourceType    string          `json:"resource_type_code"`
		WinHourPerVCPU  decimal.Decimal `json:"win_hour_per_vcpu"`
		WinMonthPerVCPU decimal.Decimal `json:"win_month_per_vcpu"`
		Flavors         []struct {
			Code     string          `json:"code"`
			VCPUs    int64           `json:"vcpus"`
			MemoryGB int64           `json:"memory_gb"`
			Hour     decimal.Decimal `json:"hour"`
			Month    decimal.Decimal `json:"month"`
		} `json:"flavors"`
	} `json:"ecs"`
	Specs []seedSpec `json:"specs"`
}

type seedSpec struct {
	ResourceType   string           `json:"resource_type_code"`
	Code           string           `json:"code"`
	NameZH         string           `json:"name_zh"`
	NameEN         string           `json:"name_en"`
	Billing        Billing          `json:"billing"`
	SizeMeasureID  int              `json:"size_measure_id"`
	UsageFactor    string           `json:"usage_factor"`
	UsageMeasureID int              `json:"usage_measure_id"`
	Hour           decimal.Decimal  `json:"hour"`
	Month          *decimal.Decimal `json:"month"`
}

// allSpecs returns the file's specs with the ECS flavors expanded.
func (f *priceSeed) allSpecs() []seedSpec {
	var out []seedSpec
	for _, fl := range f.ECS.Flavors {
		for _, win := range []bool{false, true} {
			s := seedSpec{ResourceType: f.ECS.ResourceType, Billing: BillUnit, UsageFactor: "Duration", UsageMeasureID: MeasureHour,
				Hour: fl.Hour, Month: new(fl.Month)}
			osZH, osEN, suffix := "Linux", "Linux", ".linux"
			if win {
				osZH, osEN, suffix = "Windows", "Windows", ".win"
				vcpus := decimal.NewFromInt(fl.VCPUs)
				s.Hour = fl.Hour.Add(f.ECS.WinHourPerVCPU.Mul(vcpus))
				s.Month = new(fl.Month.Add(f.ECS.WinMonthPerVCPU.Mul(vcpus)))
			}
			s.Code = fl.Code + suffix
			s.NameZH = fmt.Sprintf("%s %dvCPUs %dGiB %s", fl.Code, fl.VCPUs, fl.MemoryGB, osZH)
			s.NameEN = fmt.Sprintf("%s %d vCPUs %d GiB %s", fl.Code, fl.VCPUs, fl.MemoryGB, osEN)
			out = append(out, s)
		}
	}
	return append(out, f.Specs...)
}

// micros converts a price in yuan to micro-yuan, rounding half away from
// zero at the sixth decimal.
func micros(d decimal.Decimal) int64 { return d.Shift(6).Round(0).IntPart() }

// fromMicros is the price in yuan of m micro-yuan.
func fromMicros(m int64) decimal.Decimal { return decimal.New(m, -6) }

// seedPrices writes the embedded priced catalogue in one transaction.
// Reference rows (regions, units, conversions, usage types, spec names) are
// upserted; prices are only inserted where missing, so an operator's edits
// survive restarts. Idempotent; rows are written in file order so that
// concurrent seeds from several nodes queue rather than deadlock.
func seedPrices(ctx context.Context, d *db.DB, now time.Time) error {
	var f priceSeed
	if err := json.Unmarshal(priceData, &f); err != nil {
		return fmt.Errorf("parse price data: %w", err)
	}
	return d.InTx(ctx, func(tx *sql.Tx) error {
		for i, r := range f.Regions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO regions (code, name_zh, name_en, sort) VALUES ($1, $2, $3, $4)
				ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, sort = excluded.sort`,
				r.Code, r.NameZH, r.NameEN, (i+1)*10); err != nil {
				return fmt.Errorf("seed region %s: %w", r.Code, err)
			}
		}
		for _, u := range f.MeasureUnits {
			if _, err := tx.ExecContext(ctx, `INSERT INTO measure_units (id, name_zh, name_en, abbreviation, measure_type) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
					abbreviation = excluded.abbreviation, measure_type = excluded.measure_type`,
				u.ID, u.NameZH, u.NameEN, u.Abbr, u.Type); err != nil {
				return fmt.Errorf("seed measure unit %d: %w", u.ID, err)
			}
		}
		for _, c := range f.Conversions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO measure_conversions (measure_id, ref_measure_id, ratio, measure_type) VALUES ($1, $2, $3, $4)
				ON CONFLICT (measure_id, ref_measure_id) DO UPDATE SET ratio = excluded.ratio, measure_type = excluded.measure_type`,
				c.MeasureID, c.RefMeasureID, c.Ratio, c.MeasureType); err != nil {
				return fmt.Errorf("seed conversion %d→%d: %w", c.MeasureID, c.RefMeasureID, err)
			}
		}
		for i, u := range f.UsageTypes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO usage_types (code, resource_type_code, name_zh, name_en, sort) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (resource_type_code, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, sort = excluded.sort`,
				u.Code, u.ResourceType, u.NameZH, u.NameEN, (i+1)*10); err != nil {
				return fmt.Errorf("seed usage type %s: %w", u.Code, err)
			}
		}
		months := decimal.NewFromInt(f.YearMonths)
		for i, s := range f.allSpecs() {
			if _, err := tx.ExecContext(ctx, `INSERT INTO resource_specs (resource_type_code, code, name_zh, name_en, billing,
					size_measure_id, usage_factor, usage_measure_id, sort, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
				ON CONFLICT (resource_type_code, code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
					billing = excluded.billing, size_measure_id = excluded.size_measure_id, usage_factor = excluded.usage_factor,
					usage_measure_id = excluded.usage_measure_id, sort = excluded.sort`,
				s.ResourceType, s.Code, s.NameZH, s.NameEN, string(s.Billing), s.SizeMeasureID, s.UsageFactor, s.UsageMeasureID,
				(i+1)*10, now); err != nil {
				return fmt.Errorf("seed spec %s: %w", s.Code, err)
			}
			for _, r := range f.Regions {
				prices := map[PriceMode]decimal.Decimal{OnDemand: s.Hour.Mul(r.Factor).Round(6)}
				if s.Month != nil {
					month := s.Month.Mul(r.Factor).Round(2)
					prices[Monthly] = month
					prices[Yearly] = month.Mul(months)
				}
				for _, mode := range priceModes {
					p, ok := prices[mode]
					if !ok {
						continue
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO spec_prices (region_code, resource_type_code, spec_code, mode,
							price_micros, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, '')
						ON CONFLICT (region_code, resource_type_code, spec_code, mode) DO NOTHING`,
						r.Code, s.ResourceType, s.Code, string(mode), micros(p), now); err != nil {
						return fmt.Errorf("seed price of %s in %s: %w", s.Code, r.Code, err)
					}
				}
			}
		}
		return nil
	})
}
