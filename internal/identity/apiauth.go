package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"partnercenter/internal/platform/apperr"
)

// ErrAPICredentials is returned for every open API credential that does not
// resolve to an active member of a partner that is not frozen: unknown or
// disabled access keys, unknown or expired tokens. The API answers it as 401
// APIGW.0301 and never says which case it was; the cause is kept for logs.
var ErrAPICredentials = apperr.Unauthenticated

// Access key statuses.
const (
	AccessKeyActive   = "active"
	AccessKeyInactive = "inactive"
)

// actorFor is the one place a member becomes an Actor: the console session,
// access keys and tokens all come through it, so every face gets the same
// permission items (from the member's roles) and data scope. Callers set
// Kind.
func (s *Service) actorFor(ctx context.Context, m Member, p Partner) (Actor, error) {
	a := m.Actor(p)
	perms, scope, err := s.accessOf(ctx, m)
	if err != nil {
		return Actor{}, err
	}
	a.Perms, a.Scope = perms, scope
	return a, nil
}

// ConsoleActor restores a signed-in member's actor for a console request:
// the member must still be active, its partner not frozen, and the session
// must not predate the member's last password change (epoch).
func (s *Service) ConsoleActor(ctx context.Context, partnerID, memberID string, epoch int) (Actor, Member, error) {
	m, err := s.MemberByID(ctx, partnerID, memberID)
	if err != nil {
		return Actor{}, Member{}, err
	}
	if m.SessionEpoch != epoch {
		return Actor{}, Member{}, ErrSessionEnded
	}
	p, err := s.partnerByID(ctx, partnerID)
	if err != nil {
		return Actor{}, Member{}, err
	}
	if p.Status == PartnerFrozen {
		return Actor{}, Member{}, ErrAccountFrozen
	}
	a, err := s.actorFor(ctx, m, p)
	return a, m, err
}

// OperatorConsoleActor restores a signed-in operator for a console request:
// the operator must still be active and the session must not predate its
// last password change (epoch).
func (s *Service) OperatorConsoleActor(ctx context.Context, id string, epoch int) (Actor, Operator, error) {
	op, err := s.OperatorByID(ctx, id)
	if err != nil {
		return Actor{}, Operator{}, err
	}
	if op.Status != OperatorActive {
		return Actor{}, Operator{}, ErrAccountDisable
	}
	if op.SessionEpoch != epoch {
		return Actor{}, Operator{}, ErrSessionEnded
	}
	return op.Actor(), op, nil
}

// apiActor checks that a member may use the open API now and returns its
// actor: the member must be active and its partner not frozen.
func (s *Service) apiActor(ctx context.Context, partnerID, memberID string) (Actor, error) {
	m, err := scanMember(s.db.SQL.QueryRowContext(ctx, memberSelect+" WHERE id = $1 AND partner_id = $2", memberID, partnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, ErrAPICredentials.Wrap(errors.New("member not found"))
	}
	if err != nil {
		return Actor{}, fmt.Errorf("load member %s: %w", memberID, err)
	}
	if m.Status != "active" {
		return Actor{}, ErrAPICredentials.Wrap(fmt.Errorf("member %s is %s", m.ID, m.Status))
	}
	p, err := scanPartner(s.db.SQL.QueryRowContext(ctx, partnerSelect+" WHERE id = $1", partnerID))
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, ErrAPICredentials.Wrap(errors.New("partner not found"))
	}
	if err != nil {
		return Actor{}, fmt.Errorf("load partner %s: %w", partnerID, err)
	}
	if p.Status == PartnerFrozen {
		return Actor{}, ErrAPICredentials.Wrap(fmt.Errorf("partner %s is frozen", p.ID))
	}
	a, err := s.actorFor(ctx, m, p)
	if err != nil {
		return Actor{}, err
	}
	a.Kind = ActorAPIKey
	return a, nil
}

