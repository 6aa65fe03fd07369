package commerce

import (
	"context"
	"database/sql"
	_ "embed"
	"encoding/json"
	"fmt"

	"partnercenter/internal/platform/db"
)

// catalogData is the cloud's catalogue of service and resource types. The
// codes are Huawei's (hws.service.type.*, hws.resource.type.*), so that
// integrations built against the real API find the codes they know.
//
//go:embed catalog_data.json
var catalogData []byte

type seedFile struct {
	ServiceTypes []struct {
		Code         string `json:"code"`
		NameZH       string `json:"name_zh"`
		NameEN       string `json:"name_en"`
		Abbreviation string `json:"abbreviation"`
	} `json:"service_types"`
	ResourceTypes []struct {
		Code            string `json:"code"`
		ServiceTypeCode string `json:"service_type_code"`
		NameZH          string `json:"name_zh"`
		NameEN          string `json:"name_en"`
		DescZH          string `json:"desc_zh"`
		DescEN          string `json:"desc_en"`
	} `json:"resource_types"`
}

// seedCatalog upserts the embedded catalogue in one transaction. It is
// idempotent and safe to run from several nodes at once: rows are written
// in the file's order, so concurrent seeds queue on the same rows instead of
// deadlocking. Rows that are no longer in the file are left alone.
func seedCatalog(ctx context.Context, d *db.DB) error {
	var f seedFile
	if err := json.Unmarshal(catalogData, &f); err != nil {
		return fmt.Errorf("parse catalogue data: %w", err)
	}
	return d.InTx(ctx, func(tx *sql.Tx) error {
		for i, st := range f.ServiceTypes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO service_types (code, name_zh, name_en, abbreviation, sort)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en,
					abbreviation = excluded.abbreviation, sort = excluded.sort`,
				st.Code, st.NameZH, st.NameEN, st.Abbreviation, (i+1)*10); err != nil {
				return fmt.Errorf("seed service type %s: %w", st.Code, err)
			}
		}
		for i, rt := range f.ResourceTypes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO resource_types (code, service_type_code, name_zh, name_en, desc_zh, desc_en, sort)
				VALUES ($1, $2, $3, $4, $5, $6, $7)
				ON CONFLICT (code) DO UPDATE SET service_type_code = excluded.service_type_code,
					name_zh = excluded.name_zh, name_en = excluded.name_en,
					desc_zh = excluded.desc_zh, desc_en = excluded.desc_en, sort = excluded.sort`,
				rt.Code, rt.ServiceTypeCode, rt.NameZH, rt.NameEN, rt.DescZH, rt.DescEN, (i+1)*10); err != nil {
				return fmt.Errorf("seed resource type %s: %w", rt.Code, err)
			}
		}
		return nil
	})
}
