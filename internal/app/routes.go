package app

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/web"
)

// routes assembles the faces on one mux behind the shared middleware.
func (a *App) routes(consoles *web.Server) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range a.rootRoutes() {
		mux.Handle(rt.Pattern, rt.Handler)
	}
	consoles.Register(mux)

	metrics := httpx.NewMetrics(a.Registry)
	// The open API owns /v2/ and /v3/ whole, ahead of the mux, so an unknown
	// API path gets the API's JSON 404 rather than a console page or redirect.
	var h http.Handler = a.API.Mount(mux)
	h = httpx.Recover(a.Log, consoles.RenderInternalError, h)
	h = httpx.SecureHeaders(h)
	h = httpx.Observe(a.Log, metrics, h)
	h = httpx.WithRequestID(h)
	return h
}

// rootRoute is a route app mounts itself, outside the consoles' and the
// open API's route tables.
type rootRoute struct {
	Pattern string // "METHOD /path"
	Handler http.Handler
}

// rootRoutes are the only routes besides the consoles and the open API, and
// none needs a sign-in: health, metrics, and the SAML service provider
// (/authui/saml/..., whose ACS runs in the console session so the Binder
// may sign a customer in). A test holds this list.
func (a *App) rootRoutes() []rootRoute {
	out := []rootRoute{
		{"GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write([]byte("ok\n"))
		})},
		{"GET /readyz", http.HandlerFunc(a.readyz)},
		{"GET /metrics", promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{})},
	}
	for _, rt := range a.SAML.Routes() {
		h := rt.Handler
		if rt.WithSession {
			h = a.Sessions.LoadAndSave(h)
		}
		out = append(out, rootRoute{rt.Method + " " + rt.Pattern, h})
	}
	return out
}

// readyz answers 200 while the database answers.
func (a *App) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("database unavailable\n"))
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}
