package web

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestNoInlineHandlers: the Content-Security-Policy (script-src 'self')
// blocks inline event handlers and javascript: URLs, so a template using
// one ships a control that silently does nothing in a real browser.
// Behaviour belongs in static/app.js, hooked to data- attributes.
func TestNoInlineHandlers(t *testing.T) {
	inline := regexp.MustCompile(`(?i)\son[a-z]+\s*=|javascript:`)
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %d", err, len(files))
	}
	for _, name := range files {
		b, err := fs.ReadFile(templateFiles, name)
		if err != nil {
			t.Fatal(err)
		}
		if m := inline.Find(b); m != nil {
			t.Errorf("%s: inline script %q is blocked by the policy", name, m)
		}
	}
}
