// Package web serves the server-rendered faces of Partner Center: the
// partner console at /, the operator console at /ops/ and the customer
// portal at /customer/. Handlers translate HTTP to service calls and back;
// the rules live in the domain packages.
package web

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"

	"github.com/alexedwards/scs/v2"

	"partnercenter/internal/card"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/notify"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/prospect"
	"partnercenter/internal/refund"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Deps are the services the consoles call.
type Deps struct {
	Identity  *identity.Service
	Customers *customer.Service
	Prospects *prospect.Service
	Coupons   *coupon.Service
	Funds     *funds.Service    // accounts, allocations, discounts
	Orders    *order.Service    // customers' orders
	Payments  *payment.Service  // paying orders
	Cards     *card.Service     // stored-value cards
	Refunds   *refund.Service   // resources and unsubscription
	Catalog   *commerce.Catalog // the coupon form's service types
	Outbox    *outbox.Outbox
	Notify    *notify.Notifier
	Sessions  *scs.SessionManager
	Log       *slog.Logger
}

// Server holds the consoles' handlers.
type Server struct {
	Deps
	pages *pages

	tableOnce sync.Once
	indexed   *routeTable // the route table indexed for menus and may
}

// New parses the templates and returns the consoles.
func New(d Deps) (*Server, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Server{Deps: d, pages: p}, nil
}

// Register mounts every console route on mux, wrapped in sessions, CSRF
// checks and the sign-in requirement each route declares.
func (s *Server) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	for _, rt := range s.routes() {
		mux.Handle(rt.Method+" "+rt.Pattern, s.Sessions.LoadAndSave(s.csrf(s.guard(rt))))
	}
}

func cacheForever(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		next.ServeHTTP(w, r)
	})
}
