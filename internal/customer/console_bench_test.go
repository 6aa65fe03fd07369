package customer_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/jobs"
)

// benchEnv reads a positive integer from the environment, else def.
func benchEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// mustBulkCustomers inserts n customers associated with partnerID, one
// second apart, in multi-row INSERTs as cmd/pcgen does: every tenth has a
// label, every third a mobile, every twentieth is frozen, and every tenth
// is assigned to manager (when set).
func mustBulkCustomers(tb testing.TB, d *db.DB, partnerID, prefix string, n int, start time.Time, manager string) {
	tb.Helper()
	const batch = 200
	positional := d.Dialect == db.SQLite
	mark := func(sb *strings.Builder, k, cols int) {
		sb.WriteByte('(')
		for j := 1; j <= cols; j++ {
			if j > 1 {
				sb.WriteByte(',')
			}
			if positional {
				sb.WriteByte('?')
			} else {
				fmt.Fprintf(sb, "$%d", k+j)
			}
		}
		sb.WriteByte(')')
	}
	err := d.InTx(context.Background(), func(tx *sql.Tx) error {
		for b := 0; b < n; b += batch {
			k := min(batch, n-b)
			var cs, as strings.Builder
			cs.WriteString(`INSERT INTO customers (id, domain_name, domain_name_key, mobile_country_code, mobile, label,
				real_name, account_manager_id, frozen, created_at, updated_at) VALUES `)
			as.WriteString("INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at) VALUES ")
			var cargs, aargs []any
			for j := range k {
				i := b + j
				id := ids.New()
				name := fmt.Sprintf("%s-c%07d", prefix, i)
				var cc, mobile, label string
				var mgr any
				frozen := 0
				if i%3 == 0 {
					cc, mobile = "0086", fmt.Sprintf("13%09d", i)
				}
				if i%10 == 0 {
					label = "VIP"
				}
				if i%10 == 1 && manager != "" {
					mgr = manager
				}
				if i%20 == 0 {
					frozen = 1
				}
				at := start.Add(time.Duration(i) * time.Second)
				if j > 0 {
					cs.WriteByte(',')
					as.WriteByte(',')
				}
				mark(&cs, len(cargs), 11)
				cargs = append(cargs, id, name, name, cc, mobile, label, "客户"+strconv.Itoa(i), mgr, frozen, at, at)
				mark(&as, len(aargs), 5)
				typ := customer.Reseller
				if i%4 == 0 {
					typ = customer.Referral
				}
				aargs = append(aargs, ids.New(), id, partnerID, typ, at)
			}
			if _, err := tx.Exec(cs.String(), cargs...); err != nil {
				return err
			}
			if _, err := tx.Exec(as.String(), aargs...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("bulk customers: %v", err)
	}
}

// BenchmarkConsoleList measures the console's customer list for one
// partner holding PC_BENCH_CUSTOMERS customers (default 2,000) among
// PC_BENCH_TOTAL (default 4,000) on SQLite: the first page and filtered
// pages, with the p95 of the iterations reported as p95-ms. The lead runs
// it at 100,000 among 1,000,000:
//
//	PC_BENCH_CUSTOMERS=100000 PC_BENCH_TOTAL=1000000 go test ./internal/customer/ -run '^$' -bench ConsoleList -benchtime 200x
func BenchmarkConsoleList(b *testing.B) {
	n := benchEnv("PC_BENCH_CUSTOMERS", 2000)
	total := max(benchEnv("PC_BENCH_TOTAL", 4000), n)
	d := dbtest.Open(b, db.SQLite, jobs.Migrate)
	f := mustFixture(b, d)
	ctx := context.Background()
	manager, _, err := f.ident.CreateMember(ctx, f.sp.main, identity.NewMember{AccountName: unique("benchmgr"),
		Roles: []string{identity.PresetAccountManager}})
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	mustBulkCustomers(b, d, f.sp.p.ID, "bench", n, start, manager.ID)
	// The other partners' customers, interleaved in time.
	others := []string{f.sp2.p.ID, f.reseller.p.ID}
	rest := total - n
	for i, p := range others {
		share := rest / len(others)
		if i == len(others)-1 {
			share = rest - share*(len(others)-1)
		}
		if share > 0 {
			mustBulkCustomers(b, d, p, fmt.Sprintf("other%d", i), share, start.Add(time.Duration(i)*time.Millisecond), "")
		}
	}
	if _, err := d.SQL.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	am := manager.Actor(f.sp.p)
	if am.Perms, am.Scope, err = f.ident.MemberAccess(ctx, f.sp.p.ID, manager.ID); err != nil {
		b.Fatal(err)
	}
	admin := f.sp.main
	limit, deep := 20, n/2
	cases := []struct {
		name  string
		actor identity.Actor
		f     customer.ListFilter
	}{
		{"FirstPage", admin, customer.ListFilter{Limit: &limit}},
		{"FirstPageOldest", admin, customer.ListFilter{Limit: &limit, OldestFirst: true}},
		{"DeepPage", admin, customer.ListFilter{Limit: &limit, Offset: &deep}},
		{"Type", admin, customer.ListFilter{Limit: &limit, AssociationType: ptr("1")}},
		{"Label", admin, customer.ListFilter{Limit: &limit, Label: ptr("VIP")}},
		{"AccountName", admin, customer.ListFilter{Limit: &limit, AccountName: ptr("c00012")}},
		{"Mobile", admin, customer.ListFilter{Limit: &limit, Mobile: ptr(fmt.Sprintf("13%09d", n/3*3))}},
		{"ManagerName", admin, customer.ListFilter{Limit: &limit, AccountManager: ptr("benchmgr")}},
		{"Frozen", admin, customer.ListFilter{Limit: &limit, Frozen: ptr(true)}},
		{"AccountManagerScope", am, customer.ListFilter{Limit: &limit}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				rows, _, err := f.svc.ConsoleCustomers(ctx, c.actor, c.f)
				times = append(times, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				if len(rows) == 0 {
					b.Fatal("empty page")
				}
			}
			slices.Sort(times)
			if len(times) > 0 {
				p95 := times[min(len(times)-1, len(times)*95/100)]
				b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
			}
		})
	}
}
