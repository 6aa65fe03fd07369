package identity

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// MemberUpdate changes a member; nil fields stay as they are.
type MemberUpdate struct {
	DisplayName *string
	Mobile      *string
	Email       *string
	// Roles replaces the member's roles (the role rules apply).
	Roles *[]string
	// DirectorID sets (or, with "", clears) an account manager's director.
	// A member that no longer holds the account-manager role loses its
	// director without being asked.
	DirectorID *string
}

func (u MemberUpdate) touchesContact() bool {
	return u.DisplayName != nil || u.Mobile != nil || u.Email != nil
}

// target is a member about to be changed through member management, with
// its roles.
type target struct {
	m       Member
	roleIDs []string
	roles   map[string]Role // the partner's roles by id
}

// loadTarget locks the partner, loads member id of the actor's partner and
// refuses changing a member that holds items the acting member lacks.
func (s *Service) loadTarget(ctx context.Context, tx *sql.Tx, actor Actor, id string) (target, error) {
	if err := lockPartner(ctx, tx, actor.PartnerID); err != nil {
		return target{}, err
	}
	m, err := memberIn(ctx, tx, actor.PartnerID, id)
	if err != nil {
		return target{}, err
	}
	roles, err := s.partnerRoles(ctx, tx, actor.PartnerID)
	if err != nil {
		return target{}, err
	}
	held, err := s.memberRoleIDs(ctx, tx, actor.PartnerID, []string{id})
	if err != nil {
		return target{}, err
	}
	t := target{m: m, roleIDs: held[id], roles: roles}
	if actor.ID != id && !covers(actor, permsOf(t.roleIDs, roles)) {
		return target{}, ErrMemberExceedsOwn
	}
	return t, nil
}

