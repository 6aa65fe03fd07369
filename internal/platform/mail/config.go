package mail

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults applied by ParseURL and NewSMTPSender.
const (
	// DefaultFrom is the sender address used when the URL names none.
	DefaultFrom = "Partner Center <noreply@partnercenter.local>"
	// DefaultTimeout bounds dialing and every SMTP exchange of one Send.
	DefaultTimeout = 10 * time.Second
)

// TLSMode says how the connection to the SMTP server is secured.
//
// The zero value is TLSRequired, so a hand-built SMTPConfig never sends
// credentials or mail in clear text unless asked to.
type TLSMode int

const (
	// TLSRequired upgrades the connection with STARTTLS and fails when the
	// server does not offer it (starttls=required, the default).
	TLSRequired TLSMode = iota
	// TLSOpportunistic uses STARTTLS when the server offers it and
	// continues in clear text otherwise (starttls=opportunistic).
	TLSOpportunistic
	// TLSNone never uses TLS (starttls=none). Meant for loopback test
	// servers and local relays.
	TLSNone
	// TLSImplicit speaks TLS from the first byte (scheme smtps).
	TLSImplicit
)

// String returns the PC_SMTP_URL spelling of the mode ("implicit" for smtps).
func (m TLSMode) String() string {
	switch m {
	case TLSRequired:
		return "required"
	case TLSOpportunistic:
		return "opportunistic"
	case TLSNone:
		return "none"
	case TLSImplicit:
		return "implicit"
	default:
		return "TLSMode(" + strconv.Itoa(int(m)) + ")"
	}
}

// DefaultPort is the port used when the URL names none: 465 for smtps,
// 587 for STARTTLS-required smtp, 25 otherwise.
func (m TLSMode) DefaultPort() int {
	switch m {
	case TLSImplicit:
		return 465
	case TLSRequired:
		return 587
	default:
		return 25
	}
}

// SMTPConfig is the SMTP transport configuration, usually from ParseURL.
//
// Its String, GoString and LogValue methods hide the password, so the value
// can be printed or logged as a whole.
type SMTPConfig struct {
	Host               string
	Port               int
	Username, Password string
	TLS                TLSMode
	From               string
	InsecureSkipVerify bool
	Timeout            time.Duration
}

