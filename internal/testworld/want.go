package testworld

import (
	"errors"
	"testing"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/jobs"
)

// Each runs fn on every test database, with River's tables migrated too.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	dbtest.Each(t, fn, jobs.Migrate)
}

// WantErr fails unless err is the application error want (by code and
// key); a nil want means no error.
func WantErr(tb testing.TB, err error, want *apperr.Error) {
	tb.Helper()
	if want == nil {
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		tb.Fatalf("got error %v, want %s %s", err, want.Code, want.Key)
	}
}

// WantCode fails unless err is an application error with code.
func WantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if e, ok := apperr.As(err); !ok || e.Code != code {
		tb.Fatalf("got error %v, want code %s", err, code)
	}
}

// WantParam fails unless err is CBC.0100 naming field.
func WantParam(tb testing.TB, err error, field string) {
	tb.Helper()
	if e, ok := apperr.As(err); !ok || e.Code != "CBC.0100" || e.Args["field"] != field {
		tb.Fatalf("got %v, want CBC.0100 naming %s", err, field)
	}
}
