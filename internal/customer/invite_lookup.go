package customer

import (
	"context"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/platform/db"
)

// Customer development (the prospect package) reports prospects and invites
// them; the accounts and associations it reads and makes are this domain's,
// so it goes through the functions of the invite_*.go files, which take the
// caller's transaction (a db.Querier) where the caller must read under its
// own locks.

// ContactAccount is an existing account as customer development sees it.
type ContactAccount struct {
	ID         string
	DomainName string
	CreatedAt  time.Time
	// PartnerID is the partner the account is associated with, or being
	// associated with by the association job; empty when it has none.
	PartnerID string
}

const contactAccountSelect = `SELECT c.id, c.domain_name, c.created_at,
	COALESCE((SELECT a.partner_id FROM customer_associations a WHERE a.customer_id = c.id AND a.ended_at IS NULL),
		c.pending_partner_id, '')
	FROM customers c`

// AccountsByContact returns the accounts a mobile (country code such as
// "0086" and national number) or an e-mail backs, oldest first. Either may
// be empty; both empty returns nothing. It applies no tenant scope: the
// caller shows only masked names. Read-only.
func (s *Service) AccountsByContact(ctx context.Context, q db.Querier, countryCode, mobile, email string) ([]ContactAccount, error) {
	if mobile == "" && email == "" {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, contactAccountSelect+`
		WHERE (c.mobile <> '' AND c.mobile_country_code = $1 AND c.mobile = $2) OR (c.email <> '' AND c.email = $3)
		ORDER BY c.created_at, c.id`, countryCode, mobile, strings.ToLower(email))
	if err != nil {
		return nil, fmt.Errorf("accounts by contact: %w", err)
	}
	defer rows.Close()
	var out []ContactAccount
	for rows.Next() {
		var a ContactAccount
		if err := rows.Scan(&a.ID, &a.DomainName, &a.CreatedAt, &a.PartnerID); err != nil {
			return nil, fmt.Errorf("accounts by contact: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ContactProtected reports whether a mobile (mainland numbers only: the
// protected list holds "+86" numbers) or an e-mail is on the cloud's
// protected list (受保护客户名单). Read-only.
func (s *Service) ContactProtected(ctx context.Context, q db.Querier, countryCode, mobile, email string) (bool, error) {
	if countryCode != ChinaCountryCode {
		mobile = ""
	}
	return isProtected(ctx, q, mobile, normEmail(email))
}
