package prospect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/mask"
)

// Status is where a report stands (console.md §1.2).
type Status string

const (
	StatusPending    Status = "pending"    // 待审核: waits for the cloud's reviewer
	StatusReported   Status = "reported"   // 已报备: locks the prospect, may be invited
	StatusFailed     Status = "failed"     // 报备失败: the reviewer rejected it
	StatusExpired    Status = "expired"    // 已失效: 15 days passed, the lock is free
	StatusAssociated Status = "associated" // 已关联: the customer accepted an invitation
)

// Statuses in display order.
var Statuses = []Status{StatusPending, StatusReported, StatusFailed, StatusExpired, StatusAssociated}

// Why a report waits for review.
const (
	CauseRegistered7d = "registered_7d" // the account is older than ReviewAge
	CauseSpending     = "spending"      // the account has cash spending
)

// Report is one report of a prospect by a partner.
type Report struct {
	ID           string
	PartnerID    string
	ReporterID   string
	ReporterName string
	// ManagerID is the account manager the report belongs to (data
	// scope); empty when reported by someone who sees every customer.
	ManagerID         string
	CustomerName      string
	ContactName       string
	MobileCountryCode string
	Mobile            string
	Email             string
	Industry          string
	Region            string
	IntendedType      customer.AssociationType
	Remark            string
	// CustomerID is the existing account the report names; empty for a
	// prospect without one.
	CustomerID   string
	Status       Status
	ReviewCause  string
	RejectReason string
	ReviewedBy   string
	ReviewedAt   time.Time
	ExpiresAt    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Active reports whether the report holds the lock at now.
func (r Report) Active(now time.Time) bool {
	return (r.Status == StatusPending || r.Status == StatusReported) && now.Before(r.ExpiresAt)
}

// NewReport is the report form (报备客户).
type NewReport struct {
	CustomerName string
	ContactName  string
	// CountryCode is the mobile's country code ("0086", "+86" or "86");
	// empty means 0086.
	CountryCode  string
	Mobile       string
	Email        string
	Industry     string
	Region       string
	IntendedType customer.AssociationType
	Remark       string
	// AccountID picks one of the accounts the mobile or e-mail backs when
	// there are several (the chooser).
	AccountID string
}

// Candidate is an account the chooser offers, its name masked.
type Candidate struct {
	ID         string
	MaskedName string
}

// Field bounds of the form.
const (
	maxName   = 128
	maxShort  = 64
	maxRemark = 256
	maxEmail  = 64
)

var (
	emailPattern   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	countryPattern = regexp.MustCompile(`^00[1-9][0-9]{0,3}$`)
	foreignMobile  = regexp.MustCompile(`^[0-9]{4,15}$`)
)

// validEmail reports whether s (lower-cased) is an address.
func validEmail(s string) bool { return len(s) <= maxEmail && emailPattern.MatchString(s) }

// normCountry turns "+86", "86" or "0086" into "0086".
func normCountry(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return customer.ChinaCountryCode
	}
	s = strings.TrimPrefix(s, "+")
	if !strings.HasPrefix(s, "00") {
		s = "00" + s
	}
	return s
}

// normalize validates the form and returns it cleaned.
func (in NewReport) normalize() (NewReport, error) {
	out := in
	out.CustomerName = strings.TrimSpace(in.CustomerName)
	out.ContactName = strings.TrimSpace(in.ContactName)
	out.Email = strings.ToLower(strings.TrimSpace(in.Email))
	out.Industry, out.Region = strings.TrimSpace(in.Industry), strings.TrimSpace(in.Region)
	out.Remark = strings.TrimSpace(in.Remark)
	switch {
	case out.CustomerName == "":
		return out, fieldErr("customer_name", "err.prospect_customer_name_required")
	case utf8.RuneCountInString(out.CustomerName) > maxName:
		return out, fieldErr("customer_name", "err.prospect_too_long")
	case utf8.RuneCountInString(out.ContactName) > maxShort, utf8.RuneCountInString(out.Industry) > maxShort,
		utf8.RuneCountInString(out.Region) > maxShort:
		return out, fieldErr("contact_name", "err.prospect_too_long")
	case utf8.RuneCountInString(out.Remark) > maxRemark:
		return out, fieldErr("remark", "err.prospect_too_long")
	case !in.IntendedType.Valid():
		return out, fieldErr("intended_type", "err.prospect_type_invalid")
	}
	out.Mobile = ""
	if m := strings.TrimSpace(in.Mobile); m != "" {
		out.CountryCode = normCountry(in.CountryCode)
		switch {
		case !countryPattern.MatchString(out.CountryCode):
			return out, fieldErr("country_code", "err.prospect_mobile_format")
		case out.CountryCode == customer.ChinaCountryCode:
			national, ok := customer.ParseMobile(m)
			if !ok {
				return out, fieldErr("mobile", "err.prospect_mobile_format")
			}
			out.Mobile = national
		case !foreignMobile.MatchString(m):
			return out, fieldErr("mobile", "err.prospect_mobile_format")
		default:
			out.Mobile = m
		}
	} else {
		out.CountryCode = ""
	}
	if out.Email != "" && !validEmail(out.Email) {
		return out, fieldErr("email", "err.prospect_email_format")
	}
	if out.Mobile == "" && out.Email == "" {
		return out, fieldErr("mobile", "err.prospect_contact_required")
	}
	return out, nil
}

