package card

import (
	"context"
	"database/sql"
	"fmt"

	"partnercenter/internal/platform/money"
)

// VerifyLedger checks the card books at this moment and reports every
// broken invariant:
//
//   - each card's ledger is a chain: versions 1, 2, ... without gaps, the
//     first a 'purchase' of the face value, each row starting where the
//     previous ended, after − before = amount, 'spend' rows negative and
//     'refund' rows positive, both naming an order, and no balance outside
//     0..face value;
//   - each card's balance and version equal its last ledger row's, its
//     balance lies within 0..face value and its status says used up
//     exactly when the balance is 0.
//
// Read-only, on one consistent snapshot.
func (s *Service) VerifyLedger(ctx context.Context) (LedgerReport, error) {
	var rep LedgerReport
	err := s.DB.InSnapshot(ctx, func(tx *sql.Tx) (err error) {
		rep, err = verify(ctx, tx)
		return err
	})
	return rep, err
}

type cardChain struct {
	rows    int64
	balance int64
}

func verify(ctx context.Context, tx *sql.Tx) (LedgerReport, error) {
	var rep LedgerReport
	problem := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	c := money.FromCents
	faces := map[string]int64{}
	crows, err := tx.QueryContext(ctx, "SELECT id, face_value FROM stored_value_cards")
	if err != nil {
		return rep, fmt.Errorf("read cards: %w", err)
	}
	for crows.Next() {
		var id string
		var face int64
		if err := crows.Scan(&id, &face); err != nil {
			crows.Close()
			return rep, err
		}
		faces[id] = face
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return rep, err
	}
	chains := map[string]*cardChain{}
	rows, err := tx.QueryContext(ctx, `SELECT card_id, version, operation, amount, balance_before, balance_after, order_id
		FROM card_ledger ORDER BY card_id, version`)
	if err != nil {
		return rep, fmt.Errorf("read card ledger: %w", err)
	}
	for rows.Next() {
		var id, op, orderID string
		var version, amount, before, after int64
		if err := rows.Scan(&id, &version, &op, &amount, &before, &after, &orderID); err != nil {
			rows.Close()
			return rep, err
		}
		rep.Entries++
		ch := chains[id]
		if ch == nil {
			ch = &cardChain{}
			chains[id] = ch
		}
		face := faces[id]
		if version != ch.rows+1 {
			problem("card %s: ledger version %d follows %d", id, version, ch.rows)
		}
		if before != ch.balance {
			problem("card %s: ledger row %d starts at %s, previous ended at %s", id, version, c(before), c(ch.balance))
		}
		if after-before != amount {
			problem("card %s: ledger row %d: %s − %s ≠ %s", id, version, c(after), c(before), c(amount))
		}
		if after < 0 || after > face {
			problem("card %s: ledger row %d leaves %s outside 0..%s", id, version, c(after), c(face))
		}
		switch {
		case op == OpPurchase && (version != 1 || amount != face):
			problem("card %s: purchase at row %d of %s, face value %s", id, version, c(amount), c(face))
		case op != OpPurchase && version == 1:
			problem("card %s: first ledger row is %s, not a purchase", id, op)
		case op == OpSpend && (amount >= 0 || orderID == ""):
			problem("card %s: ledger row %d: spend of %s for order %q", id, version, c(amount), orderID)
		case op == OpRefund && (amount <= 0 || orderID == ""):
			problem("card %s: ledger row %d: refund of %s for order %q", id, version, c(amount), orderID)
		case op != OpPurchase && op != OpSpend && op != OpRefund:
			problem("card %s: ledger row %d: unknown operation %q", id, version, op)
		}
		ch.rows, ch.balance = version, after
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	for id := range chains {
		if _, ok := faces[id]; !ok {
			problem("card ledger names card %s, which does not exist", id)
		}
	}
	srows, err := tx.QueryContext(ctx, "SELECT id, face_value, balance, status, version FROM stored_value_cards")
	if err != nil {
		return rep, fmt.Errorf("read cards: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var id string
		var face, bal, version int64
		var status int
		if err := srows.Scan(&id, &face, &bal, &status, &version); err != nil {
			return rep, err
		}
		rep.Cards++
		ch := chains[id]
		if ch == nil {
			ch = &cardChain{}
		}
		if bal < 0 || bal > face {
			problem("card %s: balance %s outside 0..%s", id, c(bal), c(face))
		}
		if bal != ch.balance || version != ch.rows {
			problem("card %s: balance %s version %d, ledger says %s version %d", id, c(bal), version, c(ch.balance), ch.rows)
		}
		if (bal == 0) != (status == StatusUsedUp) || (status != StatusUsable && status != StatusUsedUp) {
			problem("card %s: status %d with balance %s", id, status, c(bal))
		}
	}
	return rep, srows.Err()
}
