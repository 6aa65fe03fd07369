package customer

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/i18n"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/platform/mask"
	"partnercenter/internal/platform/outbox"
)

// Receiver types of SendVerificationCode.
const (
	ReceiverSMS   = 1 // a text message to a mainland China mobile (bss)
	ReceiverEmail = 2 // an e-mail (bssintl)
)

// Scenes a code is for.
const (
	SceneRegister = 29 // registering a customer account (the default)
	SceneBankCard = 18 // an individual's bank-card real-name authentication
)

// Verification code rules (reference/cbc-api.md §3.2): 6 digits, valid
// DefaultCodeTTL unless the caller says otherwise (1–60 minutes; longer asks
// get ForcedCodeTTL), at most MaxCodeSendsPerHour and MaxCodeSendsPerDay to
// one receiver whoever asks, dead after more than MaxCodeFailures wrong tries.
const (
	DefaultCodeTTL      = 10 * time.Minute
	ForcedCodeTTL       = 5 * time.Minute
	MaxCodeTimeout      = 3000 // minutes, the largest timeout accepted
	MaxCodeSendsPerHour = 15
	MaxCodeSendsPerDay  = 60
	MaxCodeFailures     = 3
)

// CodeRequest is what SendVerificationCode takes. Nil pointers are absent.
type CodeRequest struct {
	ReceiverType int
	// Timeout is the code's validity in minutes.
	Timeout *int
	// MobilePhone is the receiver of ReceiverSMS, Email of ReceiverEmail.
	MobilePhone string
	Email       string
	// Lang is "zh-cn" (SMS default) or "en-us" (e-mail default).
	Lang  *string
	Scene *int
	// CustomerID is required for SceneBankCard: one of the caller's customers.
	CustomerID *string
}

