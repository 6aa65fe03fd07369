package app

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/blob"
)

// Config is everything the program can be told. Each field has a PC_*
// environment variable (read by Env) and, for the contract fields, a flag.
type Config struct {
	Addr        string // PC_ADDR, default 127.0.0.1:8080
	DataDir     string // PC_DATA_DIR, default ./data
	DatabaseURL string // PC_DATABASE_URL; empty means SQLite in DataDir
	BaseURL     string // PC_BASE_URL; default http://Addr
	SecretKey   string // PC_SECRET_KEY; 64 hex chars; default a key file in DataDir (SQLite) or the database (PostgreSQL)
	SMTPURL     string // PC_SMTP_URL; empty keeps e-mail in the outbox
	S3          blob.S3Config
	LogLevel    string // PC_LOG_LEVEL: debug, info, warn, error
	Demo        bool   // seed demo data on start

	// SessionIdleTimeout signs a console user out after this much inactivity.
	SessionIdleTimeout time.Duration // PC_SESSION_IDLE, default 30m
	// ShutdownTimeout bounds the graceful stop.
	ShutdownTimeout time.Duration // PC_SHUTDOWN_TIMEOUT, default 30s

	// APIRateLimit is how many open API requests per second one partner may
	// make to one API on one node (0 turns the limit off); APIRateBurst is
	// the burst allowed above it.
	APIRateLimit float64 // PC_API_RATE_LIMIT, default 10
	APIRateBurst int     // PC_API_RATE_BURST, default 20

	// MaxAccountsPerMobile is how many customer accounts one mobile number
	// may back, platform-wide.
	MaxAccountsPerMobile int // PC_MAX_ACCOUNTS_PER_MOBILE, default 5
	// AssociationWait is how long CreateSubCustomer with
	// include_association_result=true waits for the association.
	AssociationWait time.Duration // PC_ASSOCIATION_WAIT, default 5s

	// AllowHTTPNotifyLoopback lets partners set binding-notification URLs
	// on a loopback host, plain http included, so tests can receive them
	// locally. Never on in production.
	AllowHTTPNotifyLoopback bool // PC_ALLOW_HTTP_NOTIFY_LOOPBACK=true
}

// Defaults returns the configuration of `partnercenter serve` with nothing
// configured: SQLite in ./data, mail and SMS in the outbox.
func Defaults() Config {
	return Config{
		Addr:                 "127.0.0.1:8080",
		DataDir:              "data",
		LogLevel:             "info",
		SessionIdleTimeout:   30 * time.Minute,
		ShutdownTimeout:      30 * time.Second,
		APIRateLimit:         10,
		APIRateBurst:         20,
		MaxAccountsPerMobile: customer.DefaultMaxAccountsPerMobile,
		AssociationWait:      customer.DefaultAssociationWait,
	}
}

// Env overlays PC_* environment variables on c.
func (c Config) Env(getenv func(string) string) (Config, error) {
	set := func(dst *string, name string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	set(&c.Addr, "PC_ADDR")
	set(&c.DataDir, "PC_DATA_DIR")
	set(&c.DatabaseURL, "PC_DATABASE_URL")
	set(&c.BaseURL, "PC_BASE_URL")
	set(&c.SecretKey, "PC_SECRET_KEY")
	set(&c.SMTPURL, "PC_SMTP_URL")
	set(&c.S3.Endpoint, "PC_S3_ENDPOINT")
	set(&c.S3.Region, "PC_S3_REGION")
	set(&c.S3.Bucket, "PC_S3_BUCKET")
	set(&c.S3.AccessKey, "PC_S3_ACCESS_KEY")
	set(&c.S3.SecretKey, "PC_S3_SECRET_KEY")
	set(&c.LogLevel, "PC_LOG_LEVEL")
	for name, dst := range map[string]*time.Duration{"PC_SESSION_IDLE": &c.SessionIdleTimeout,
		"PC_SHUTDOWN_TIMEOUT": &c.ShutdownTimeout, "PC_ASSOCIATION_WAIT": &c.AssociationWait} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return c, fmt.Errorf("%s: want a duration such as 30m, got %q", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("PC_API_RATE_LIMIT"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
			return c, fmt.Errorf("PC_API_RATE_LIMIT: want requests per second such as 10 (0 for no limit), got %q", v)
		}
		c.APIRateLimit = f
	}
	if v := getenv("PC_API_RATE_BURST"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("PC_API_RATE_BURST: want a whole number of requests of at least 1, got %q", v)
		}
		c.APIRateBurst = n
	}
	if v := getenv("PC_ALLOW_HTTP_NOTIFY_LOOPBACK"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("PC_ALLOW_HTTP_NOTIFY_LOOPBACK: want true or false, got %q", v)
		}
		c.AllowHTTPNotifyLoopback = on
	}
	if v := getenv("PC_MAX_ACCOUNTS_PER_MOBILE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return c, fmt.Errorf("PC_MAX_ACCOUNTS_PER_MOBILE: want a whole number of accounts of at least 1, got %q", v)
		}
		c.MaxAccountsPerMobile = n
	}
	return c, nil
}

// FromEnv is Defaults overlaid with the process environment.
func FromEnv() (Config, error) { return Defaults().Env(os.Getenv) }

// S3Configured reports whether object storage goes to S3 rather than the
// data directory.
func (c Config) S3Configured() bool { return c.S3.Endpoint != "" }

func (c Config) logLevel() slog.Level {
	switch strings.ToLower(c.LogLevel) {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	}
	return slog.LevelInfo
}

// baseURL is where users reach the server, for links in messages.
func (c Config) baseURL(listenAddr string) string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "http://" + listenAddr
}
