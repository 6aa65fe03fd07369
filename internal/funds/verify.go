package funds

import (
	"context"
	"database/sql"
	"fmt"

	"partnercenter/internal/platform/money"
)

// VerifyLedger checks the funds books at this moment and reports every
// broken invariant:
//
//   - the ledger is a chain per account: versions 1, 2, ... without gaps;
//     each row's balance and used credit before are the previous row's
//     after (0 for the first); after − before of (balance − used credit)
//     equals the amount; no balance or used credit is negative and used
//     credit never exceeds the row's credit line;
//   - each account's balance, used credit, credit line and version equal
//     its last ledger row's, and nothing is negative;
//   - the legs of every allocation or reclaim sum to zero, and every
//     adjust record has its two legs of its amount.
//
// Read-only, on one consistent snapshot (repeatable read on PostgreSQL; a
// transaction on SQLite).
func (s *Service) VerifyLedger(ctx context.Context) (LedgerReport, error) {
	var rep LedgerReport
	err := s.DB.InSnapshot(ctx, func(tx *sql.Tx) (err error) {
		rep, err = verify(ctx, tx)
		return err
	})
	return rep, err
}

type chain struct {
	rows               int64
	balance, used, lim int64
}

func verify(ctx context.Context, tx *sql.Tx) (LedgerReport, error) {
	var rep LedgerReport
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	c := money.FromCents
	chains := map[string]*chain{}
	transfers := map[string]int64{} // transfer id → sum of legs
	legs := map[string]int{}        // transfer id → number of legs
	positive := map[string]int64{}  // transfer id → the credited leg
	rows, err := tx.QueryContext(ctx, `SELECT account_id, version, operation, amount, balance_before, balance_after,
		credit_before, credit_after, credit_limit, transfer_id FROM fund_ledger ORDER BY account_id, version`)
	if err != nil {
		return rep, fmt.Errorf("read funds ledger: %w", err)
	}
	for rows.Next() {
		var id, op, transfer string
		var version, amount, bb, ba, cb, ca, lim int64
		if err := rows.Scan(&id, &version, &op, &amount, &bb, &ba, &cb, &ca, &lim, &transfer); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Entries++
		ch := chains[id]
		if ch == nil {
			ch = &chain{}
			chains[id] = ch
		}
		if version != ch.rows+1 {
			problem("account %s: ledger version %d follows %d", id, version, ch.rows)
		}
		if bb != ch.balance || cb != ch.used {
			problem("account %s: ledger row %d starts at %s/%s, previous ended at %s/%s", id, version, c(bb), c(cb), c(ch.balance), c(ch.used))
		}
		if (ba-ca)-(bb-cb) != amount {
			problem("account %s: ledger row %d: (%s − %s) − (%s − %s) ≠ %s", id, version, c(ba), c(ca), c(bb), c(cb), c(amount))
		}
		if ba < 0 || ca < 0 {
			problem("account %s: ledger row %d leaves a negative balance %s or used credit %s", id, version, c(ba), c(ca))
		}
		if ca > lim {
			problem("account %s: ledger row %d uses credit %s above its line %s", id, version, c(ca), c(lim))
		}
		ch.rows, ch.balance, ch.used, ch.lim = version, ba, ca, lim
		if op == OpAllocate || op == OpReclaim {
			if transfer == "" {
				problem("account %s: ledger row %d: %s without a transfer id", id, version, op)
			}
			transfers[transfer] += amount
			legs[transfer]++
			if amount > 0 {
				positive[transfer] = amount
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	for t, sum := range transfers {
		if sum != 0 || legs[t] != 2 {
			problem("transfer %s: %d legs summing to %s", t, legs[t], c(sum))
		}
	}
	arows, err := tx.QueryContext(ctx, "SELECT id, balance, credit_limit, credit_used, version FROM fund_accounts")
	if err != nil {
		return rep, fmt.Errorf("read accounts: %w", err)
	}
	for arows.Next() {
		var id string
		var bal, lim, used, version int64
		if err := arows.Scan(&id, &bal, &lim, &used, &version); err != nil {
			arows.Close()
			return rep, err
		}
		rep.Accounts++
		ch := chains[id]
		if ch == nil {
			ch = &chain{}
		}
		if bal < 0 || used < 0 || lim < 0 {
			problem("account %s: negative balance %s, used credit %s or credit line %s", id, c(bal), c(used), c(lim))
		}
		if used > lim {
			problem("account %s: used credit %s above its line %s", id, c(used), c(lim))
		}
		if bal != ch.balance || used != ch.used || version != ch.rows || (ch.rows > 0 && lim != ch.lim) {
			problem("account %s: balance %s used %s line %s version %d, ledger says %s used %s line %s version %d",
				id, c(bal), c(used), c(lim), version, c(ch.balance), c(ch.used), c(ch.lim), ch.rows)
		}
	}
	arows.Close()
	if err := arows.Err(); err != nil {
		return rep, err
	}
	adj, err := tx.QueryContext(ctx, "SELECT id, amount FROM fund_adjustments")
	if err != nil {
		return rep, fmt.Errorf("read adjust records: %w", err)
	}
	defer adj.Close()
	for adj.Next() {
		var id string
		var amount int64
		if err := adj.Scan(&id, &amount); err != nil {
			return rep, err
		}
		if legs[id] != 2 || positive[id] != amount {
			problem("adjust record %s of %s: ledger has %d legs crediting %s", id, c(amount), legs[id], c(positive[id]))
		}
	}
	return rep, adj.Err()
}
