package mail_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"partnercenter/internal/platform/mail"
)

func TestParseURL(t *testing.T) {
	def := func(c mail.SMTPConfig) mail.SMTPConfig {
		if c.From == "" {
			c.From = mail.DefaultFrom
		}
		if c.Timeout == 0 {
			c.Timeout = 10 * time.Second
		}
		return c
	}
	for _, tc := range []struct {
		name string
		raw  string
		want mail.SMTPConfig
	}{
		{
			name: "all options",
			raw:  "smtp://user%40corp.example:p%40ss%3Aw%2Frd%20%E5%AF%86@mail.example.com:2525?starttls=opportunistic&from=Partner%20Center%20%3Cpc%40example.com%3E&insecure_skip_verify=true&timeout=5s",
			want: mail.SMTPConfig{
				Host: "mail.example.com", Port: 2525,
				Username: "user@corp.example", Password: "p@ss:w/rd 密",
				TLS: mail.TLSOpportunistic, From: "Partner Center <pc@example.com>",
				InsecureSkipVerify: true, Timeout: 5 * time.Second,
			},
		},
		{
			name: "defaults",
			raw:  "smtp://mail.example.com",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 587, TLS: mail.TLSRequired}),
		},
		{
			name: "trailing slash",
			raw:  "smtp://mail.example.com/",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 587, TLS: mail.TLSRequired}),
		},
		{
			name: "starttls required explicit",
			raw:  "smtp://u:p@mail.example.com?starttls=required",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 587, Username: "u", Password: "p", TLS: mail.TLSRequired}),
		},
		{
			name: "starttls opportunistic default port 25",
			raw:  "smtp://mail.example.com?starttls=opportunistic",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 25, TLS: mail.TLSOpportunistic}),
		},
		{
			name: "starttls none default port 25",
			raw:  "smtp://mail.example.com?starttls=NONE",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 25, TLS: mail.TLSNone}),
		},
		{
			name: "smtps default port 465",
			raw:  "smtps://u:p@mail.example.com",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 465, Username: "u", Password: "p", TLS: mail.TLSImplicit}),
		},
		{
			name: "smtps explicit port",
			raw:  "SMTPS://mail.example.com:2465?insecure_skip_verify=false",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 2465, TLS: mail.TLSImplicit}),
		},
		{
			name: "user without password",
			raw:  "smtp://apikey@mail.example.com:587",
			want: def(mail.SMTPConfig{Host: "mail.example.com", Port: 587, Username: "apikey", TLS: mail.TLSRequired}),
		},
		{
			name: "ipv6 loopback",
			raw:  "smtp://[::1]:1025?starttls=none",
			want: def(mail.SMTPConfig{Host: "::1", Port: 1025, TLS: mail.TLSNone}),
		},
		{
			name: "plain from address",
			raw:  "smtp://127.0.0.1:1025?starttls=none&from=noreply%40example.com",
			want: def(mail.SMTPConfig{Host: "127.0.0.1", Port: 1025, TLS: mail.TLSNone, From: "noreply@example.com"}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mail.ParseURL(tc.raw)
			if err != nil {
				t.Fatalf("ParseURL: %v", err)
			}
			if got != tc.want {
				t.Errorf("ParseURL =\n  %+v (password %q)\nwant\n  %+v (password %q)", got, got.Password, tc.want, tc.want.Password)
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		wantErr string
	}{
		{"", "empty url"},
		{"   ", "empty url"},
		{"mail.example.com", "missing scheme"},
		{"http://mail.example.com", `unsupported scheme "http"`},
		{"submission://mail.example.com", `unsupported scheme "submission"`},
		{"smtp://", "missing host"},
		{"smtp://u:hunter2@:25", "missing host"},
		{"smtp://mail.example.com:0", `invalid port "0"`},
		{"smtp://mail.example.com:70000", `invalid port "70000"`},
		{"smtp://u:hunter2@mail.example.com:abc", "invalid port"},
		{"smtp://mail.example.com:", "invalid port"},
		{"smtp://mail.example.com?starttls=maybe", `invalid starttls "maybe"`},
		{"smtp://mail.example.com?starttls=", `invalid starttls ""`},
		{"smtps://mail.example.com?starttls=none", "starttls does not apply to smtps"},
		{"smtp://mail.example.com?from=not-an-address", `invalid from "not-an-address"`},
		{"smtp://mail.example.com?insecure_skip_verify=yes", `invalid insecure_skip_verify "yes"`},
		{"smtp://mail.example.com?timeout=-1s", `invalid timeout "-1s"`},
		{"smtp://mail.example.com?timeout=10", `invalid timeout "10"`},
		{"smtp://mail.example.com?startls=none", `unknown option "startls"`},
		{"smtp://mail.example.com?starttls=none&starttls=required", "starttls given 2 times"},
		{"smtp://mail.example.com/inbox", `unexpected path "/inbox"`},
		{"smtp://:hunter2@mail.example.com", "password given without user"},
		{"smtp://u:hunter2@mail.example.com?x=%zz", "query"},
		{"smtp://u:hunter2@mail example.com", "invalid character"},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			_, err := mail.ParseURL(tc.raw)
			if err == nil {
				t.Fatalf("ParseURL(%q) succeeded, want error containing %q", tc.raw, tc.wantErr)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "parse smtp url: ") || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("error = %q, want %q in it", msg, tc.wantErr)
			}
			if strings.Contains(msg, "hunter2") {
				t.Errorf("error leaks the password: %q", msg)
			}
		})
	}
}

