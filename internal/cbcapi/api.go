package cbcapi

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"partnercenter/internal/card"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/refund"
)

// Deps are the services the API calls.
type Deps struct {
	Identity *identity.Service
	Catalog  *commerce.Catalog
	// Customers is the customer domain: registration, the list, freezing.
	Customers *customer.Service
	// Coupons is quotas, coupons and their records.
	Coupons *coupon.Service
	// Funds is accounts, allocations and partner-granted discounts.
	Funds *funds.Service
	// Orders is customers' yearly/monthly orders.
	Orders *order.Service
	// Payments pays customers' pending orders.
	Payments *payment.Service
	// Cards are customers' stored-value cards.
	Cards *card.Service
	// Refunds are customers' resources and their unsubscription.
	Refunds *refund.Service
	Clock   clock.Clock
	Log     *slog.Logger
}

// Config tunes the API.
type Config struct {
	// RateLimit is how many requests per second one partner may make to one
	// route, with bursts of RateBurst; RateLimit <= 0 turns limiting off.
	// Calls without credentials (obtaining a token) are limited per client IP.
	RateLimit float64
	RateBurst int
}

// API is the open API's HTTP handler, served at the root of the node's port
// under /v2/ and /v3/.
type API struct {
	Deps
	cfg     Config
	table   []Route
	mux     *http.ServeMux // method + path patterns → route handlers
	paths   *http.ServeMux // path patterns only, to tell 405 from 404
	allow   map[string][]string
	limiter *limiter
	handler http.Handler
}

// New builds the API and its route table.
func New(d Deps, cfg Config) *API {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	a := &API{Deps: d, cfg: cfg, mux: http.NewServeMux(), paths: http.NewServeMux(), allow: map[string][]string{}}
	a.limiter = newLimiter(cfg.RateLimit, cfg.RateBurst, d.Clock)
	a.table = a.routes()
	found := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	for _, rt := range a.table {
		a.mux.Handle(rt.Method+" "+rt.Pattern, a.serveRoute(rt))
		if _, ok := a.allow[rt.Pattern]; !ok {
			a.paths.Handle(rt.Pattern, found)
		}
		a.allow[rt.Pattern] = append(a.allow[rt.Pattern], rt.Method)
	}
	a.mux.HandleFunc("/", a.noRoute)
	a.handler = httpx.Recover(a.Log, a.renderPanic, a.mux)
	return a
}

// Routes returns a copy of the route table.
func (a *API) Routes() []Route { return slices.Clone(a.table) }

// Prefixes are the path prefixes the API owns at the root of the port.
var Prefixes = []string{"/v2/", "/v3/"}

// Owns reports whether path belongs to the API.
func Owns(path string) bool {
	for _, p := range Prefixes {
		if strings.HasPrefix(path, p) || path == strings.TrimSuffix(p, "/") {
			return true
		}
	}
	return false
}

// Mount returns a handler that sends every path under Prefixes, known or
// not, to the API and everything else to next. Dispatching before next's mux
// means no console pattern (a catch-all "GET /" included) can conflict with
// or shadow the API, and an unknown API path gets the API's JSON 404, never a
// console page or redirect.
func (a *API) Mount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if Owns(r.URL.Path) {
			a.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ServeHTTP serves one API request.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// noRoute answers paths no route matches with the method: 405 with Allow
// when the path exists under another method, 404 otherwise.
func (a *API) noRoute(w http.ResponseWriter, r *http.Request) {
	if _, pattern := a.paths.Handler(r); pattern != "" {
		methods := a.allow[pattern]
		if slices.Contains(methods, http.MethodGet) && !slices.Contains(methods, http.MethodHead) {
			methods = append(slices.Clone(methods), http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		a.fail(w, r, apperr.MethodNotAllow)
		return
	}
	a.fail(w, r, apperr.NoRoute)
}

func (a *API) renderPanic(w http.ResponseWriter, r *http.Request) {
	a.writeError(w, r, apperr.Internal)
}
