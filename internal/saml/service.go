package saml

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	crewjam "github.com/crewjam/saml"
	dsig "github.com/russellhaering/goxmldsig"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/secretbox"
)

// Paths of the SP.
const (
	MetadataPath = "/authui/saml/metadata.xml"
	LoginPath    = "/authui/saml/login"
	ACSPath      = "/authui/saml/acs"
)

// RequestTTL is how long a login may take at the IdP.
const RequestTTL = 10 * time.Minute

// Deps are what the SP works with.
type Deps struct {
	DB       *db.DB
	Box      *secretbox.Box // seals the platform's private key
	Clock    clock.Clock
	Identity *identity.Service // partners' IdP metadata
	// Binder signs the verified customer in; nil means UnboundBinder.
	Binder Binder
	Log    *slog.Logger
}

// Config says where users reach us.
type Config struct {
	// BaseURL (scheme://host[:port], no trailing slash) gives the entity ID
	// and ACS URL; empty derives them from each request's scheme and Host.
	BaseURL string
}

// Service is the SP. It is safe for concurrent use.
type Service struct {
	Deps
	cfg Config

	keyMu sync.Mutex
	key   *PlatformKey
}

// New returns the SP. Nothing is generated until the first request needs
// the platform key.
func New(d Deps, cfg Config) *Service {
	if d.Binder == nil {
		d.Binder = UnboundBinder{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	return &Service{Deps: d, cfg: cfg}
}

// Route is one SP endpoint. None needs a sign-in; WithSession marks the one
// whose Binder may use the console session (app wraps it in the session
// middleware).
type Route struct {
	Method, Pattern string
	Handler         http.Handler
	WithSession     bool
}

// Routes lists the SP's endpoints for app to mount on the root mux.
func (s *Service) Routes() []Route {
	return []Route{
		{Method: http.MethodGet, Pattern: MetadataPath, Handler: http.HandlerFunc(s.serveMetadata)},
		{Method: http.MethodGet, Pattern: LoginPath, Handler: http.HandlerFunc(s.serveLogin)},
		{Method: http.MethodPost, Pattern: ACSPath, Handler: http.HandlerFunc(s.serveACS), WithSession: true},
	}
}

// PlatformKey returns the platform's SP key pair, loading (or, on the very
// first use in a database, creating) it once per process.
func (s *Service) PlatformKey(ctx context.Context) (*PlatformKey, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key != nil {
		return s.key, nil
	}
	k, err := LoadPlatformKey(ctx, s.DB, s.Box, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	s.key = k
	return k, nil
}

// baseURL is the configured base URL, else the request's own origin.
func (s *Service) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// serviceProvider is crewjam's SP for base and one partner's IdP (nil for
// the metadata alone).
func serviceProvider(base string, k *PlatformKey, idp *crewjam.EntityDescriptor, allowIdPInitiated bool) (*crewjam.ServiceProvider, error) {
	meta, err := url.Parse(base + MetadataPath)
	if err != nil {
		return nil, fmt.Errorf("base url %q: %w", base, err)
	}
	acs, _ := url.Parse(base + ACSPath)
	return &crewjam.ServiceProvider{
		EntityID:          meta.String(),
		Key:               k.Key,
		Certificate:       k.Certificate,
		MetadataURL:       *meta,
		AcsURL:            *acs,
		IDPMetadata:       idp,
		SignatureMethod:   dsig.RSASHA256SignatureMethod,
		AllowIDPInitiated: allowIdPInitiated,
	}, nil
}
