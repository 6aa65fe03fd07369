package i18n_test

import (
	"regexp"
	"slices"
	"testing"

	"partnercenter/internal/platform/i18n"
)

// TestKeyParity fails when a key exists in one language and not the other,
// or when their placeholders differ.
func TestKeyParity(t *testing.T) {
	zh, en := i18n.Keys(i18n.ZH), i18n.Keys(i18n.EN)
	for _, k := range zh {
		if !slices.Contains(en, k) {
			t.Errorf("key %q is in zh-CN but missing in en-US", k)
		}
	}
	for _, k := range en {
		if !slices.Contains(zh, k) {
			t.Errorf("key %q is in en-US but missing in zh-CN", k)
		}
	}
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, k := range zh {
		a := ph.FindAllString(i18n.T(i18n.ZH, k, nil), -1)
		b := ph.FindAllString(i18n.T(i18n.EN, k, nil), -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Errorf("key %q placeholders differ: zh %v, en %v", k, a, b)
		}
		if i18n.T(i18n.EN, k, nil) == "" || i18n.T(i18n.ZH, k, nil) == "" {
			t.Errorf("key %q has an empty message", k)
		}
	}
}

func TestT(t *testing.T) {
	got := i18n.T(i18n.EN, "err.invalid_param_named", map[string]any{"field": "limit"})
	if want := "Invalid parameter: limit"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if got := i18n.T(i18n.ZH, "no.such.key", nil); got != "no.such.key" {
		t.Fatalf("unknown key: got %q", got)
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name, cookie, accept string
		want                 i18n.Lang
	}{
		{"CookieWins", "en-US", "zh-CN,zh;q=0.9", i18n.EN},
		{"AcceptEnglish", "", "en-GB,en;q=0.9", i18n.EN},
		{"QualityOrder", "", "fr;q=1,en;q=0.5,zh;q=0.8", i18n.ZH},
		{"Unsupported", "", "fr-FR,de", i18n.ZH},
		{"Empty", "", "", i18n.ZH},
		{"BadCookieFallsBack", "xx", "en", i18n.EN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := i18n.Negotiate(tt.cookie, tt.accept); got != tt.want {
				t.Fatalf("got %s, want %s", got, tt.want)
			}
		})
	}
	if got := i18n.APILang("en_US"); got != i18n.EN {
		t.Fatalf("APILang en_US: got %s", got)
	}
	if got := i18n.APILang(""); got != i18n.ZH {
		t.Fatalf("APILang default: got %s", got)
	}
}

func TestKeyArgumentTranslated(t *testing.T) {
	got := i18n.T(i18n.EN, "err.invalid_param_named", map[string]any{"field": i18n.Key("action.save")})
	if want := "Invalid parameter: " + i18n.T(i18n.EN, "action.save", nil); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
