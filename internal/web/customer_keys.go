package web

import (
	"net/http"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// customerKeysData is the customer portal's 访问密钥 page: the customer's
// own key pairs for the open API.
type customerKeysData struct {
	Keys        []identity.CustomerAccessKey
	Max         int
	Description string
	DomainID    string
	// Created and Secret are set on the response to a creation only: the
	// secret is shown there once and can never be read again.
	Created *identity.CustomerAccessKey
	Secret  string
	// Base is the keys pages' path.
	Base string
}

// renderCustomerKeys shows the signed-in customer's keys with status and v;
// data carries what the request adds (a creation, the typed description).
func (s *Server) renderCustomerKeys(w http.ResponseWriter, r *http.Request, status int, v view, data customerKeysData, err error) {
	me, _ := customerFrom(r.Context())
	keys, lerr := s.Identity.CustomerAccessKeys(r.Context(), me.ID)
	data.Keys, data.Max, data.DomainID, data.Base = keys, identity.MaxCustomerAccessKeys, me.ID, "/customer/keys"
	v.Title, v.Data = "couponapi.keys.title", data
	if err == nil {
		err = lerr
	}
	if err != nil {
		s.renderError(w, r, "customer_keys", v, err)
		return
	}
	s.render(w, r, status, "customer_keys", v)
}

func (s *Server) customerKeys(w http.ResponseWriter, r *http.Request) {
	v := view{Notice: noticeFrom(r, "saved", "account.keys.saved")}
	if v.Notice == "" {
		v.Notice = noticeFrom(r, "deleted", "account.keys.deleted")
	}
	s.renderCustomerKeys(w, r, http.StatusOK, v, customerKeysData{}, nil)
}

// customerKeyCreate makes a key pair and shows its secret on this response
// only.
func (s *Server) customerKeyCreate(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	desc := r.PostFormValue("description")
	k, secret, err := s.Identity.CreateCustomerAccessKey(r.Context(), me.ID, desc)
	if err != nil {
		s.renderCustomerKeys(w, r, 0, view{}, customerKeysData{Description: desc}, err)
		return
	}
	s.renderCustomerKeys(w, r, http.StatusCreated, view{}, customerKeysData{Created: &k, Secret: secret}, nil)
}

func (s *Server) customerKeySetStatus(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	if err := s.Identity.SetCustomerAccessKeyStatus(r.Context(), me.ID, r.PathValue("ak"), r.PostFormValue("status")); err != nil {
		s.renderCustomerKeys(w, r, 0, view{}, customerKeysData{}, err)
		return
	}
	http.Redirect(w, r, "/customer/keys?saved=1", http.StatusSeeOther)
}

// customerKeyDeleteConfirm asks before deleting one of the customer's keys.
func (s *Server) customerKeyDeleteConfirm(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	keys, err := s.Identity.CustomerAccessKeys(r.Context(), me.ID)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	for _, k := range keys {
		if k.AccessKey == r.PathValue("ak") {
			s.render(w, r, http.StatusOK, "customer_key_delete", view{Title: "account.keys.delete", Data: k})
			return
		}
	}
	s.renderError(w, r, "error", view{Title: "error.title"}, apperr.NotFound)
}

func (s *Server) customerKeyDelete(w http.ResponseWriter, r *http.Request) {
	me, _ := customerFrom(r.Context())
	if err := s.Identity.DeleteCustomerAccessKey(r.Context(), me.ID, r.PathValue("ak")); err != nil {
		s.renderCustomerKeys(w, r, 0, view{}, customerKeysData{}, err)
		return
	}
	http.Redirect(w, r, "/customer/keys?deleted=1", http.StatusSeeOther)
}
