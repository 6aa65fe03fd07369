package identity_test

import (
	"context"
	"strings"
	"testing"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/ids"
)

// mustCustomerRow adds a bare customer account (the customer domain's table)
// for keys to belong to.
func mustCustomerRow(tb testing.TB, f fixture) string {
	tb.Helper()
	id, name := ids.New(), uniqueName("keycust")
	now := f.clock.Now()
	if _, err := f.db.SQL.ExecContext(context.Background(), `INSERT INTO customers (id, domain_name, domain_name_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $4)`, id, name, strings.ToLower(name), now); err != nil {
		tb.Fatal(err)
	}
	return id
}

func TestCustomerAccessKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := mustFixture(t, d)

		t.Run("OK", func(t *testing.T) {
			c := mustCustomerRow(t, f)
			k, secret, err := f.svc.CreateCustomerAccessKey(ctx, c, "my platform")
			if err != nil {
				t.Fatal(err)
			}
			if len(k.AccessKey) != 20 || len(secret) != 40 || k.CustomerID != c || k.Status != identity.AccessKeyActive {
				t.Errorf("key %+v with a %d-char secret", k, len(secret))
			}
			a, got, err := f.svc.CustomerAccessKeyActor(ctx, k.AccessKey)
			if err != nil {
				t.Fatal(err)
			}
			if got != secret || a.Kind != identity.ActorCustomer || a.ID != c || a.DomainID != c || a.PartnerID != "" || len(a.Perms) != 0 {
				t.Errorf("actor %+v secret %q; want the customer with no partner and no permission items", a, got)
			}
			// A customer's key is not a member's key, cached or not.
			if a, _, err := f.svc.AccessKeyActor(ctx, k.AccessKey); err == nil {
				t.Errorf("AccessKeyActor resolved a customer's key to %+v", a)
			}
			f.svc.NoteCustomerAccessKeyUsed(ctx, k.AccessKey)
			list, err := f.svc.CustomerAccessKeys(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].AccessKey != k.AccessKey || list[0].LastUsedAt == nil {
				t.Errorf("keys %+v, want the one key, used", list)
			}
			if n := countRows(t, f, "SELECT COUNT(*) FROM audit_log WHERE actor_id = $1 AND action = 'customer_access_key.create'", c); n != 1 {
				t.Errorf("%d audit rows, want 1", n)
			}
		})

		t.Run("ErrTooManyAccessKeys", func(t *testing.T) {
			c := mustCustomerRow(t, f)
			for range identity.MaxCustomerAccessKeys {
				if _, _, err := f.svc.CreateCustomerAccessKey(ctx, c, ""); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := f.svc.CreateCustomerAccessKey(ctx, c, "")
			assertErr(t, err, identity.ErrTooManyAccessKeys)
		})

		t.Run("ErrDescriptionTooLong", func(t *testing.T) {
			_, _, err := f.svc.CreateCustomerAccessKey(ctx, mustCustomerRow(t, f), strings.Repeat("x", 256))
			if e, ok := apperr.As(err); !ok || e.Code != "CBC.0100" {
				t.Errorf("err %v, want CBC.0100", err)
			}
		})

		t.Run("DisableRefusesAtOnce", func(t *testing.T) {
			c := mustCustomerRow(t, f)
			k, _, err := f.svc.CreateCustomerAccessKey(ctx, c, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.svc.CustomerAccessKeyActor(ctx, k.AccessKey); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.SetCustomerAccessKeyStatus(ctx, c, k.AccessKey, identity.AccessKeyInactive); err != nil {
				t.Fatal(err)
			}
			_, _, err = f.svc.CustomerAccessKeyActor(ctx, k.AccessKey)
			assertErr(t, err, identity.ErrAPICredentials)
			if err := f.svc.SetCustomerAccessKeyStatus(ctx, c, k.AccessKey, identity.AccessKeyActive); err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.svc.CustomerAccessKeyActor(ctx, k.AccessKey); err != nil {
				t.Errorf("enabled again: %v", err)
			}
			err = f.svc.SetCustomerAccessKeyStatus(ctx, c, k.AccessKey, "gone")
			if e, ok := apperr.As(err); !ok || e.Code != "CBC.0100" {
				t.Errorf("unknown status: %v, want CBC.0100", err)
			}
		})

		t.Run("DeleteRefusesAtOnce", func(t *testing.T) {
			c := mustCustomerRow(t, f)
			k, _, err := f.svc.CreateCustomerAccessKey(ctx, c, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.svc.CustomerAccessKeyActor(ctx, k.AccessKey); err != nil {
				t.Fatal(err)
			}
			if err := f.svc.DeleteCustomerAccessKey(ctx, c, k.AccessKey); err != nil {
				t.Fatal(err)
			}
			_, _, err = f.svc.CustomerAccessKeyActor(ctx, k.AccessKey)
			assertErr(t, err, identity.ErrAPICredentials)
			assertErr(t, f.svc.DeleteCustomerAccessKey(ctx, c, k.AccessKey), apperr.NotFound)
		})

		t.Run("ErrOtherCustomersKey", func(t *testing.T) {
			owner, other := mustCustomerRow(t, f), mustCustomerRow(t, f)
			k, _, err := f.svc.CreateCustomerAccessKey(ctx, owner, "")
			if err != nil {
				t.Fatal(err)
			}
			assertErr(t, f.svc.SetCustomerAccessKeyStatus(ctx, other, k.AccessKey, identity.AccessKeyInactive), apperr.NotFound)
			assertErr(t, f.svc.DeleteCustomerAccessKey(ctx, other, k.AccessKey), apperr.NotFound)
			if list, err := f.svc.CustomerAccessKeys(ctx, other); err != nil || len(list) != 0 {
				t.Errorf("other customer sees %+v, %v", list, err)
			}
			if list, _ := f.svc.CustomerAccessKeys(ctx, owner); len(list) != 1 || list[0].Status != identity.AccessKeyActive {
				t.Errorf("owner's key changed: %+v", list)
			}
		})

		t.Run("ErrUnknownKey", func(t *testing.T) {
			_, _, err := f.svc.CustomerAccessKeyActor(ctx, "NOSUCHKEY00000000000")
			assertErr(t, err, identity.ErrAPICredentials)
		})
	})
}
