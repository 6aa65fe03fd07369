package cbcapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/httpx"
)

// ErrBodyTooLarge answers a body over MaxSignedBody, as the API gateway does.
var ErrBodyTooLarge = apperr.New("APIGW.0201", "err.body_too_large").WithStatus(http.StatusRequestEntityTooLarge)

type actorKey struct{}

// ActorFrom returns the actor that authenticated the request.
func ActorFrom(ctx context.Context) (identity.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(identity.Actor)
	return a, ok
}

// serveRoute wraps a route's handler in what every call goes through:
// authentication (unless Public), the route's permission item, and the rate
// limit.
func (a *API) serveRoute(rt Route) http.Handler {
	key := rt.Method + " " + rt.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Perm == Public {
			if !a.limiter.allow("ip " + httpx.ClientIP(r) + " " + key) {
				a.fail(w, r, apperr.TooManyRequests)
				return
			}
			if err := rt.Handler(w, r); err != nil {
				a.fail(w, r, err)
			}
			return
		}
		actor, err := a.authenticate(r)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		if !rt.allows(actor) {
			a.fail(w, r, apperr.Forbidden)
			return
		}
		if !a.limiter.allow(limitKey(actor) + " " + key) {
			a.fail(w, r, apperr.TooManyRequests)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, actor))
		if err := rt.Handler(w, r); err != nil {
			a.fail(w, r, err)
		}
	})
}

// authenticate resolves the caller from an SDK-HMAC-SHA256 signature or an
// X-Auth-Token. A signed request's body is read (at most MaxSignedBody) to
// verify its hash and put back for the handler. Every failure is
// apperr.Unauthenticated (wrapping the reason for the log) except a body too
// large and database trouble.
func (a *API) authenticate(r *http.Request) (identity.Actor, error) {
	var actor identity.Actor
	switch {
	case r.Header.Get("Authorization") != "":
		auth, err := ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			return identity.Actor{}, apperr.Unauthenticated.Wrap(err)
		}
		if r.ContentLength > MaxSignedBody {
			return identity.Actor{}, ErrBodyTooLarge
		}
		var secret string
		actor, secret, err = a.accessKeyActor(r, auth.AccessKey)
		if err != nil {
			return identity.Actor{}, err
		}
		body, err := readBody(r)
		if err != nil {
			return identity.Actor{}, err
		}
		if err := VerifySignature(r, auth, body, secret, a.Clock.Now()); err != nil {
			return identity.Actor{}, apperr.Unauthenticated.Wrap(fmt.Errorf("access key %s: %w", auth.AccessKey, err))
		}
		a.noteKeyUsed(r, actor, auth.AccessKey)
	case r.Header.Get("X-Auth-Token") != "":
		var err error
		if actor, err = a.Identity.TokenActor(r.Context(), r.Header.Get("X-Auth-Token")); err != nil {
			return identity.Actor{}, err
		}
	default:
		return identity.Actor{}, apperr.Unauthenticated.Wrap(errors.New("no credentials"))
	}
	if d := r.Header.Get("X-Domain-Id"); d != "" && d != actor.DomainID {
		return identity.Actor{}, apperr.Unauthenticated.Wrap(fmt.Errorf("X-Domain-Id %s is not the caller's domain %s", d, actor.DomainID))
	}
	return actor, nil
}

// readBody reads the whole body, refusing more than MaxSignedBody, and
// restores r.Body so the handler can decode it.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxSignedBody+1))
	_ = r.Body.Close()
	if err != nil {
		return nil, apperr.InvalidParam.Wrap(fmt.Errorf("read body: %w", err))
	}
	if len(body) > MaxSignedBody {
		return nil, ErrBodyTooLarge
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}
