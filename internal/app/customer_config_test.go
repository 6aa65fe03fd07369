package app_test

import (
	"testing"
	"time"

	"partnercenter/internal/app"
)

func TestCustomerConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	d := app.Defaults()
	if d.MaxAccountsPerMobile != 5 || d.AssociationWait != 5*time.Second {
		t.Errorf("defaults %d accounts per mobile, wait %s; want 5 and 5s", d.MaxAccountsPerMobile, d.AssociationWait)
	}
	tests := []struct {
		name     string
		getenv   func(string) string
		wantMax  int
		wantWait time.Duration
		wantErr  bool
	}{
		{"OK/Set", env("PC_MAX_ACCOUNTS_PER_MOBILE", "2", "PC_ASSOCIATION_WAIT", "250ms"), 2, 250 * time.Millisecond, false},
		{"OK/Unset", env(), 5, 5 * time.Second, false},
		{"ErrMaxZero", env("PC_MAX_ACCOUNTS_PER_MOBILE", "0"), 0, 0, true},
		{"ErrMaxNotANumber", env("PC_MAX_ACCOUNTS_PER_MOBILE", "five"), 0, 0, true},
		{"ErrWaitNotADuration", env("PC_ASSOCIATION_WAIT", "5"), 0, 0, true},
		{"ErrWaitNegative", env("PC_ASSOCIATION_WAIT", "-1s"), 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := d.Env(tt.getenv)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && (c.MaxAccountsPerMobile != tt.wantMax || c.AssociationWait != tt.wantWait) {
				t.Errorf("%d per mobile, wait %s; want %d and %s", c.MaxAccountsPerMobile, c.AssociationWait, tt.wantMax, tt.wantWait)
			}
		})
	}
}