// SendVerificationCode sends a 6-digit code through the outbox: an SMS to
// "+86" and the mobile ("+8613800000000"), or an e-mail. The code replaces
// the caller's earlier code for the same receiver and scene; only its hash
// is stored. Callers need PermCustomerCreate. Returns CBC.0100 naming the bad
// field, ErrMobileFormat, ErrEmailFormat, ErrNotYourCustomer (scene 18 with
// a customer_id that is not the caller's), ErrCodeSendLimit once the receiver
// was sent MaxCodeSendsPerHour codes in the last hour or MaxCodeSendsPerDay
// in the last day — counted exactly even under concurrent sends. Not
// idempotent: every call sends a code.
func (s *Service) SendVerificationCode(ctx context.Context, actor identity.Actor, in CodeRequest) error {
	if !actor.Can(identity.PermCustomerCreate) || actor.PartnerID == "" {
		return identity.ErrForbidden
	}
	var (
		receiver string
		channel  outbox.Channel
		lang     = i18n.ZH
		masked   string
	)
	switch in.ReceiverType {
	case ReceiverSMS:
		if in.MobilePhone == "" {
			return errParam("mobile_phone")
		}
		national, ok := ParseMobile(in.MobilePhone)
		if !ok || len(in.MobilePhone) > maxMobileField {
			return ErrMobileFormat
		}
		receiver, channel, masked = smsReceiver(national), outbox.SMS, mask.Mobile(national)
	case ReceiverEmail:
		if in.Email == "" {
			return errParam("email")
		}
		email := normEmail(in.Email)
		if !validEmail(email, maxEmail) {
			return ErrEmailFormat
		}
		receiver, channel, lang, masked = email, outbox.Email, i18n.EN, mask.Email(email)
	default:
		return errParam("receiver_type")
	}
	ttl := DefaultCodeTTL
	if in.Timeout != nil {
		switch t := *in.Timeout; {
		case t < 1 || t > MaxCodeTimeout:
			return errParam("timeout")
		case t > 60:
			ttl = ForcedCodeTTL
		default:
			ttl = time.Duration(t) * time.Minute
		}
	}
	if in.Lang != nil && *in.Lang != "" {
		l, ok := codeLang(*in.Lang)
		if !ok {
			return errParam("lang")
		}
		lang = l
	}
	scene := SceneRegister
	if in.Scene != nil {
		scene = *in.Scene
	}
	customerID := ""
	switch scene {
	case SceneRegister:
	case SceneBankCard:
		if in.CustomerID == nil || *in.CustomerID == "" || len(*in.CustomerID) > maxCustomerID {
			return errParam("customer_id")
		}
		customerID = *in.CustomerID
		if err := s.requireOwnCustomer(ctx, actor.PartnerID, customerID); err != nil {
			return err
		}
	default:
		return errParam("scene")
	}
	code, err := newCode()
	if err != nil {
		return err
	}
	hash := identity.HashPassword(code)
	now := s.clock.Now()
	msg := codeMessage(channel, receiver, lang, scene, code, ttl)
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := lockContact(ctx, tx, "code:"+receiver, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM verification_sends WHERE receiver = $1 AND sent_at <= $2",
			receiver, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		var hour, day int
		if err := tx.QueryRowContext(ctx, `SELECT
			COUNT(CASE WHEN sent_at > $2 THEN 1 END), COUNT(*)
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
			actor.PartnerID, receiver, scene, hash, customerID, now, now.Add(ttl)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO verification_sends (id, receiver, partner_id, sent_at) VALUES ($1, $2, $3, $4)",
			ids.New(), receiver, actor.PartnerID, now); err != nil {
			return err
		}
		if _, err := s.outbox.EnqueueTx(ctx, tx, msg); err != nil {
			return err
		}
		return audit(ctx, tx, actor, actor.PartnerID, "customer.code_send", masked, fmt.Sprintf("scene %d", scene), now)
	})
	if errors.Is(err, ErrCodeSendLimit) {
		return ErrCodeSendLimit.With("hour", MaxCodeSendsPerHour).With("day", MaxCodeSendsPerDay)
	}
	if err != nil {
		return fmt.Errorf("send verification code: %w", err)
	}
	return nil
}

// codeLang reads the body field lang ("zh-cn", "en-us").
func codeLang(s string) (i18n.Lang, bool) {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "-")) {
	case "zh-cn":
		return i18n.ZH, true
	case "en-us":
		return i18n.EN, true
	}
	return "", false
}

// newCode returns 6 random digits.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("verification code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// codeMessage is the code's SMS or e-mail in lang.
func codeMessage(channel outbox.Channel, to string, lang i18n.Lang, scene int, code string, ttl time.Duration) outbox.Message {
	purpose := "code.purpose.register"
	if scene == SceneBankCard {
		purpose = "code.purpose.bank_card"
	}
	args := map[string]any{"code": code, "minutes": int(ttl.Minutes()), "purpose": i18n.T(lang, purpose, nil)}
	if channel == outbox.SMS {
		return outbox.Message{Channel: outbox.SMS, To: to, Body: i18n.T(lang, "sms.verification_code", args)}
	}
	return outbox.Message{Channel: outbox.Email, To: to,
		Subject: i18n.T(lang, "mail.verification_code.subject", args), Body: i18n.T(lang, "mail.verification_code.body", args)}
}

// requireOwnCustomer returns ErrNotYourCustomer unless customerID is
// currently associated with partnerID.
func (s *Service) requireOwnCustomer(ctx context.Context, partnerID, customerID string) error {
	var ok bool
	if err := s.db.SQL.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM customer_associations
		WHERE customer_id = $1 AND partner_id = $2 AND ended_at IS NULL)`, customerID, partnerID).Scan(&ok); err != nil {
		return fmt.Errorf("check customer %s: %w", customerID, err)
	}
	if !ok {
		return ErrNotYourCustomer
	}
	return nil
}

// checkCode checks a registration code against the partner's current code
// for receiver, in a committed transaction of its own so that a wrong code
// always costs a try, even when the caller fails later. It returns the code's
// hash, which consumeCode needs. Errors: ErrCodeWrong (wrong, none, or
// already used), ErrCodeExpired, ErrCodeAttempts once more than
// MaxCodeFailures tries failed — after which even the right code is refused.
func (s *Service) checkCode(ctx context.Context, partnerID, receiver, code string) (string, error) {
	return s.checkSceneCode(ctx, partnerID, receiver, SceneRegister, code, time.Time{})
}

// consumeCode marks the checked code used in the creating transaction; a
// code used or replaced since checkCode is ErrCodeWrong.
func consumeCode(ctx context.Context, tx *sql.Tx, partnerID, receiver, hash string, now time.Time) error {
	return consumeSceneCode(ctx, tx, partnerID, receiver, SceneRegister, hash, now)
}

// checkSceneCode checks code against the current code of (partnerID,
// receiver, scene), sent no earlier than notBefore (so a code sent for an
// earlier request cannot confirm a later one), in a committed transaction
// of its own so that a wrong code always costs a try. It returns the
// code's hash for consumeSceneCode. Errors: ErrCodeWrong (wrong, none,
// or already used), ErrCodeExpired, ErrCodeAttempts once more than
// MaxCodeFailures tries failed — after which even the right code is
// refused.
func (s *Service) checkSceneCode(ctx context.Context, partnerID, receiver string, scene int, code string, notBefore time.Time) (string, error) {
	now := s.clock.Now()
	var (
		hash    string
		outcome error
	)
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var (
			failed  int
			created time.Time
			expires time.Time
			used    sql.NullTime
		)
		// The no-op UPDATE locks the row, so concurrent tries are counted
		// one after the other.
		err := tx.QueryRowContext(ctx, `UPDATE verification_codes SET failed_attempts = failed_attempts
			WHERE partner_id = $1 AND receiver = $2 AND scene = $3
			RETURNING code_hash, failed_attempts, created_at, expires_at, used_at`, partnerID, receiver, scene).
			Scan(&hash, &failed, &created, &expires, &used)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			identity.CheckPassword(dummyCodeHash, code) // the same time as a real check
			outcome = ErrCodeWrong
			return nil
		case err != nil:
			return err
		case used.Valid || created.Before(notBefore):
			outcome = ErrCodeWrong
			return nil
		case failed > MaxCodeFailures:
			outcome = ErrCodeAttempts
			return nil
		case !now.Before(expires):
			outcome = ErrCodeExpired
			return nil
		}
		if code != "" && identity.CheckPassword(hash, code) {
			return nil
		}
		failed++
		if _, err := tx.ExecContext(ctx, `UPDATE verification_codes SET failed_attempts = $1
			WHERE partner_id = $2 AND receiver = $3 AND scene = $4`, failed, partnerID, receiver, scene); err != nil {
			return err
		}
		outcome = ErrCodeWrong
		if failed > MaxCodeFailures {
			outcome = ErrCodeAttempts
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("check verification code: %w", err)
	}
	return hash, outcome
}

// consumeSceneCode marks the checked code used in the completing
// transaction; a code used or replaced since checkSceneCode is ErrCodeWrong.
func consumeSceneCode(ctx context.Context, tx *sql.Tx, partnerID, receiver string, scene int, hash string, now time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE verification_codes SET used_at = $1
		WHERE partner_id = $2 AND receiver = $3 AND scene = $4 AND code_hash = $5 AND used_at IS NULL`,
		now, partnerID, receiver, scene, hash)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrCodeWrong
	}
	return nil
}

// dummyCodeHash is checked against when there is no code, so that "no code"
// and "wrong code" take the same time.
var dummyCodeHash = identity.HashPassword("000000")
