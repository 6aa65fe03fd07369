package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
)

// pages holds one parsed template per page, each combined with the layout.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	// localTime shows a UTC time in China Standard Time, where Partner
	// Center's users work (storage and the API stay UTC).
	"localTime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(cst).Format("2006-01-02 15:04:05")
	},
}

var cst = time.FixedZone("CST", 8*3600)

func parsePages() (*pages, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range names {
		if strings.HasSuffix(name, "layout.html") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.byName[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	return p, nil
}

// view is what every template receives.
type view struct {
	Lang   i18n.Lang
	Face   Face
	Title  string // i18n key
	CSRF   string
	Nav    []navItem
	Actor  *identity.Actor
	Path   string
	Here   string // path and query, for returning to this page
	Notice string // translated
	Error  string // translated
	Fields map[string]string
	Data   any
}

// T translates key into the page's language; args come in name, value pairs.
func (v view) T(key string, args ...any) string {
	var m map[string]any
	if len(args) > 1 {
		m = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			m[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	return i18n.T(v.Lang, key, m)
}

// OtherLang is the language the switcher offers.
func (v view) OtherLang() i18n.Lang {
	if v.Lang == i18n.ZH {
		return i18n.EN
	}
	return i18n.ZH
}

// render writes page name with status.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	t, ok := s.pages.byName[name]
	if !ok {
		panic("web: no page " + name)
	}
	v.Lang = langOf(r)
	v.Path = r.URL.Path
	v.Here = r.URL.RequestURI()
	v.CSRF = s.csrfToken(r)
	if a, ok := actorFrom(r.Context()); ok {
		v.Actor = &a
	}
	if v.Face == "" {
		v.Face = faceOf(r)
	}
	if v.Actor != nil {
		v.Nav = s.menu(*v.Actor, v.Face, r.URL.Path)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		s.Log.Error("render", "page", name, "err", err, "request_id", httpx.RequestID(r.Context()))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// errorMessage translates err for the page; internal errors are logged and
// shown only as "internal error" with the request id.
func (s *Server) errorMessage(r *http.Request, err error) (string, int) {
	e := apperr.From(err)
	args := map[string]any{}
	for k, v := range e.Args {
		args[k] = v
	}
	if e.Code == apperr.Internal.Code {
		s.Log.Error("request failed", "err", err, "request_id", httpx.RequestID(r.Context()))
		args["request_id"] = httpx.RequestID(r.Context())
	}
	return i18n.T(langOf(r), e.Key, args), e.Status()
}

// renderError shows err on page name (a form re-rendered with its input).
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, name string, v view, err error) {
	msg, status := s.errorMessage(r, err)
	v.Error = msg
	s.render(w, r, status, name, v)
}

// RenderInternalError is the page shown after a panic.
func (s *Server) RenderInternalError(w http.ResponseWriter, r *http.Request) {
	msg := i18n.T(langOf(r), "err.internal", map[string]any{"request_id": httpx.RequestID(r.Context())})
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte(msg + "\n"))
}

func faceOf(r *http.Request) Face {
	if strings.HasPrefix(r.URL.Path, "/ops/") {
		return FaceOperator
	}
	return FacePartner
}
