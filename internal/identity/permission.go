package identity

// Permission is one permission item (权限项): the unit roles are built from
// and that every console and API route declares. Items mapped to an open API
// carry Huawei's codes (reference/cbc-api.md §1.2); console-only actions carry
// codes of ours in the same style.
type Permission struct {
	Code string
	ZH   string
	EN   string
	Menu string // top-level menu group: sales, organization, benefits, support, account
}

// Permission item codes.
const (
	PermCustomerList     = "BPC_ITEM_SUBCUSTSERV_010100" // 查询客户列表 (console)
	PermCustomerQuery    = "BPC_ITEM_SUBCUSTSERV_010500" // 查询客户 (API)
	PermCustomerCreate   = "BPC_ITEM_SUBCUSTSERV_010118" // 创建客户
	PermCustomerFreeze   = "BPC_ITEM_SUBCUSTSERV_010501" // 冻结客户
	PermCustomerUnfreeze = "BPC_ITEM_SUBCUSTSERV_010115" // 解冻客户
	PermCustomerReveal   = "BPC_ITEM_SUBCUSTSERV_010120" // 查看客户敏感信息
	PermCustomerAssign   = "BPC_ITEM_SUBCUSTSERV_010130" // 分配客户经理
	PermCustomerReport   = "BPC_ITEM_SUBCUSTSERV_010140" // 报备与邀请客户
	PermCustomerRelation = "BPC_ITEM_SUBCUSTSERV_010150" // 关联关系管理 (解除关联, 变更关联类型)
	PermCouponQuotaView  = "BPC_ITEM_SUBCUSTSERV_030100" // 查看代金券额度
	PermVoucherIssue     = "BPC_ITEM_SUBCUSTSERV_030102" // 发放代金券
	PermCashCouponIssue  = "BPC_ITEM_SUBCUSTSERV_030103" // 发放现金券
	PermCouponReclaim    = "BPC_ITEM_SUBCUSTSERV_030201" // 回收代金券
	PermCouponIssuedView = "BPC_ITEM_SUBCUSTSERV_030600" // 查询已发放的券
	PermCatalogView      = "BPC_ITEM_PRODUCT_040100"     // 查询产品目录与价格
	PermResellerView     = "BPC_ITEM_RESELLER_080100"    // 查看云经销商 (distributors)
	PermFundsView        = "BPC_ITEM_FINANCE_070100"     // 查看账户余额与收支明细
	PermFundsAllocate    = "BPC_ITEM_FINANCE_070101"     // 拨款与回收
	PermDiscountManage   = "BPC_ITEM_SUBCUSTSERV_040200" // 设置客户折扣
	PermOrderView        = "BPC_ITEM_ORDER_090100"       // 查看客户订单
	PermOrderPay         = "BPC_ITEM_ORDER_090200"       // 代支付客户订单 (支付与驳回)
	PermOrgMemberView    = "BPC_ITEM_ORG_050100"         // 查看组织成员
	PermOrgMemberManage  = "BPC_ITEM_ORG_050101"         // 管理组织成员
	PermOrgRoleManage    = "BPC_ITEM_ORG_050200"         // 管理角色
	PermAccessConfig     = "BPC_ITEM_SUPPORT_060100"     // 接入配置 (支持 > 能力开放)
)

// Permissions is the catalogue, in display order.
var Permissions = []Permission{
	{PermCustomerList, "查询客户列表", "View customer list", "sales"},
	{PermCustomerQuery, "查询客户（API）", "Query customers (API)", "sales"},
	{PermCustomerCreate, "创建客户", "Create customers", "sales"},
	{PermCustomerFreeze, "冻结客户", "Freeze customers", "sales"},
	{PermCustomerUnfreeze, "解冻客户", "Unfreeze customers", "sales"},
	{PermCustomerReveal, "查看客户敏感信息", "View customers' personal data", "sales"},
	{PermCustomerAssign, "分配客户经理", "Assign account managers", "sales"},
	{PermCustomerReport, "报备与邀请客户", "Report and invite customers", "sales"},
	{PermCustomerRelation, "关联关系管理", "Manage associations (disassociate, switch type)", "sales"},
	{PermCouponQuotaView, "查看代金券额度", "View coupon quotas", "sales"},
	{PermVoucherIssue, "发放代金券", "Issue vouchers", "sales"},
	{PermCashCouponIssue, "发放现金券", "Issue cash coupons", "sales"},
	{PermCouponReclaim, "回收代金券", "Reclaim coupons", "sales"},
	{PermCouponIssuedView, "查询已发放的券", "View issued coupons", "sales"},
	{PermCatalogView, "查询产品目录与价格", "View product catalogue and prices", "sales"},
	{PermResellerView, "查看云经销商", "View cloud resellers", "sales"},
	{PermFundsView, "查看账户余额与收支明细", "View account balances and records", "sales"},
	{PermFundsAllocate, "拨款与回收", "Allocate and reclaim funds", "sales"},
	{PermDiscountManage, "设置客户折扣", "Grant customer discounts", "sales"},
	{PermOrderView, "查看客户订单", "View customer orders", "sales"},
	{PermOrderPay, "代支付客户订单", "Pay customer orders", "sales"},
	{PermOrgMemberView, "查看组织成员", "View organization members", "organization"},
	{PermOrgMemberManage, "管理组织成员", "Manage organization members", "organization"},
	{PermOrgRoleManage, "管理角色", "Manage roles", "organization"},
	{PermAccessConfig, "接入配置", "Access configuration", "support"},
}

// PermissionByCode returns the catalogue entry of code.
func PermissionByCode(code string) (Permission, bool) {
	for _, p := range Permissions {
		if p.Code == code {
			return p, true
		}
	}
	return Permission{}, false
}

// allPermissions is the set the main account and the admin role hold.
func allPermissions() map[string]bool {
	m := make(map[string]bool, len(Permissions))
	for _, p := range Permissions {
		m[p.Code] = true
	}
	return m
}
