package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/platform/outbox"
)

// The codes a customer confirms association changes with live in the same
// table as registration codes (verification_codes, keyed by partner,
// receiver and scene), under scene SceneAssociationChange and the partner
// of the request, and share the per-receiver send caps
// (verification_sends) and the failure rule (dead after MaxCodeFailures
// wrong tries).

// sendSceneCode sends c a code for scene on behalf of partnerID.
func (s *Service) sendSceneCode(ctx context.Context, c Customer, partnerID string, scene int) error {
	receiver, channel, ok := customerReceiver(c)
	if !ok {
		return ErrRelationNoContact
	}
	code, err := newCode()
	if err != nil {
		return err
	}
	hash := identity.HashPassword(code)
	now := s.clock.Now()
	ttl := DefaultCodeTTL
	args := map[string]any{"code": code, "minutes": int(ttl.Minutes())}
	msg := outbox.Message{Channel: channel, To: receiver, Body: i18n.T(i18n.ZH, "relations.code.body", args)}
	masked := mask.Mobile(c.Mobile)
	if channel == outbox.Email {
		msg.Subject = i18n.T(i18n.ZH, "relations.code.subject", args)
		masked = mask.Email(receiver)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockContact(ctx, tx, "code:"+receiver, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM verification_sends WHERE receiver = $1 AND sent_at <= $2",
			receiver, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		var hour, day int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(CASE WHEN sent_at > $2 THEN 1 END), COUNT(*)
			FROM verification_sends WHERE receiver = $1 AND sent_at > $3`,
			receiver, now.Add(-time.Hour), now.Add(-24*time.Hour)).Scan(&hour, &day); err != nil {
			return err
		}
		if hour >= MaxCodeSendsPerHour || day >= MaxCodeSendsPerDay {
			return ErrCodeSendLimit
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO verification_codes
			(partner_id, receiver, scene, code_hash, customer_id, failed_attempts, created_at, expires_at, used_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $7, NULL)
			ON CONFLICT (partner_id, receiver, scene) DO UPDATE SET code_hash = excluded.code_hash,
				customer_id = excluded.customer_id, failed_attempts = 0, created_at = excluded.created_at,
				expires_at = excluded.expires_at, used_at = NULL`,
			partnerID, receiver, scene, hash, c.ID, now, now.Add(ttl)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO verification_sends (id, receiver, partner_id, sent_at) VALUES ($1, $2, $3, $4)",
			ids.New(), receiver, partnerID, now); err != nil {
			return err
		}
		if _, err := s.outbox.EnqueueTx(ctx, tx, msg); err != nil {
			return err
		}
		return audit(ctx, tx, customerActor(c), partnerID, "customer.code_send", masked, fmt.Sprintf("scene %d", scene), now)
	})
	if errors.Is(err, ErrCodeSendLimit) {
		return ErrCodeSendLimit.With("hour", MaxCodeSendsPerHour).With("day", MaxCodeSendsPerDay)
	}
	if err != nil {
		return fmt.Errorf("send relation code: %w", err)
	}
	return nil
}