// OfferedTypes are the association types a partner type may develop
// customers in (§1.3: some partner types only offer reseller): a cloud
// reseller resells; a solution provider offers both. Distributors develop
// customers through their cloud resellers and report none themselves (as
// CreateSubCustomer refuses them, CBC.50010059).
func OfferedTypes(t identity.PartnerType) []customer.AssociationType {
	switch t {
	case identity.SolutionProvider:
		return []customer.AssociationType{customer.Referral, customer.Reseller}
	case identity.CloudReseller:
		return []customer.AssociationType{customer.Reseller}
	}
	return nil
}

// requireDeveloper checks that actor's partner may develop customers now:
// the permission item, the partner type, its standing and, for reporting,
// a mobile or e-mail on file (§1.2's prerequisite).
func (s *Service) requireDeveloper(ctx context.Context, actor identity.Actor, needContact bool) (identity.Partner, error) {
	if actor.PartnerID == "" || !actor.Can(identity.PermCustomerReport) {
		return identity.Partner{}, identity.ErrForbidden
	}
	st, err := s.Identity.PartnerStanding(ctx, actor.PartnerID)
	if err != nil {
		return identity.Partner{}, err
	}
	switch {
	case st.Type == identity.Distributor:
		return identity.Partner{}, ErrDistributor
	case st.Status != identity.PartnerNormal,
		st.Type == identity.CloudReseller && st.ParentStatus != identity.PartnerNormal:
		return identity.Partner{}, ErrPartnerRestricted
	}
	p, err := s.Identity.Partner(ctx, actor, actor.PartnerID)
	if err != nil {
		return identity.Partner{}, err
	}
	if needContact && p.ContactMobile == "" && p.ContactEmail == "" {
		m, err := s.Identity.MainMember(ctx, p.ID)
		if err != nil {
			return identity.Partner{}, err
		}
		if m.Mobile == "" && m.Email == "" {
			return identity.Partner{}, ErrNoPartnerContact
		}
	}
	return p, nil
}

// ownerManager is the account manager a report or invitation of actor
// belongs to: the actor itself when it sees only its own (or its team's)
// customers, none otherwise.
func ownerManager(actor identity.Actor) string {
	if actor.Scope.All() {
		return ""
	}
	return actor.ID
}

