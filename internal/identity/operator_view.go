package identity

import (
	"context"

	"partnercenter/internal/platform/mask"
)

// Operator returns one operator as the operator pages show it (e-mail and
// mobile masked), for the operator detail page. Platform admins only;
// apperr.NotFound for an unknown id. Read-only.
func (s *Service) Operator(ctx context.Context, actor Actor, id string) (OperatorView, error) {
	if err := requireOperator(actor, RolePlatformAdmin); err != nil {
		return OperatorView{}, err
	}
	op, err := s.OperatorByID(ctx, id)
	if err != nil {
		return OperatorView{}, err
	}
	return OperatorView{ID: op.ID, Username: op.Username, DisplayName: op.DisplayName, Roles: op.Roles,
		Email: mask.Email(op.Email), Mobile: mask.Mobile(op.Mobile), Status: op.Status,
		MustChangePassword: op.MustChangePassword, CreatedAt: op.CreatedAt}, nil
}
