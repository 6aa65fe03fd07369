// Package apperr is the one error type of Partner Center. A domain service
// returns an *Error carrying a Huawei-style code (e.g. "CBC.99000029") or one
// of ours ("PC.xxx"), a message key translated at the edge, and per-field
// details. Every face renders the same error: the open API as
// {"error_code","error_msg"} with the status from Status, the consoles as a
// translated message.
package apperr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is a business or request error that is safe to show to the caller.
type Error struct {
	Code   string         // e.g. "CBC.0100"
	Key    string         // i18n message key, e.g. "err.invalid_param"
	Args   map[string]any // values for the message template
	Fields []FieldError   // per-field problems, for forms
	status int            // overrides the table when non-zero
	cause  error
}

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field string
	Key   string
	Args  map[string]any
}

// New returns an error with a code and message key.
func New(code, key string) *Error { return &Error{Code: code, Key: key} }

// Error implements error with a stable, untranslated form for logs.
func (e *Error) Error() string {
	s := e.Code + " " + e.Key
	if len(e.Args) > 0 {
		s += fmt.Sprintf(" %v", e.Args)
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

// Unwrap exposes the cause, if any.
func (e *Error) Unwrap() error { return e.cause }

// Is matches another *Error by code and key, so errors.Is(err, ErrX) works
// on copies decorated with arguments.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Key == e.Key
}

// Status is the HTTP status for the error's code.
func (e *Error) Status() int {
	if e.status != 0 {
		return e.status
	}
	return StatusOf(e.Code)
}

// With returns a copy with a template argument set.
func (e *Error) With(name string, value any) *Error {
	c := *e
	c.Args = make(map[string]any, len(e.Args)+1)
	for k, v := range e.Args {
		c.Args[k] = v
	}
	c.Args[name] = value
	return &c
}

// WithField returns a copy with one more field error.
func (e *Error) WithField(field, key string) *Error {
	c := *e
	c.Fields = append(append([]FieldError(nil), e.Fields...), FieldError{Field: field, Key: key})
	return &c
}

// WithStatus returns a copy answered with an explicit HTTP status, for the
// few codes Huawei answers with different statuses in different APIs.
func (e *Error) WithStatus(status int) *Error {
	c := *e
	c.status = status
	return &c
}

// Wrap returns a copy that remembers the underlying cause for logs.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// From turns any error into an *Error: application errors pass through,
// everything else becomes Internal (the cause kept for the log only).
func From(err error) *Error {
	if e, ok := As(err); ok {
		return e
	}
	return Internal.Wrap(err)
}

// Common errors shared by every face. Domain packages declare their own.
var (
	InvalidParam    = New("CBC.0100", "err.invalid_param")
	NotFound        = New("CBC.0101", "err.not_found")
	Unauthenticated = New("APIGW.0301", "err.unauthenticated")
	Forbidden       = New("CBC.0151", "err.forbidden")
	IllegalState    = New("CBC.0150", "err.illegal_operation")
	TooManyRequests = New("CBC.0250", "err.too_many_requests")
	Internal        = New("CBC.0999", "err.internal")
	NoRoute         = New("APIGW.0101", "err.no_route")
	MethodNotAllow  = New("APIGW.0102", "err.method_not_allowed")
	CSRF            = New("PC.0403", "err.csrf")
	Conflict        = New("PC.0409", "err.conflict")
)

// statusByCode is the one table from error code to HTTP status. Codes not
// listed answer 400, as most of Huawei's business errors do.
var statusByCode = map[string]int{
	"CBC.0000":   http.StatusOK,
	"CBC.0154":   http.StatusUnauthorized,
	"APIGW.0301": http.StatusUnauthorized,
	"CBC.0150":   http.StatusForbidden,
	"CBC.0151":   http.StatusForbidden,
	"CBC.0155":   http.StatusForbidden,
	"CBC.0156":   http.StatusForbidden,
	"PC.0403":    http.StatusForbidden,
	"APIGW.0101": http.StatusNotFound,
	"CBC.0101":   http.StatusNotFound,
	"APIGW.0102": http.StatusMethodNotAllowed,
	"PC.0409":    http.StatusConflict,
	"CBC.0250":   http.StatusTooManyRequests,
	"CBC.0999":   http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for code.
func StatusOf(code string) int {
	if s, ok := statusByCode[code]; ok {
		return s
	}
	return http.StatusBadRequest
}
