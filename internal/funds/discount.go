package funds

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/outbox"
)

// Discount is a partner-granted discount of a referral customer.
type Discount struct {
	ID          string
	PartnerID   string
	CustomerID  string
	Rate        decimal.Decimal // 0.8 ≤ rate < 1
	EffectiveAt time.Time
	ExpiresAt   time.Time
	GrantedBy   string
	CreatedAt   time.Time
}

// DiscountInput is one SetSubCustomerDiscountV2 item or the console form.
// A rate of 1 removes the customer's discount and needs no validity.
type DiscountInput struct {
	CustomerID  string
	Rate        decimal.Decimal
	EffectiveAt *time.Time // nil: now
	ExpiresAt   *time.Time
}

// ItemError is one customer a batch could not serve.
type ItemError struct {
	ID  string
	Err error
}

// MaxDiscountBatch is how many customers one BatchSetSubCustomerDiscount
// call may name.
const MaxDiscountBatch = 10

const rateScale = 10000

// rateUnits checks a rate (0.8–1, at most 4 decimals) and returns it in
// ten-thousandths.
func rateUnits(r decimal.Decimal) (int64, error) {
	u := r.Mul(decimal.NewFromInt(rateScale))
	if !u.IsInteger() || u.LessThan(decimal.NewFromInt(8000)) || u.GreaterThan(decimal.NewFromInt(rateScale)) {
		return 0, ErrDiscountRate
	}
	return u.IntPart(), nil
}

// SetDiscounts grants, replaces or (rate 1) removes the discounts of the
// partner's referral customers (BatchSetSubCustomerDiscount, the console's
// 折扣 page); with indirectPartnerID a distributor acts for its reseller.
// Each customer has at most one current discount: a new one ends the old.
// A granted discount e-mails the customer through the outbox. Needs
// PermDiscountManage. Idempotent in effect.
//
// Whole-call errors: CBC.0100 for an empty or too long list,
// ErrNotYourReseller. Per-customer errors (the returned ItemErrors, the
// others are applied): ErrNotYourCustomer (CBC.99000035), ErrNotReferral,
// ErrNoCustomerPermission, ErrDiscountRate, ErrDiscountValidity.
func (s *Service) SetDiscounts(ctx context.Context, actor identity.Actor, indirectPartnerID string, in []DiscountInput) ([]ItemError, error) {
	if !actor.Can(identity.PermDiscountManage) {
		return nil, identity.ErrForbidden
	}
	if len(in) == 0 || len(in) > MaxDiscountBatch {
		return nil, errParam("sub_customer_discounts")
	}
	partnerID, indirect, err := s.owner(ctx, actor, indirectPartnerID)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now()
	var bad []ItemError
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		bad = bad[:0]
		for _, d := range in {
			if err := s.setDiscount(ctx, tx, actor, partnerID, indirect, d, now); err != nil {
				var code interface{ Status() int }
				if errors.As(err, &code) {
					bad = append(bad, ItemError{ID: d.CustomerID, Err: err})
					continue
				}
				return err
			}
		}
		return nil
	})
	return bad, err
}

