package web

import (
	"net/http"
	"net/url"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// keysData is 我的凭证 > 访问密钥: the member's own key pairs.
type keysData struct {
	Keys        []identity.AccessKey
	Max         int
	Description string
	// Created and Secret are set on the response to a creation only: the
	// secret is shown there once and can never be read again.
	Created *identity.AccessKey
	Secret  string
	// Base is the keys pages' path.
	Base string
}

// renderKeys shows the member's keys with status and v; data carries what
// the request adds (a creation, the typed description).
func (s *Server) renderKeys(w http.ResponseWriter, r *http.Request, status int, v view, data keysData, err error) {
	a := mustActor(r)
	keys, lerr := s.Identity.AccessKeysOf(r.Context(), a.PartnerID, a.ID)
	data.Keys, data.Max, data.Base = keys, identity.MaxAccessKeys, "/account/keys"
	v.Title, v.Data = "account.keys.title", data
	if err == nil {
		err = lerr
	}
	if err != nil {
		s.renderError(w, r, "account_keys", v, err)
		return
	}
	s.render(w, r, status, "account_keys", v)
}

func (s *Server) accountKeys(w http.ResponseWriter, r *http.Request) {
	v := view{Notice: noticeFrom(r, "saved", "account.keys.saved")}
	if v.Notice == "" {
		v.Notice = noticeFrom(r, "deleted", "account.keys.deleted")
	}
	s.renderKeys(w, r, http.StatusOK, v, keysData{}, nil)
}

// accountKeyCreate makes a key pair and shows its secret on this response
// only.
func (s *Server) accountKeyCreate(w http.ResponseWriter, r *http.Request) {
	desc := r.PostFormValue("description")
	k, secret, err := s.Identity.CreateAccessKey(r.Context(), mustActor(r), desc)
	if err != nil {
		s.renderKeys(w, r, 0, view{}, keysData{Description: desc}, err)
		return
	}
	s.renderKeys(w, r, http.StatusCreated, view{}, keysData{Created: &k, Secret: secret}, nil)
}

func (s *Server) accountKeySetStatus(w http.ResponseWriter, r *http.Request) {
	if err := s.Identity.SetAccessKeyStatus(r.Context(), mustActor(r), r.PathValue("ak"), r.PostFormValue("status")); err != nil {
		s.renderKeys(w, r, 0, view{}, keysData{}, err)
		return
	}
	http.Redirect(w, r, "/account/keys?saved=1", http.StatusSeeOther)
}

// accountKeyDeleteConfirm asks before deleting a key of the member's own.
func (s *Server) accountKeyDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	a := mustActor(r)
	keys, err := s.Identity.AccessKeysOf(r.Context(), a.PartnerID, a.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	for _, k := range keys {
		if k.AccessKey == r.PathValue("ak") {
			s.render(w, r, http.StatusOK, "account_key_delete", view{Title: "account.keys.delete", Data: k})
			return
		}
	}
	s.renderError(w, r, "error", view{Title: "error.title"}, apperr.NotFound)
}

func (s *Server) accountKeyDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Identity.DeleteAccessKey(r.Context(), mustActor(r), r.PathValue("ak")); err != nil {
		s.renderKeys(w, r, 0, view{}, keysData{}, err)
		return
	}
	http.Redirect(w, r, "/account/keys?"+url.Values{"deleted": {"1"}}.Encode(), http.StatusSeeOther)
}
