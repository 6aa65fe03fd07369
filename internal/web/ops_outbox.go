package web

import (
	"net/http"

	"partnercenter/internal/platform/outbox"
)

type outboxData struct {
	Messages []outbox.Message
	To       string
}

// opsOutbox lists the latest messages, so operators can see what was sent
// (or, without SMTP, read what would have been).
func (s *Server) opsOutbox(w http.ResponseWriter, r *http.Request) {
	to := r.URL.Query().Get("to")
	msgs, err := s.Outbox.List(r.Context(), outbox.Filter{To: to, Limit: 200})
	data := outboxData{Messages: msgs, To: to}
	if err != nil {
		s.renderError(w, r, "ops_outbox", view{Title: "ops.outbox.title", Data: data}, err)
		return
	}
	s.render(w, r, http.StatusOK, "ops_outbox", view{Title: "ops.outbox.title", Data: data})
}
