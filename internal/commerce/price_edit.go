package commerce

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// Errors of catalogue editing.
var (
	ErrSpecExists = apperr.New("PC.0409", "err.rating_spec_exists")
	ErrPriceValue = apperr.New("CBC.0100", "err.rating_price_value")
)

// maxPrice bounds a list price (yuan).
var maxPrice = decimal.New(1, 9)

// requireCurator allows platform admins and ecosystem managers.
func requireCurator(actor identity.Actor) error {
	if actor.IsOperator() && (actor.HasOperatorRole(identity.RolePlatformAdmin) || actor.HasOperatorRole(identity.RoleEcoManager)) {
		return nil
	}
	return identity.ErrForbidden
}

// checkPrice accepts 0 ≤ p < 1e9 with at most 6 decimals.
func checkPrice(p decimal.Decimal, field string) error {
	if p.IsNegative() || p.GreaterThanOrEqual(maxPrice) || !p.Equal(p.Truncate(6)) {
		return ErrPriceValue.WithField(field, "err.rating_price_value")
	}
	return nil
}

// audit writes one audit row in the edit's transaction.
func audit(ctx context.Context, tx *sql.Tx, a identity.Actor, action, target, detail string, at time.Time) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, actor_type, actor_id, partner_id, action, target, detail, created_at)
		VALUES ($1, $2, $3, '', $4, $5, $6, $7)`, ids.New(), string(a.Kind), a.ID, action, target, detail, at); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// bumpVersion marks the price table changed, for the other nodes.
func bumpVersion(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "UPDATE price_versions SET version = version + 1 WHERE id = 1"); err != nil {
		return fmt.Errorf("bump price version: %w", err)
	}
	return nil
}

// SetPrice sets a spec's list price in one region and mode; inquiries use it
// at once on this node and within RefreshInterval on the others. Platform
// admins and ecosystem managers only. Errors: identity.ErrForbidden,
// ErrProductNotFound, ErrPriceValue. Idempotent.
func (c *Catalog) SetPrice(ctx context.Context, actor identity.Actor, region, resourceType, spec string, mode PriceMode, price decimal.Decimal) error {
	if err := requireCurator(actor); err != nil {
		return err
	}
	if !mode.Valid() {
		return errParam("mode")
	}
	if err := checkPrice(price, "price"); err != nil {
		return err
	}
	s := c.prices.Load()
	e, ok := s.specByKey[specKey{resourceType, spec}]
	if !ok || !s.regionSet[region] || (e.Billing == BillUsage && mode != OnDemand) {
		return ErrProductNotFound
	}
	now := c.now()
	err := c.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO spec_prices (region_code, resource_type_code, spec_code, mode, price_micros, updated_at, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (region_code, resource_type_code, spec_code, mode) DO UPDATE SET price_micros = excluded.price_micros,
				updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			region, resourceType, spec, string(mode), micros(price), now, actor.Name); err != nil {
			return fmt.Errorf("set price of %s in %s: %w", spec, region, err)
		}
		if err := audit(ctx, tx, actor, "catalog.price_set", region+"/"+resourceType+"/"+spec,
			string(mode)+"="+price.String(), now); err != nil {
			return err
		}
		return bumpVersion(ctx, tx)
	})
	if err != nil {
		return err
	}
	return c.Reload(ctx)
}

// NewSpec is a resource spec an operator adds, with the prices it gets in
// every region (nil: not sold that way).
type NewSpec struct {
	ResourceType   string
	Code           string
	NameZH, NameEN string
	Billing        Billing
	SizeMeasureID  int
	UsageFactor    string
	UsageMeasureID int
	OnDemand       *decimal.Decimal
	Monthly        *decimal.Decimal
	Yearly         *decimal.Decimal
}

var specCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// AddSpec adds a resource spec with the same prices in every region.
// Platform admins and ecosystem managers only. Errors: identity.ErrForbidden,
// CBC.0100 naming the field, ErrSpecExists. Not idempotent: a second add of
// the same code is ErrSpecExists.
func (c *Catalog) AddSpec(ctx context.Context, actor identity.Actor, in NewSpec) error {
	if err := requireCurator(actor); err != nil {
		return err
	}
	in.Code, in.NameZH, in.NameEN = strings.TrimSpace(in.Code), strings.TrimSpace(in.NameZH), strings.TrimSpace(in.NameEN)
	s := c.prices.Load()
	known := false
	for _, r := range c.snapshot().resources[supported("")] {
		known = known || r.Code == in.ResourceType
	}
	switch {
	case !known:
		return errParam("resource_type")
	case !specCode.MatchString(in.Code):
		return errParam("code")
	case in.NameZH == "" || len(in.NameZH) > 200:
		return errParam("name_zh")
	case in.NameEN == "" || len(in.NameEN) > 200:
		return errParam("name_en")
	case !in.Billing.Valid():
		return errParam("billing")
	case !s.usageSet[specKey{in.ResourceType, in.UsageFactor}]:
		return errParam("usage_factor")
	case s.unitType[in.UsageMeasureID] == 0:
		return errParam("usage_measure_id")
	case in.Billing == BillLinear && s.unitType[in.SizeMeasureID] == 0:
		return errParam("size_measure_id")
	case in.OnDemand == nil && in.Monthly == nil && in.Yearly == nil:
		return errParam("price")
	case in.Billing == BillUsage && (in.OnDemand == nil || in.Monthly != nil || in.Yearly != nil):
		return errParam("price")
	}
	if in.Billing != BillLinear {
		in.SizeMeasureID = 0
	}
	prices := map[PriceMode]*decimal.Decimal{OnDemand: in.OnDemand, Monthly: in.Monthly, Yearly: in.Yearly}
	for m, p := range prices {
		if p != nil {
			if err := checkPrice(*p, string(m)); err != nil {
				return err
			}
		}
	}
	if _, ok := s.specByKey[specKey{in.ResourceType, in.Code}]; ok {
		return ErrSpecExists
	}
	now := c.now()
	err := c.db.InTx(ctx, func(tx *sql.Tx) error {
		var sortKey int
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(sort), 0) + 10 FROM resource_specs WHERE resource_type_code = $1",
			in.ResourceType).Scan(&sortKey); err != nil {
			return fmt.Errorf("next spec sort: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO resource_specs (resource_type_code, code, name_zh, name_en, billing,
				size_measure_id, usage_factor, usage_measure_id, sort, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			in.ResourceType, in.Code, in.NameZH, in.NameEN, string(in.Billing), in.SizeMeasureID, in.UsageFactor, in.UsageMeasureID,
			sortKey, now); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrSpecExists
			}
			return fmt.Errorf("add spec %s: %w", in.Code, err)
		}
		for _, r := range s.regions[supported("")] {
			for _, m := range priceModes {
				p := prices[m]
				if p == nil {
					continue
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO spec_prices (region_code, resource_type_code, spec_code, mode, price_micros, updated_at, updated_by)
					VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.Code, in.ResourceType, in.Code, string(m), micros(*p), now, actor.Name); err != nil {
					return fmt.Errorf("add price of %s in %s: %w", in.Code, r.Code, err)
				}
			}
		}
		if err := audit(ctx, tx, actor, "catalog.spec_added", in.ResourceType+"/"+in.Code, string(in.Billing), now); err != nil {
			return err
		}
		return bumpVersion(ctx, tx)
	})
	if err != nil {
		return err
	}
	return c.Reload(ctx)
}
