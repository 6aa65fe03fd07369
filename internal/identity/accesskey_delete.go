package identity

import (
	"context"
	"database/sql"
	"fmt"

	"partnercenter/internal/platform/apperr"
)

// DeleteAccessKey removes an access key for good (我的凭证 > 访问密钥 >
// 删除). A member may delete its own keys; the main account, and members
// holding PermOrgMemberManage, any key of their partner (as for
// SetAccessKeyStatus). The key is refused by the open API at once on this
// node, whose cached entry is dropped, and within apiAuthTTL on others.
// Returns ErrForbidden for non-members and apperr.NotFound for a key the
// actor may not see. Not idempotent: a second call returns apperr.NotFound.
func (s *Service) DeleteAccessKey(ctx context.Context, actor Actor, accessKey string) error {
	if actor.Kind != ActorMember || actor.PartnerID == "" {
		return ErrForbidden
	}
	query := "DELETE FROM access_keys WHERE access_key = $1 AND partner_id = $2"
	args := []any{accessKey, actor.PartnerID}
	if !actor.IsMain && !actor.Can(PermOrgMemberManage) {
		query += " AND member_id = $3"
		args = append(args, actor.ID)
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound
		}
		return audit(ctx, tx, actor, actor.PartnerID, "access_key.delete", accessKey, "", s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("delete access key %s: %w", accessKey, err)
	}
	s.apiAuth.forgetKey(accessKey)
	return nil
}
