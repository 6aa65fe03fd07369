package identity

import (
	"context"
	"database/sql"
	"fmt"
)

// SetPartnerStatus sets a partner's standing (normal, restricted, frozen).
// Platform admins and ecosystem managers only. Idempotent.
func (s *Service) SetPartnerStatus(ctx context.Context, actor Actor, partnerID string, status PartnerStatus) error {
	if err := requireOperator(actor, RolePlatformAdmin, RoleEcoManager); err != nil {
		return err
	}
	if !status.Valid() {
		return ErrPartnerStatus
	}
	err := s.updatePartner(ctx, actor, partnerID, "partner.status", string(status),
		"UPDATE partners SET status = $1, updated_at = $2 WHERE id = $3", status)
	if err == nil {
		s.forgetAPICredentials(partnerID) // a frozen partner's keys stop at once
	}
	return err
}

// SetEcoManager names the ecosystem manager shown on the partner's home
// page. Platform admins and ecosystem managers only. Idempotent.
func (s *Service) SetEcoManager(ctx context.Context, actor Actor, partnerID string, m EcoManager) error {
	if err := requireOperator(actor, RolePlatformAdmin, RoleEcoManager); err != nil {
		return err
	}
	if m.Email != "" && !emailPattern.MatchString(m.Email) {
		return ErrEmailFormat
	}
	if m.Mobile != "" && !mobilePattern.MatchString(m.Mobile) {
		return ErrMobileFormat
	}
	return s.updatePartner(ctx, actor, partnerID, "partner.eco_manager", m.Name,
		"UPDATE partners SET eco_manager_name = $1, eco_manager_email = $4, eco_manager_mobile = $5, updated_at = $2 WHERE id = $3",
		m.Name, m.Email, m.Mobile)
}

// updatePartner runs one partner UPDATE whose $2 is the time and $3 the id,
// with the audit row, and reports ErrPartnerNotFound when no row matched.
func (s *Service) updatePartner(ctx context.Context, actor Actor, partnerID, action, detail, query string, first any, rest ...any) error {
	now := s.clock.Now()
	args := append([]any{first, now, partnerID}, rest...)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrPartnerNotFound
		}
		return audit(ctx, tx, actor, partnerID, action, partnerID, detail, now)
	})
	if err != nil {
		return fmt.Errorf("%s %s: %w", action, partnerID, err)
	}
	return nil
}