// UpdateMember changes a member of the actor's partner: display name,
// mobile, e-mail, roles and director. The main account and members holding
// PermOrgMemberManage may change any member whose items they hold
// themselves (ErrMemberExceedsOwn otherwise); every member may change its
// own display name, mobile and e-mail. Only the main account changes the main
// account's contact data, and its roles never change (ErrMainAccount). The
// account name never changes. Returns CreateMember's input and role-rule
// errors, ErrDirectorHasManagers when the director role is taken away while
// account managers report to the member, apperr.NotFound for a member of
// another partner. Idempotent.
func (s *Service) UpdateMember(ctx context.Context, actor Actor, id string, in MemberUpdate) (Member, error) {
	self := actor.Kind == ActorMember && actor.ID == id
	if !self || in.Roles != nil || in.DirectorID != nil {
		if err := requireOrg(actor, PermOrgMemberManage); err != nil {
			return Member{}, err
		}
	} else if actor.PartnerID == "" {
		return Member{}, ErrForbidden
	}
	var out Member
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := s.loadTarget(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		m := t.m
		if m.IsMain && (!self || in.Roles != nil || in.DirectorID != nil) {
			return ErrMainAccount
		}
		if in.touchesContact() {
			if in.DisplayName != nil {
				m.DisplayName = strings.TrimSpace(*in.DisplayName)
			}
			if in.Mobile != nil {
				m.Mobile = strings.TrimSpace(*in.Mobile)
			}
			if in.Email != nil {
				m.Email = strings.TrimSpace(*in.Email)
			}
			if err := checkContact(m.DisplayName, m.Mobile, m.Email); err != nil {
				return err
			}
			if err := checkEmailFree(ctx, tx, actor.PartnerID, m.Email, m.ID); err != nil {
				return err
			}
		}
		roleIDs := t.roleIDs
		if in.Roles != nil {
			if roleIDs, err = checkRoleSet(*in.Roles, t.roles); err != nil {
				return err
			}
			if !covers(actor, permsOf(roleIDs, t.roles)) {
				return ErrRoleExceedsOwn
			}
			if hasRole(t.roleIDs, PresetDirector) && !hasRole(roleIDs, PresetDirector) {
				if err := s.refuseIfLeading(ctx, tx, actor.PartnerID, id); err != nil {
					return err
				}
			}
		}
		if in.DirectorID != nil {
			d := strings.TrimSpace(*in.DirectorID)
			if d != "" && !hasRole(roleIDs, PresetAccountManager) {
				return ErrDirectorNotManager.WithField("director_id", ErrDirectorNotManager.Key)
			}
			if d != "" && d != m.DirectorID {
				if err := checkDirector(ctx, tx, actor.PartnerID, id, d); err != nil {
					return err
				}
			}
			m.DirectorID = d
		}
		if !hasRole(roleIDs, PresetAccountManager) {
			m.DirectorID = ""
		}
		now := s.clock.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE members SET display_name = $1, mobile = $2, email = $3, director_id = $4
			WHERE id = $5 AND partner_id = $6`, m.DisplayName, m.Mobile, m.Email, nullIfEmpty(m.DirectorID), id, actor.PartnerID); err != nil {
			return err
		}
		if in.Roles != nil {
			if _, err := tx.ExecContext(ctx, "DELETE FROM member_roles WHERE partner_id = $1 AND member_id = $2", actor.PartnerID, id); err != nil {
				return err
			}
			if err := insertMemberRoles(ctx, tx, actor.PartnerID, id, roleIDs); err != nil {
				return err
			}
		}
		out = m
		return audit(ctx, tx, actor, actor.PartnerID, "member.update", id, updateDetail(in, roleIDs, m.DirectorID), now)
	})
	if err != nil {
		return Member{}, fmt.Errorf("update member %s: %w", id, err)
	}
	if in.Roles != nil {
		s.forgetAPICredentials(actor.PartnerID)
	}
	return out, nil
}

// updateDetail says in the audit row what changed, without personal data.
func updateDetail(in MemberUpdate, roleIDs []string, directorID string) string {
	var parts []string
	if in.touchesContact() {
		parts = append(parts, "contact")
	}
	if in.Roles != nil {
		parts = append(parts, "roles="+strings.Join(roleIDs, ","))
	}
	if in.DirectorID != nil || in.Roles != nil {
		parts = append(parts, "director="+directorID)
	}
	return strings.Join(parts, " ")
}

// loadOtherMember loads a member the actor may disable, delete or give a new
// password: never the main account, never the actor itself.
func (s *Service) loadOtherMember(ctx context.Context, tx *sql.Tx, actor Actor, id string) (target, error) {
	t, err := s.loadTarget(ctx, tx, actor, id)
	switch {
	case err != nil:
		return target{}, err
	case t.m.IsMain:
		return target{}, ErrMainAccount
	case actor.ID == id:
		return target{}, ErrMemberSelf
	}
	return t, nil
}

// SetMemberStatus enables (MemberActive) or disables (MemberDisabled) a
// member of the actor's partner. The main account and members holding
// PermOrgMemberManage may call it, for members whose items they hold.
// Disabling ends the member's sessions (its session epoch grows) and stops
// its access keys and tokens. Returns ErrMemberStatus, ErrMainAccount,
// ErrMemberSelf, ErrMemberExceedsOwn, ErrDirectorHasManagers (disabling a
// director with account managers), apperr.NotFound. Idempotent.
func (s *Service) SetMemberStatus(ctx context.Context, actor Actor, id, status string) error {
	if err := requireOrg(actor, PermOrgMemberManage); err != nil {
		return err
	}
	if status != MemberActive && status != MemberDisabled {
		return ErrMemberStatus
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := s.loadOtherMember(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if t.m.Status == status {
			return nil
		}
		q := "UPDATE members SET status = $1 WHERE id = $2 AND partner_id = $3"
		if status == MemberDisabled {
			if err := s.refuseIfLeading(ctx, tx, actor.PartnerID, id); err != nil {
				return err
			}
			q = "UPDATE members SET status = $1, session_epoch = session_epoch + 1 WHERE id = $2 AND partner_id = $3"
		}
		if _, err := tx.ExecContext(ctx, q, status, id, actor.PartnerID); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "member.status", id, status, s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("set member %s %s: %w", id, status, err)
	}
	s.forgetAPICredentials(actor.PartnerID)
	return nil
}

// DeleteMember removes a member of the actor's partner with its roles,
// access keys, API tokens and reset codes. Same callers and errors as
// SetMemberStatus (ErrDirectorHasManagers while account managers report to
// it). The MemberDeleteHook, when set, lets go of the member's customers in
// the same transaction. Not idempotent: a second call returns apperr.NotFound.
func (s *Service) DeleteMember(ctx context.Context, actor Actor, id string) error {
	if err := requireOrg(actor, PermOrgMemberManage); err != nil {
		return err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := s.loadOtherMember(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := s.refuseIfLeading(ctx, tx, actor.PartnerID, id); err != nil {
			return err
		}
		if s.memberDeleteHook != nil {
			if err := s.memberDeleteHook.MemberDeleting(ctx, tx, actor.PartnerID, id); err != nil {
				return err
			}
		}
		for _, q := range []string{
			"DELETE FROM api_tokens WHERE member_id = $1 AND partner_id = $2",
			"DELETE FROM access_keys WHERE member_id = $1 AND partner_id = $2",
			"DELETE FROM member_roles WHERE member_id = $1 AND partner_id = $2",
			"DELETE FROM password_resets WHERE member_id = $1 AND partner_id = $2",
			"DELETE FROM members WHERE id = $1 AND partner_id = $2",
		} {
			if _, err := tx.ExecContext(ctx, q, id, actor.PartnerID); err != nil {
				return err
			}
		}
		return audit(ctx, tx, actor, actor.PartnerID, "member.delete", id, t.m.AccountName, s.clock.Now())
	})
	if err != nil {
		return fmt.Errorf("delete member %s: %w", id, err)
	}
	s.forgetAPICredentials(actor.PartnerID)
	return nil
}

// MoveAccountManagers makes every account manager reporting to
// fromDirectorID report to toDirectorID instead — an active director of the
// same partner — or, with toDirectorID "", to nobody; it is how a director
// is freed before losing the role, being disabled or deleted. The main
// account and members holding PermOrgMemberManage may call it. Returns how
// many were moved; apperr.NotFound for an unknown fromDirectorID,
// ErrDirectorInvalid for an unsuitable target, ErrMoveSameDirector when both
// are the same. Idempotent (a second call moves none).
func (s *Service) MoveAccountManagers(ctx context.Context, actor Actor, fromDirectorID, toDirectorID string) (int, error) {
	if err := requireOrg(actor, PermOrgMemberManage); err != nil {
		return 0, err
	}
	if fromDirectorID == toDirectorID {
		return 0, ErrMoveSameDirector
	}
	var moved int
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockPartner(ctx, tx, actor.PartnerID); err != nil {
			return err
		}
		if _, err := memberIn(ctx, tx, actor.PartnerID, fromDirectorID); err != nil {
			return err
		}
		if toDirectorID != "" {
			if err := checkDirector(ctx, tx, actor.PartnerID, fromDirectorID, toDirectorID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, "UPDATE members SET director_id = $1 WHERE partner_id = $2 AND director_id = $3",
			nullIfEmpty(toDirectorID), actor.PartnerID, fromDirectorID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		moved = int(n)
		return audit(ctx, tx, actor, actor.PartnerID, "member.move_managers", fromDirectorID,
			fmt.Sprintf("to=%s count=%d", toDirectorID, moved), s.clock.Now())
	})
	if err != nil {
		return 0, fmt.Errorf("move account managers of %s: %w", fromDirectorID, err)
	}
	s.forgetAPICredentials(actor.PartnerID)
	return moved, nil
}

// ResetMemberPassword gives a member of the actor's partner a new random
// one-time password, returned once, to be changed at next sign-in; it also
// lifts a sign-in lockout and ends the member's sessions and API tokens. For
// members who cannot use "forgot password" (no e-mail). Same callers as
// SetMemberStatus; ErrMainAccount for the main account, ErrMemberSelf for
// oneself (use ChangePassword). Not idempotent.
func (s *Service) ResetMemberPassword(ctx context.Context, actor Actor, id string) (string, error) {
	if err := requireOrg(actor, PermOrgMemberManage); err != nil {
		return "", err
	}
	password := NewPassword()
	hash := HashPassword(password)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.loadOtherMember(ctx, tx, actor, id); err != nil {
			return err
		}
		if _, err := setMemberPasswordTx(ctx, tx, actor.PartnerID, id, hash, true); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "member.password_reset_by_admin", id, "", s.clock.Now())
	})
	if err != nil {
		return "", fmt.Errorf("reset password of member %s: %w", id, err)
	}
	s.forgetAPICredentials(actor.PartnerID)
	return password, nil
}
