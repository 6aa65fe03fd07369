// Package mailtest runs a real SMTP server on loopback for tests.
//
//	srv := mailtest.NewServer(t)
//	cfg, err := mail.ParseURL(srv.URL())
//	sender := mail.NewSMTPSender(cfg)
//	... code under test sends mail ...
//	msgs := srv.Messages()
//
// The server requires AUTH PLAIN (default credentials DefaultUsername /
// DefaultPassword, see WithAuth and WithoutAuth), records every accepted
// message and is shut down by tb.Cleanup. It is built on
// github.com/emersion/go-smtp and does not depend on package mail.
package mailtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Default credentials the server demands unless WithAuth or WithoutAuth is given.
const (
	DefaultUsername = "mailtest"
	DefaultPassword = "mailtest-p@ss word"
)

// Received is one message the server accepted.
type Received struct {
	From string   // envelope sender (MAIL FROM)
	To   []string // envelope recipients (RCPT TO)
	Data []byte   // the raw message as sent after DATA

	// Decoded from Data for convenience; empty when Data does not parse.
	Header   netmail.Header
	Subject  string // RFC 2047 decoded
	TextBody string // first text/plain part, transfer-decoded
	HTMLBody string // first text/html part, transfer-decoded
}

// TLS selects how the server secures connections.
type TLS int

const (
	// NoTLS is plain SMTP; URL has starttls=none. The default.
	NoTLS TLS = iota
	// STARTTLS offers STARTTLS with a self-signed certificate and allows
	// AUTH only after it; URL has starttls=required&insecure_skip_verify=true.
	STARTTLS
	// ImplicitTLS speaks TLS from the first byte; URL is smtps://...
	// with insecure_skip_verify=true.
	ImplicitTLS
)

// Option configures NewServer.
type Option func(*options)

type options struct {
	user, pass string
	tls        TLS
}

// WithAuth makes the server demand AUTH PLAIN with these credentials.
func WithAuth(user, pass string) Option {
	return func(o *options) { o.user, o.pass = user, pass }
}

// WithoutAuth makes the server accept mail without AUTH (and not offer it).
func WithoutAuth() Option {
	return func(o *options) { o.user, o.pass = "", "" }
}

// WithTLS selects the server's TLS mode (default NoTLS).
func WithTLS(mode TLS) Option {
	return func(o *options) { o.tls = mode }
}

// Server is a recording SMTP server on 127.0.0.1.
type Server struct {
	opts options
	addr string
	smtp *smtp.Server

	mu       sync.Mutex
	msgs     []Received
	failNext int
	rejects  map[string]int // lower-cased address -> SMTP code
}

// NewServer starts a server on 127.0.0.1 with a free port. It stops when
// tb's cleanup runs.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		opts:    options{user: DefaultUsername, pass: DefaultPassword},
		rejects: map[string]int{},
	}
	for _, o := range opts {
		o(&s.opts)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = ln.Addr().String()

	logger := &tbLogger{tb: tb}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 50
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = logger
	srv.AllowInsecureAuth = true
	switch s.opts.tls {
	case NoTLS:
	case STARTTLS:
		srv.TLSConfig = selfSignedTLS(tb)
		srv.AllowInsecureAuth = false
	case ImplicitTLS:
		srv.TLSConfig = selfSignedTLS(tb)
		ln = tls.NewListener(ln, srv.TLSConfig)
	default:
		_ = ln.Close()
		tb.Fatalf("mailtest: unknown TLS mode %d", s.opts.tls)
	}
	s.smtp = srv

	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	tb.Cleanup(func() {
		_ = srv.Close()
		// Serve registers ln with srv only once it runs; if Close came
		// first it missed ln, so close it here too.
		_ = ln.Close()
		<-served
		logger.stop()
	})
	return s
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.addr }

// Username and Password are the credentials the server demands ("" when
// auth is off).
func (s *Server) Username() string { return s.opts.user }

// Password: see Username.
func (s *Server) Password() string { return s.opts.pass }

