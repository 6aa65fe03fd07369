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
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.Registry, promhttp.HandlerOpts{}))
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
