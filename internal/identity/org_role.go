package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/ids"
)

// Preset role ids: the same for every partner, fixed, not editable
// (console.md §5.1).
const (
	PresetAdmin          = "preset.admin"           // 系统管理员: every item; combines with no other role
	PresetFinance        = "preset.finance"         // 财务
	PresetSA             = "preset.sa"              // SA专人
	PresetDirector       = "preset.am_director"     // 客户经理主管: sees its account managers' customers
	PresetAccountManager = "preset.account_manager" // 客户经理: sees its own customers
)

// Role limits.
const (
	// MaxCustomRoles is how many custom roles one partner may define.
	MaxCustomRoles = 10
	// MinMemberRoles and MaxMemberRoles bound how many roles a member holds.
	MinMemberRoles = 1
	MaxMemberRoles = 3
	maxRoleName    = 64
	maxRoleDesc    = 255
)

// Role is a preset or custom role: a named set of permission items.
type Role struct {
	ID     string
	Preset bool
	// Name is a custom role's name, or a preset's Chinese name; NameEN is a
	// preset's English name (a custom role's name again). Use Label.
	Name          string
	NameEN        string
	Description   string
	DescriptionEN string
	// Permissions are the role's permission item codes, in catalogue order.
	Permissions []string
	// MemberCount is how many members hold the role (the main account
	// counts for the admin role). Set by ListRoles and Role.
	MemberCount int
	// CreatedAt and UpdatedAt are zero for presets.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Label is the role's name in lang.
func (r Role) Label(lang i18n.Lang) string {
	if lang == i18n.EN && r.NameEN != "" {
		return r.NameEN
	}
	return r.Name
}

// Describe is the role's description in lang.
func (r Role) Describe(lang i18n.Lang) string {
	if lang == i18n.EN && r.DescriptionEN != "" {
		return r.DescriptionEN
	}
	return r.Description
}

// Ref is the short form of the role shown beside a member.
func (r Role) Ref() RoleRef {
	return RoleRef{ID: r.ID, Name: r.Name, NameEN: r.NameEN, Preset: r.Preset}
}

// RoleRef names a role held by a member.
type RoleRef struct {
	ID     string
	Name   string
	NameEN string
	Preset bool
}

// Label is the role's name in lang.
func (r RoleRef) Label(lang i18n.Lang) string {
	if lang == i18n.EN && r.NameEN != "" {
		return r.NameEN
	}
	return r.Name
}

// presetRoles are the fixed roles, in display order. Per console.md §5.1:
// the account manager has no voucher management.
var presetRoles = []Role{
	{ID: PresetAdmin, Preset: true, Name: "系统管理员", NameEN: "Administrator",
		Description: "拥有全部权限，不能与其他角色同时分配。", DescriptionEN: "Holds every permission; cannot be combined with other roles.",
		Permissions: catalogueCodes()},
	{ID: PresetFinance, Preset: true, Name: "财务", NameEN: "Finance",
		Description: "查看代金券额度与已发放的券、客户订单，查询产品目录与价格，管理账户资金（查看余额与记录、拨款与回收），代客户支付订单。", DescriptionEN: "Views coupon quotas, issued coupons and customer orders, and the product catalogue; manages account funds (balances, records, allocation and reclaim); pays customers' orders.",
		Permissions: []string{PermCouponQuotaView, PermCouponIssuedView, PermCatalogView, PermFundsView, PermFundsAllocate, PermOrderView, PermOrderPay}},
	{ID: PresetSA, Preset: true, Name: "SA专人", NameEN: "SA",
		Description: "查询客户列表、客户订单与产品目录。", DescriptionEN: "Views the customer list, customer orders and the product catalogue.",
		Permissions: []string{PermCustomerList, PermCatalogView, PermOrderView}},
	{ID: PresetDirector, Preset: true, Name: "客户经理主管", NameEN: "Account manager director",
		Description: "管理其下属客户经理的客户：查看、分配、报备，查看其订单。", DescriptionEN: "Manages the customers of the account managers reporting to them: view, assign, report, see their orders.",
		Permissions: []string{PermCustomerList, PermCustomerReveal, PermCustomerAssign, PermCustomerReport,
			PermCouponQuotaView, PermCouponIssuedView, PermCatalogView, PermOrderView}},
	{ID: PresetAccountManager, Preset: true, Name: "客户经理", NameEN: "Account manager",
		Description: "仅查看和报备分配给自己的客户及其订单，不能管理代金券。", DescriptionEN: "Views and reports only the customers assigned to them, and their orders; no voucher management.",
		Permissions: []string{PermCustomerList, PermCustomerReport, PermCatalogView, PermOrderView}},
}

func catalogueCodes() []string {
	out := make([]string, len(Permissions))
	for i, p := range Permissions {
		out[i] = p.Code
	}
	return out
}

// PresetRoles returns the fixed roles, in display order, without member
// counts.
func PresetRoles() []Role {
	out := make([]Role, len(presetRoles))
	for i, r := range presetRoles {
		r.Permissions = append([]string(nil), r.Permissions...)
		out[i] = r
	}
	return out
}

func isPreset(id string) bool { return strings.HasPrefix(id, "preset.") }

// PermissionGroup is one menu's permission items, for the role form.
type PermissionGroup struct {
	Menu        string // sales, organization, ...
	Permissions []Permission
}

// PermissionGroups returns the catalogue grouped by top-level menu, in
// display order.
func PermissionGroups() []PermissionGroup {
	var out []PermissionGroup
	for _, p := range Permissions {
		if n := len(out); n > 0 && out[n-1].Menu == p.Menu {
			out[n-1].Permissions = append(out[n-1].Permissions, p)
			continue
		}
		out = append(out, PermissionGroup{Menu: p.Menu, Permissions: []Permission{p}})
	}
	return out
}

// Errors of role management.
var (
	ErrRoleName              = apperr.New("CBC.0100", "err.role_name")
	ErrRoleNameTaken         = apperr.New("PC.0409", "err.role_name_taken")
	ErrRoleDescription       = apperr.New("CBC.0100", "err.role_description")
	ErrRolePermissionsNeeded = apperr.New("CBC.0100", "err.role_permissions_required")
	ErrRolePermissionUnknown = apperr.New("CBC.0100", "err.role_permission_unknown")
	ErrRoleLimit             = apperr.New("PC.0409", "err.role_limit")
	ErrRolePreset            = apperr.New("PC.0403", "err.role_preset")
	ErrRoleInUse             = apperr.New("PC.0409", "err.role_in_use")
	// ErrRoleExceedsOwn is returned when an actor would grant, through a
	// role it edits or assigns, a permission item it does not hold itself.
	ErrRoleExceedsOwn = apperr.New("PC.0403", "err.role_exceeds_own")
)

// NewRole is what creating a custom role takes.
type NewRole struct {
	Name        string
	Description string
	// Permissions are catalogue codes (see Permissions); at least one.
	Permissions []string
}

// RoleUpdate changes a custom role; nil fields stay as they are.
type RoleUpdate struct {
	Name        *string
	Description *string
	// Permissions replaces the role's items when set.
	Permissions *[]string
}

// requireOrg allows a partner's people — the main account, and members
// holding one of perms.
func requireOrg(a Actor, perms ...string) error {
	if (a.Kind != ActorMember && a.Kind != ActorAPIKey) || a.PartnerID == "" {
		return ErrForbidden
	}
	if a.IsMain {
		return nil
	}
	for _, p := range perms {
		if a.Can(p) {
			return nil
		}
	}
	return ErrForbidden
}

// covers reports whether the actor holds every item of perms, which it must
// to grant them: nobody hands out more than they have.
func covers(a Actor, perms map[string]bool) bool {
	if a.IsMain {
		return true
	}
	for p := range perms {
		if !a.Perms[p] {
			return false
		}
	}
	return true
}

// lockPartner serializes the organization changes of one partner, so rules
// that count or look across members (the custom-role limit, a director's
// reports, unique e-mails) hold under concurrent requests on PostgreSQL too
// (SQLite's writer lock already does).
func lockPartner(ctx context.Context, tx *sql.Tx, partnerID string) error {
	res, err := tx.ExecContext(ctx, "UPDATE partners SET id = id WHERE id = $1", partnerID)
	if err != nil {
		return fmt.Errorf("lock partner %s: %w", partnerID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound
	}
	return nil
}

// checkRoleInput validates a custom role's name, description and items and
// returns them normalized (items deduplicated, in catalogue order).
func checkRoleInput(name, desc string, perms []string) (string, string, []string, error) {
	name = strings.TrimSpace(name)
	desc = strings.TrimSpace(desc)
	if name == "" || len([]rune(name)) > maxRoleName {
		return "", "", nil, ErrRoleName.WithField("name", ErrRoleName.Key)
	}
	for _, p := range presetRoles {
		if strings.EqualFold(name, p.Name) || strings.EqualFold(name, p.NameEN) {
			return "", "", nil, ErrRoleNameTaken.WithField("name", ErrRoleNameTaken.Key)
		}
	}
	if len([]rune(desc)) > maxRoleDesc {
		return "", "", nil, ErrRoleDescription.WithField("description", ErrRoleDescription.Key)
	}
	set := map[string]bool{}
	for _, code := range perms {
		code = strings.TrimSpace(code)
		if _, ok := PermissionByCode(code); !ok {
			return "", "", nil, ErrRolePermissionUnknown.With("code", code).WithField("permissions", ErrRolePermissionUnknown.Key)
		}
		set[code] = true
	}
	if len(set) == 0 {
		return "", "", nil, ErrRolePermissionsNeeded.WithField("permissions", ErrRolePermissionsNeeded.Key)
	}
	return name, desc, catalogueOrder(set), nil
}

// catalogueOrder lists the codes of set in catalogue order.
func catalogueOrder(set map[string]bool) []string {
	var out []string
	for _, p := range Permissions {
		if set[p.Code] {
			out = append(out, p.Code)
		}
	}
	return out
}

func permSet(codes []string) map[string]bool {
	m := make(map[string]bool, len(codes))
	for _, c := range codes {
		m[c] = true
	}
	return m
}

// CreateRole adds a custom role to the actor's partner. The main account and
// members holding PermOrgRoleManage may call it; a member may only put in
// items it holds itself (ErrRoleExceedsOwn). Returns ErrRoleName,
// ErrRoleDescription, ErrRolePermissionsNeeded, ErrRolePermissionUnknown
// for bad input, ErrRoleNameTaken when the name (case-insensitive, presets
// included) is in use, ErrRoleLimit beyond MaxCustomRoles. Not idempotent.
func (s *Service) CreateRole(ctx context.Context, actor Actor, in NewRole) (Role, error) {
	if err := requireOrg(actor, PermOrgRoleManage); err != nil {
		return Role{}, err
	}
	name, desc, perms, err := checkRoleInput(in.Name, in.Description, in.Permissions)
	if err != nil {
		return Role{}, err
	}
	if !covers(actor, permSet(perms)) {
		return Role{}, ErrRoleExceedsOwn
	}
	now := s.clock.Now()
	r := Role{ID: ids.New(), Name: name, NameEN: name, Description: desc, DescriptionEN: desc,
		Permissions: perms, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockPartner(ctx, tx, actor.PartnerID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM roles WHERE partner_id = $1", actor.PartnerID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxCustomRoles {
			return ErrRoleLimit.With("max", MaxCustomRoles)
		}
		if err := checkRoleNameFree(ctx, tx, actor.PartnerID, name, ""); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO roles (id, partner_id, name, name_key, description, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, r.ID, actor.PartnerID, name, strings.ToLower(name), desc, now, now); err != nil {
			return err
		}
		if err := insertRolePermissions(ctx, tx, r.ID, perms); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "role.create", r.ID, name+" "+strings.Join(perms, ","), now)
	})
	if db.IsUniqueViolation(err) {
		return Role{}, ErrRoleNameTaken
	}
	if err != nil {
		return Role{}, fmt.Errorf("create role %s: %w", name, err)
	}
	return r, nil
}

