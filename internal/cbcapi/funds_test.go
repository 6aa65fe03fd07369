package cbcapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"partnercenter/internal/cbcapi"
	"partnercenter/internal/commerce"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/httpx"
	"partnercenter/internal/platform/money"
)

// mustFundsAPI is the fixture with the funds service wired into the API.
func mustFundsAPI(t *testing.T, d *db.DB) (*fixture, *funds.Service) {
	t.Helper()
	f := mustFixture(t, d, noLimit)
	svc := funds.NewService(funds.Deps{DB: d, Clock: f.clock, Identity: f.ident, Outbox: f.outbox})
	cat, err := commerce.NewCatalog(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	api := cbcapi.New(cbcapi.Deps{Identity: f.ident, Catalog: cat, Customers: f.customers, Funds: svc, Clock: f.clock,
		Log: slog.New(slog.DiscardHandler)}, noLimit)
	f.handler = httpx.WithRequestID(api.Mount(http.NewServeMux()))
	return f, svc
}

// fundsScenario is one call of any method and what it must answer.
type fundsScenario struct {
	name, method, target, body string
	as                         *testSigner
	want                       check
}

func (f *fixture) runFunds(t *testing.T, def *testSigner, tests []fundsScenario) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signer := tt.as
			if signer == nil {
				signer = def
			}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			assertResponse(t, f.do(t, request{method: method, target: tt.target, body: tt.body, signer: signer}), tt.want)
		})
	}
}

func TestFundsAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f, svc := mustFundsAPI(t, d)
		ctx := context.Background()
		sp := f.mustTenant(t)
		sp2 := f.mustTenant(t)
		dist := f.mustTenantOf(t, identity.Distributor, "")
		res := f.mustTenantOf(t, identity.CloudReseller, dist.partner.ID)
		c := f.mustCustomer(t, sp, "fundcust", false)
		ref := f.mustCustomer(t, sp, "fundref", true)
		fresh := f.mustCustomer(t, sp, "fundfresh", false)
		_, plain := f.mustPlainMember(t, sp, "plain")
		for _, p := range []tenant{sp, dist} {
			if _, err := svc.TopUp(ctx, f.admin, p.partner.ID, money.MustParse("100"), "test"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.SetCreditLine(ctx, f.admin, sp.partner.ID, money.MustParse("20"), ""); err != nil {
			t.Fatal(err)
		}
		const (
			adjust   = "/v2/accounts/partner-accounts/adjust-amount"
			reclaim  = "/v2/accounts/partner-accounts/reclaim"
			iadjust  = "/v2/accounts/partner-accounts/indirect-partner-adjust"
			ireclaim = "/v2/accounts/partner-accounts/indirect-partner-reclaim"
			balances = "/v2/accounts/partner-accounts/balances"
			records  = "/v3/accounts/partner-accounts/adjust-records"
		)
		body := func(id, amount string) string { return `{"customer_id":"` + id + `","amount":` + amount + `}` }
		ibody := func(id, amount string) string { return `{"indirect_partner_id":"` + id + `","amount":` + amount + `}` }
		f.runFunds(t, &sp.key, []fundsScenario{
			{name: "Adjust/OK", target: adjust, body: body(c.ID, "110.5"), want: check{status: 200}},
			{name: "Adjust/OKStringAmount", target: adjust, body: body(c.ID, `"0.50"`), want: check{status: 200}},
			{name: "Adjust/ErrInsufficient", target: adjust, body: body(c.ID, "9.01"), want: check{status: 400, code: "CBC.99005003"}},
			{name: "Adjust/ErrThreeDecimals", target: adjust, body: body(c.ID, "1.001"), want: check{status: 400, code: "CBC.0100", msg: "amount"}},
			{name: "Adjust/ErrZero", target: adjust, body: body(c.ID, "0"), want: check{status: 400, code: "CBC.0100", msg: "amount"}},
			{name: "Adjust/ErrNoCustomer", target: adjust, body: `{"amount":1}`, want: check{status: 400, code: "CBC.0100", msg: "customer_id"}},
			{name: "Adjust/ErrReferral", target: adjust, body: body(ref.ID, "1"), want: check{status: 403, code: "CBC.0150"}},
			{name: "Adjust/ErrOtherPartner", target: adjust, body: body(c.ID, "1"), as: &sp2.key, want: check{status: 400, code: "CBC.99000035"}},
			{name: "Adjust/ErrNoPermission", target: adjust, body: body(c.ID, "1"), as: &plain, want: check{status: 403, code: "CBC.0151"}},
			{name: "Reclaim/OK", target: reclaim, body: body(c.ID, "11"), want: check{status: 200}},
			{name: "Reclaim/ErrInsufficient", target: reclaim, body: body(c.ID, "100.01"), want: check{status: 400, code: "CBC.99005003"}},
			{name: "Reclaim/ErrReferral", target: reclaim, body: body(ref.ID, "1"), want: check{status: 403, code: "CBC.0150"}},
			{name: "Reclaim/ErrNoAccount", target: reclaim, body: body(fresh.ID, "1"), want: check{status: 400, code: "CBC.99000047"}},
			{name: "Balances/OK", method: "GET", target: balances, want: check{status: 200, json: map[string]any{
				"account_balances.0.account_type": 1, "account_balances.0.amount": 0, "account_balances.0.currency": "CNY",
				"account_balances.1.account_type": 2, "account_balances.1.amount": 20, "account_balances.1.credit_amount": 20}}},
			{name: "Records/OK", method: "GET", target: records, want: check{status: 200, json: map[string]any{
				"total_count": 3, "records.0.operation_type": "SOURCE_OPERATION_BERETRIEVE", "records.0.amount": "11.00",
				"records.0.customer_id": c.ID, "records.0.customer_name": "fundcust"}}},
			{name: "Records/OldPath", method: "GET", target: "/v2/accounts/partner-accounts/adjust-records?operation_type=SOURCE_OPERATION_BEADJUST",
				want: check{status: 200, json: map[string]any{"total_count": 2}}},
			{name: "Records/ErrOperationType", method: "GET", target: records + "?operation_type=X", want: check{status: 400, code: "CBC.0100"}},
			{name: "Records/OtherPartner", method: "GET", target: records, as: &sp2.key, want: check{status: 200, json: map[string]any{"total_count": 0}}},
		})
		f.runFunds(t, &dist.key, []fundsScenario{
			{name: "Indirect/OK", target: iadjust, body: ibody(res.partner.ID, "30"), want: check{status: 200}},
			{name: "Indirect/ErrInsufficient", target: iadjust, body: ibody(res.partner.ID, "70.01"), want: check{status: 400, code: "CBC.99005003"}},
			{name: "Indirect/ErrNotYours", target: iadjust, body: ibody(sp.partner.ID, "1"), want: check{status: 400, code: "CBC.99000037"}},
			{name: "Indirect/ErrNotDistributor", target: iadjust, body: ibody(res.partner.ID, "1"), as: &sp.key, want: check{status: 403, code: "CBC.0150"}},
			{name: "IndirectReclaim/OK", target: ireclaim, body: ibody(res.partner.ID, "10"), want: check{status: 200}},
			{name: "IndirectReclaim/ErrInsufficient", target: ireclaim, body: ibody(res.partner.ID, "20.01"), want: check{status: 400, code: "CBC.99005003"}},
			{name: "Balances/Reseller", method: "GET", target: balances + "?indirect_partner_id=" + res.partner.ID,
				want: check{status: 200, json: map[string]any{"account_balances.0.amount": 20}}},
			{name: "Balances/ErrNotYourReseller", method: "GET", target: balances + "?indirect_partner_id=" + res.partner.ID, as: &sp.key,
				want: check{status: 400, code: "CBC.99000037"}},
		})
		rep, err := svc.VerifyLedger(ctx)
		if err != nil || len(rep.Problems) > 0 {
			t.Fatalf("ledger: %v %v", err, rep.Problems)
		}
	})
}