func (s *Service) setDiscount(ctx context.Context, tx *sql.Tx, actor identity.Actor, partnerID string, indirect bool, d DiscountInput, now time.Time) error {
	if d.CustomerID == "" || len(d.CustomerID) > 64 {
		return errParam("customer_id")
	}
	units, err := rateUnits(d.Rate)
	if err != nil {
		return err
	}
	// Locking the association (PostgreSQL) serializes two settings for one
	// customer, so the second sees the first's discount and ends it.
	var typ int
	var manager, email, name string
	err = tx.QueryRowContext(ctx, `SELECT a.type, COALESCE(c.account_manager_id, ''), c.email, c.domain_name
		FROM customer_associations a JOIN customers c ON c.id = a.customer_id
		WHERE a.customer_id = $1 AND a.partner_id = $2 AND a.ended_at IS NULL`+s.DB.ForUpdate(), d.CustomerID, partnerID).Scan(&typ, &manager, &email, &name)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotYourCustomer
	case err != nil:
		return fmt.Errorf("check customer: %w", err)
	case customer.AssociationType(typ) != customer.Referral:
		return ErrNotReferral
	case !indirect && !actor.Scope.Allows(manager):
		return ErrNoCustomerPermission
	}
	effective := now
	if d.EffectiveAt != nil {
		effective = d.EffectiveAt.UTC()
	}
	if units < rateScale && (d.ExpiresAt == nil || !d.ExpiresAt.After(effective) || !d.ExpiresAt.After(now)) {
		return ErrDiscountValidity
	}
	if _, err := tx.ExecContext(ctx, "UPDATE partner_discounts SET ended_at = $1 WHERE customer_id = $2 AND ended_at IS NULL",
		now, d.CustomerID); err != nil {
		return fmt.Errorf("end discount: %w", err)
	}
	if units == rateScale {
		return nil
	}
	expires := d.ExpiresAt.UTC()
	if _, err := tx.ExecContext(ctx, `INSERT INTO partner_discounts (id, partner_id, customer_id, rate, effective_at,
		expires_at, granted_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		ids.New(), partnerID, d.CustomerID, units, effective, expires, operatorName(actor), now); err != nil {
		return fmt.Errorf("grant discount: %w", err)
	}
	if s.Outbox == nil || email == "" {
		return nil
	}
	rate := decimal.New(units, -4).String()
	_, err = s.Outbox.EnqueueTx(ctx, tx, outbox.Message{Channel: outbox.Email, To: email,
		Subject: "您获得了伙伴授予的折扣 / Your partner granted you a discount",
		Body: fmt.Sprintf("%s：您的伙伴为您设置了 %s 折扣（折扣率），有效期 %s 至 %s（UTC）。\n"+
			"%s: your partner granted you a discount rate of %s, valid from %s to %s (UTC).",
			name, rate, effective.Format(time.DateTime), expires.Format(time.DateTime),
			name, rate, effective.Format(time.DateTime), expires.Format(time.DateTime))})
	return err
}

// discountColumns are read by scanDiscount.
const discountColumns = "d.id, d.partner_id, d.customer_id, d.rate, d.effective_at, d.expires_at, d.granted_by, d.created_at"

func scanDiscount(row interface{ Scan(...any) error }) (Discount, error) {
	var d Discount
	var units int64
	err := row.Scan(&d.ID, &d.PartnerID, &d.CustomerID, &units, &d.EffectiveAt, &d.ExpiresAt, &d.GrantedBy, &d.CreatedAt)
	d.Rate = decimal.New(units, -4)
	d.EffectiveAt, d.ExpiresAt, d.CreatedAt = d.EffectiveAt.UTC(), d.ExpiresAt.UTC(), d.CreatedAt.UTC()
	return d, err
}

// CustomerDiscount returns the current (not removed, not expired) discount
// the partner — or with indirectPartnerID its reseller — granted a
// customer (ListSubCustomerDiscounts); ok is false when there is none.
// Needs PermDiscountManage. Errors: ErrNotYourCustomer, ErrNotYourReseller.
func (s *Service) CustomerDiscount(ctx context.Context, actor identity.Actor, customerID, indirectPartnerID string) (Discount, bool, error) {
	if !actor.Can(identity.PermDiscountManage) {
		return Discount{}, false, identity.ErrForbidden
	}
	partnerID, _, err := s.owner(ctx, actor, indirectPartnerID)
	if err != nil {
		return Discount{}, false, err
	}
	var n int
	if err := s.DB.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM customer_associations
		WHERE customer_id = $1 AND partner_id = $2 AND ended_at IS NULL`, customerID, partnerID).Scan(&n); err != nil {
		return Discount{}, false, err
	}
	if n == 0 {
		return Discount{}, false, ErrNotYourCustomer
	}
	d, err := scanDiscount(s.DB.SQL.QueryRowContext(ctx, "SELECT "+discountColumns+` FROM partner_discounts d
		WHERE d.customer_id = $1 AND d.partner_id = $2 AND d.ended_at IS NULL AND d.expires_at > $3`,
		customerID, partnerID, s.Clock.Now()))
	if errors.Is(err, sql.ErrNoRows) {
		return Discount{}, false, nil
	}
	return d, err == nil, err
}

