package coupon

import (
	"context"
	"database/sql"
	"time"

	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/ids"
)

// Ledger operations. Every change of a quota's or a coupon's balance is one
// coupon_ledger row naming one of them; VerifyLedger relies on their
// meaning:
//
//	grant          quota  +value      an operator's grant
//	issue          quota  −face       a coupon issued from the quota
//	               coupon +face       the coupon's opening balance
//	carve          quota  ±amount     a distributor's quota (−) giving a reseller quota (+, opening)
//	reclaim        coupon −balance    manual, disassociation or switch reclaim
//	expire         coupon −balance    expiry reclaim
//	return         quota  +amount     a reclaimed coupon's or reseller quota's balance coming back
//	quota_reclaim  quota  −balance    a reseller quota taken back by its distributor
//	spend          coupon −amount     a payment (commerce)
//
// A reclaim whose quota can no longer take money back (invalid, reclaimed
// or expired) writes only the coupon's row, with counterpart "cloud": the
// money lapses to the cloud, as an expired quota's own balance does.
const (
	opGrant        = "grant"
	opIssue        = "issue"
	opCarve        = "carve"
	opReclaim      = "reclaim"
	opExpire       = "expire"
	opReturn       = "return"
	opQuotaReclaim = "quota_reclaim"
	opSpend        = "spend"

	kindQuota  = "quota"
	kindCoupon = "coupon"

	// counterpartCloud is where lapsed money goes.
	counterpartCloud = "cloud"
)

// entry is one ledger row to write.
type entry struct {
	kind, account string
	version       int64
	op            string
	amount        int64 // signed cents
	before        int64
	counterpart   string
	reason        string
}

var ledgerCols = []string{"id", "account_kind", "account_id", "version", "operation", "amount", "balance_before",
	"balance_after", "counterpart_id", "actor", "reason", "request_id", "created_at"}

// writeLedger appends entries in the use case's transaction.
func (s *Service) writeLedger(ctx context.Context, tx *sql.Tx, actor string, now time.Time, entries []entry) error {
	reqID := httpx.RequestID(ctx)
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{ids.New(), e.kind, e.account, e.version, e.op, e.amount, e.before, e.before + e.amount,
			e.counterpart, actor, e.reason, reqID, now}
	}
	return s.insertRows(ctx, tx, "coupon_ledger", ledgerCols, rows)
}