func TestDiscountAPI(t *testing.T) {
	customerEach(t, func(t *testing.T, d *db.DB) {
		f, _ := mustFundsAPI(t, d)
		sp := f.mustTenant(t)
		sp2 := f.mustTenant(t)
		ref := f.mustCustomer(t, sp, "discref", true)
		res := f.mustCustomer(t, sp, "discres", false)
		const path = "/v2/partners/discounts"
		item := func(id, rate string) string {
			return `{"customer_id":"` + id + `","discount":` + rate + `,"effective_time":"2025-03-01T00:00:00Z","expire_time":"2025-12-31T00:00:00Z"}`
		}
		f.runFunds(t, &sp.key, []fundsScenario{
			{name: "Set/OK", target: path, body: `{"sub_customer_discounts":[` + item(ref.ID, "0.85") + `]}`,
				want: check{status: 200, json: map[string]any{"error_details": absent}}},
			{name: "List/OK", method: "GET", target: path + "?customer_id=" + ref.ID, want: check{status: 200, json: map[string]any{
				"sub_customer_discount.discount": 0.85, "sub_customer_discount.expire_time": "2025-12-31T00:00:00Z"}}},
			{name: "Set/PartialFailure", target: path, body: `{"sub_customer_discounts":[` + item(res.ID, "0.9") + `,` + item(ref.ID, "0.7") + `]}`,
				want: check{status: 200, json: map[string]any{"error_details.0.id": res.ID, "error_details.0.error_code": "CBC.0150",
					"error_details.1.id": ref.ID, "error_details.1.error_code": "CBC.0100"}}},
			{name: "Set/ErrEmpty", target: path, body: `{"sub_customer_discounts":[]}`, want: check{status: 400, code: "CBC.0100"}},
			{name: "Set/ErrBadTime", target: path, body: `{"sub_customer_discounts":[{"customer_id":"` + ref.ID + `","discount":0.9,"expire_time":"tomorrow"}]}`,
				want: check{status: 400, code: "CBC.0100", msg: "expire_time"}},
			{name: "Remove/OK", target: path, body: `{"sub_customer_discounts":[{"customer_id":"` + ref.ID + `","discount":1}]}`,
				want: check{status: 200}},
			{name: "List/Removed", method: "GET", target: path + "?customer_id=" + ref.ID,
				want: check{status: 200, json: map[string]any{"sub_customer_discount": absent}}},
			{name: "List/ErrOtherPartner", method: "GET", target: path + "?customer_id=" + ref.ID, as: &sp2.key,
				want: check{status: 400, code: "CBC.99000035"}},
			{name: "List/ErrNoCustomer", method: "GET", target: path, want: check{status: 400, code: "CBC.0100"}},
		})
	})
}
