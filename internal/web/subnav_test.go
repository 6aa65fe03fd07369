package web

import (
	"slices"
	"testing"
)

func TestSecondLevel(t *testing.T) {
	allowed := map[string]bool{"/sales/customers": true, "/sales/customers/assign": true, "/sales/relations": true}
	may := func(method, pattern string) bool { return method == "GET" && allowed[pattern] }
	tests := []struct {
		path   string
		want   []string
		active string
	}{
		{"/sales/customers", []string{"/sales/customers", "/sales/customers/assign", "/sales/relations"}, "/sales/customers"},
		{"/sales/customers/abc", []string{"/sales/customers", "/sales/customers/assign", "/sales/relations"}, "/sales/customers"},
		{"/sales/customers/assign", []string{"/sales/customers", "/sales/customers/assign", "/sales/relations"}, "/sales/customers/assign"},
		{"/sales/prospects", []string{"/sales/customers", "/sales/customers/assign", "/sales/relations"}, ""},
		{"/org/members", nil, ""},
	}
	for _, tt := range tests {
		got := secondLevel(tt.path, false, may)
		var hrefs []string
		active := ""
		for _, e := range got {
			hrefs = append(hrefs, e.Href)
			if e.Active {
				if active != "" {
					t.Errorf("%s: two active entries", tt.path)
				}
				active = e.Href
			}
		}
		if !slices.Equal(hrefs, tt.want) || active != tt.active {
			t.Errorf("%s: got %v active %q, want %v active %q", tt.path, hrefs, active, tt.want, tt.active)
		}
	}
	// 云经销商管理 is a distributor's page only.
	allowed["/sales/resellers"] = true
	for _, distributor := range []bool{false, true} {
		found := false
		for _, e := range secondLevel("/sales/customers", distributor, may) {
			found = found || e.Href == "/sales/resellers"
		}
		if found != distributor {
			t.Errorf("distributor %v: resellers entry shown %v", distributor, found)
		}
	}
}