// URL returns the server in PC_SMTP_URL form, credentials included:
// smtp://user:pass@127.0.0.1:port?starttls=none by default.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr}
	if s.opts.user != "" {
		u.User = url.UserPassword(s.opts.user, s.opts.pass)
	}
	q := url.Values{}
	switch s.opts.tls {
	case NoTLS:
		q.Set("starttls", "none")
	case STARTTLS:
		q.Set("starttls", "required")
		q.Set("insecure_skip_verify", "true")
	case ImplicitTLS:
		u.Scheme = "smtps"
		q.Set("insecure_skip_verify", "true")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Messages returns a copy of the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Received, len(s.msgs))
	for i, m := range s.msgs {
		m.To = append([]string(nil), m.To...)
		m.Data = append([]byte(nil), m.Data...)
		out[i] = m
	}
	return out
}

// FailNext makes the next n deliveries fail at the end of DATA with
// "451 4.3.0" (a temporary error); n <= 0 turns failing off.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = max(n, 0)
}

// RejectRecipient makes RCPT TO addr (case-insensitive) fail with code,
// a 4xx or 5xx SMTP reply code; code 0 accepts addr again.
func (s *Server) RejectRecipient(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(addr)
	if code == 0 {
		delete(s.rejects, key)
		return
	}
	s.rejects[key] = code
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &session{srv: b.s}, nil
}

type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

var _ smtp.AuthSession = (*session)(nil)

func (se *session) AuthMechanisms() []string {
	if se.srv.opts.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if se.srv.opts.user == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if (identity != "" && identity != username) ||
			username != se.srv.opts.user || password != se.srv.opts.pass {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.srv.opts.user != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	se.to = nil
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.srv.mu.Lock()
	code := se.srv.rejects[strings.ToLower(to)]
	se.srv.mu.Unlock()
	if code != 0 {
		return &smtp.SMTPError{
			Code:         code,
			EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1},
			Message:      "mailtest: recipient rejected",
		}
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := se.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return &smtp.SMTPError{
			Code:         451,
			EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message:      "mailtest: temporary failure, try again later",
		}
	}
	rec := Received{From: se.from, To: append([]string(nil), se.to...), Data: data}
	decode(&rec)
	s.msgs = append(s.msgs, rec)
	return nil
}

func (se *session) Reset() {
	se.from = ""
	se.to = nil
}

func (se *session) Logout() error { return nil }

// decode fills the convenience fields of rec from rec.Data.
func decode(rec *Received) {
	msg, err := netmail.ReadMessage(bytes.NewReader(rec.Data))
	if err != nil {
		return
	}
	rec.Header = msg.Header
	dec := &mime.WordDecoder{}
	if subj, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		rec.Subject = subj
	} else {
		rec.Subject = msg.Header.Get("Subject")
	}
	walk(rec, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
}

func walk(rec *Received, contentType, cte string, body io.Reader, depth int) {
	if depth > 10 {
		return
	}
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			walk(rec, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1)
		}
	}
	if mediaType != "text/plain" && mediaType != "text/html" {
		return
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, newlineStripper{body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return
	}
	switch {
	case mediaType == "text/plain" && rec.TextBody == "":
		rec.TextBody = string(b)
	case mediaType == "text/html" && rec.HTMLBody == "":
		rec.HTMLBody = string(b)
	}
}

// newlineStripper drops CR and LF so base64 bodies broken into lines decode.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// tbLogger forwards go-smtp's error log to tb.Logf until cleanup, when
// late log lines from closing connections are dropped.
type tbLogger struct {
	mu      sync.Mutex
	tb      testing.TB
	stopped bool
}

func (l *tbLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.tb.Logf("mailtest: "+format, v...)
	}
}

func (l *tbLogger) Println(v ...any) {
	l.Printf("%s", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

func (l *tbLogger) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
}

// selfSignedTLS makes a throw-away certificate for 127.0.0.1 and localhost.
func selfSignedTLS(tb testing.TB) *tls.Config {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatalf("mailtest: generate key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "mailtest"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatalf("mailtest: create certificate: %v", err)
	}
	return &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}
}
