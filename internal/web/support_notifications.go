package web

import (
	"net/http"
	"strconv"

	"partnercenter/internal/notify"
)

// notificationsData is the binding-notification delivery log under
// 支持 > 能力开放 (cbc-api.md §4.3).
type notificationsData struct {
	Deliveries []notify.Delivery
	Total      int
	Page       pager
}

// supportNotifications lists the partner's binding notifications, newest
// first, with paging.
func (s *Server) supportNotifications(w http.ResponseWriter, r *http.Request) {
	f := notify.Filter{Limit: 20}
	f.Offset, _ = strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := s.Notify.List(r.Context(), mustActor(r), f)
	v := view{Title: "notify.title", Notice: noticeFrom(r, "resent", "notify.resent"),
		Data: notificationsData{Deliveries: list, Total: total, Page: newPager(r, total, f.Limit)}}
	if err != nil {
		s.renderError(w, r, "support_notifications", v, err)
		return
	}
	s.render(w, r, http.StatusOK, "support_notifications", v)
}

// supportNotificationResend queues one delivery again.
func (s *Server) supportNotificationResend(w http.ResponseWriter, r *http.Request) {
	if err := s.Notify.Resend(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	http.Redirect(w, r, "/support/notifications?resent=1", http.StatusSeeOther)
}
