package saml

import (
	"bytes"
	"embed"
	"html/template"
	"net/http"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

var pages = template.Must(template.ParseFS(templateFiles, "templates/*.html"))

// langCookie is the consoles' language switcher cookie (web/lang.go), so a
// person who chose a language sees these pages in it too.
const langCookie = "pc_lang"

func langOf(r *http.Request) i18n.Lang {
	choice := ""
	if c, err := r.Cookie(langCookie); err == nil {
		choice = c.Value
	}
	return i18n.Negotiate(choice, r.Header.Get("Accept-Language"))
}

// fact is one labelled value on a page.
type fact struct{ Label, Value string }

// pageData is what page.html shows: translated already.
type pageData struct {
	Lang       i18n.Lang
	Title      string
	Paragraphs []string
	Facts      []fact
	RequestID  string
}

// renderPage writes a page; the SP's pages never go to a cache.
func renderPage(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// fail answers a refused or failed SAML request with a translated page and
// the error's status; internal errors are logged and shown only as such,
// refusals are logged with their cause (which the page never shows).
func (s *Service) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.From(err)
	rid := httpx.RequestID(r.Context())
	if e.Code == apperr.Internal.Code {
		s.Log.Error("saml failed", "path", r.URL.Path, "err", err, "request_id", rid)
	} else {
		s.Log.Info("saml refused", "path", r.URL.Path, "err", err, "request_id", rid)
	}
	lang := langOf(r)
	args := map[string]any{"request_id": rid}
	for k, v := range e.Args {
		args[k] = v
	}
	renderPage(w, e.Status(), "page.html", pageData{Lang: lang, Title: i18n.T(lang, "saml.error.title", nil),
		Paragraphs: []string{i18n.T(lang, e.Key, args)},
		RequestID:  i18n.T(lang, "saml.request_id", args)})
}
