package cbcapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// Obtaining a token, as IAM's Keystone API does it (POST /v3/auth/tokens with
// the password method, scoped to the domain), so that clients configured for
// token authentication get an X-Auth-Token for the other calls.

// keystoneTime is how Keystone writes times.
const keystoneTime = "2006-01-02T15:04:05.000000Z"

// maxTokenBody bounds the token request; a real one is a few hundred bytes.
const maxTokenBody = 64 << 10

type keystoneName struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name"`
}

type tokenRequest struct {
	Auth *struct {
		Identity *struct {
			Methods  []string `json:"methods"`
			Password *struct {
				User *struct {
					Name     string        `json:"name"`
					Password string        `json:"password"`
					Domain   *keystoneName `json:"domain"`
				} `json:"user"`
			} `json:"password"`
		} `json:"identity"`
		Scope *struct {
			Domain  *keystoneName   `json:"domain"`
			Project json.RawMessage `json:"project"`
		} `json:"scope"`
	} `json:"auth"`
}

// credentials validates the request's shape and returns the domain name,
// user name and password.
func (t tokenRequest) credentials() (domain, user, password string, err error) {
	switch {
	case t.Auth == nil:
		return "", "", "", errParam("auth")
	case t.Auth.Identity == nil || !slices.Contains(t.Auth.Identity.Methods, "password"):
		return "", "", "", errParam("auth.identity.methods")
	case t.Auth.Identity.Password == nil || t.Auth.Identity.Password.User == nil:
		return "", "", "", errParam("auth.identity.password.user")
	}
	u := t.Auth.Identity.Password.User
	switch {
	case strings.TrimSpace(u.Name) == "":
		return "", "", "", errParam("auth.identity.password.user.name")
	case u.Password == "":
		return "", "", "", errParam("auth.identity.password.user.password")
	case u.Domain == nil || strings.TrimSpace(u.Domain.Name) == "":
		return "", "", "", errParam("auth.identity.password.user.domain.name")
	}
	if s := t.Auth.Scope; s != nil {
		// Partner Center has no projects: tokens are scoped to the partner's
		// domain, which must be the user's own.
		if len(s.Project) > 0 && string(s.Project) != "null" {
			return "", "", "", errParam("auth.scope.project")
		}
		if s.Domain != nil && s.Domain.Name != "" && s.Domain.Name != u.Domain.Name {
			return "", "", "", apperr.Unauthenticated.Wrap(errors.New("token scope is another domain"))
		}
	}
	return strings.TrimSpace(u.Domain.Name), strings.TrimSpace(u.Name), u.Password, nil
}

type tokenResponse struct {
	Token struct {
		ExpiresAt string   `json:"expires_at"`
		IssuedAt  string   `json:"issued_at"`
		Methods   []string `json:"methods"`
		User      struct {
			ID     string       `json:"id"`
			Name   string       `json:"name"`
			Domain keystoneName `json:"domain"`
		} `json:"user"`
		Domain  keystoneName `json:"domain"`
		Catalog []struct{}   `json:"catalog"`
	} `json:"token"`
}

// createToken is POST /v3/auth/tokens. It answers 201 with the token in
// X-Subject-Token; wrong credentials answer 401, a locked account 423, a
// frozen partner or disabled member 403, all with an error body.
func (a *API) createToken(w http.ResponseWriter, r *http.Request) error {
	var req tokenRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxTokenBody)).Decode(&req); err != nil {
		return apperr.New(apperr.InvalidParam.Code, "err.invalid_param_named").With("field", "body").Wrap(err)
	}
	domain, user, password, err := req.credentials()
	if err != nil {
		return err
	}
	token, expiresAt, actor, err := a.Identity.IssueToken(r.Context(), domain, user, password)
	if err != nil {
		return err
	}
	issuedAt := expiresAt.Add(-identity.TokenLifetime)
	var resp tokenResponse
	resp.Token.ExpiresAt = expiresAt.UTC().Format(keystoneTime)
	resp.Token.IssuedAt = issuedAt.UTC().Format(keystoneTime)
	resp.Token.Methods = []string{"password"}
	resp.Token.User.ID = actor.ID
	resp.Token.User.Name = actor.Name
	resp.Token.User.Domain = keystoneName{ID: actor.DomainID, Name: domain}
	resp.Token.Domain = keystoneName{ID: actor.DomainID, Name: domain}
	resp.Token.Catalog = []struct{}{}
	w.Header().Set("X-Subject-Token", token)
	writeJSON(w, http.StatusCreated, resp)
	return nil
}
