package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/money"
)

func (a *acct) public(now time.Time) Account {
	return Account{ID: a.id, Kind: a.kind, OwnerID: a.owner, PartnerID: a.partner, Balance: money.FromCents(a.balance),
		CreditLimit: money.FromCents(a.limit), CreditUsed: money.FromCents(a.used), UpdatedAt: now}
}

// readAccount returns (kind, owner)'s account; a missing one reads as an
// empty account with no id.
func readAccount(ctx context.Context, q db.Querier, kind, owner string) (Account, error) {
	a := Account{Kind: kind, OwnerID: owner}
	var bal, limit, used int64
	err := q.QueryRowContext(ctx, `SELECT id, partner_id, balance, credit_limit, credit_used, updated_at
		FROM fund_accounts WHERE kind = $1 AND owner_id = $2`, kind, owner).Scan(&a.ID, &a.PartnerID, &bal, &limit, &used, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil
	}
	if err != nil {
		return a, fmt.Errorf("read account: %w", err)
	}
	a.Balance, a.CreditLimit, a.CreditUsed = money.FromCents(bal), money.FromCents(limit), money.FromCents(used)
	a.UpdatedAt = a.UpdatedAt.UTC()
	return a, nil
}

// PartnerAccount returns the caller's partner account, or with
// indirectPartnerID a distributor's cloud reseller's (ListPartnerBalances).
// Needs PermFundsView. Errors: ErrNotYourReseller (CBC.99000037).
func (s *Service) PartnerAccount(ctx context.Context, actor identity.Actor, indirectPartnerID string) (Account, error) {
	if !actor.Can(identity.PermFundsView) {
		return Account{}, identity.ErrForbidden
	}
	partnerID, _, err := s.owner(ctx, actor, indirectPartnerID)
	if err != nil {
		return Account{}, err
	}
	return readAccount(ctx, s.DB.SQL, KindPartner, partnerID)
}

// AccountOf returns a partner's account for the operator console. Only
// platform admins and ecosystem managers.
func (s *Service) AccountOf(ctx context.Context, op identity.Actor, partnerID string) (Account, error) {
	if !canFund(op) {
		return Account{}, identity.ErrForbidden
	}
	return readAccount(ctx, s.DB.SQL, KindPartner, partnerID)
}

// CustomerBalance is a customer's account with its name, as the partner
// console lists them.
type CustomerBalance struct {
	CustomerID, Name string
	Balance          money.Amount
}

// CustomerBalances lists the partner's current reseller-model customers in
// the actor's data scope with their account balances (0 without an
// account), newest association first. Needs PermFundsView.
func (s *Service) CustomerBalances(ctx context.Context, actor identity.Actor, offset, limit int) ([]CustomerBalance, int, error) {
	if !actor.Can(identity.PermFundsView) || actor.PartnerID == "" {
		return nil, 0, identity.ErrForbidden
	}
	offset, limit = page(offset, limit)
	cond := "a.partner_id = $1 AND a.ended_at IS NULL AND a.type = 2"
	args := []any{actor.PartnerID}
	if c, a := actor.Scope.SQL("c.account_manager_id", len(args)+1); c != "" {
		cond += " AND " + c
		args = append(args, a...)
	}
	from := ` FROM customer_associations a JOIN customers c ON c.id = a.customer_id
		LEFT JOIN fund_accounts f ON f.kind = 'customer' AND f.owner_id = a.customer_id WHERE ` + cond
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count customer balances: %w", err)
	}
	n := len(args)
	args = append(args, limit, offset)
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT a.customer_id, c.domain_name, COALESCE(f.balance, 0)"+from+
		fmt.Sprintf(" ORDER BY a.associated_at DESC, a.customer_id LIMIT $%d OFFSET $%d", n+1, n+2), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list customer balances: %w", err)
	}
	defer rows.Close()
	var out []CustomerBalance
	for rows.Next() {
		var b CustomerBalance
		var cents int64
		if err := rows.Scan(&b.CustomerID, &b.Name, &cents); err != nil {
			return nil, 0, err
		}
		b.Balance = money.FromCents(cents)
		out = append(out, b)
	}
	return out, total, rows.Err()
}

// ResellerBalance is a cloud reseller's account as its distributor sees it.
type ResellerBalance struct {
	ResellerID, Name string
	Balance          money.Amount
}

