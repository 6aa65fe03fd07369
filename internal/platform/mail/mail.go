// Package mail is the e-mail transport of Partner Center.
//
// Other code writes messages to the outbox; a background job hands them to
// a Sender one at a time. This package only talks SMTP: it knows nothing of
// databases or jobs. Delivery uses github.com/wneessen/go-mail.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to deliver.
type Message struct {
	To       string // "addr" or "Name <addr>"; exactly one recipient
	Subject  string
	TextBody string
	HTMLBody string // optional; when set the mail is multipart/alternative
}

// Sender delivers one message; an error means "try again later" (the job
// retries with backoff). IsPermanent tells the few errors that retrying
// cannot fix.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrInvalidMessage marks a message that can never be sent as it is (bad
// recipient address, for instance). Test with errors.Is or IsPermanent.
var ErrInvalidMessage = errors.New("invalid message")

// IsPermanent reports whether err, returned by Send, means the message will
// never be delivered as it is: it is invalid (ErrInvalidMessage), or the
// server refused the recipient with a 5xx reply. Everything else — network
// errors, timeouts, 4xx replies, failed authentication, TLS problems — may
// heal with time or a configuration fix and is not permanent.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrInvalidMessage) {
		return true
	}
	var serr *gomail.SendError
	if errors.As(err, &serr) {
		return serr.Reason == gomail.ErrSMTPRcptTo && !serr.IsTemp()
	}
	return false
}

// SMTPSender is a Sender that opens one SMTP connection per message.
// It is safe for concurrent use.
type SMTPSender struct {
	cfg SMTPConfig
}

var _ Sender = (*SMTPSender)(nil)

// NewSMTPSender returns a Sender for cfg. Zero Port, Timeout and From take
// their defaults (TLSMode.DefaultPort, DefaultTimeout, DefaultFrom).
// Configuration errors surface from Send.
func NewSMTPSender(cfg SMTPConfig) *SMTPSender {
	return &SMTPSender{cfg: cfg.withDefaults()}
}

// Config returns the effective configuration, defaults applied.
func (s *SMTPSender) Config() SMTPConfig { return s.cfg }

// Send delivers m. It returns when the server has accepted the message, or
// with an error after at most about cfg.Timeout per SMTP step; cancelling
// ctx aborts the exchange at once.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if err := s.send(ctx, m); err != nil {
		return fmt.Errorf("send mail to %s: %w", m.To, err)
	}
	return nil
}

func (s *SMTPSender) send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	msg, err := s.buildMsg(m)
	if err != nil {
		return err
	}

	// The dialer ties the connection to ctx: go-mail only honours ctx
	// while dialing, so close the socket if ctx ends mid-conversation.
	var stopWatch func() bool
	defer func() {
		if stopWatch != nil {
			stopWatch()
		}
	}()
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if s.cfg.TLS == TLSImplicit {
			td := &tls.Dialer{NetDialer: d, Config: s.tlsConfig()}
			conn, err = td.DialContext(dialCtx, network, addr)
		} else {
			conn, err = d.DialContext(dialCtx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		stopWatch = context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}

	client, err := s.newClient(dial)
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("%w: %w", cerr, err)
		}
		return err
	}
	return nil
}

func (s *SMTPSender) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         s.cfg.Host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: s.cfg.InsecureSkipVerify, //nolint:gosec // opt-in for test servers
	}
}

func (s *SMTPSender) newClient(dial gomail.DialContextFunc) (*gomail.Client, error) {
	cfg := s.cfg
	if cfg.Host == "" {
		return nil, errors.New("smtp config: missing host")
	}
	opts := []gomail.Option{
		gomail.WithPort(cfg.Port),
		gomail.WithTimeout(cfg.Timeout),
		gomail.WithTLSConfig(s.tlsConfig()),
		gomail.WithDialContextFunc(dial),
	}
	switch cfg.TLS {
	case TLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		// The dialer does the TLS handshake; WithSSL stops go-mail from
		// trying STARTTLS on top.
		opts = append(opts, gomail.WithSSL(), gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp config: invalid tls mode %d", int(cfg.TLS))
	}
	if cfg.Username != "" {
		auth := gomail.SMTPAuthPlain
		if cfg.TLS == TLSNone {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts,
			gomail.WithSMTPAuth(auth),
			gomail.WithUsername(cfg.Username),
			gomail.WithPassword(cfg.Password),
		)
	}
	client, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return client, nil
}

func (s *SMTPSender) buildMsg(m Message) (*gomail.Msg, error) {
	if strings.TrimSpace(m.To) == "" {
		return nil, fmt.Errorf("%w: empty recipient", ErrInvalidMessage)
	}
	if strings.ContainsAny(m.To, "\r\n") {
		return nil, fmt.Errorf("%w: line break in recipient", ErrInvalidMessage)
	}
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return nil, fmt.Errorf("%w: recipient %s: %w", ErrInvalidMessage, strconv.Quote(m.To), err)
	}

	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.cfg.From); err != nil {
		return nil, fmt.Errorf("from %s: %w", strconv.Quote(s.cfg.From), err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, fmt.Errorf("%w: recipient %s: %w", ErrInvalidMessage, strconv.Quote(m.To), err)
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetDate()
	msg.SetMessageID()

	switch {
	case m.HTMLBody == "":
		msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
	case m.TextBody == "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTMLBody)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.TextBody)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTMLBody)
	}
	return msg, nil
}

// oneLine folds line breaks into spaces: a subject is one header line.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(s)
}
