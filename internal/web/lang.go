package web

import (
	"net/http"
	"strings"

	"partnercenter/internal/platform/i18n"
)

const langCookie = "pc_lang"

// langOf picks the page language: the switcher's cookie, else
// Accept-Language, else Chinese.
func langOf(r *http.Request) i18n.Lang {
	choice := ""
	if c, err := r.Cookie(langCookie); err == nil {
		choice = c.Value
	}
	return i18n.Negotiate(choice, r.Header.Get("Accept-Language"))
}

// switchLanguage remembers the chosen language for a year and returns to the
// page the user came from (a local path only, never another site).
func (s *Server) switchLanguage(w http.ResponseWriter, r *http.Request) {
	lang, ok := i18n.Parse(r.PathValue("lang"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

// localPath returns p when it is a path on this site, else fallback.
func localPath(p, fallback string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.ContainsAny(p, "\t\n\r") {
		return fallback
	}
	return p
}
