package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
)

// ProtectedKind is what a protected contact is.
type ProtectedKind string

const (
	ProtectedMobile ProtectedKind = "mobile"
	ProtectedEmail  ProtectedKind = "email"
)

// Protected is a mobile or e-mail of a customer the cloud's direct sales
// follow (报备): no partner may create an account with it (CBC.99000051).
type Protected struct {
	ID   string
	Kind ProtectedKind
	// Value is "+8613800000000" for a mobile, the lower-cased address for
	// an e-mail.
	Value     string
	Note      string
	CreatedBy string
	CreatedAt time.Time
}

// ProtectedFilter narrows ListProtected.
type ProtectedFilter struct {
	Kind   *ProtectedKind
	Query  string // part of the value
	Limit  int    // 1..100, default 20
	Offset int
}

// requireProtectedAdmin allows platform admins and ecosystem managers.
func requireProtectedAdmin(a identity.Actor) error {
	if !a.IsOperator() || !(a.HasOperatorRole(identity.RolePlatformAdmin) || a.HasOperatorRole(identity.RoleEcoManager)) {
		return identity.ErrForbidden
	}
	return nil
}

// protectedValue normalizes a contact of kind for storage and lookup.
func protectedValue(kind ProtectedKind, value string) (string, error) {
	switch kind {
	case ProtectedMobile:
		national, ok := ParseMobile(value)
		if !ok {
			return "", ErrMobileFormat
		}
		return smsReceiver(national), nil
	case ProtectedEmail:
		v := normEmail(value)
		if !validEmail(v, 256) {
			return "", ErrEmailFormat
		}
		return v, nil
	}
	return "", ErrProtectedKind
}

// AddProtected puts a mobile or e-mail on the protected list. Platform
// admins and ecosystem managers only. Returns ErrProtectedKind,
// ErrMobileFormat, ErrEmailFormat. Idempotent: adding a listed contact
// returns the existing entry unchanged.
func (s *Service) AddProtected(ctx context.Context, actor identity.Actor, kind ProtectedKind, value, note string) (Protected, error) {
	return s.addProtected(ctx, actor, kind, value, note, false)
}

// ErrProtectedListed: the contact is already on the protected list. Only
// AddNewProtected returns it; AddProtected is idempotent.
var ErrProtectedListed = apperr.New("PC.0409", "err.customer_protected_listed")

// AddNewProtected is AddProtected for the operator console, which tells the
// operator when the contact was already listed: it then returns the
// existing entry (its note unchanged) with ErrProtectedListed.
func (s *Service) AddNewProtected(ctx context.Context, actor identity.Actor, kind ProtectedKind, value, note string) (Protected, error) {
	return s.addProtected(ctx, actor, kind, value, note, true)
}

func (s *Service) addProtected(ctx context.Context, actor identity.Actor, kind ProtectedKind, value, note string, once bool) (Protected, error) {
	if err := requireProtectedAdmin(actor); err != nil {
		return Protected{}, err
	}
	v, err := protectedValue(kind, value)
	if err != nil {
		return Protected{}, err
	}
	if len([]rune(note)) > 256 {
		return Protected{}, errParam("note")
	}
	p := Protected{ID: ids.New(), Kind: kind, Value: v, Note: strings.TrimSpace(note), CreatedBy: actor.Name, CreatedAt: s.clock.Now()}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO protected_contacts (id, kind, value, note, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, value) DO NOTHING`,
			p.ID, p.Kind, p.Value, p.Note, p.CreatedBy, p.CreatedAt)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSkip
		}
		return audit(ctx, tx, actor, "", "customer.protected_add", p.ID, string(kind)+" "+v, p.CreatedAt)
	})
	if errors.Is(err, errSkip) {
		existing, err := scanProtected(s.db.SQL.QueryRowContext(ctx, protectedSelect+" WHERE kind = $1 AND value = $2", kind, v))
		if err == nil && once {
			err = ErrProtectedListed.With("value", v)
		}
		return existing, err
	}
	if err != nil {
		return Protected{}, fmt.Errorf("add protected contact: %w", err)
	}
	return p, nil
}

// RemoveProtected takes an entry off the protected list. Platform admins and
// ecosystem managers only. Idempotent: removing an unknown id does nothing.
func (s *Service) RemoveProtected(ctx context.Context, actor identity.Actor, id string) error {
	if err := requireProtectedAdmin(actor); err != nil {
		return err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var kind, value string
		err := tx.QueryRowContext(ctx, "DELETE FROM protected_contacts WHERE id = $1 RETURNING kind, value", id).Scan(&kind, &value)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, "", "customer.protected_remove", id, kind+" "+value, s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("remove protected contact %s: %w", id, err)
	}
	return nil
}

// ProtectedByID returns one entry of the protected list. Any operator may
// read it. Returns apperr.NotFound. Read-only.
func (s *Service) ProtectedByID(ctx context.Context, actor identity.Actor, id string) (Protected, error) {
	if !actor.IsOperator() {
		return Protected{}, identity.ErrForbidden
	}
	p, err := scanProtected(s.db.SQL.QueryRowContext(ctx, protectedSelect+" WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Protected{}, apperr.NotFound
	}
	if err != nil {
		return Protected{}, fmt.Errorf("load protected contact %s: %w", id, err)
	}
	return p, nil
}

const protectedSelect = "SELECT id, kind, value, note, created_by, created_at FROM protected_contacts"

func scanProtected(row interface{ Scan(...any) error }) (Protected, error) {
	var p Protected
	err := row.Scan(&p.ID, &p.Kind, &p.Value, &p.Note, &p.CreatedBy, &p.CreatedAt)
	return p, err
}

// ListProtected lists the protected contacts, newest first, with the total.
// Any operator may read it. Read-only.
func (s *Service) ListProtected(ctx context.Context, actor identity.Actor, f ProtectedFilter) ([]Protected, int, error) {
	if !actor.IsOperator() {
		return nil, 0, identity.ErrForbidden
	}
	w := &db.Where{}
	if f.Kind != nil {
		w.Add("kind = ?", *f.Kind)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		w.Contains(q, "value")
	}
	var total int
	if err := s.db.SQL.QueryRowContext(ctx, "SELECT COUNT(*) FROM protected_contacts"+w.SQL(), w.Args()...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count protected contacts: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 20
	}
	page, args := w.Page(f.Limit, f.Offset)
	rows, err := s.db.SQL.QueryContext(ctx, protectedSelect+w.SQL()+" ORDER BY created_at DESC, id DESC"+page, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list protected contacts: %w", err)
	}
	defer rows.Close()
	out := []Protected{}
	for rows.Next() {
		p, err := scanProtected(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// isProtected reports whether a mobile (national number, may be empty) or an
// e-mail (normalized, may be empty) is on the protected list.
func isProtected(ctx context.Context, q db.Querier, mobile, email string) (bool, error) {
	if mobile == "" && email == "" {
		return false, nil
	}
	var found bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM protected_contacts
		WHERE (kind = 'mobile' AND value = $1) OR (kind = 'email' AND value = $2))`,
		mobileKey(mobile), email).Scan(&found)
	if err != nil {
		return false, fmt.Errorf("check protected contacts: %w", err)
	}
	return found, nil
}

// mobileKey is the protected list's form of a national number; "" stays ""
// so that it matches nothing.
func mobileKey(national string) string {
	if national == "" {
		return ""
	}
	return smsReceiver(national)
}
