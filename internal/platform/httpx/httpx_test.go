package httpx_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"partnercenter/internal/platform/httpx"
)

// TestRecover: a panicking handler answers 500 through the face's renderer
// with the request id, logs the stack, and never shows it to the client.
func TestRecover(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	render := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "internal error "+httpx.RequestID(r.Context()))
	}
	h := httpx.WithRequestID(httpx.Recover(log, render, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret stack detail")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	id := rec.Header().Get(httpx.RequestIDHeader)
	if got, want := rec.Code, http.StatusInternalServerError; got != want {
		t.Fatalf("status %d, want %d", got, want)
	}
	if body := rec.Body.String(); !strings.Contains(body, id) || strings.Contains(body, "secret stack detail") || strings.Contains(body, "goroutine") {
		t.Fatalf("body %q: want the request id and no panic detail", body)
	}
	if !strings.Contains(logs.String(), "secret stack detail") || !strings.Contains(logs.String(), id) {
		t.Fatalf("log lacks the panic or the request id: %s", logs.String())
	}
}

func TestObserveAndHeaders(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := httpx.NewMetrics(reg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) })
	var logs bytes.Buffer
	h := httpx.WithRequestID(httpx.Observe(slog.New(slog.NewJSONHandler(&logs, nil)), m, httpx.SecureHeaders(mux)))
	for _, id := range []string{"1", "2", "3"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/items/"+id, nil))
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Fatalf("security headers missing: %v", rec.Header())
		}
	}
	// Labelled by the route pattern, not the raw path.
	want := `
# HELP partnercenter_http_requests_total HTTP requests by route and status class.
# TYPE partnercenter_http_requests_total counter
partnercenter_http_requests_total{code="4xx",method="GET",route="GET /items/{id}"} 3
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "partnercenter_http_requests_total"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(logs.String(), `"msg":"request"`); n != 3 {
		t.Fatalf("%d access log lines, want 3", n)
	}
}
