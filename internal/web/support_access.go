package web

import (
	"io"
	"net/http"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/apperr"
)

// errNoMetadataFile is an upload without a file.
var errNoMetadataFile = apperr.New("CBC.0100", "err.idp_metadata_file")

// accessData is 支持 > 能力开放 > 接入配置 (console.md §9.1).
type accessData struct {
	Config identity.AccessConfig
	// NotifyURL and Contact are the forms' values: the saved ones, or what
	// was typed when saving failed.
	NotifyURL string
	Contact   identity.AccessContact
	MaxMB     int
}

// supportAccess shows the access configuration: the platform id, our SP
// metadata, the uploaded IdP metadata, the notification URL and contact.
func (s *Server) supportAccess(w http.ResponseWriter, r *http.Request) {
	notice := noticeFrom(r, "saved", "access.saved")
	if notice == "" {
		notice = noticeFrom(r, "uploaded", "access.idp.saved")
	}
	s.renderAccess(w, r, nil, nil, notice)
}

// renderAccess shows the page; form, when set, replaces the saved values in
// the forms, and err is shown with the fields it names.
func (s *Server) renderAccess(w http.ResponseWriter, r *http.Request, form *accessData, err error, notice string) {
	cfg, loadErr := s.Identity.AccessConfig(r.Context(), mustActor(r))
	if loadErr != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, loadErr)
		return
	}
	data := accessData{Config: cfg, NotifyURL: cfg.NotifyURL, Contact: cfg.Contact, MaxMB: identity.MaxIdPMetadataSize >> 20}
	if form != nil {
		data.NotifyURL, data.Contact = form.NotifyURL, form.Contact
	}
	v := view{Title: "access.title", Data: data, Notice: notice}
	if err != nil {
		s.renderError(w, r, "support_access", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "support_access", v)
}

// onField makes a domain error without field details name field, so the
// form marks it; internal errors pass unchanged.
func onField(err error, field string) error {
	if e, ok := apperr.As(err); ok && e.Code != apperr.Internal.Code && len(e.Fields) == 0 {
		return e.WithField(field, e.Key)
	}
	return err
}

// supportAccessIdP takes the IdP metadata upload (multipart, field
// "metadata"). The CSRF check has parsed the form already.
func (s *Server) supportAccessIdP(w http.ResponseWriter, r *http.Request) {
	f, hdr, err := r.FormFile("metadata")
	if err != nil {
		s.renderAccess(w, r, nil, errNoMetadataFile.WithField("metadata", errNoMetadataFile.Key), "")
		return
	}
	defer f.Close()
	if hdr.Size > identity.MaxIdPMetadataSize {
		s.renderAccess(w, r, nil, onField(identity.ErrIdPMetadataTooLarge, "metadata"), "")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(f, identity.MaxIdPMetadataSize+1))
	if err == nil {
		_, err = s.Identity.SetIdPMetadata(r.Context(), mustActor(r), raw)
	}
	if err != nil {
		s.renderAccess(w, r, nil, onField(err, "metadata"), "")
		return
	}
	http.Redirect(w, r, "/support/access?uploaded=1", http.StatusSeeOther)
}

// supportAccessIdPInitiated turns IdP-initiated sign-ins on or off.
func (s *Server) supportAccessIdPInitiated(w http.ResponseWriter, r *http.Request) {
	if err := s.Identity.SetAllowIdPInitiated(r.Context(), mustActor(r), r.PostFormValue("allow") == "on"); err != nil {
		s.renderAccess(w, r, nil, err, "")
		return
	}
	http.Redirect(w, r, "/support/access?saved=1", http.StatusSeeOther)
}

// supportAccessNotify saves the notification URL.
func (s *Server) supportAccessNotify(w http.ResponseWriter, r *http.Request) {
	u := r.PostFormValue("notify_url")
	if err := s.Identity.SetNotifyURL(r.Context(), mustActor(r), u); err != nil {
		s.renderAccess(w, r, &accessData{NotifyURL: u, Contact: s.savedContact(r)}, onField(err, "notify_url"), "")
		return
	}
	http.Redirect(w, r, "/support/access?saved=1", http.StatusSeeOther)
}

// supportAccessContacts saves the contact person.
func (s *Server) supportAccessContacts(w http.ResponseWriter, r *http.Request) {
	c := identity.AccessContact{Name: r.PostFormValue("contact_name"), Mobile: r.PostFormValue("contact_mobile"),
		Email: r.PostFormValue("contact_email")}
	if err := s.Identity.SetContacts(r.Context(), mustActor(r), c); err != nil {
		s.renderAccess(w, r, &accessData{NotifyURL: s.savedNotifyURL(r), Contact: c}, err, "")
		return
	}
	http.Redirect(w, r, "/support/access?saved=1", http.StatusSeeOther)
}

func (s *Server) savedContact(r *http.Request) identity.AccessContact {
	cfg, _ := s.Identity.AccessConfig(r.Context(), mustActor(r))
	return cfg.Contact
}

func (s *Server) savedNotifyURL(r *http.Request) string {
	cfg, _ := s.Identity.AccessConfig(r.Context(), mustActor(r))
	return cfg.NotifyURL
}