func TestSMTPConfigRedaction(t *testing.T) {
	const secret = "s3cr3t-p@ss"
	cfg, err := mail.ParseURL("smtp://user:s3cr3t-p%40ss@mail.example.com:2525?starttls=opportunistic&from=noreply%40example.com&insecure_skip_verify=true&timeout=3s")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Password != secret {
		t.Fatalf("Password = %q", cfg.Password)
	}

	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("smtp", "config", cfg)
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("smtp", "config", cfg)
	outputs := map[string]string{
		"String":   cfg.String(),
		"Redacted": cfg.Redacted(),
		"%v":       fmt.Sprintf("%v", cfg),
		"%+v":      fmt.Sprintf("%+v", cfg),
		"%#v":      fmt.Sprintf("%#v", cfg),
		"%s ptr":   fmt.Sprintf("%s", &cfg),
		"%+v ptr":  fmt.Sprintf("%+v", &cfg),
		"slog":     logBuf.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, "s3cr3t") {
			t.Errorf("%s leaks the password: %s", name, out)
		}
		if !strings.Contains(out, "xxxxx") {
			t.Errorf("%s does not show a redacted password: %s", name, out)
		}
	}
	t.Logf("String() = %s", cfg.String())

	// The redacted form parses back to the same config, password aside.
	back, err := mail.ParseURL(cfg.String())
	if err != nil {
		t.Fatalf("ParseURL(String()): %v", err)
	}
	back.Password = cfg.Password
	if back != cfg {
		t.Errorf("round trip = %#v, want %#v", back, cfg)
	}

	for _, raw := range []string{
		"smtps://u:p@mail.example.com",
		"smtp://mail.example.com",
		"smtp://apikey@[::1]:1025?starttls=none",
	} {
		c, err := mail.ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		back, err := mail.ParseURL(c.String())
		if err != nil {
			t.Fatalf("ParseURL(%q): %v", c.String(), err)
		}
		back.Password = c.Password
		if back != c {
			t.Errorf("%s: round trip via %s = %+v", raw, c.String(), back)
		}
	}
	if s := (mail.SMTPConfig{Host: "h", Username: "u"}).String(); strings.Contains(s, "xxxxx") {
		t.Errorf("no password but String shows one: %s", s)
	}
}

func TestTLSModeString(t *testing.T) {
	for mode, want := range map[mail.TLSMode]string{
		mail.TLSRequired: "required", mail.TLSOpportunistic: "opportunistic",
		mail.TLSNone: "none", mail.TLSImplicit: "implicit", mail.TLSMode(42): "TLSMode(42)",
	} {
		if got := mode.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(mode), got, want)
		}
	}
}