// ParseURL parses PC_SMTP_URL:
//
//	smtp://user:pass@host:port?starttls=required|opportunistic|none&from=noreply%40example.com
//	smtps://user:pass@host:port?from=...
//
// user and pass are URL-decoded. Query options:
//   - starttls: required (default), opportunistic or none; smtp only.
//   - from: the sender, "addr" or "Name <addr>"; default DefaultFrom.
//   - insecure_skip_verify: true to accept any server certificate (test
//     servers with self-signed certificates only).
//   - timeout: a Go duration such as 5s; default DefaultTimeout.
//
// The port defaults to TLSMode.DefaultPort. Errors never contain the password.
func ParseURL(raw string) (SMTPConfig, error) {
	var cfg SMTPConfig
	if strings.TrimSpace(raw) == "" {
		return cfg, errors.New("parse smtp url: empty url")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// *url.Error quotes the whole URL, password included: keep only
		// the cause.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return cfg, fmt.Errorf("parse smtp url: %w", err)
	}

	switch u.Scheme {
	case "smtp":
		cfg.TLS = TLSRequired
	case "smtps":
		cfg.TLS = TLSImplicit
	case "":
		return cfg, errors.New("parse smtp url: missing scheme (want smtp:// or smtps://)")
	default:
		return cfg, fmt.Errorf("parse smtp url: unsupported scheme %q (want smtp or smtps)", u.Scheme)
	}

	cfg.Host = u.Hostname()
	if cfg.Host == "" {
		return cfg, errors.New("parse smtp url: missing host")
	}
	if u.Path != "" && u.Path != "/" {
		return cfg, fmt.Errorf("parse smtp url: unexpected path %q", u.Path)
	}

	if u.User != nil {
		cfg.Username = u.User.Username()
		cfg.Password, _ = u.User.Password()
		if cfg.Username == "" && cfg.Password != "" {
			return cfg, errors.New("parse smtp url: password given without user")
		}
	}

	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return cfg, fmt.Errorf("parse smtp url: query: %w", err)
	}
	cfg.From = DefaultFrom
	cfg.Timeout = DefaultTimeout
	for key, vals := range q {
		if len(vals) != 1 {
			return cfg, fmt.Errorf("parse smtp url: option %s given %d times", key, len(vals))
		}
		val := vals[0]
		switch key {
		case "starttls":
			if cfg.TLS == TLSImplicit {
				return cfg, errors.New("parse smtp url: starttls does not apply to smtps (implicit tls)")
			}
			switch strings.ToLower(val) {
			case "required":
				cfg.TLS = TLSRequired
			case "opportunistic":
				cfg.TLS = TLSOpportunistic
			case "none":
				cfg.TLS = TLSNone
			default:
				return cfg, fmt.Errorf("parse smtp url: invalid starttls %q (want required, opportunistic or none)", val)
			}
		case "from":
			if _, err := netmail.ParseAddress(val); err != nil {
				return cfg, fmt.Errorf("parse smtp url: invalid from %q: %w", val, err)
			}
			cfg.From = val
		case "insecure_skip_verify":
			b, err := strconv.ParseBool(val)
			if err != nil {
				return cfg, fmt.Errorf("parse smtp url: invalid insecure_skip_verify %q (want true or false)", val)
			}
			cfg.InsecureSkipVerify = b
		case "timeout":
			d, err := time.ParseDuration(val)
			if err != nil || d <= 0 {
				return cfg, fmt.Errorf("parse smtp url: invalid timeout %q (want a positive duration such as 10s)", val)
			}
			cfg.Timeout = d
		default:
			return cfg, fmt.Errorf("parse smtp url: unknown option %q", key)
		}
	}

	cfg.Port = cfg.TLS.DefaultPort()
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return cfg, fmt.Errorf("parse smtp url: invalid port %q", p)
		}
		cfg.Port = port
	} else if strings.HasSuffix(u.Host, ":") {
		return cfg, errors.New("parse smtp url: invalid port \"\"")
	}
	return cfg, nil
}

// withDefaults fills the zero fields of a hand-built config.
func (c SMTPConfig) withDefaults() SMTPConfig {
	if c.Port == 0 {
		c.Port = c.TLS.DefaultPort()
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.From == "" {
		c.From = DefaultFrom
	}
	return c
}

// Redacted returns the configuration in PC_SMTP_URL form with the password
// replaced by "xxxxx". ParseURL accepts the result.
func (c SMTPConfig) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: c.Host}
	if c.TLS == TLSImplicit {
		u.Scheme = "smtps"
	}
	if c.Port != 0 {
		u.Host = net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
	} else if strings.Contains(c.Host, ":") {
		u.Host = "[" + c.Host + "]"
	}
	switch {
	case c.Username != "" && c.Password != "":
		u.User = url.UserPassword(c.Username, "xxxxx")
	case c.Username != "":
		u.User = url.User(c.Username)
	}
	q := url.Values{}
	if c.TLS != TLSImplicit {
		q.Set("starttls", c.TLS.String())
	}
	if c.From != "" {
		q.Set("from", c.From)
	}
	if c.InsecureSkipVerify {
		q.Set("insecure_skip_verify", "true")
	}
	if c.Timeout > 0 {
		q.Set("timeout", c.Timeout.String())
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// String is Redacted: printing a config never shows the password.
func (c SMTPConfig) String() string { return c.Redacted() }

// GoString keeps %#v from printing the password.
func (c SMTPConfig) GoString() string { return "mail.SMTPConfig(" + c.Redacted() + ")" }

// LogValue keeps log/slog from printing the password.
func (c SMTPConfig) LogValue() slog.Value { return slog.StringValue(c.Redacted()) }
