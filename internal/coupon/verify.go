package coupon

import (
	"context"
	"database/sql"
	"fmt"

	"partnercenter/internal/platform/money"
)

// account is what the ledger says about one quota or coupon.
type account struct {
	kind      string
	rows      int64
	last      int64 // balance after the last row
	returned  int64 // quota: credits from reclaimed coupons and reseller quotas
	takenBack int64 // quota: debits of its own reclaim by the distributor
	issued    int64 // quota: debits for coupons issued
	carved    int64 // quota: debits for reseller quotas carved
	spent     int64 // coupon: payments
	reclaimed int64 // coupon: reclaim and expiry debits
}

// VerifyLedger checks the books at this moment and reports every broken
// invariant:
//
//   - the ledger is a chain per account: versions 1, 2, ... without gaps,
//     each row's balance before is the previous row's after (0 for the
//     first) and after = before + amount, never below zero;
//   - each quota's balance and version equal its last ledger row's, and
//     value = balance + face values issued from it + values of reseller
//     quotas carved from it + what its distributor took back − what was
//     returned to it; the ledger's issue and carve debits equal the coupons
//     and reseller quotas that exist;
//   - each coupon's face value = balance + used + reclaimed, its balance
//     and version equal its last ledger row's, used equals its usage
//     records and the ledger's payments, reclaimed the ledger's reclaims.
//
// Read-only. It reads one consistent snapshot: a repeatable-read
// transaction on PostgreSQL; on SQLite a transaction, which holds off
// writers while it runs.
func (s *Service) VerifyLedger(ctx context.Context) (LedgerReport, error) {
	var rep LedgerReport
	err := s.DB.InSnapshot(ctx, func(tx *sql.Tx) (err error) {
		rep, err = s.verify(ctx, tx)
		return err
	})
	return rep, err
}

