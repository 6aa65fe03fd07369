package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
)

// pages holds one parsed template per page, each combined with the layout
// and the shared partials (templates whose name starts with "_").
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
	// domID turns a value such as a role id ("preset.admin") into a
	// string usable in an element id and a CSS #id selector.
	"domID":     func(s string) string { return strings.NewReplacer(".", "-", " ", "-").Replace(s) },
	"hasPrefix": strings.HasPrefix,
	// has reports whether list holds s (a ticked checkbox).
	"has": func(list []string, s string) bool { return slices.Contains(list, s) },
	// fundsTarget names whom a funds transfer form moves money to or from
	// ("customer" or "reseller", and its id), for the funds_transfer partial.
	"fundsTarget": func(kind, id string) fundsTarget { return fundsTarget{Kind: kind, ID: id} },
	// permLabel names a permission item in lang.
	"permLabel": func(code string, lang i18n.Lang) string {
		p, ok := identity.PermissionByCode(code)
		switch {
		case !ok:
			return code
		case lang == i18n.EN:
			return p.EN
		}
		return p.ZH
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
		if strings.HasSuffix(name, "layout.html") || strings.HasPrefix(name, "templates/_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		p.byName[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	return p, nil
}

// view is what every template receives.
type view struct {
	Lang  i18n.Lang
	Face  Face
	Title string // i18n key
	CSRF  string
	Nav   []navItem
	// SubNav is the second-level menu of the page's top-level menu.
	SubNav []navItem
	Actor  *identity.Actor
	Path   string
	Here   string // path and query, for returning to this page
	Notice string // translated
	Error  string // translated
	// Fields holds the translated problem of each form field the error
	// names, so the form can mark them.
	Fields map[string]string
	Data   any
	// Who is the signed-in person's display name, for the user menu.
	Who string
	// Customer is the signed-in customer on the customer portal.
	Customer *customerActor
	// MustChange is set while a member or operator must change its
	// one-time password.
	MustChange bool

	may func(method, pattern string) bool
}

// May reports whether the signed-in actor may use the route method pattern
// (as declared in the route table), so pages show only the links and
// buttons that lead somewhere.
func (v view) May(method, pattern string) bool { return v.may != nil && v.may(method, pattern) }

// With is the view with other data, for a partial that needs the page's
// translations and CSRF token along with one row of its own.
func (v view) With(data any) view {
	v.Data = data
	return v
}

// fundsTarget is the target of a funds transfer form.
type fundsTarget struct{ Kind, ID string }

// Field is the translated problem of form field name, or "".
func (v view) Field(name string) string { return v.Fields[name] }

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
		actor := *v.Actor
		v.may = func(method, pattern string) bool { return s.may(actor, method, pattern) }
		v.SubNav = secondLevel(r.URL.Path, actor.PartnerType == identity.Distributor, v.may)
	}
	if c, ok := customerFrom(r.Context()); ok {
		v.Customer = &c
		v.Who = c.DomainName
	}
	if si, ok := sessionFrom(r.Context()); ok {
		v.Who, v.MustChange = si.displayName, si.mustChange
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

// fieldMessages translates the per-field problems err carries.
func fieldMessages(r *http.Request, err error) map[string]string {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		args := map[string]any{}
		for k, v := range e.Args {
			args[k] = v
		}
		for k, v := range f.Args {
			args[k] = v
		}
		out[f.Field] = i18n.T(langOf(r), f.Key, args)
	}
	return out
}

// renderError shows err on page name (a form re-rendered with its input),
// marking the fields it names.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, name string, v view, err error) {
	msg, status := s.errorMessage(r, err)
	v.Error = msg
	v.Fields = fieldMessages(r, err)
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
	if strings.HasPrefix(r.URL.Path, "/customer/") {
		return FaceCustomer
	}
	return FacePartner
}
