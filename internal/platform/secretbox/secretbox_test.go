package secretbox_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/secretbox"
)

func TestSealOpen(t *testing.T) {
	box, err := secretbox.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sealed := box.Seal("s3cr3t-密钥")
	if sealed == box.Seal("s3cr3t-密钥") {
		t.Fatal("two seals of one secret must differ (random nonce)")
	}
	got, err := box.Open(sealed)
	if err != nil || got != "s3cr3t-密钥" {
		t.Fatalf("got %q, %v", got, err)
	}
	other, _ := secretbox.New(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(sealed); err == nil {
		t.Fatal("another key must not open the secret")
	}
	if _, err := box.Open("not base64!"); err == nil {
		t.Fatal("garbage must not open")
	}
}

func TestLoad(t *testing.T) {
	ctx := context.Background()
	t.Run("ConfiguredKeyWins", func(t *testing.T) {
		d := dbtest.Open(t, db.SQLite)
		key := "0000000000000000000000000000000000000000000000000000000000000001"
		a, err := secretbox.Load(ctx, key, t.TempDir(), d)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := secretbox.Load(ctx, key, t.TempDir(), d)
		if got, err := b.Open(a.Seal("x")); err != nil || got != "x" {
			t.Fatalf("same configured key must open: %v", err)
		}
		if _, err := secretbox.Load(ctx, "short", "", d); err == nil {
			t.Fatal("a malformed PC_SECRET_KEY must be refused")
		}
	})
	t.Run("KeyFileIsStable", func(t *testing.T) {
		d := dbtest.Open(t, db.SQLite)
		dir := t.TempDir()
		a, err := secretbox.Load(ctx, "", dir, d)
		if err != nil {
			t.Fatal(err)
		}
		b, err := secretbox.Load(ctx, "", dir, d)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := b.Open(a.Seal("x")); err != nil || got != "x" {
			t.Fatalf("the key file must give the same key: %v", err)
		}
		if _, err := filepath.Glob(filepath.Join(dir, "secret.key")); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("PostgresNodesShareKey", func(t *testing.T) {
		cfg := dbtest.Config(t, db.Postgres)
		d1, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer d1.Close()
		if err := d1.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		d2, err := db.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		a, err := secretbox.Load(ctx, "", t.TempDir(), d1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := secretbox.Load(ctx, "", t.TempDir(), d2)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := b.Open(a.Seal("x")); err != nil || got != "x" {
			t.Fatalf("a second node must open what the first sealed: %v", err)
		}
	})
}