func (s *Service) verify(ctx context.Context, tx *sql.Tx) (LedgerReport, error) {
	var rep LedgerReport
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	accounts := map[string]*account{}
	rows, err := tx.QueryContext(ctx, `SELECT account_kind, account_id, version, operation, amount,
		balance_before, balance_after FROM coupon_ledger ORDER BY account_id, version`)
	if err != nil {
		return rep, fmt.Errorf("read ledger: %w", err)
	}
	for rows.Next() {
		var kind, id, op string
		var version, amount, before, after int64
		if err := rows.Scan(&kind, &id, &version, &op, &amount, &before, &after); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Entries++
		a := accounts[id]
		if a == nil {
			a = &account{kind: kind}
			accounts[id] = a
		}
		if version != a.rows+1 {
			problem("%s %s: ledger version %d follows %d", kind, id, version, a.rows)
		}
		if before != a.last {
			problem("%s %s: ledger row %d starts at %s, previous ended at %s", kind, id, version, cents(before), cents(a.last))
		}
		if after != before+amount {
			problem("%s %s: ledger row %d: %s %+d ≠ %s", kind, id, version, cents(before), amount, cents(after))
		}
		if after < 0 {
			problem("%s %s: ledger row %d leaves a negative balance %s", kind, id, version, cents(after))
		}
		a.rows, a.last = version, after
		switch {
		case op == opReturn:
			a.returned += amount
		case op == opQuotaReclaim:
			a.takenBack -= amount
		case op == opIssue && kind == kindQuota:
			a.issued -= amount
		case op == opCarve && amount < 0:
			a.carved -= amount
		case op == opSpend || op == opRefund:
			a.spent -= amount
		case op == opReclaim || op == opExpire:
			a.reclaimed -= amount
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	issued, err := sums(ctx, tx, "SELECT quota_id, SUM(face_value) FROM coupons GROUP BY quota_id")
	if err != nil {
		return rep, err
	}
	carved, err := sums(ctx, tx, `SELECT parent_quota_id, SUM(value) FROM coupon_quotas
		WHERE parent_quota_id IS NOT NULL GROUP BY parent_quota_id`)
	if err != nil {
		return rep, err
	}
	used, err := sums(ctx, tx, "SELECT coupon_id, SUM(amount) FROM coupon_usages GROUP BY coupon_id")
	if err != nil {
		return rep, err
	}
	seen := map[string]bool{}
	qrows, err := tx.QueryContext(ctx, "SELECT id, value, balance, version FROM coupon_quotas")
	if err != nil {
		return rep, fmt.Errorf("read quotas: %w", err)
	}
	for qrows.Next() {
		var id string
		var value, balance, version int64
		if err := qrows.Scan(&id, &value, &balance, &version); err != nil {
			qrows.Close()
			return rep, err
		}
		rep.Quotas++
		seen[id] = true
		a := accounts[id]
		if a == nil {
			a = &account{}
		}
		if balance < 0 {
			problem("quota %s: negative balance %s", id, cents(balance))
		}
		if balance != a.last || version != a.rows {
			problem("quota %s: balance %s version %d, ledger says %s version %d", id, cents(balance), version, cents(a.last), a.rows)
		}
		if want := balance + issued[id] + carved[id] + a.takenBack - a.returned; value != want {
			problem("quota %s: value %s ≠ balance %s + issued %s + carved %s + taken back %s − returned %s",
				id, cents(value), cents(balance), cents(issued[id]), cents(carved[id]), cents(a.takenBack), cents(a.returned))
		}
		if a.issued != issued[id] {
			problem("quota %s: ledger issued %s, coupons hold %s", id, cents(a.issued), cents(issued[id]))
		}
		if a.carved != carved[id] {
			problem("quota %s: ledger carved %s, reseller quotas hold %s", id, cents(a.carved), cents(carved[id]))
		}
	}
	qrows.Close()
	if err := qrows.Err(); err != nil {
		return rep, err
	}
	crows, err := tx.QueryContext(ctx, "SELECT id, face_value, balance, used, reclaimed, version FROM coupons")
	if err != nil {
		return rep, fmt.Errorf("read coupons: %w", err)
	}
	for crows.Next() {
		var id string
		var face, balance, usedAmt, reclaimed, version int64
		if err := crows.Scan(&id, &face, &balance, &usedAmt, &reclaimed, &version); err != nil {
			crows.Close()
			return rep, err
		}
		rep.Coupons++
		seen[id] = true
		a := accounts[id]
		if a == nil {
			a = &account{}
		}
		if balance < 0 {
			problem("coupon %s: negative balance %s", id, cents(balance))
		}
		if face != balance+usedAmt+reclaimed {
			problem("coupon %s: face value %s ≠ balance %s + used %s + reclaimed %s", id, cents(face), cents(balance),
				cents(usedAmt), cents(reclaimed))
		}
		if balance != a.last || version != a.rows {
			problem("coupon %s: balance %s version %d, ledger says %s version %d", id, cents(balance), version, cents(a.last), a.rows)
		}
		if usedAmt != used[id] || usedAmt != a.spent {
			problem("coupon %s: used %s, usage records %s, ledger payments %s", id, cents(usedAmt), cents(used[id]), cents(a.spent))
		}
		if reclaimed != a.reclaimed {
			problem("coupon %s: reclaimed %s, ledger reclaims %s", id, cents(reclaimed), cents(a.reclaimed))
		}
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return rep, err
	}
	for id, a := range accounts {
		if !seen[id] {
			problem("%s %s: ledger rows for an account that does not exist", a.kind, id)
		}
	}
	return rep, nil
}

// sums runs a "key, SUM(cents)" query.
func sums(ctx context.Context, tx *sql.Tx, query string) (map[string]int64, error) {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("ledger sums: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, err
		}
		out[id] = sum
	}
	return out, rows.Err()
}

func cents(c int64) string { return money.FromCents(c).String() }
