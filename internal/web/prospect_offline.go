package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	qrcode "github.com/yeqown/go-qrcode/v2"
	"github.com/yeqown/go-qrcode/writer/standard"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/prospect"
)

// 线下拓展 > 通用邀请链接: the signed-in member's generic invitation link and
// its QR code (PNG), which carry the member as the account manager of the
// customers associating through them.

type offlineData struct {
	Link    prospect.Link
	HasLink bool
	URL     string
	TypeKey string
	Types   []typeOption
	Blocked string
}

func (s *Server) prospectOffline(w http.ResponseWriter, r *http.Request) {
	actor := mustActor(r)
	data := offlineData{Types: typeOptions(actor)}
	l, ok, err := s.Prospects.GenericLink(r.Context(), actor)
	v := view{Title: "prospect.offline.title", Data: &data}
	if err != nil {
		if _, isApp := apperr.As(err); !isApp {
			s.renderError(w, r, "error", view{Title: "error.title"}, err)
			return
		}
		data.Blocked, _ = s.errorMessage(r, err)
	}
	if ok {
		data.Link, data.HasLink = l, true
		data.URL = s.Prospects.InviteURL(l.Token, requestOrigin(r))
		data.TypeKey = prospect.TypeKey(l.Type)
	}
	if r.URL.Query().Get("created") == "1" {
		v.Notice = i18n.T(langOf(r), "prospect.offline.created", nil)
	}
	s.render(w, r, http.StatusOK, "prospect_offline", v)
}

func (s *Server) prospectLinkNew(w http.ResponseWriter, r *http.Request) {
	typ, _ := strconv.Atoi(r.PostFormValue("type"))
	if _, err := s.Prospects.NewGenericLink(r.Context(), mustActor(r), customer.AssociationType(typ)); err != nil {
		data := offlineData{Types: typeOptions(mustActor(r))}
		s.renderError(w, r, "prospect_offline", view{Title: "prospect.offline.title", Data: &data}, err)
		return
	}
	http.Redirect(w, r, "/sales/prospects/offline?created=1", http.StatusSeeOther)
}

// prospectQR is the QR code of the member's generic link, as a PNG.
func (s *Server) prospectQR(w http.ResponseWriter, r *http.Request) {
	l, ok, err := s.Prospects.GenericLink(r.Context(), mustActor(r))
	if err == nil && !ok {
		err = apperr.NotFound
	}
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	png, err := qrPNG(s.Prospects.InviteURL(l.Token, requestOrigin(r)))
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(png)
}

// qrPNG draws text as a QR code.
func qrPNG(text string) ([]byte, error) {
	qr, err := qrcode.New(text)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	wr := standard.NewWithWriter(nopCloser{&buf}, standard.WithBuiltinImageEncoder(standard.PNG_FORMAT),
		standard.WithQRWidth(8), standard.WithBorderWidth(16))
	if err := qr.Save(wr); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
