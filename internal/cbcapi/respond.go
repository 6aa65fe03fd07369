package cbcapi

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/i18n"
)

// errorBody is the API's error format. The gateway's own errors (APIGW.*)
// also carry the request id in the body, as Huawei's API gateway does.
type errorBody struct {
	Code      string `json:"error_code"`
	Msg       string `json:"error_msg"`
	RequestID string `json:"request_id,omitempty"`
}

// lang is the response language chosen by X-Language (zh_CN by default).
func lang(r *http.Request) i18n.Lang { return i18n.APILang(r.Header.Get("X-Language")) }

// fail renders err. Application errors are shown as they are; anything else
// is logged with the request id and shown as an internal error.
func (a *API) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.From(err)
	switch {
	case e.Status() >= 500:
		a.Log.ErrorContext(r.Context(), "api internal error", "request_id", httpx.RequestID(r.Context()),
			"method", r.Method, "path", r.URL.Path, "err", err)
	case e.Code == apperr.Unauthenticated.Code:
		// The caller is told nothing more than "verify aksk signature fail";
		// the operator reading the log gets the reason.
		a.Log.InfoContext(r.Context(), "api authentication refused", "request_id", httpx.RequestID(r.Context()),
			"path", r.URL.Path, "err", err)
	}
	a.writeError(w, r, e)
}

func (a *API) writeError(w http.ResponseWriter, r *http.Request, e *apperr.Error) {
	id := httpx.RequestID(r.Context())
	args := e.Args
	if e.Code == apperr.Internal.Code {
		args = map[string]any{"request_id": id}
	}
	body := errorBody{Code: e.Code, Msg: i18n.T(lang(r), e.Key, args)}
	if strings.HasPrefix(e.Code, "APIGW.") {
		body.RequestID = id
	}
	writeJSON(w, e.Status(), body)
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v with status. HTML characters are not escaped, as the
// SDK's own encoder does not escape them either.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 64<<10 {
			buf.Reset()
			bufPool.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a programming error (an unencodable type) gets here.
		slog.Error("api encode response", "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"error_code":"CBC.0999","error_msg":"internal error"}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
