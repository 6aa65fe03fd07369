package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// Session keys.
const (
	sessMemberID   = "member_id"
	sessPartnerID  = "partner_id"
	sessOperatorID = "operator_id"
	sessEpoch      = "epoch"    // the member's session epoch at sign-in
	sessOpEpoch    = "op_epoch" // the operator's session epoch at sign-in
)

type actorKey struct{}

func withActor(ctx context.Context, a identity.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorFrom(ctx context.Context) (identity.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(identity.Actor)
	return a, ok
}

// sessionInfo is what the guard learnt about the signed-in person beyond
// the actor: its display name and whether it must change its password.
type sessionInfo struct {
	displayName string
	mustChange  bool
}

type sessionKey struct{}

func sessionFrom(ctx context.Context) (sessionInfo, bool) {
	si, ok := ctx.Value(sessionKey{}).(sessionInfo)
	return si, ok
}

// mustActor returns the actor the guard put on the request.
func mustActor(r *http.Request) identity.Actor {
	a, ok := actorFrom(r.Context())
	if !ok {
		panic("web: route without an actor")
	}
	return a
}

// guard resolves the signed-in actor for the route's face and enforces the
// route's access: a visitor without a valid session goes to the sign-in page
// and comes back afterwards; a member who must change the initial password
// goes to the change-password page first; a signed-in actor without the
// route's permission gets a 403 page.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt.Face == FaceCustomer {
			s.guardCustomer(rt, w, r)
			return
		}
		var (
			a   identity.Actor
			si  sessionInfo
			err error
		)
		switch rt.Face {
		case FacePartner:
			a, si, err = s.partnerActor(r)
		case FaceOperator:
			a, si, err = s.operatorActor(r)
		}
		mustChange := si.mustChange
		if err == nil {
			ctx := context.WithValue(withActor(r.Context(), a), sessionKey{}, si)
			r = r.WithContext(ctx)
		}
		if rt.Access == Public {
			rt.Handler(w, r)
			return
		}
		if err != nil {
			if !errors.Is(err, errNoSession) {
				s.Log.Info("session refused", "err", err)
				_ = s.Sessions.Destroy(r.Context())
			}
			signin := "/signin"
			if rt.Face == FaceOperator {
				signin = "/ops/signin"
			}
			if r.Method == http.MethodGet {
				signin += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, signin, http.StatusSeeOther)
			return
		}
		if mustChange && !rt.AllowedBeforePasswordChange {
			target := "/account/password"
			if rt.Face == FaceOperator {
				target = "/ops/account/password"
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if !rt.Access.allows(a) {
			s.renderError(w, r, "error", view{Title: "error.title"}, apperr.Forbidden)
			return
		}
		rt.Handler(w, r)
	})
}

var errNoSession = errors.New("no session")

// partnerActor rebuilds the member's actor from the session through
// identity, which re-reads the member and partner so a frozen partner, a
// disabled member or a password changed elsewhere ends the session at once.
func (s *Server) partnerActor(r *http.Request) (identity.Actor, sessionInfo, error) {
	ctx := r.Context()
	memberID, partnerID := s.Sessions.GetString(ctx, sessMemberID), s.Sessions.GetString(ctx, sessPartnerID)
	if memberID == "" || partnerID == "" {
		return identity.Actor{}, sessionInfo{}, errNoSession
	}
	a, m, err := s.Identity.ConsoleActor(ctx, partnerID, memberID, s.Sessions.GetInt(ctx, sessEpoch))
	if err != nil {
		return identity.Actor{}, sessionInfo{}, err
	}
	return a, sessionInfo{displayName: m.DisplayName, mustChange: m.MustChangePassword}, nil
}

func (s *Server) operatorActor(r *http.Request) (identity.Actor, sessionInfo, error) {
	id := s.Sessions.GetString(r.Context(), sessOperatorID)
	if id == "" {
		return identity.Actor{}, sessionInfo{}, errNoSession
	}
	a, op, err := s.Identity.OperatorConsoleActor(r.Context(), id, s.Sessions.GetInt(r.Context(), sessOpEpoch))
	if err != nil {
		return identity.Actor{}, sessionInfo{}, err
	}
	return a, sessionInfo{displayName: op.DisplayName, mustChange: op.MustChangePassword}, nil
}
