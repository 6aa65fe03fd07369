package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/money"
)

// TestLedgerVerifyCards: `ledger verify` checks the stored-value card
// ledger too: clean after a card is bought, a problem (exit 1) once a card
// balance is changed behind the ledger's back.
func TestLedgerVerifyCards(t *testing.T) {
	dir := t.TempDir()
	mustRun(t, "demo", "--data", dir, "--json")
	ctx := context.Background()
	a, err := app.New(ctx, app.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var customerID string
	if err := a.DB.SQL.QueryRow("SELECT id FROM customers WHERE domain_name = 'demo-sp-referral-customer'").Scan(&customerID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Funds.TopUpCustomer(ctx, customerID, money.MustParse("100"), "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cards.Buy(ctx, customerID, money.MustParse("100")); err != nil {
		t.Fatal(err)
	}
	var cards, entries int
	if err := a.DB.SQL.QueryRow("SELECT (SELECT COUNT(*) FROM stored_value_cards), (SELECT COUNT(*) FROM card_ledger)").Scan(&cards, &entries); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "ledger", "verify", "--data", dir)
	if want := fmt.Sprintf("card ledger: %d cards, %d entries", cards, entries); cards == 0 || !strings.Contains(out, want) || !strings.HasSuffix(out, "ok\n") {
		t.Fatalf("ledger verify printed %q", out)
	}
	if _, err := a.DB.SQL.Exec("UPDATE stored_value_cards SET balance = balance - 1"); err != nil {
		t.Fatal(err)
	}
	a.Shutdown(context.Background())
	var stdout, stderr bytes.Buffer
	err = run(ctx, []string{"ledger", "verify", "--data", dir}, &stdout, &stderr)
	if !errors.Is(err, errLedgerProblems) || !strings.Contains(stdout.String(), "problem: card ") {
		t.Fatalf("tampered card ledger: %v\n%s", err, stdout.String())
	}
}
