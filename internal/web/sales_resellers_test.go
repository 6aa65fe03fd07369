package web_test

import (
	"net/http"
	"strings"
	"testing"

	"partnercenter/internal/platform/i18n"
)

// TestSalesResellers: a distributor's 云经销商管理 lists its reseller with
// the row actions; a solution provider has no such page or menu entry.
func TestSalesResellers(t *testing.T) {
	s := mustSite(t)
	dist, reseller := s.partner(t, "dist"), s.partner(t, "reseller")
	b := s.browser(t)
	b.mustSignIn(dist.DomainName, dist.Admin.Password)
	resp, body := b.get("/sales/resellers")
	mustStatus(t, resp, body, http.StatusOK, tr(i18n.ZH, "resellers.title"), reseller.DomainName, reseller.PartnerID,
		`href="/sales/coupons/vouchers/quota-issue?reseller=`+reseller.PartnerID+`"`,
		`href="/sales/coupons/cash/quota-issue?reseller=`+reseller.PartnerID+`"`,
		`href="/sales/customers?tab=resellers&reseller=`+reseller.PartnerID+`"`)
	if _, body := b.get("/sales/customers"); !strings.Contains(body, `href="/sales/resellers"`) {
		t.Error("the distributor's sales menu has no 云经销商管理")
	}

	sp := s.partner(t, "sp")
	b2 := s.browser(t)
	b2.mustSignIn(sp.DomainName, sp.Admin.Password)
	resp, body = b2.get("/sales/resellers")
	mustStatus(t, resp, body, http.StatusForbidden)
	if _, body := b2.get("/sales/customers"); strings.Contains(body, `href="/sales/resellers"`) {
		t.Error("a solution provider's sales menu offers 云经销商管理")
	}
}