// ResellerBalances lists a distributor's cloud resellers with their
// account balances. Needs PermFundsView; other partners get an empty list.
func (s *Service) ResellerBalances(ctx context.Context, actor identity.Actor) ([]ResellerBalance, error) {
	if !actor.Can(identity.PermFundsView) || actor.PartnerID == "" {
		return nil, identity.ErrForbidden
	}
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT p.id, p.name, COALESCE(f.balance, 0) FROM partners p
		LEFT JOIN fund_accounts f ON f.kind = 'partner' AND f.owner_id = p.id
		WHERE p.parent_id = $1 ORDER BY p.name, p.id`, actor.PartnerID)
	if err != nil {
		return nil, fmt.Errorf("list reseller balances: %w", err)
	}
	defer rows.Close()
	var out []ResellerBalance
	for rows.Next() {
		var b ResellerBalance
		var cents int64
		if err := rows.Scan(&b.ResellerID, &b.Name, &cents); err != nil {
			return nil, err
		}
		b.Balance = money.FromCents(cents)
		out = append(out, b)
	}
	return out, rows.Err()
}

// AdjustRecords lists the partner's allocations and reclaims, newest
// first (ListPartnerAdjustRecords, the console's records). With
// IndirectPartnerID a distributor reads its reseller's records. Needs
// PermFundsView. Errors: ErrNotYourReseller (CBC.99000037).
func (s *Service) AdjustRecords(ctx context.Context, actor identity.Actor, f AdjustFilter) ([]Adjustment, int, error) {
	if !actor.Can(identity.PermFundsView) {
		return nil, 0, identity.ErrForbidden
	}
	partnerID, _, err := s.owner(ctx, actor, f.IndirectPartnerID)
	if err != nil {
		return nil, 0, err
	}
	w := db.NewWhere("partner_id = ?", partnerID)
	if f.TargetKind != "" {
		w.Add("target_kind = ?", f.TargetKind)
	}
	if f.TargetID != "" {
		w.Add("target_id = ?", f.TargetID)
	}
	if f.OperationType != "" {
		w.Add("operation_type = ?", f.OperationType)
	}
	if f.TransID != "" {
		w.Add("id = ?", f.TransID)
	}
	if f.From != nil {
		w.Add("created_at >= ?", f.From.UTC())
	}
	if f.To != nil {
		w.Add("created_at < ?", f.To.UTC())
	}
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM fund_adjustments"+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count adjust records: %w", err)
	}
	offset, limit := page(f.Offset, f.Limit)
	pg, pargs := w.Page(limit, offset)
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT id, partner_id, target_kind, target_id, target_name, operation_type,
		amount, memo, actor, created_at FROM fund_adjustments`+w.SQL()+" ORDER BY created_at DESC, id DESC"+pg, pargs...)
	if err != nil {
		return nil, 0, fmt.Errorf("list adjust records: %w", err)
	}
	defer rows.Close()
	var out []Adjustment
	for rows.Next() {
		var a Adjustment
		var cents int64
		if err := rows.Scan(&a.TransID, &a.PartnerID, &a.TargetKind, &a.TargetID, &a.TargetName, &a.OperationType,
			&cents, &a.Memo, &a.Actor, &a.CreatedAt); err != nil {
			return nil, 0, err
		}
		a.Amount, a.CreatedAt = money.FromCents(cents), a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// Ledger lists an account's ledger rows, newest first: a partner's own
// (PermFundsView) or, for operators, any partner's (partnerID set).
func (s *Service) Ledger(ctx context.Context, actor identity.Actor, partnerID string, offset, limit int) ([]LedgerEntry, int, error) {
	switch {
	case actor.IsOperator() && canFund(actor):
	case !actor.IsOperator() && actor.Can(identity.PermFundsView) && actor.PartnerID != "":
		partnerID = actor.PartnerID
	default:
		return nil, 0, identity.ErrForbidden
	}
	id, err := findAccount(ctx, s.DB.SQL, KindPartner, partnerID)
	if err != nil || id == "" {
		return nil, 0, err
	}
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM fund_ledger WHERE account_id = $1", id).Scan(&total); err != nil {
		return nil, 0, err
	}
	offset, limit = page(offset, limit)
	rows, err := s.DB.SQL.QueryContext(ctx, `SELECT id, account_id, version, operation, amount, balance_before, balance_after,
		credit_before, credit_after, transfer_id, actor, reason, request_id, created_at FROM fund_ledger
		WHERE account_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3`, id, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list ledger: %w", err)
	}
	defer rows.Close()
	var out []LedgerEntry
	for rows.Next() {
		var e LedgerEntry
		var amt, bb, ba, cb, ca int64
		if err := rows.Scan(&e.ID, &e.AccountID, &e.Version, &e.Operation, &amt, &bb, &ba, &cb, &ca, &e.TransferID,
			&e.Actor, &e.Reason, &e.RequestID, &e.CreatedAt); err != nil {
			return nil, 0, err
		}
		e.Amount, e.BalanceBefore, e.BalanceAfter = money.FromCents(amt), money.FromCents(bb), money.FromCents(ba)
		e.CreditBefore, e.CreditAfter, e.CreatedAt = money.FromCents(cb), money.FromCents(ca), e.CreatedAt.UTC()
		out = append(out, e)
	}
	return out, total, rows.Err()
}
