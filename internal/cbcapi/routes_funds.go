package cbcapi

import "partnercenter/internal/identity"

// fundsRoutes is the route table of partner and customer accounts, fund
// allocation and reclaim, and partner-granted discounts.
func (a *API) fundsRoutes() []Route {
	return []Route{
		{"POST", "/v2/accounts/partner-accounts/adjust-amount", identity.PermFundsAllocate, a.updateCustomerAccountAmount},
		{"POST", "/v2/accounts/partner-accounts/reclaim", identity.PermFundsAllocate, a.reclaimToPartnerAccount},
		{"POST", "/v2/accounts/partner-accounts/indirect-partner-adjust", identity.PermFundsAllocate, a.updateIndirectPartnerAccount},
		{"POST", "/v2/accounts/partner-accounts/indirect-partner-reclaim", identity.PermFundsAllocate, a.reclaimIndirectPartnerAccount},
		{"GET", "/v2/accounts/partner-accounts/balances", identity.PermFundsView, a.listPartnerBalances},
		{"GET", "/v3/accounts/partner-accounts/adjust-records", identity.PermFundsView, a.listPartnerAdjustRecords},
		{"GET", "/v2/accounts/partner-accounts/adjust-records", identity.PermFundsView, a.listPartnerAdjustRecords},

		{"POST", "/v2/partners/discounts", identity.PermDiscountManage, a.batchSetSubCustomerDiscount},
		{"GET", "/v2/partners/discounts", identity.PermDiscountManage, a.listSubCustomerDiscounts},
	}
}