// AccessKeyActor resolves the access key of a signed open API request to the
// actor it acts as and the secret to verify the signature with. The key must
// be active, its member active and its partner not frozen; otherwise it
// returns ErrAPICredentials. Results are cached in process for a few seconds
// (see apiAuthTTL); callers must not modify the returned actor's Perms. It
// does not record use: call NoteAccessKeyUsed once the signature verified.
func (s *Service) AccessKeyActor(ctx context.Context, accessKey string) (Actor, string, error) {
	now := s.clock.Now()
	if e, ok := s.apiAuth.key(accessKey, now); ok {
		return e.actor, e.extra, nil
	}
	var sealed, status, partnerID, memberID string
	err := s.db.SQL.QueryRowContext(ctx,
		"SELECT secret_enc, status, partner_id, member_id FROM access_keys WHERE access_key = $1", accessKey).
		Scan(&sealed, &status, &partnerID, &memberID)
	if errors.Is(err, sql.ErrNoRows) {
		return Actor{}, "", ErrAPICredentials.Wrap(errors.New("unknown access key"))
	}
	if err != nil {
		return Actor{}, "", fmt.Errorf("load access key: %w", err)
	}
	if status != AccessKeyActive {
		return Actor{}, "", ErrAPICredentials.Wrap(fmt.Errorf("access key is %s", status))
	}
	a, err := s.apiActor(ctx, partnerID, memberID)
	if err != nil {
		return Actor{}, "", err
	}
	secret, err := s.box.Open(sealed)
	if err != nil {
		return Actor{}, "", fmt.Errorf("open access key secret: %w", err)
	}
	s.apiAuth.putKey(accessKey, cachedKey{actor: a, extra: secret, loaded: now})
	return a, secret, nil
}

// NoteAccessKeyUsed records that a request signed with accessKey was
// accepted. It writes last_used_at at most once a minute per key in this
// process, so a busy key costs no write per request; a failed write is
// ignored, since it must not fail the request.
func (s *Service) NoteAccessKeyUsed(ctx context.Context, accessKey string) {
	now := s.clock.Now()
	if !s.apiAuth.touchDue(accessKey, now) {
		return
	}
	_, _ = s.db.SQL.ExecContext(ctx, "UPDATE access_keys SET last_used_at = $1 WHERE access_key = $2", now, accessKey)
}

// SetAccessKeyStatus enables (AccessKeyActive) or disables
// (AccessKeyInactive) an access key. A member may change its own keys; the
// main account, and members holding PermOrgMemberManage, any key of their
// partner. Returns apperr.NotFound for a key the actor may not see, CBC.0100
// for an unknown status. Idempotent. A disabled key is refused at once on
// this node and within a few seconds on others.
func (s *Service) SetAccessKeyStatus(ctx context.Context, actor Actor, accessKey, status string) error {
	if actor.Kind != ActorMember || actor.PartnerID == "" {
		return ErrForbidden
	}
	if status != AccessKeyActive && status != AccessKeyInactive {
		return apperr.New("CBC.0100", "err.invalid_param_named").With("field", "status")
	}
	query := "UPDATE access_keys SET status = $1 WHERE access_key = $2 AND partner_id = $3"
	args := []any{status, accessKey, actor.PartnerID}
	if !actor.IsMain && !actor.Can(PermOrgMemberManage) {
		query += " AND member_id = $4"
		args = append(args, actor.ID)
	}
	now := s.clock.Now()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound
		}
		return audit(ctx, tx, actor, actor.PartnerID, "access_key.status", accessKey, status, now)
	})
	if err != nil {
		return fmt.Errorf("set access key %s %s: %w", accessKey, status, err)
	}
	s.apiAuth.forgetKey(accessKey)
	return nil
}

// forgetAPICredentials drops the cached API credentials of a partner after a
// change that may lock its people out (a freeze; later a member disabled or
// its roles changed), so this node applies it at once.
func (s *Service) forgetAPICredentials(partnerID string) {
	s.apiAuth.forgetPartner(partnerID)
}
