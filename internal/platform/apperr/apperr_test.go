package apperr_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"partnercenter/internal/platform/apperr"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		err  *apperr.Error
		want int
	}{
		{apperr.InvalidParam, http.StatusBadRequest},
		{apperr.Unauthenticated, http.StatusUnauthorized},
		{apperr.Forbidden, http.StatusForbidden},
		{apperr.TooManyRequests, http.StatusTooManyRequests},
		{apperr.Internal, http.StatusInternalServerError},
		{apperr.New("CBC.99000029", "err.x"), http.StatusBadRequest},
		{apperr.New("CBC.5002", "err.x").WithStatus(http.StatusOK), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.err.Code, func(t *testing.T) {
			if got := tt.err.Status(); got != tt.want {
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestIsAndFrom(t *testing.T) {
	decorated := apperr.InvalidParam.With("field", "limit").WithField("limit", "err.range")
	wrapped := fmt.Errorf("list: %w", decorated)
	if !errors.Is(wrapped, apperr.InvalidParam) {
		t.Fatal("a decorated copy must match its base error")
	}
	if errors.Is(wrapped, apperr.Forbidden) {
		t.Fatal("different codes must not match")
	}
	if got := apperr.From(wrapped); got.Args["field"] != "limit" || len(got.Fields) != 1 {
		t.Fatalf("From lost details: %+v", got)
	}
	if len(apperr.InvalidParam.Fields) != 0 || apperr.InvalidParam.Args != nil {
		t.Fatal("decorating must not change the shared base error")
	}
	plain := errors.New("disk on fire")
	got := apperr.From(plain)
	if got.Code != apperr.Internal.Code || !errors.Is(got, plain) {
		t.Fatalf("got %v, want internal wrapping the cause", got)
	}
}
