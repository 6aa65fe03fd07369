package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"partnercenter/internal/platform/db"
)

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("partnercenter %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

// TestDemoJSONContract checks `demo --json` against design.md §5: the keys
// other tools read, and the same answer on a second run.
func TestDemoJSONContract(t *testing.T) {
	dir := t.TempDir()
	first := mustRun(t, "demo", "--data", dir, "--json")
	var doc struct {
		Operator  map[string]string   `json:"operator"`
		Partners  []map[string]any    `json:"partners"`
		Customers []map[string]string `json:"customers"`
	}
	if err := json.Unmarshal([]byte(first), &doc); err != nil {
		t.Fatalf("demo --json is not JSON: %v\n%s", err, first)
	}
	if doc.Operator["username"] == "" || doc.Operator["password"] == "" {
		t.Fatalf("operator login missing: %v", doc.Operator)
	}
	wantKeys := []string{"sp", "sp2", "dist", "reseller"}
	wantTypes := map[string]string{"sp": "solution_provider", "sp2": "solution_provider", "dist": "distributor", "reseller": "cloud_reseller"}
	if len(doc.Partners) != len(wantKeys) {
		t.Fatalf("got %d partners, want %d", len(doc.Partners), len(wantKeys))
	}
	for i, p := range doc.Partners {
		if got, want := p["key"], wantKeys[i]; got != want {
			t.Errorf("partner %d key %v, want %s", i, got, want)
		}
		if got, want := p["type"], wantTypes[wantKeys[i]]; got != want {
			t.Errorf("%s type %v, want %s", wantKeys[i], got, want)
		}
		for _, field := range []string{"partner_id", "domain_id", "domain_name", "xaccount_type", "access_key", "secret_key"} {
			if s, _ := p[field].(string); s == "" {
				t.Errorf("%s: %s missing", wantKeys[i], field)
			}
		}
		admin, _ := p["admin"].(map[string]any)
		if admin["username"] != p["domain_name"] || admin["password"] == "" {
			t.Errorf("%s: admin %v must sign in with the domain name", wantKeys[i], admin)
		}
	}
	if got := doc.Partners[3]["parent"]; got != "dist" {
		t.Errorf("reseller parent %v, want dist", got)
	}
	wantCustomers := []struct{ key, partner, typ string }{
		{"sp-reseller", "sp", "reseller"}, {"sp-referral", "sp", "referral"}, {"reseller-reseller", "reseller", "reseller"}}
	if len(doc.Customers) != len(wantCustomers) {
		t.Fatalf("got %d customers, want %d", len(doc.Customers), len(wantCustomers))
	}
	for i, want := range wantCustomers {
		c := doc.Customers[i]
		if c["key"] != want.key || c["partner"] != want.partner || c["association_type"] != want.typ {
			t.Errorf("customer %d: %v, want %s of %s (%s)", i, c, want.key, want.partner, want.typ)
		}
		for _, field := range []string{"domain_id", "domain_name", "password"} {
			if c[field] == "" {
				t.Errorf("customer %s: %s missing", want.key, field)
			}
		}
		if len(c["domain_id"]) != 32 {
			t.Errorf("customer %s: domain_id %q is not 32 hex", want.key, c["domain_id"])
		}
	}
	if second := mustRun(t, "demo", "--data", dir, "--json"); second != first {
		t.Fatalf("demo --json is not idempotent:\n%s\n%s", first, second)
	}
}

func TestOutboxJSON(t *testing.T) {
	dir := t.TempDir()
	out := mustRun(t, "outbox", "--data", dir, "--json")
	var msgs []map[string]any
	if err := json.Unmarshal([]byte(out), &msgs); err != nil || len(msgs) != 0 {
		t.Fatalf("empty outbox: got %q (%v), want []", out, err)
	}
}

func TestCommands(t *testing.T) {
	dir := t.TempDir()
	if out := mustRun(t, "migrate", "--data", dir); !strings.Contains(out, "migrated sqlite") {
		t.Errorf("migrate printed %q", out)
	}
	if out := mustRun(t, "version"); !strings.HasPrefix(out, "partnercenter ") {
		t.Errorf("version printed %q", out)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, &out, &errOut); err == nil {
		t.Error("an unknown command must fail")
	}
	if err := run(context.Background(), nil, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "usage") {
		t.Error("no command must print usage and fail")
	}
	if err := run(context.Background(), []string{"serve", "--no-such-flag"}, &out, &errOut); err == nil {
		t.Error("an unknown flag must fail")
	}
}

// TestLedgerVerify: `ledger verify` passes on the demo data (which holds
// coupon quotas) and fails with errLedgerProblems (exit 1) once a balance
// is changed behind the ledger's back.
func TestLedgerVerify(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "demo", "--data", dir, "--json")
	mustRun(t, "demo", "--data", dir, "--json") // the demo quotas are granted once
	out := mustRun(t, "ledger", "verify", "--data", dir)
	// 4 granted quotas and the reseller's 2 carved from them; the 4 coupons
	// of the demo's reseller customer.
	if !strings.Contains(out, "ledger: 6 quotas, 4 coupons, 16 entries") || !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("ledger verify printed %q", out)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.SQL.Exec("UPDATE coupon_quotas SET balance = balance - 1"); err != nil {
		t.Fatal(err)
	}
	d.Close()
	var stdout, stderr bytes.Buffer
	err = run(ctx, []string{"ledger", "verify", "--data", dir}, &stdout, &stderr)
	if !errors.Is(err, errLedgerProblems) || !strings.Contains(stdout.String(), "problem: quota ") {
		t.Fatalf("tampered ledger: %v\n%s", err, stdout.String())
	}
	if err := run(ctx, []string{"ledger"}, &stdout, &stderr); err == nil {
		t.Fatal("ledger without verify must fail")
	}
}
