// Package money is exact money arithmetic for Partner Center.
//
// Amounts are never floats: 0.1 + 0.2 must be 0.30, and a partner's balance
// must agree to the cent with what Huawei's CBC/BSS APIs report. An Amount
// wraps a shopspring decimal and always holds at most two decimal places
// (yuan and fen). It is stored as int64 minor units: integer cents compare
// and sum exactly in both SQLite and PostgreSQL, unlike REAL or NUMERIC
// columns whose float/text forms differ between the two drivers.
//
// The rule for precision is: input with more than two significant decimal
// places is an error (ErrPrecision), never silently rounded. Where rounding is
// a business decision (discounts, rates, splitting an order), callers do the
// arithmetic in decimal.Decimal and round once with Round2.
package money

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"github.com/shopspring/decimal"
)

// Errors returned (wrapped, with the offending input) by Parse and
// UnmarshalJSON; ErrRange also by Value. Test for them with errors.Is.
var (
	ErrSyntax    = errors.New("money: not a decimal number")
	ErrPrecision = errors.New("money: more than 2 decimal places")
	ErrRange     = errors.New("money: amount out of range")
)

// places is the number of decimal places an Amount keeps.
const places = 2

// maxInputLen bounds the text Parse will look at, so a hostile request cannot
// make us build a huge big.Int. Real amounts are a couple dozen characters.
const maxInputLen = 64

// Amount is an exact amount of money with at most two decimal places. The
// zero value is 0.00 and ready to use.
type Amount struct{ d decimal.Decimal }

// FromCents returns the amount of cents minor units: FromCents(10050) is
// 100.50.
func FromCents(cents int64) Amount { return Amount{decimal.New(cents, -places)} }

// Parse reads a decimal like "100.5", "-3", "0.07" or "1.5e2". It rejects
// empty input, NaN, Inf, whitespace and other non-numbers (ErrSyntax), values
// with a non-zero digit past the second decimal place (ErrPrecision; "1.50"
// and "1.500" are fine, "1.505" is not), and values whose cents do not fit in
// int64 (ErrRange).
func Parse(s string) (Amount, error) {
	if len(s) > maxInputLen {
		return Amount{}, fmt.Errorf("%w: input longer than %d characters", ErrRange, maxInputLen)
	}
	if !isDecimal(s) {
		return Amount{}, fmt.Errorf("%w: %q", ErrSyntax, s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		// isDecimal admits only what NewFromString parses, so this is an
		// exponent beyond decimal's own limits.
		return Amount{}, fmt.Errorf("%w: %q", ErrRange, s)
	}
	cents, err := toCents(d)
	if err != nil {
		return Amount{}, fmt.Errorf("%w: %q", err, s)
	}
	return FromCents(cents), nil
}

// MustParse is Parse that panics, for constants and tests.
func MustParse(s string) Amount {
	a, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return a
}

// Round2 rounds d to two decimal places, half away from zero (0.125 → 0.13,
// -0.125 → -0.13): the "四舍五入" finance and customers expect on an order
// total, not banker's rounding. Round once, at the order level, not per line,
// so rounding errors do not add up.
func Round2(d decimal.Decimal) Amount { return Amount{d.Round(places)} }

// Cents returns the amount in minor units. It panics if the amount does not
// fit in int64 (about ±92 quadrillion), which only sums of absurd amounts can
// reach; a silently wrapped balance would be far worse than a crash.
func (a Amount) Cents() int64 {
	c, err := toCents(a.d)
	if err != nil {
		panic(fmt.Errorf("%w: %s", err, a.d.String()))
	}
	return c
}

// String formats the amount with exactly two decimals, e.g. "100.50",
// "-0.07", "0.00".
func (a Amount) String() string { return a.d.StringFixed(places) }

// Decimal returns the amount as a decimal, for arithmetic Amount does not
// offer (division, percentages). Come back with Round2.
func (a Amount) Decimal() decimal.Decimal { return a.d }

// Add returns a + b.
func (a Amount) Add(b Amount) Amount { return Amount{a.d.Add(b.d)} }

// Sub returns a - b.
func (a Amount) Sub(b Amount) Amount { return Amount{a.d.Sub(b.d)} }

// Mul returns a × f exactly, as a decimal rather than an Amount, because the
// product usually has more than two decimals (unit price × 0.85 discount).
// Keeping it exact lets callers sum the lines of an order and round once
// with Round2 instead of accumulating per-line rounding errors.
func (a Amount) Mul(f decimal.Decimal) decimal.Decimal { return a.d.Mul(f) }

// Cmp returns -1, 0 or +1 as a is less than, equal to or greater than b.
// Use it (or Equal) rather than ==, which compares representations.
func (a Amount) Cmp(b Amount) int { return a.d.Cmp(b.d) }

// Equal reports whether a and b are the same amount.
func (a Amount) Equal(b Amount) bool { return a.d.Equal(b.d) }

// IsZero reports whether the amount is 0.00.
func (a Amount) IsZero() bool { return a.d.IsZero() }

// IsNegative reports whether the amount is below zero (refunds, debts).
func (a Amount) IsNegative() bool { return a.d.IsNegative() }

// MarshalJSON writes a JSON number with two decimals, e.g. 100.50, the way
// Huawei's APIs and our consoles show amounts.
func (a Amount) MarshalJSON() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalJSON accepts a JSON number (100.5) or a JSON string holding one
// ("100.5"), because the huaweicloud SDK serializes decimals as strings. It
// rejects every other JSON value, and an empty or non-numeric string. null is
// a no-op, as encoding/json's convention for Unmarshalers asks; use *Amount
// where "absent" must be told apart from 0.00.
func (a *Amount) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return fmt.Errorf("%w: empty JSON value", ErrSyntax)
	}
	var text string
	switch c := b[0]; {
	case c == '"':
		if err := json.Unmarshal(b, &text); err != nil {
			return fmt.Errorf("%w: JSON string %s: %v", ErrSyntax, b, err)
		}
		if text == "" {
			return fmt.Errorf("%w: empty JSON string, want a number like \"100.50\"", ErrSyntax)
		}
	case c == '-' || ('0' <= c && c <= '9'):
		text = string(b)
	case string(b) == "null":
		return nil
	default:
		return fmt.Errorf("%w: JSON %s is not an amount, want a number or a numeric string", ErrSyntax, jsonKind(c))
	}
	v, err := Parse(text)
	if err != nil {
		return err
	}
	*a = v
	return nil
}

