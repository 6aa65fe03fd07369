package commerce_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/commerce"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/i18n"
)

func mustCatalog(tb testing.TB, d *db.DB) *commerce.Catalog {
	tb.Helper()
	c, err := commerce.NewCatalog(context.Background(), d)
	if err != nil {
		tb.Fatalf("new catalog: %v", err)
	}
	return c
}

func countRows(tb testing.TB, d *db.DB, table string) int {
	tb.Helper()
	var n int
	if err := d.SQL.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func serviceCodes(list []commerce.ServiceType) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = s.Code
	}
	return out
}

func TestCatalogSeed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustCatalog(t, d)
		services, resources := countRows(t, d, "service_types"), countRows(t, d, "resource_types")
		if services < 20 || resources < 30 {
			t.Fatalf("seeded %d service types and %d resource types; want at least 20 and 30", services, resources)
		}

		t.Run("Idempotent", func(t *testing.T) {
			// A second node starting on the same database seeds again.
			mustCatalog(t, d)
			if got, want := countRows(t, d, "service_types"), services; got != want {
				t.Errorf("%d service types after a second seed, want %d", got, want)
			}
			if got, want := countRows(t, d, "resource_types"), resources; got != want {
				t.Errorf("%d resource types after a second seed, want %d", got, want)
			}
		})

		t.Run("RestoresChangedRows", func(t *testing.T) {
			if _, err := d.SQL.Exec("UPDATE service_types SET name_zh = 'x' WHERE code = 'hws.service.type.ec2'"); err != nil {
				t.Fatal(err)
			}
			c2 := mustCatalog(t, d)
			list, _, _ := c2.ServiceTypes(ctx, i18n.ZH, "hws.service.type.ec2", 0, 0)
			if len(list) != 1 || list[0].Name != "弹性云服务器" {
				t.Errorf("ec2 after reseeding: %+v, want 弹性云服务器", list)
			}
		})

		t.Run("Complete", func(t *testing.T) {
			// Every entry has both names, codes are Huawei-shaped, and every
			// service type a resource type names exists.
			for _, l := range i18n.Langs {
				sts, _, _ := c.ServiceTypes(ctx, l, "", 0, 0)
				known := map[string]bool{}
				for _, s := range sts {
					if !strings.HasPrefix(s.Code, "hws.service.type.") || s.Name == "" || s.Abbreviation == "" {
						t.Errorf("%s: incomplete service type %+v", l, s)
					}
					known[s.Code] = true
				}
				rts, _, _ := c.ResourceTypes(ctx, l, "", 0, 0)
				for _, r := range rts {
					if !strings.HasPrefix(r.Code, "hws.resource.type.") || r.Name == "" || r.Desc == "" || !known[r.ServiceTypeCode] {
						t.Errorf("%s: incomplete resource type %+v", l, r)
					}
				}
			}
		})
	})
}

