package commerce

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
)

// ServiceType is a cloud service type (云服务类型), e.g.
// hws.service.type.ec2 "弹性云服务器", named in one language.
type ServiceType struct {
	Code         string
	Name         string
	Abbreviation string
}

// ResourceType is a resource type (资源类型) of a cloud service, e.g.
// hws.resource.type.vm "云主机" of hws.service.type.ec2, named and described
// in one language.
type ResourceType struct {
	Code            string
	Name            string
	Desc            string
	ServiceTypeCode string
}

// Catalog answers questions about the product catalogue. The catalogue is
// read-mostly reference data, so every read is served from an in-memory
// snapshot, loaded at start and replaced by Reload after writes; a read never
// touches the database. It is safe for concurrent use.
type Catalog struct {
	db     *db.DB
	snap   atomic.Pointer[catalogSnapshot]
	prices atomic.Pointer[priceSnapshot]

	// refreshing is set while a background version check runs; nextCheck
	// is when the next may start (unix nanoseconds).
	refreshing atomic.Bool
	nextCheck  atomic.Int64
	interval   atomic.Int64 // time.Duration; 0 means RefreshInterval

	clock     clock.Clock
	customers CustomerDirectory
	partners  PartnerDirectory
	discount  CustomerDiscount
	renewals  RenewalResources
}

// catalogSnapshot holds the catalogue in display order, once per language.
type catalogSnapshot struct {
	services  map[i18n.Lang][]ServiceType
	resources map[i18n.Lang][]ResourceType
}

// NewCatalog seeds the catalogue from the embedded data (an idempotent
// upsert) and loads its snapshot. It runs on every start, on every node.
func NewCatalog(ctx context.Context, d *db.DB) (*Catalog, error) {
	if err := seedCatalog(ctx, d); err != nil {
		return nil, err
	}
	if err := seedPrices(ctx, d, time.Now().UTC()); err != nil {
		return nil, err
	}
	c := &Catalog{db: d, clock: clock.System()}
	if err := c.Reload(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload replaces the snapshot with the database's current catalogue. Call it
// after writing catalogue rows; readers switch atomically.
func (c *Catalog) Reload(ctx context.Context) error {
	snap := &catalogSnapshot{services: map[i18n.Lang][]ServiceType{}, resources: map[i18n.Lang][]ResourceType{}}
	rows, err := c.db.SQL.QueryContext(ctx,
		"SELECT code, name_zh, name_en, abbreviation FROM service_types ORDER BY sort, code")
	if err != nil {
		return fmt.Errorf("load service types: %w", err)
	}
	for rows.Next() {
		var code, zh, en, abbr string
		if err := rows.Scan(&code, &zh, &en, &abbr); err != nil {
			rows.Close()
			return fmt.Errorf("load service types: %w", err)
		}
		snap.services[i18n.ZH] = append(snap.services[i18n.ZH], ServiceType{Code: code, Name: zh, Abbreviation: abbr})
		snap.services[i18n.EN] = append(snap.services[i18n.EN], ServiceType{Code: code, Name: en, Abbreviation: abbr})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load service types: %w", err)
	}
	rows, err = c.db.SQL.QueryContext(ctx, `SELECT r.code, r.service_type_code, r.name_zh, r.name_en, r.desc_zh, r.desc_en
		FROM resource_types r JOIN service_types s ON s.code = r.service_type_code ORDER BY s.sort, r.sort, r.code`)
	if err != nil {
		return fmt.Errorf("load resource types: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, svc, zh, en, descZH, descEN string
		if err := rows.Scan(&code, &svc, &zh, &en, &descZH, &descEN); err != nil {
			return fmt.Errorf("load resource types: %w", err)
		}
		snap.resources[i18n.ZH] = append(snap.resources[i18n.ZH], ResourceType{Code: code, Name: zh, Desc: descZH, ServiceTypeCode: svc})
		snap.resources[i18n.EN] = append(snap.resources[i18n.EN], ResourceType{Code: code, Name: en, Desc: descEN, ServiceTypeCode: svc})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load resource types: %w", err)
	}
	prices, err := c.loadPrices(ctx)
	if err != nil {
		return err
	}
	c.snap.Store(snap)
	// Never replace a newer price table with an older one: a background
	// reload that started before an edit may finish after the edit's own.
	for {
		cur := c.prices.Load()
		if cur != nil && cur.version > prices.version {
			break
		}
		if c.prices.CompareAndSwap(cur, prices) {
			break
		}
	}
	c.nextCheck.Store(time.Now().Add(c.refreshInterval()).UnixNano())
	return nil
}

// page returns the window [offset, offset+limit) of the items matching keep,
// and how many match in all. limit <= 0 means no limit; a negative offset
// counts as 0.
func page[T any](items []T, keep func(T) bool, limit, offset int) ([]T, int) {
	offset = max(offset, 0)
	if keep == nil {
		total := len(items)
		if offset >= total {
			return []T{}, total
		}
		end := total
		if limit > 0 && offset+limit < total {
			end = offset + limit
		}
		return slices.Clone(items[offset:end]), total
	}
	out := []T{}
	total := 0
	for _, it := range items {
		if !keep(it) {
			continue
		}
		if total >= offset && (limit <= 0 || len(out) < limit) {
			out = append(out, it)
		}
		total++
	}
	return out, total
}

// ServiceTypes lists cloud service types in display order, named in lang
// (zh-CN for an unsupported language), with the number matching. A non-empty
// code returns only that type (none if unknown). limit <= 0 returns every
// match from offset. Anyone may call it: the catalogue is public reference
// data; the API guards it with PermCatalogView.
func (c *Catalog) ServiceTypes(ctx context.Context, lang i18n.Lang, code string, limit, offset int) ([]ServiceType, int, error) {
	items := c.snapshot().services[supported(lang)]
	var keep func(ServiceType) bool
	if code != "" {
		keep = func(s ServiceType) bool { return s.Code == code }
	}
	list, total := page(items, keep, limit, offset)
	return list, total, nil
}

// ResourceTypes lists resource types, grouped by service type in display
// order, named and described in lang, with the number matching. A non-empty
// code returns only that type. limit <= 0 returns every match from offset.
// Anyone may call it, as ServiceTypes.
func (c *Catalog) ResourceTypes(ctx context.Context, lang i18n.Lang, code string, limit, offset int) ([]ResourceType, int, error) {
	items := c.snapshot().resources[supported(lang)]
	var keep func(ResourceType) bool
	if code != "" {
		keep = func(r ResourceType) bool { return r.Code == code }
	}
	list, total := page(items, keep, limit, offset)
	return list, total, nil
}

func (c *Catalog) snapshot() *catalogSnapshot { return c.snap.Load() }

func supported(lang i18n.Lang) i18n.Lang {
	if lang == i18n.EN {
		return i18n.EN
	}
	return i18n.ZH
}

// SetClock replaces the clock that stamps edits (tests).
func (c *Catalog) SetClock(ck clock.Clock) { c.clock = ck }

func (c *Catalog) now() time.Time { return c.clock.Now().UTC() }
