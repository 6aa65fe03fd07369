package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/ids"
)

// Ledger operations. Every change of an account is one fund_ledger row
// naming one of them:
//
//	topup         partner  +amount  an operator's top-up
//	credit_line   partner   0       an operator's new credit line (limit recorded)
//	allocate      partner  −amount  money to a customer or reseller
//	              target   +amount  (same transfer id)
//	reclaim       target   −amount  money back from a customer or reseller
//	              partner  +amount  (same transfer id)
//	debit         any      −amount  a payment (commerce), DebitTx
//	refund        any      +amount  a refund (commerce), CreditTx
const (
	OpTopUp      = "topup"
	OpCreditLine = "credit_line"
	OpAllocate   = "allocate"
	OpReclaim    = "reclaim"
	OpDebit      = "debit"
	OpRefund     = "refund"
)

// acct is a locked account row inside a write transaction.
type acct struct {
	id, kind, owner, partner string
	balance, limit, used     int64
	version                  int64
}

// position is what a ledger row's amount changes.
func (a *acct) position() int64 { return a.balance - a.used }

// ensureAccount creates the account of (kind, owner) if it is missing and
// returns its id. partnerID is the partner it belongs under.
func (s *Service) ensureAccount(ctx context.Context, tx *sql.Tx, kind, owner, partnerID string, now time.Time) (string, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO fund_accounts (id, kind, owner_id, partner_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (kind, owner_id) DO NOTHING`, ids.New(), kind, owner, partnerID, now); err != nil {
		return "", fmt.Errorf("create %s account: %w", kind, err)
	}
	var id string
	err := tx.QueryRowContext(ctx, "SELECT id FROM fund_accounts WHERE kind = $1 AND owner_id = $2", kind, owner).Scan(&id)
	return id, err
}

// findAccount returns the id of (kind, owner)'s account, or "" when none.
func findAccount(ctx context.Context, q db.Querier, kind, owner string) (string, error) {
	var id string
	err := q.QueryRowContext(ctx, "SELECT id FROM fund_accounts WHERE kind = $1 AND owner_id = $2", kind, owner).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// lockAccounts locks the accounts in id order, so that two transfers
// between the same accounts in opposite directions never deadlock.
func (s *Service) lockAccounts(ctx context.Context, tx *sql.Tx, accountIDs ...string) (map[string]*acct, error) {
	sorted := slices.Clone(accountIDs)
	slices.Sort(sorted)
	out := make(map[string]*acct, len(sorted))
	for _, id := range slices.Compact(sorted) {
		a := &acct{}
		err := tx.QueryRowContext(ctx, `SELECT id, kind, owner_id, partner_id, balance, credit_limit, credit_used, version
			FROM fund_accounts WHERE id = $1`+s.DB.ForUpdate(), id).
			Scan(&a.id, &a.kind, &a.owner, &a.partner, &a.balance, &a.limit, &a.used, &a.version)
		if err != nil {
			return nil, fmt.Errorf("lock account %s: %w", id, err)
		}
		out[id] = a
	}
	return out, nil
}

// change is one ledger row to write for a locked account.
type change struct {
	op        string
	amount    int64 // signed
	useCredit bool  // a debit may draw on the credit line
	transfer  string
	reason    string
}

// apply changes a locked account and writes its ledger row. A debit takes
// the balance first and then, when allowed, the credit line; a credit
// repays used credit first. ErrInsufficient when a debit exceeds what is
// available.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, a *acct, c change, actor string, now time.Time) error {
	balBefore, usedBefore := a.balance, a.used
	switch {
	case c.amount < 0:
		need := -c.amount
		avail := a.balance
		if c.useCredit {
			avail += a.limit - a.used
		}
		if need > avail {
			return ErrInsufficient
		}
		fromBalance := min(a.balance, need)
		a.balance -= fromBalance
		a.used += need - fromBalance
	case c.amount > 0:
		repay := min(a.used, c.amount)
		a.used -= repay
		a.balance += c.amount - repay
	}
	a.version++
	if _, err := tx.ExecContext(ctx, `UPDATE fund_accounts SET balance = $1, credit_used = $2, credit_limit = $3,
		version = $4, updated_at = $5 WHERE id = $6`, a.balance, a.used, a.limit, a.version, now, a.id); err != nil {
		return fmt.Errorf("update account %s: %w", a.id, err)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO fund_ledger (id, account_id, version, operation, amount, balance_before,
		balance_after, credit_before, credit_after, credit_limit, transfer_id, actor, reason, request_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		ids.New(), a.id, a.version, c.op, c.amount, balBefore, a.balance, usedBefore, a.used, a.limit, c.transfer,
		actor, c.reason, httpx.RequestID(ctx), now)
	if err != nil {
		return fmt.Errorf("write ledger: %w", err)
	}
	return nil
}
