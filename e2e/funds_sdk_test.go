package e2e

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/bss/v2/model"
)

// The partner account APIs' contract with huaweicloud-sdk-go-v3 v0.1.207
// (reference/cbc-api.md §6) through services/bss/v2 against the real
// binary: allocating to and reclaiming from a reseller-model customer and a
// distributor's cloud reseller, balances, adjust records on both paths,
// CBC.99005003 and the cross-tenant refusals; then partner-granted
// discounts, which v0.1.207 no longer has (generations A and B did), as
// SDK-signed raw calls; and `partnercenter ledger verify` clean at the end.
// The balances are the demo data's: sp 100000.00, dist 200000.00 with a
// 50000.00 credit line.
func TestFundsAPIContract(t *testing.T) {
	s := customerServer(t)
	sp, sp2 := s.Demo.Partner(t, "sp"), s.Demo.Partner(t, "sp2")
	dist, reseller := s.Demo.Partner(t, "dist"), s.Demo.Partner(t, "reseller")
	cSP, _ := newBSS(t, s, sp.AccessKey, sp.SecretKey, sp.DomainID)
	cSP2, _ := newBSS(t, s, sp2.AccessKey, sp2.SecretKey, sp2.DomainID)
	cDist, _ := newBSS(t, s, dist.AccessKey, dist.SecretKey, dist.DomainID)
	resale, referral := s.Demo.Customer(t, "sp-reseller"), s.Demo.Customer(t, "sp-referral")
	adjust := func(c interface {
		UpdateCustomerAccountAmount(*model.UpdateCustomerAccountAmountRequest) (*model.UpdateCustomerAccountAmountResponse, error)
	}, customerID, amount string) (*model.UpdateCustomerAccountAmountResponse, error) {
		return c.UpdateCustomerAccountAmount(&model.UpdateCustomerAccountAmountRequest{Body: &model.AdjustAccountReq{
			CustomerId: customerID, Amount: dec(amount)}})
	}

	var transID string
	t.Run("UpdateCustomerAccountAmount", func(t *testing.T) {
		resp, err := adjust(cSP, resale.DomainID, "1000.25")
		if err != nil || len(deref(resp.TransferId)) != 32 {
			t.Fatalf("UpdateCustomerAccountAmount: %v %v", resp, err)
		}
		_, err = adjust(cSP, resale.DomainID, "99000.01")
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99005003")
		_, err = adjust(cSP, resale.DomainID, "1.001")
		wantServiceError(t, err, http.StatusBadRequest, "CBC.0100")
		_, err = adjust(cSP, resale.DomainID, "0")
		wantServiceError(t, err, http.StatusBadRequest, "CBC.0100")
		_, err = adjust(cSP, referral.DomainID, "1")
		wantServiceError(t, err, http.StatusForbidden, "CBC.0150")
		_, err = adjust(cSP2, resale.DomainID, "1")
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99000035")
	})
	t.Run("ReclaimToPartnerAccount", func(t *testing.T) {
		resp, err := cSP.ReclaimToPartnerAccount(&model.ReclaimToPartnerAccountRequest{Body: &model.ReclaimToPartnerAccountBalancesReq{
			CustomerId: resale.DomainID, Amount: dec("0.25")}})
		if err != nil || len(deref(resp.TransId)) != 32 {
			t.Fatalf("ReclaimToPartnerAccount: %v %v", resp, err)
		}
		transID = *resp.TransId
		_, err = cSP.ReclaimToPartnerAccount(&model.ReclaimToPartnerAccountRequest{Body: &model.ReclaimToPartnerAccountBalancesReq{
			CustomerId: resale.DomainID, Amount: dec("1000.01")}})
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99005003")
		_, err = cSP2.ReclaimToPartnerAccount(&model.ReclaimToPartnerAccountRequest{Body: &model.ReclaimToPartnerAccountBalancesReq{
			CustomerId: resale.DomainID, Amount: dec("1")}})
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99000035")
	})
	t.Run("ListPartnerBalances", func(t *testing.T) {
		resp, err := cSP.ListPartnerBalances(&model.ListPartnerBalancesRequest{})
		if err != nil || resp.AccountBalances == nil || len(*resp.AccountBalances) != 1 {
			t.Fatalf("ListPartnerBalances: %v %v", resp, err)
		}
		b := (*resp.AccountBalances)[0]
		if b.AccountType != 1 || b.Amount != 99000 || b.Currency != "CNY" || b.MeasureId != 1 {
			t.Errorf("balance %s", b.String())
		}
	})
	t.Run("ListPartnerAdjustRecords", func(t *testing.T) {
		resp, err := cSP.ListPartnerAdjustRecords(&model.ListPartnerAdjustRecordsRequest{})
		if err != nil || deref(resp.TotalCount) != 2 || resp.Records == nil {
			t.Fatalf("ListPartnerAdjustRecords: %v %v", resp, err)
		}
		r := (*resp.Records)[0]
		if deref(r.TransId) != transID || deref(r.OperationType) != "SOURCE_OPERATION_BERETRIEVE" || deref(r.Amount) != "0.25" ||
			deref(r.CustomerId) != resale.DomainID || deref(r.Currency) != "CNY" || len(deref(r.OperationTime)) != 20 {
			t.Errorf("record %s", r.String())
		}
		resp, err = cSP.ListPartnerAdjustRecords(&model.ListPartnerAdjustRecordsRequest{OperationType: str("SOURCE_OPERATION_BEADJUST")})
		if err != nil || deref(resp.TotalCount) != 1 || deref((*resp.Records)[0].Amount) != "1000.25" {
			t.Errorf("operation_type filter: %v %v", resp, err)
		}
		resp, err = cSP.ListPartnerAdjustRecords(&model.ListPartnerAdjustRecordsRequest{TransId: str(transID)})
		if err != nil || deref(resp.TotalCount) != 1 {
			t.Errorf("trans_id filter: %v %v", resp, err)
		}
		resp, err = cSP2.ListPartnerAdjustRecords(&model.ListPartnerAdjustRecordsRequest{})
		if err != nil || deref(resp.TotalCount) != 0 {
			t.Errorf("sp2 sees sp's records: %v %v", resp, err)
		}
		// The older SDK generations' path.
		raw := rawDo(t, sdkSignedRequest(t, s, http.MethodGet, "/v2/accounts/partner-accounts/adjust-records", nil,
			sp.AccessKey, sp.SecretKey, sp.DomainID, "limit", "1"))
		var old model.ListPartnerAdjustRecordsResponse
		if err := json.Unmarshal(raw.body, &old); raw.status != http.StatusOK || err != nil || deref(old.TotalCount) != 2 ||
			len(deref(old.Records)) != 1 {
			t.Errorf("old path: %d %s", raw.status, raw.body)
		}
	})
	t.Run("IndirectPartnerAccount", func(t *testing.T) {
		up := func(id, amount string) (*model.UpdateIndirectPartnerAccountResponse, error) {
			return cDist.UpdateIndirectPartnerAccount(&model.UpdateIndirectPartnerAccountRequest{Body: &model.AdjustToIndirectPartnerReq{
				IndirectPartnerId: id, Amount: dec(amount)}})
		}
		back := func(id, amount string) (*model.ReclaimIndirectPartnerAccountResponse, error) {
			return cDist.ReclaimIndirectPartnerAccount(&model.ReclaimIndirectPartnerAccountRequest{Body: &model.ReclaimIndirectPartnerAccountReq{
				IndirectPartnerId: id, Amount: dec(amount)}})
		}
		if resp, err := up(reseller.PartnerID, "5000"); err != nil || len(deref(resp.TransferId)) != 32 {
			t.Fatalf("UpdateIndirectPartnerAccount: %v %v", resp, err)
		}
		if resp, err := back(reseller.PartnerID, "1000"); err != nil || len(deref(resp.TransId)) != 32 {
			t.Fatalf("ReclaimIndirectPartnerAccount: %v %v", resp, err)
		}
		_, err := up(reseller.PartnerID, "246000.01") // 196000 + 50000 credit available
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99005003")
		_, err = back(reseller.PartnerID, "4000.01")
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99005003")
		_, err = up(sp.PartnerID, "1")
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99000037")
		_, err = cSP.UpdateIndirectPartnerAccount(&model.UpdateIndirectPartnerAccountRequest{Body: &model.AdjustToIndirectPartnerReq{
			IndirectPartnerId: reseller.PartnerID, Amount: dec("1")}})
		wantServiceError(t, err, http.StatusForbidden, "CBC.0150")
		resp, err := cDist.ListPartnerBalances(&model.ListPartnerBalancesRequest{IndirectPartnerId: str(reseller.PartnerID)})
		if err != nil || len(deref(resp.AccountBalances)) != 1 || (*resp.AccountBalances)[0].Amount != 4000 {
			t.Errorf("reseller balance: %v %v", resp, err)
		}
		resp, err = cDist.ListPartnerBalances(&model.ListPartnerBalancesRequest{})
		if err != nil || len(deref(resp.AccountBalances)) != 2 || (*resp.AccountBalances)[1].AccountType != 2 ||
			deref((*resp.AccountBalances)[1].CreditAmount) != 50000 {
			t.Errorf("dist balances: %v %v", resp, err)
		}
		_, err = cSP.ListPartnerBalances(&model.ListPartnerBalancesRequest{IndirectPartnerId: str(reseller.PartnerID)})
		wantServiceError(t, err, http.StatusBadRequest, "CBC.99000037")
	})
	t.Run("Discounts", func(t *testing.T) {
		set := func(body string, who DemoPartner) rawResponse {
			return rawDo(t, sdkSignedRequest(t, s, http.MethodPost, "/v2/partners/discounts", []byte(body),
				who.AccessKey, who.SecretKey, who.DomainID))
		}
		get := func(customerID string, who DemoPartner) rawResponse {
			return rawDo(t, sdkSignedRequest(t, s, http.MethodGet, "/v2/partners/discounts", nil,
				who.AccessKey, who.SecretKey, who.DomainID, "customer_id", customerID))
		}
		item := func(id, rate string) string {
			return `{"customer_id":"` + id + `","discount":` + rate + `,"effective_time":"2025-01-01T00:00:00Z","expire_time":"2099-01-01T00:00:00Z"}`
		}
		r := set(`{"sub_customer_discounts":[`+item(referral.DomainID, "0.88")+`,`+item(resale.DomainID, "0.9")+`]}`, sp)
		var out struct {
			ErrorDetails []struct {
				ErrorCode string `json:"error_code"`
				ID        string `json:"id"`
			} `json:"error_details"`
		}
		if err := json.Unmarshal(r.body, &out); r.status != http.StatusOK || err != nil || len(out.ErrorDetails) != 1 ||
			out.ErrorDetails[0].ID != resale.DomainID || out.ErrorDetails[0].ErrorCode != "CBC.0150" {
			t.Fatalf("BatchSetSubCustomerDiscount: %d %s", r.status, r.body)
		}
		r = get(referral.DomainID, sp)
		var list struct {
			D *struct {
				ID       string  `json:"discount_id"`
				Discount float64 `json:"discount"`
				Expire   string  `json:"expire_time"`
			} `json:"sub_customer_discount"`
		}
		if err := json.Unmarshal(r.body, &list); r.status != http.StatusOK || err != nil || list.D == nil ||
			list.D.Discount != 0.88 || list.D.Expire != "2099-01-01T00:00:00Z" || len(list.D.ID) != 32 {
			t.Fatalf("ListSubCustomerDiscounts: %d %s", r.status, r.body)
		}
		if r := get(referral.DomainID, sp2); r.status != http.StatusBadRequest || r.errorCode() != "CBC.99000035" {
			t.Errorf("sp2 reads sp's discount: %d %s", r.status, r.body)
		}
		if r := set(`{"sub_customer_discounts":[`+item(referral.DomainID, "0.79")+`]}`, sp); !strings.Contains(string(r.body), "CBC.0100") {
			t.Errorf("rate 0.79: %d %s", r.status, r.body)
		}
		if r := set(`{"sub_customer_discounts":[{"customer_id":"`+referral.DomainID+`","discount":1}]}`, sp); r.status != http.StatusOK {
			t.Errorf("remove: %d %s", r.status, r.body)
		}
		if r := get(referral.DomainID, sp); r.status != http.StatusOK || strings.Contains(string(r.body), "sub_customer_discount") {
			t.Errorf("removed discount still listed: %s", r.body)
		}
	})

	verify := exec.Command(binPath, "ledger", "verify", "--data", s.DataDir)
	verify.Env = s.env
	out, err := verify.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "funds ledger: ") || !strings.HasSuffix(strings.TrimSpace(string(out)), "ok") {
		t.Fatalf("partnercenter ledger verify: %v\n%s", err, out)
	}
}