// Report files a report (报备客户) for actor's partner. Checks, each refused
// with its own error: the permission item (identity.ErrForbidden);
// ErrDistributor; ErrPartnerRestricted; ErrNoPartnerContact; the form
// (CBC.0100 marking the field); ErrTypeNotOffered; ErrProtected (on the
// cloud's protected list); then, when the mobile or e-mail backs several
// accounts and AccountID names none of them, ErrChooseAccount (or
// ErrBadChoice) with the candidates, masked; ErrAlreadyAssociated;
// ErrAlreadyReported (this partner holds an active report of the prospect);
// ErrReportedByOther (another partner does); ErrCap (MaxActiveReports).
//
// A report of an account registered more than ReviewAge ago, or with cash
// spending, waits for review (StatusPending); any other is StatusReported.
// Both lock the prospect for ReportValidity. The checks that concurrent
// reports could race past (the lock and the cap) run under row locks on the
// partner and the prospect's contacts. Not idempotent: a repeat is
// ErrAlreadyReported.
func (s *Service) Report(ctx context.Context, actor identity.Actor, in NewReport) (Report, []Candidate, error) {
	p, err := s.requireDeveloper(ctx, actor, true)
	if err != nil {
		return Report{}, nil, err
	}
	in, err = in.normalize()
	if err != nil {
		return Report{}, nil, err
	}
	if !slices.Contains(OfferedTypes(p.Type), in.IntendedType) {
		return Report{}, nil, ErrTypeNotOffered
	}
	protected, err := s.Customers.ContactProtected(ctx, s.DB.SQL, in.CountryCode, in.Mobile, in.Email)
	if err != nil {
		return Report{}, nil, err
	}
	if protected {
		return Report{}, nil, ErrProtected
	}
	accounts, err := s.Customers.AccountsByContact(ctx, s.DB.SQL, in.CountryCode, in.Mobile, in.Email)
	if err != nil {
		return Report{}, nil, err
	}
	var chosen *customer.ContactAccount
	switch {
	case len(accounts) == 1:
		chosen = &accounts[0]
	case len(accounts) > 1:
		cands := make([]Candidate, len(accounts))
		for i, a := range accounts {
			cands[i] = Candidate{ID: a.ID, MaskedName: mask.AccountName(a.DomainName)}
			if a.ID == in.AccountID {
				chosen = &accounts[i]
			}
		}
		if chosen == nil {
			if in.AccountID == "" {
				return Report{}, cands, ErrChooseAccount
			}
			return Report{}, cands, ErrBadChoice
		}
	}
	now := s.Clock.Now()
	r := Report{ID: ids.New(), PartnerID: p.ID, ReporterID: actor.ID, ReporterName: actor.Name, ManagerID: ownerManager(actor),
		CustomerName: in.CustomerName, ContactName: in.ContactName, MobileCountryCode: in.CountryCode, Mobile: in.Mobile,
		Email: in.Email, Industry: in.Industry, Region: in.Region, IntendedType: in.IntendedType, Remark: in.Remark,
		Status: StatusReported, ExpiresAt: now.Add(ReportValidity), CreatedAt: now, UpdatedAt: now}
	if chosen != nil {
		if chosen.PartnerID != "" {
			return Report{}, nil, ErrAlreadyAssociated
		}
		r.CustomerID = chosen.ID
		if now.Sub(chosen.CreatedAt) > ReviewAge {
			r.Status, r.ReviewCause = StatusPending, CauseRegistered7d
		} else if spent, err := s.Spending.HasCashSpending(ctx, s.DB.SQL, chosen.ID); err != nil {
			return Report{}, nil, err
		} else if spent {
			r.Status, r.ReviewCause = StatusPending, CauseSpending
		}
	}
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := lock(ctx, tx, now, "partner:"+p.ID); err != nil {
			return err
		}
		if err := lock(ctx, tx, now, prospectKeys(r.CustomerID, r.MobileCountryCode, r.Mobile, r.Email)...); err != nil {
			return err
		}
		if err := checkLock(ctx, tx, p.ID, now, r.CustomerID, r.MobileCountryCode, r.Mobile, r.Email); err != nil {
			return err
		}
		var active int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM prospect_reports
			WHERE partner_id = $1 AND status IN ('pending', 'reported') AND expires_at > $2`, p.ID, now).Scan(&active); err != nil {
			return err
		}
		if active >= MaxActiveReports {
			return ErrCap.With("max", MaxActiveReports)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO prospect_reports (id, partner_id, reporter_id, reporter_name, manager_id,
			customer_name, contact_name, mobile_country_code, mobile, email, industry, region, intended_type, remark,
			customer_id, status, review_cause, expires_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19)`,
			r.ID, r.PartnerID, r.ReporterID, r.ReporterName, nullable(r.ManagerID), r.CustomerName, r.ContactName,
			r.MobileCountryCode, r.Mobile, r.Email, r.Industry, r.Region, r.IntendedType, r.Remark, nullable(r.CustomerID),
			r.Status, r.ReviewCause, r.ExpiresAt, now); err != nil {
			return err
		}
		return audit(ctx, tx, actor, p.ID, "prospect.report", r.ID, fmt.Sprintf("%s %s", r.Status, r.ReviewCause), now)
	})
	if err != nil {
		return Report{}, nil, wrap("report prospect", err)
	}
	return r, nil, nil
}

// prospectKeys are the lock keys of a prospect, sorted so that every use
// case takes them in the same order.
func prospectKeys(customerID, cc, mobile, email string) []string {
	var keys []string
	if customerID != "" {
		keys = append(keys, "customer:"+customerID)
	}
	if mobile != "" {
		keys = append(keys, "mobile:"+cc+"-"+mobile)
	}
	if email != "" {
		keys = append(keys, "email:"+email)
	}
	slices.Sort(keys)
	return keys
}

// checkLock refuses a prospect that an active report already holds: this
// partner's (ErrAlreadyReported) or another's (ErrReportedByOther).
func checkLock(ctx context.Context, tx *sql.Tx, partnerID string, now time.Time, customerID, cc, mobile, email string) error {
	holders, err := lockHolders(ctx, tx, now, customerID, cc, mobile, email)
	if err != nil {
		return err
	}
	if slices.Contains(holders, partnerID) {
		return ErrAlreadyReported
	}
	if len(holders) > 0 {
		return ErrReportedByOther
	}
	return nil
}

// lockHolders returns the partners holding an active report of the
// prospect named by any of the account, the mobile or the e-mail.
func lockHolders(ctx context.Context, tx *sql.Tx, now time.Time, customerID, cc, mobile, email string) ([]string, error) {
	if customerID == "" && mobile == "" && email == "" {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT partner_id FROM prospect_reports
		WHERE status IN ('pending', 'reported') AND expires_at > $1
		AND ((customer_id IS NOT NULL AND customer_id = $2) OR (mobile <> '' AND mobile_country_code = $3 AND mobile = $4)
			OR (email <> '' AND email = $5))`, now, customerID, cc, mobile, email)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// lock upserts lock rows in tx (see the prospect_locks table).
func lock(ctx context.Context, tx *sql.Tx, now time.Time, keys ...string) error {
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, `INSERT INTO prospect_locks (key, updated_at) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at`, k, now); err != nil {
			return err
		}
	}
	return nil
}

// audit writes one audit row in the use case's transaction.
func audit(ctx context.Context, tx *sql.Tx, a identity.Actor, partnerID, action, target, detail string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (id, actor_type, actor_id, partner_id, action, target, detail, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, ids.New(), string(a.Kind), a.ID, partnerID, action, target, detail, at)
	return err
}

// wrap passes application errors through and names the operation of
// others.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var e interface{ Status() int }
	if errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