// CurrentDiscount is what a payment applies: the customer's discount in
// force at `at` (effective ≤ at < expiry), granted by the partner the
// customer is still a referral customer of. q may be the payment's
// transaction. ok is false when none applies.
func (s *Service) CurrentDiscount(ctx context.Context, q db.Querier, customerID string, at time.Time) (Discount, bool, error) {
	d, err := scanDiscount(q.QueryRowContext(ctx, "SELECT "+discountColumns+` FROM partner_discounts d
		JOIN customer_associations a ON a.customer_id = d.customer_id AND a.partner_id = d.partner_id
			AND a.ended_at IS NULL AND a.type = 1
		WHERE d.customer_id = $1 AND d.ended_at IS NULL AND d.effective_at <= $2 AND d.expires_at > $2`, customerID, at.UTC()))
	if errors.Is(err, sql.ErrNoRows) {
		return Discount{}, false, nil
	}
	if err != nil {
		return Discount{}, false, fmt.Errorf("current discount: %w", err)
	}
	return d, true, nil
}

// DiscountRow is a referral customer with its current discount, for the
// console's 折扣 page.
type DiscountRow struct {
	CustomerID, Name string
	Discount         *Discount
}

// DiscountRows lists the partner's current referral customers in the
// actor's data scope with their current discounts, newest association
// first; name filters by account name. Needs PermDiscountManage.
func (s *Service) DiscountRows(ctx context.Context, actor identity.Actor, name string, offset, limit int) ([]DiscountRow, int, error) {
	if !actor.Can(identity.PermDiscountManage) || actor.PartnerID == "" {
		return nil, 0, identity.ErrForbidden
	}
	offset, limit = page(offset, limit)
	cond := "a.partner_id = $1 AND a.ended_at IS NULL AND a.type = 1"
	args := []any{actor.PartnerID}
	if name = strings.TrimSpace(name); name != "" {
		args = append(args, db.Contains(name))
		cond += fmt.Sprintf(" AND LOWER(c.domain_name) LIKE LOWER($%d) ESCAPE '\\'", len(args))
	}
	if c, a := actor.Scope.SQL("c.account_manager_id", len(args)+1); c != "" {
		cond += " AND " + c
		args = append(args, a...)
	}
	from := " FROM customer_associations a JOIN customers c ON c.id = a.customer_id WHERE " + cond
	var total int
	if err := s.DB.SQL.QueryRowContext(ctx, "SELECT COUNT(*)"+from, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count discount rows: %w", err)
	}
	n := len(args)
	args = append(args, limit, offset)
	rows, err := s.DB.SQL.QueryContext(ctx, "SELECT a.customer_id, c.domain_name"+from+
		fmt.Sprintf(" ORDER BY a.associated_at DESC, a.customer_id LIMIT $%d OFFSET $%d", n+1, n+2), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list discount rows: %w", err)
	}
	var out []DiscountRow
	for rows.Next() {
		var r DiscountRow
		if err := rows.Scan(&r.CustomerID, &r.Name); err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	now := s.Clock.Now()
	for i := range out {
		d, err := scanDiscount(s.DB.SQL.QueryRowContext(ctx, "SELECT "+discountColumns+` FROM partner_discounts d
			WHERE d.customer_id = $1 AND d.partner_id = $2 AND d.ended_at IS NULL AND d.expires_at > $3`,
			out[i].CustomerID, actor.PartnerID, now))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		out[i].Discount = &d
	}
	return out, total, nil
}
