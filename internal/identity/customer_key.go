package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/ids"
)

// Customers' access keys. A partner's customer makes AK/SK pairs in the
// customer portal (费用中心 > 我的凭证 > 访问密钥) to call the open API's
// customer routes with its own credentials (ListSubCustomerCoupons). They
// live apart from members' keys, in customer_access_keys, but are made,
// sealed and cached with the same primitives, and a customer key resolves
// to an ActorCustomer that the API admits on customer routes only.

// ActorCustomer is a partner's customer calling the open API with its own
// access key. Its ID and DomainID are the customer's account (domain) id; it
// holds no permission items and no partner.
const ActorCustomer ActorKind = "customer"

// CustomerAccessKey is one AK/SK pair of a customer.
type CustomerAccessKey struct {
	ID          string
	AccessKey   string
	CustomerID  string
	Description string
	Status      string
	CreatedAt   time.Time
	LastUsedAt  *time.Time
}

// MaxCustomerAccessKeys is how many key pairs one customer may hold, as
// for members.
const MaxCustomerAccessKeys = MaxAccessKeys

// maxKeyDescription bounds a key's description, as the console form does.
const maxKeyDescription = 255

// CreateCustomerAccessKey adds a key pair for the customer and returns its
// secret, shown once and stored only sealed with the server key. Returns
// ErrTooManyAccessKeys at MaxCustomerAccessKeys and CBC.0100 for a
// description over 255 characters. Not idempotent. The caller (the portal)
// has authenticated the customer.
func (s *Service) CreateCustomerAccessKey(ctx context.Context, customerID, description string) (CustomerAccessKey, string, error) {
	if customerID == "" {
		return CustomerAccessKey{}, "", ErrForbidden
	}
	if len([]rune(description)) > maxKeyDescription {
		return CustomerAccessKey{}, "", apperr.New("CBC.0100", "err.invalid_param_named").With("field", "description")
	}
	k := CustomerAccessKey{
		ID: ids.New(), AccessKey: randomString(akAlphabet, 20), CustomerID: customerID,
		Description: description, Status: AccessKeyActive, CreatedAt: s.clock.Now(),
	}
	secret := randomString(skAlphabet, 40)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// SQLite transactions are immediate, so the count and the insert
		// are serialised; on PostgreSQL two racing creations could both
		// pass the count, leaving one key more than the limit at worst.
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM customer_access_keys WHERE customer_id = $1",
			customerID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxCustomerAccessKeys {
			return ErrTooManyAccessKeys
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_access_keys
			(id, access_key, secret_enc, customer_id, description, status, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			k.ID, k.AccessKey, s.box.Seal(secret), k.CustomerID, k.Description, k.Status, k.CreatedAt); err != nil {
			return err
		}
		return audit(ctx, tx, customerActor(customerID), "", "customer_access_key.create", k.AccessKey, "", k.CreatedAt)
	})
	if err != nil {
		return CustomerAccessKey{}, "", fmt.Errorf("create customer access key: %w", err)
	}
	return k, secret, nil
}

