package identity

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"partnercenter/internal/platform/db"
)

// SetAllowHTTPNotifyLoopback lets notification URLs use plain http (and
// https) to a loopback host, which tests need for a local receiver. Off in
// production (app config AllowHTTPNotifyLoopback). Call before serving.
func (s *Service) SetAllowHTTPNotifyLoopback(on bool) { s.notifyLoopback = on }

// SetIdPMetadata accepts the partner platform's IdP metadata (at most
// MaxIdPMetadataSize bytes, checked by ParseIdPMetadata) and replaces the
// previous file. The partner's own people holding PermAccessConfig only.
// Errors: ErrForbidden; ErrIdPMetadataTooLarge, ErrIdPMetadataXML,
// ErrIdPMetadataNoIdP, ErrIdPMetadataNoSSO, ErrIdPMetadataNoCert,
// ErrIdPMetadataCertExpired for a file that cannot serve logins;
// ErrIdPEntityTaken when another partner's IdP has the same entity id.
// Idempotent: uploading the same file again changes nothing but the times.
func (s *Service) SetIdPMetadata(ctx context.Context, actor Actor, raw []byte) (IdPSummary, error) {
	if err := requireAccessConfig(actor); err != nil {
		return IdPSummary{}, err
	}
	now := s.clock.Now()
	_, sum, err := ParseIdPMetadata(raw, now)
	if err != nil {
		return IdPSummary{}, err
	}
	sum.UploadedAt = now
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO partner_access_config (partner_id, idp_metadata, idp_entity_id,
			idp_sso_url, idp_sso_binding, idp_cert_subject, idp_cert_not_after, idp_uploaded_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
			ON CONFLICT (partner_id) DO UPDATE SET idp_metadata = excluded.idp_metadata,
			idp_entity_id = excluded.idp_entity_id, idp_sso_url = excluded.idp_sso_url,
			idp_sso_binding = excluded.idp_sso_binding, idp_cert_subject = excluded.idp_cert_subject,
			idp_cert_not_after = excluded.idp_cert_not_after, idp_uploaded_at = excluded.idp_uploaded_at,
			updated_at = excluded.updated_at`,
			actor.PartnerID, string(raw), sum.EntityID, sum.SSOURL, sum.SSOBinding, sum.CertSubject, sum.CertNotAfter, now)
		if db.IsUniqueViolation(err) {
			return ErrIdPEntityTaken
		}
		if err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "access_config.idp_metadata", actor.PartnerID, sum.EntityID, now)
	})
	if err != nil {
		return IdPSummary{}, fmt.Errorf("set idp metadata of %s: %w", actor.PartnerID, err)
	}
	return sum, nil
}

// SetNotifyURL sets where account-binding notifications go; an empty url
// removes it. The URL must be https with a public host; plain http, and any
// loopback host, only when SetAllowHTTPNotifyLoopback is on. The partner's
// own people holding PermAccessConfig only. Errors: ErrForbidden,
// ErrNotifyURL. Idempotent.
func (s *Service) SetNotifyURL(ctx context.Context, actor Actor, raw string) error {
	if err := requireAccessConfig(actor); err != nil {
		return err
	}
	u, err := CheckNotifyURL(raw, s.notifyLoopback)
	if err != nil {
		return err
	}
	return s.upsertAccessConfig(ctx, actor, "access_config.notify_url", u,
		"notify_url = excluded.notify_url", []string{"notify_url"}, u)
}

// SetContacts sets the integration's contact person: a name of at most 64
// characters, a mobile number and an e-mail address, all required. The
// partner's own people holding PermAccessConfig only. Errors: ErrForbidden;
// ErrContactName, ErrMobileFormat, ErrEmailFormat (each naming its field
// contact_name, contact_mobile, contact_email). Idempotent.
func (s *Service) SetContacts(ctx context.Context, actor Actor, c AccessContact) error {
	if err := requireAccessConfig(actor); err != nil {
		return err
	}
	c = AccessContact{Name: strings.TrimSpace(c.Name), Mobile: strings.TrimSpace(c.Mobile), Email: strings.TrimSpace(c.Email)}
	switch {
	case c.Name == "" || utf8.RuneCountInString(c.Name) > 64 || strings.IndexFunc(c.Name, unicode.IsControl) >= 0:
		return ErrContactName.WithField("contact_name", ErrContactName.Key)
	case !mobilePattern.MatchString(c.Mobile):
		return ErrMobileFormat.WithField("contact_mobile", ErrMobileFormat.Key)
	case len(c.Email) > 128 || !emailPattern.MatchString(c.Email):
		return ErrEmailFormat.WithField("contact_email", ErrEmailFormat.Key)
	}
	return s.upsertAccessConfig(ctx, actor, "access_config.contacts", "",
		"contact_name = excluded.contact_name, contact_mobile = excluded.contact_mobile, contact_email = excluded.contact_email",
		[]string{"contact_name", "contact_mobile", "contact_email"}, c.Name, c.Mobile, c.Email)
}

// SetAllowIdPInitiated says whether the partner's IdP may post unsolicited
// (IdP-initiated) responses to the ACS. The partner's own people holding
// PermAccessConfig only. Errors: ErrForbidden. Idempotent.
func (s *Service) SetAllowIdPInitiated(ctx context.Context, actor Actor, allow bool) error {
	if err := requireAccessConfig(actor); err != nil {
		return err
	}
	return s.upsertAccessConfig(ctx, actor, "access_config.idp_initiated", fmt.Sprint(allow),
		"allow_idp_initiated = excluded.allow_idp_initiated", []string{"allow_idp_initiated"}, allow)
}

// upsertAccessConfig writes cols (values in order) of the actor's partner's
// row, creating it when missing, with an audit row.
func (s *Service) upsertAccessConfig(ctx context.Context, actor Actor, action, detail, set string, cols []string, values ...any) error {
	now := s.clock.Now()
	args := append([]any{actor.PartnerID, now}, values...)
	marks := make([]string, len(cols))
	for i := range cols {
		marks[i] = fmt.Sprintf("$%d", i+3)
	}
	query := "INSERT INTO partner_access_config (partner_id, updated_at, " + strings.Join(cols, ", ") +
		") VALUES ($1, $2, " + strings.Join(marks, ", ") + ") ON CONFLICT (partner_id) DO UPDATE SET " +
		set + ", updated_at = excluded.updated_at"
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, action, actor.PartnerID, detail, now)
	})
	if err != nil {
		return fmt.Errorf("%s of %s: %w", action, actor.PartnerID, err)
	}
	return nil
}

// CheckNotifyURL normalises and checks a notification URL (see
// SetNotifyURL); loopbackOK admits http and loopback hosts, for tests. The
// host is checked as written: a name that resolves to a private address
// must still be refused by whoever connects to it.
func CheckNotifyURL(raw string, loopbackOK bool) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	bad := func(why string) (string, error) { return "", ErrNotifyURL.Wrap(errors.New(why)) }
	if len(raw) > 512 || strings.IndexFunc(raw, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return bad("too long or holds spaces")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return bad(err.Error())
	}
	if u.Host == "" || u.Opaque != "" || u.User != nil || u.Fragment != "" {
		return bad("not an absolute URL without credentials or fragment")
	}
	host := strings.ToLower(u.Hostname())
	loopback := host == "localhost" || strings.HasSuffix(host, ".localhost")
	if ip := net.ParseIP(host); ip != nil {
		if ip.IsLoopback() {
			loopback = true
		} else if ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() || ip.IsMulticast() {
			return bad("private address")
		}
	}
	switch {
	case loopback && !loopbackOK:
		return bad("loopback host")
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback && loopbackOK:
	default:
		return bad("scheme " + u.Scheme)
	}
	return u.String(), nil
}
