package app

import (
	"context"
	"io"
	"slices"
	"testing"
)

// TestRootRoutes holds the list of routes outside the consoles' and the
// open API's route tables: they need no sign-in, so a new one must be added
// here deliberately. Besides health and metrics, only the SAML service
// provider is there.
func TestRootRoutes(t *testing.T) {
	cfg := Defaults()
	cfg.DataDir = t.TempDir()
	a, err := New(context.Background(), cfg, WithLogOutput(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.Shutdown(context.Background()) })
	var got []string
	for _, rt := range a.rootRoutes() {
		got = append(got, rt.Pattern)
		if rt.Handler == nil {
			t.Errorf("%s has no handler", rt.Pattern)
		}
	}
	want := []string{
		"GET /healthz", "GET /readyz", "GET /metrics",
		"GET /authui/saml/metadata.xml", "GET /authui/saml/login", "POST /authui/saml/acs",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("root routes %v, want %v", got, want)
	}
}