// Value stores the amount as int64 cents (see the package comment for why).
func (a Amount) Value() (driver.Value, error) {
	c, err := toCents(a.d)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, a.d.String())
	}
	return c, nil
}

// Scan reads int64 cents, or an integer in text form (how some drivers hand
// back BIGINT or NUMERIC). Anything else, including NULL, is an error; use
// sql.Null[money.Amount] for nullable columns.
func (a *Amount) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*a = FromCents(v)
		return nil
	case []byte:
		return a.scanText(string(v))
	case string:
		return a.scanText(v)
	case nil:
		return errors.New("money: cannot scan NULL into Amount, use sql.Null[money.Amount]")
	default:
		return fmt.Errorf("money: cannot scan %T into Amount, want int64 cents", src)
	}
}

func (a *Amount) scanText(s string) error {
	c, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("money: cannot scan %q into Amount, want integer cents: %w", s, err)
	}
	*a = FromCents(c)
	return nil
}

// toCents converts d to minor units, failing instead of rounding or wrapping.
// It works on the coefficient and exponent directly so that an input like
// "1e-9999" or "1e9999" costs a few steps, not a 10,000-digit big.Int.
func toCents(d decimal.Decimal) (int64, error) {
	c, exp := d.Coefficient(), d.Exponent()
	if c.Sign() == 0 {
		return 0, nil
	}
	// Drop trailing zeros below the cents ("1.500" → 150 × 10^-2). The loop
	// runs at most once per digit of the coefficient.
	ten, rem := big.NewInt(10), new(big.Int)
	for exp < -places {
		q, r := new(big.Int).QuoRem(c, ten, rem)
		if r.Sign() != 0 {
			return 0, ErrPrecision
		}
		c, exp = q, exp+1
	}
	shift := exp + places
	if shift > 18 { // 10^19 overflows int64 for any non-zero coefficient
		return 0, ErrRange
	}
	c.Mul(c, new(big.Int).Exp(ten, big.NewInt(int64(shift)), nil))
	if !c.IsInt64() {
		return 0, ErrRange
	}
	return c.Int64(), nil
}

// isDecimal reports whether s is [+-]digits[.digits][(e|E)[+-]digits]. It is
// stricter than decimal.NewFromString, which also takes ".5", "5.", the
// Unicode minus sign and similar forms we do not want in an API.
func isDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() bool {
		start := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// jsonKind names the JSON value starting with c, for error messages.
func jsonKind(c byte) string {
	switch c {
	case 't', 'f':
		return "bool"
	case '{':
		return "object"
	case '[':
		return "array"
	default:
		return "value"
	}
}
