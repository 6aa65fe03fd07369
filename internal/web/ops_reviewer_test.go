package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOpsReviewerReadsPartnersOnly: a reviewer sees partners but neither the
// create button nor the forms that change them, and posting anyway is
// refused with nothing changed.
func TestOpsReviewerReadsPartnersOnly(t *testing.T) {
	s := mustSite(t)
	rev := reviewerBrowser(t, s)
	sp := s.demo.Partners[0]

	resp, body := rev.get("/ops/partners")
	mustStatus(t, resp, body, http.StatusOK, sp.DomainName)
	if strings.Contains(body, `id="new-partner"`) {
		t.Error("a reviewer sees the create-partner button")
	}
	resp, body = rev.get("/ops/partners/" + sp.PartnerID)
	mustStatus(t, resp, body, http.StatusOK)
	for _, form := range []string{`id="status-form"`, `id="eco-form"`} {
		if strings.Contains(body, form) {
			t.Errorf("a reviewer sees %s", form)
		}
	}
	resp, body = rev.get("/ops/partners/new")
	mustStatus(t, resp, body, http.StatusForbidden)

	resp, body = rev.post("/ops/partners/"+sp.PartnerID+"/status", url.Values{"csrf_token": {csrf(t, body)}, "status": {"frozen"}})
	mustStatus(t, resp, body, http.StatusForbidden)
	p, err := s.app.Identity.PartnerByDomainName(t.Context(), sp.DomainName)
	if err != nil || p.Status != "normal" {
		t.Fatalf("partner status %q (%v), want normal", p.Status, err)
	}
}