func checkRoleNameFree(ctx context.Context, tx *sql.Tx, partnerID, name, exceptID string) error {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM roles WHERE partner_id = $1 AND name_key = $2 AND id <> $3",
		partnerID, strings.ToLower(name), exceptID).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrRoleNameTaken.WithField("name", ErrRoleNameTaken.Key)
	}
	return nil
}

func insertRolePermissions(ctx context.Context, tx *sql.Tx, roleID string, perms []string) error {
	for _, p := range perms {
		if _, err := tx.ExecContext(ctx, "INSERT INTO role_permissions (role_id, permission) VALUES ($1, $2)", roleID, p); err != nil {
			return err
		}
	}
	return nil
}

// UpdateRole changes a custom role of the actor's partner. Same callers and
// input errors as CreateRole; ErrRolePreset for a preset role, and
// apperr.NotFound for a role of another partner. A member may neither add
// items it does not hold nor edit a role that already carries such items
// (ErrRoleExceedsOwn). Members holding the role get the new items on their
// next request. Idempotent.
func (s *Service) UpdateRole(ctx context.Context, actor Actor, id string, in RoleUpdate) (Role, error) {
	if err := requireOrg(actor, PermOrgRoleManage); err != nil {
		return Role{}, err
	}
	if isPreset(id) {
		return Role{}, ErrRolePreset
	}
	var out Role
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockPartner(ctx, tx, actor.PartnerID); err != nil {
			return err
		}
		cur, err := s.customRole(ctx, tx, actor.PartnerID, id)
		if err != nil {
			return err
		}
		if !covers(actor, permSet(cur.Permissions)) {
			return ErrRoleExceedsOwn
		}
		name, desc, perms := cur.Name, cur.Description, cur.Permissions
		if in.Name != nil {
			name = *in.Name
		}
		if in.Description != nil {
			desc = *in.Description
		}
		if in.Permissions != nil {
			perms = *in.Permissions
		}
		if name, desc, perms, err = checkRoleInput(name, desc, perms); err != nil {
			return err
		}
		if !covers(actor, permSet(perms)) {
			return ErrRoleExceedsOwn
		}
		if err := checkRoleNameFree(ctx, tx, actor.PartnerID, name, id); err != nil {
			return err
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE roles SET name = $1, name_key = $2, description = $3, updated_at = $4
			WHERE id = $5 AND partner_id = $6`, name, strings.ToLower(name), desc, now, id, actor.PartnerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM role_permissions WHERE role_id = $1 AND role_id IN (SELECT id FROM roles WHERE partner_id = $2)", id, actor.PartnerID); err != nil {
			return err
		}
		if err := insertRolePermissions(ctx, tx, id, perms); err != nil {
			return err
		}
		out = Role{ID: id, Name: name, NameEN: name, Description: desc, DescriptionEN: desc, Permissions: perms,
			CreatedAt: cur.CreatedAt, UpdatedAt: now}
		return audit(ctx, tx, actor, actor.PartnerID, "role.update", id, name+" "+strings.Join(perms, ","), now)
	})
	if db.IsUniqueViolation(err) {
		return Role{}, ErrRoleNameTaken
	}
	if err != nil {
		return Role{}, fmt.Errorf("update role %s: %w", id, err)
	}
	s.forgetAPICredentials(actor.PartnerID)
	return out, nil
}

// DeleteRole removes a custom role of the actor's partner. Same callers as
// CreateRole. Returns ErrRolePreset for a preset, ErrRoleInUse (with the
// count) while any member holds it, ErrRoleExceedsOwn for a role carrying
// items the member lacks, apperr.NotFound for a role of another partner or
// one already deleted.
func (s *Service) DeleteRole(ctx context.Context, actor Actor, id string) error {
	if err := requireOrg(actor, PermOrgRoleManage); err != nil {
		return err
	}
	if isPreset(id) {
		return ErrRolePreset
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockPartner(ctx, tx, actor.PartnerID); err != nil {
			return err
		}
		cur, err := s.customRole(ctx, tx, actor.PartnerID, id)
		if err != nil {
			return err
		}
		if !covers(actor, permSet(cur.Permissions)) {
			return ErrRoleExceedsOwn
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM member_roles WHERE partner_id = $1 AND role_id = $2",
			actor.PartnerID, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrRoleInUse.With("count", n)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM role_permissions WHERE role_id = $1 AND role_id IN (SELECT id FROM roles WHERE partner_id = $2)", id, actor.PartnerID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM roles WHERE id = $1 AND partner_id = $2", id, actor.PartnerID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "role.delete", id, cur.Name, s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("delete role %s: %w", id, err)
	}
	return nil
}

// ListRoles lists the roles of the actor's partner: presets first in their
// fixed order, then custom roles oldest first, each with its member count.
// The main account and members holding PermOrgRoleManage,
// PermOrgMemberManage or PermOrgMemberView may call it (the member form
// needs the list). Read-only.
func (s *Service) ListRoles(ctx context.Context, actor Actor) ([]Role, error) {
	if err := requireOrg(actor, PermOrgRoleManage, PermOrgMemberManage, PermOrgMemberView); err != nil {
		return nil, err
	}
	roles, err := s.partnerRoleList(ctx, s.db.SQL, actor.PartnerID)
	if err != nil {
		return nil, err
	}
	counts, err := s.roleMemberCounts(ctx, actor.PartnerID)
	if err != nil {
		return nil, err
	}
	for i := range roles {
		roles[i].MemberCount = counts[roles[i].ID]
	}
	return roles, nil
}

// Role returns one role of the actor's partner, with its member count, for
// the role form. Same callers as ListRoles; apperr.NotFound for a role of
// another partner.
func (s *Service) Role(ctx context.Context, actor Actor, id string) (Role, error) {
	list, err := s.ListRoles(ctx, actor)
	if err != nil {
		return Role{}, err
	}
	for _, r := range list {
		if r.ID == id {
			return r, nil
		}
	}
	return Role{}, apperr.NotFound
}

func (s *Service) roleMemberCounts(ctx context.Context, partnerID string) (map[string]int, error) {
	rows, err := s.db.SQL.QueryContext(ctx,
		"SELECT role_id, COUNT(*) FROM member_roles WHERE partner_id = $1 GROUP BY role_id", partnerID)
	if err != nil {
		return nil, fmt.Errorf("count role members: %w", err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts[PresetAdmin]++ // the main account
	return counts, nil
}

// customRole loads one custom role of a partner with its items.
func (s *Service) customRole(ctx context.Context, q db.Querier, partnerID, id string) (Role, error) {
	var r Role
	err := q.QueryRowContext(ctx, "SELECT id, name, description, created_at, updated_at FROM roles WHERE id = $1 AND partner_id = $2",
		id, partnerID).Scan(&r.ID, &r.Name, &r.Description, &r.CreatedAt, &r.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Role{}, apperr.NotFound
	}
	if err != nil {
		return Role{}, fmt.Errorf("load role %s: %w", id, err)
	}
	r.NameEN, r.DescriptionEN = r.Name, r.Description
	rows, err := q.QueryContext(ctx, `SELECT permission FROM role_permissions
		WHERE role_id = $1 AND role_id IN (SELECT id FROM roles WHERE partner_id = $2)`, id, partnerID)
	if err != nil {
		return Role{}, fmt.Errorf("load role %s: %w", id, err)
	}
	defer rows.Close()
	set := map[string]bool{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return Role{}, err
		}
		set[p] = true
	}
	r.Permissions = catalogueOrder(set)
	return r, rows.Err()
}

// partnerRoleList returns the presets and a partner's custom roles, in
// display order, with their items.
func (s *Service) partnerRoleList(ctx context.Context, q db.Querier, partnerID string) ([]Role, error) {
	out := PresetRoles()
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.name, r.description, r.created_at, r.updated_at, COALESCE(p.permission, '')
		FROM roles r LEFT JOIN role_permissions p ON p.role_id = r.id
		WHERE r.partner_id = $1 ORDER BY r.id`, partnerID)
	if err != nil {
		return nil, fmt.Errorf("load roles: %w", err)
	}
	defer rows.Close()
	var custom []Role
	sets := map[string]map[string]bool{}
	for rows.Next() {
		var r Role
		var perm string
		if err := rows.Scan(&r.ID, &r.Name, &r.Description, &r.CreatedAt, &r.UpdatedAt, &perm); err != nil {
			return nil, fmt.Errorf("load roles: %w", err)
		}
		if sets[r.ID] == nil {
			sets[r.ID] = map[string]bool{}
			r.NameEN, r.DescriptionEN = r.Name, r.Description
			custom = append(custom, r)
		}
		if perm != "" {
			sets[r.ID][perm] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(custom, func(i, j int) bool { return custom[i].ID < custom[j].ID })
	for _, r := range custom {
		r.Permissions = catalogueOrder(sets[r.ID])
		out = append(out, r)
	}
	return out, nil
}

// partnerRoles is partnerRoleList by id.
func (s *Service) partnerRoles(ctx context.Context, q db.Querier, partnerID string) (map[string]Role, error) {
	list, err := s.partnerRoleList(ctx, q, partnerID)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Role, len(list))
	for _, r := range list {
		m[r.ID] = r
	}
	return m, nil
}

// permsOf is the union of the items of roleIDs.
func permsOf(roleIDs []string, roles map[string]Role) map[string]bool {
	perms := map[string]bool{}
	for _, id := range roleIDs {
		for _, p := range roles[id].Permissions {
			perms[p] = true
		}
	}
	return perms
}