// CustomerAccessKeys lists a customer's key pairs, oldest first, without
// secrets.
func (s *Service) CustomerAccessKeys(ctx context.Context, customerID string) ([]CustomerAccessKey, error) {
	rows, err := s.db.SQL.QueryContext(ctx, `SELECT id, access_key, customer_id, description, status, created_at, last_used_at
		FROM customer_access_keys WHERE customer_id = $1 ORDER BY id`, customerID)
	if err != nil {
		return nil, fmt.Errorf("list customer access keys: %w", err)
	}
	defer rows.Close()
	var out []CustomerAccessKey
	for rows.Next() {
		var k CustomerAccessKey
		var last sql.NullTime
		if err := rows.Scan(&k.ID, &k.AccessKey, &k.CustomerID, &k.Description, &k.Status, &k.CreatedAt, &last); err != nil {
			return nil, err
		}
		if last.Valid {
			k.LastUsedAt = &last.Time
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// SetCustomerAccessKeyStatus enables (AccessKeyActive) or disables
// (AccessKeyInactive) one of the customer's own keys. Returns
// apperr.NotFound for a key that is not the customer's, CBC.0100 for an
// unknown status. Idempotent. A disabled key is refused at once on this node
// and within a few seconds on others.
func (s *Service) SetCustomerAccessKeyStatus(ctx context.Context, customerID, accessKey, status string) error {
	if status != AccessKeyActive && status != AccessKeyInactive {
		return apperr.New("CBC.0100", "err.invalid_param_named").With("field", "status")
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE customer_access_keys SET status = $1 WHERE access_key = $2 AND customer_id = $3",
			status, accessKey, customerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound
		}
		return audit(ctx, tx, customerActor(customerID), "", "customer_access_key.status", accessKey, status, s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("set customer access key %s %s: %w", accessKey, status, err)
	}
	s.apiAuth.forgetKey(customerCacheKey(accessKey))
	return nil
}

// DeleteCustomerAccessKey removes one of the customer's own keys for good.
// Returns apperr.NotFound for a key that is not the customer's (so a second
// call too: not idempotent). The key is refused at once on this node and
// within a few seconds on others.
func (s *Service) DeleteCustomerAccessKey(ctx context.Context, customerID, accessKey string) error {
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM customer_access_keys WHERE access_key = $1 AND customer_id = $2",
			accessKey, customerID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound
		}
		return audit(ctx, tx, customerActor(customerID), "", "customer_access_key.delete", accessKey, "", s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("delete customer access key %s: %w", accessKey, err)
	}
	s.apiAuth.forgetKey(customerCacheKey(accessKey))
	return nil
}

// CustomerAccessKeyActor resolves a customer's access key to its
// ActorCustomer and the secret to verify the signature with. An unknown or
// disabled key returns ErrAPICredentials. Results are cached for apiAuthTTL
// in the members' keys' cache under their own names (customerCacheKey), so
// AccessKeyActor never answers with a customer. It does not record use: call
// NoteCustomerAccessKeyUsed once the signature verified.
func (s *Service) CustomerAccessKeyActor(ctx context.Context, accessKey string) (Actor, string, error) {
	now := s.clock.Now()
	if e, ok := s.apiAuth.key(customerCacheKey(accessKey), now); ok {
		return e.actor, e.extra, nil
	}
	var sealed, status, customerID string
	err := s.db.SQL.QueryRowContext(ctx,
		"SELECT secret_enc, status, customer_id FROM customer_access_keys WHERE access_key = $1", accessKey).
		Scan(&sealed, &status, &customerID)
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, "", ErrAPICredentials.Wrap(errors.New("unknown access key"))
	}
	if err != nil {
		return Actor{}, "", fmt.Errorf("load customer access key: %w", err)
	}
	if status != AccessKeyActive {
		return Actor{}, "", ErrAPICredentials.Wrap(fmt.Errorf("customer access key is %s", status))
	}
	secret, err := s.box.Open(sealed)
	if err != nil {
		return Actor{}, "", fmt.Errorf("open customer access key secret: %w", err)
	}
	a := customerActor(customerID)
	s.apiAuth.putKey(customerCacheKey(accessKey), cachedKey{actor: a, extra: secret, loaded: now})
	return a, secret, nil
}

// NoteCustomerAccessKeyUsed records that a request signed with a
// customer's key was accepted, at most once a minute per key in this
// process; a failed write is ignored.
func (s *Service) NoteCustomerAccessKeyUsed(ctx context.Context, accessKey string) {
	now := s.clock.Now()
	if !s.apiAuth.touchDue(customerCacheKey(accessKey), now) {
		return
	}
	_, _ = s.db.SQL.ExecContext(ctx, "UPDATE customer_access_keys SET last_used_at = $1 WHERE access_key = $2", now, accessKey)
}

// customerActor is the actor of a customer's own calls.
func customerActor(customerID string) Actor {
	return Actor{Kind: ActorCustomer, ID: customerID, Name: customerID, DomainID: customerID}
}

// customerCacheKey names a customer's key in the API credential cache,
// apart from members' keys (which are upper-case letters and digits).
func customerCacheKey(accessKey string) string { return "customer:" + accessKey }
