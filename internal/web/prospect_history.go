package web

import (
	"net/http"
	"strconv"

	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/prospect"
)

// 历史记录: every invitation with its state; hovering 关联失败 shows the
// cause (§1.1, §1.3).

type historyRow struct {
	prospect.Invitation
	Name    string // the reported customer's name, masked
	To      string // masked e-mail
	Account string // masked account name
	TypeKey string
}

type historyData struct {
	Rows  []historyRow
	Total int
	Page  pager
}

func (s *Server) prospectHistory(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := s.Prospects.ListInvitations(r.Context(), mustActor(r), 20, offset)
	if err != nil {
		s.renderError(w, r, "error", view{Title: "error.title"}, err)
		return
	}
	data := historyData{Total: total, Page: newPager(r, total, 20)}
	for _, inv := range list {
		data.Rows = append(data.Rows, historyRow{Invitation: inv, Name: mask.Name(inv.CustomerName), To: mask.Email(inv.Email),
			Account: mask.AccountName(inv.AccountName), TypeKey: prospect.TypeKey(inv.Type)})
	}
	v := view{Title: "prospect.history.title", Data: data}
	if n := r.URL.Query().Get("sent"); n != "" {
		v.Notice = i18n.T(langOf(r), "prospect.invite.sent", map[string]any{"count": n})
	}
	s.render(w, r, http.StatusOK, "prospect_history", v)
}