func TestServiceTypes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustCatalog(t, d)
		all, total, err := c.ServiceTypes(ctx, i18n.ZH, "", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != total {
			t.Fatalf("%d service types without a limit, total %d", len(all), total)
		}
		tests := []struct {
			name          string
			lang          i18n.Lang
			code          string
			limit, offset int
			wantCodes     []string
			wantTotal     int
			wantFirstName string
		}{
			{"OK/FirstPage", i18n.ZH, "", 3, 0, serviceCodes(all[:3]), total, "弹性云服务器"},
			{"OK/SecondPage", i18n.ZH, "", 3, 3, serviceCodes(all[3:6]), total, all[3].Name},
			{"OK/LastPartialPage", i18n.ZH, "", 10, total - 2, serviceCodes(all[total-2:]), total, all[total-2].Name},
			{"OK/OffsetPastEnd", i18n.ZH, "", 10, total + 5, []string{}, total, ""},
			{"OK/English", i18n.EN, "", 1, 0, []string{"hws.service.type.ec2"}, total, "Elastic Cloud Server"},
			{"OK/ByCode", i18n.EN, "hws.service.type.obs", 10, 0, []string{"hws.service.type.obs"}, 1, "Object Storage Service"},
			{"OK/ByUnknownCode", i18n.ZH, "hws.service.type.nope", 10, 0, []string{}, 0, ""},
			{"OK/UnsupportedLanguageIsChinese", i18n.Lang("fr-FR"), "hws.service.type.ebs", 0, 0, []string{"hws.service.type.ebs"}, 1, "云硬盘"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				list, total, err := c.ServiceTypes(ctx, tt.lang, tt.code, tt.limit, tt.offset)
				if err != nil {
					t.Fatal(err)
				}
				if got, want := strings.Join(serviceCodes(list), ","), strings.Join(tt.wantCodes, ","); got != want {
					t.Errorf("codes %s, want %s", got, want)
				}
				if total != tt.wantTotal {
					t.Errorf("total %d, want %d", total, tt.wantTotal)
				}
				if tt.wantFirstName != "" && (len(list) == 0 || list[0].Name != tt.wantFirstName) {
					t.Errorf("first %+v, want name %q", list, tt.wantFirstName)
				}
			})
		}
	})
}

func TestResourceTypes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := mustCatalog(t, d)

		t.Run("OK/Paging", func(t *testing.T) {
			all, total, _ := c.ResourceTypes(ctx, i18n.ZH, "", 0, 0)
			page, total2, _ := c.ResourceTypes(ctx, i18n.ZH, "", 4, 2)
			if total2 != total || len(page) != 4 || page[0] != all[2] || page[3] != all[5] {
				t.Errorf("page %+v (total %d), want rows 2..5 of %d", page, total2, total)
			}
		})

		t.Run("OK/ByCodeInBothLanguages", func(t *testing.T) {
			zh, n, _ := c.ResourceTypes(ctx, i18n.ZH, "hws.resource.type.vm", 10, 0)
			en, _, _ := c.ResourceTypes(ctx, i18n.EN, "hws.resource.type.vm", 10, 0)
			if n != 1 || len(zh) != 1 || len(en) != 1 {
				t.Fatalf("vm: %+v / %+v (total %d), want one each", zh, en, n)
			}
			if zh[0].Name != "云主机" || en[0].Name != "Cloud server" || zh[0].ServiceTypeCode != "hws.service.type.ec2" ||
				!strings.Contains(en[0].Desc, "flavor") {
				t.Errorf("vm: %+v / %+v", zh[0], en[0])
			}
		})

		t.Run("OK/ResultsAreCopies", func(t *testing.T) {
			list, _, _ := c.ResourceTypes(ctx, i18n.ZH, "", 1, 0)
			list[0].Name = "changed"
			again, _, _ := c.ResourceTypes(ctx, i18n.ZH, "", 1, 0)
			if again[0].Name == "changed" {
				t.Error("changing a result changed the catalogue")
			}
		})

		t.Run("OK/ReloadSeesWrites", func(t *testing.T) {
			if _, err := d.SQL.Exec(`INSERT INTO resource_types (code, service_type_code, name_zh, name_en, sort)
				VALUES ('hws.resource.type.test', 'hws.service.type.ec2', '测试', 'Test', 999)`); err != nil {
				t.Fatal(err)
			}
			if list, _, _ := c.ResourceTypes(ctx, i18n.EN, "hws.resource.type.test", 0, 0); len(list) != 0 {
				t.Fatalf("a write showed before Reload: %+v", list)
			}
			if err := c.Reload(ctx); err != nil {
				t.Fatal(err)
			}
			if list, _, _ := c.ResourceTypes(ctx, i18n.EN, "hws.resource.type.test", 0, 0); len(list) != 1 || list[0].Name != "Test" {
				t.Errorf("after Reload: %+v, want the new type", list)
			}
		})
	})
}
