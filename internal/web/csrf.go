package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"

	"partnercenter/internal/platform/apperr"
)

const (
	csrfSessionKey = "csrf"
	csrfField      = "csrf_token"
	csrfHeader     = "X-CSRF-Token"
	maxFormBytes   = 4 << 20
)

// csrfToken returns the session's anti-forgery token, creating it on first
// use. It lives in the session (in the database), so any node accepts it.
func (s *Server) csrfToken(r *http.Request) string {
	tok := s.Sessions.GetString(r.Context(), csrfSessionKey)
	if tok == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		tok = base64.RawURLEncoding.EncodeToString(b)
		s.Sessions.Put(r.Context(), csrfSessionKey, tok)
	}
	return tok
}

// csrf refuses every state-changing request whose form field or header does
// not carry the session's token.
func (s *Server) csrf(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		// Bound what a form may post before anything parses it; the largest
		// legitimate upload (IdP metadata) is 2 MB.
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		want := s.Sessions.GetString(r.Context(), csrfSessionKey)
		got := r.Header.Get(csrfHeader)
		if got == "" {
			got = r.PostFormValue(csrfField)
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			s.renderError(w, r, "error", view{Title: "error.title"}, apperr.CSRF)
			return
		}
		next.ServeHTTP(w, r)
	})
}
