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
)

type actorKey struct{}

func withActor(ctx context.Context, a identity.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

func actorFrom(ctx context.Context) (identity.Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(identity.Actor)
	return a, ok
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
// route's access; a visitor without a valid session goes to the sign-in page
// and comes back afterwards.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			a   identity.Actor
			err error
		)
		switch rt.Face {
		case FacePartner:
			a, err = s.partnerActor(r)
		case FaceOperator:
			a, err = s.operatorActor(r)
		}
		if err == nil {
			r = r.WithContext(withActor(r.Context(), a))
		}
		if rt.Access == Public {
			rt.Handler(w, r)
			return
		}
		if err != nil {
			if !errors.Is(err, errNoSession) {
				s.Log.Warn("session refused", "err", err)
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
		rt.Handler(w, r)
	})
}

var errNoSession = errors.New("no session")

// partnerActor rebuilds the member's actor from the session, re-reading the
// member and partner so a frozen partner or disabled member is out at once.
func (s *Server) partnerActor(r *http.Request) (identity.Actor, error) {
	ctx := r.Context()
	memberID, partnerID := s.Sessions.GetString(ctx, sessMemberID), s.Sessions.GetString(ctx, sessPartnerID)
	if memberID == "" || partnerID == "" {
		return identity.Actor{}, errNoSession
	}
	m, err := s.Identity.MemberByID(ctx, partnerID, memberID)
	if err != nil {
		return identity.Actor{}, err
	}
	p, err := s.Identity.Partner(ctx, identity.Actor{Kind: identity.ActorMember, PartnerID: partnerID}, partnerID)
	if err != nil {
		return identity.Actor{}, err
	}
	if p.Status == identity.PartnerFrozen {
		return identity.Actor{}, identity.ErrAccountFrozen
	}
	if m.Status != "active" {
		return identity.Actor{}, identity.ErrAccountDisable
	}
	return m.Actor(p), nil
}

func (s *Server) operatorActor(r *http.Request) (identity.Actor, error) {
	id := s.Sessions.GetString(r.Context(), sessOperatorID)
	if id == "" {
		return identity.Actor{}, errNoSession
	}
	op, err := s.Identity.OperatorByID(r.Context(), id)
	if err != nil {
		return identity.Actor{}, err
	}
	if op.Status != "active" {
		return identity.Actor{}, apperr.Forbidden
	}
	return op.Actor(), nil
}
