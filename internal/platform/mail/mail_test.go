package mail_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	netmail "net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/platform/mail"
	"partnercenter/internal/platform/mail/mailtest"
)

func senderFor(t *testing.T, srv *mailtest.Server) *mail.SMTPSender {
	t.Helper()
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", srv.URL(), err)
	}
	return mail.NewSMTPSender(cfg)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSendChineseMultipart(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := senderFor(t, srv)

	subject := "【合作伙伴中心】您的账户已开通 – 请在 24 小时内完成邮箱验证，谢谢！"
	text := "李雷，您好！\r\n\r\n欢迎加入合作伙伴中心。请点击下面的链接完成验证：\r\nhttps://partnercenter.local/verify?token=abc123\r\n\r\n此致\r\n合作伙伴中心团队"
	html := `<p>李雷，您好！</p><p>欢迎加入<b>合作伙伴中心</b>。请<a href="https://partnercenter.local/verify?token=abc123">点击这里</a>完成验证。</p>`

	err := s.Send(ctxT(t), mail.Message{
		To:       "李雷 <lilei@example.com>",
		Subject:  subject,
		TextBody: text,
		HTMLBody: html,
	})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if len(got.To) != 1 || got.To[0] != "lilei@example.com" {
		t.Errorf("envelope To = %q, want [lilei@example.com]", got.To)
	}
	if got.From != "noreply@partnercenter.local" {
		t.Errorf("envelope From = %q, want noreply@partnercenter.local", got.From)
	}
	// mailtest's own decoding.
	if got.Subject != subject {
		t.Errorf("Subject = %q, want %q", got.Subject, subject)
	}
	if strings.TrimRight(got.TextBody, "\r\n") != text {
		t.Errorf("TextBody = %q, want %q", got.TextBody, text)
	}
	if strings.TrimRight(got.HTMLBody, "\r\n") != html {
		t.Errorf("HTMLBody = %q, want %q", got.HTMLBody, html)
	}

	// Independent parse of the raw bytes with net/mail + mime/multipart
	// (NextPart undoes quoted-printable by itself).
	m, err := netmail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatalf("parse received message: %v", err)
	}
	for _, line := range strings.Split(string(got.Data), "\r\n") {
		if line == "" {
			break // end of header
		}
		for _, r := range line {
			if r > 127 {
				t.Fatalf("raw header line is not 7-bit clean: %q", line)
			}
		}
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subj != subject {
		t.Errorf("decoded Subject = %q, %v; want %q", subj, err, subject)
	}
	to, err := m.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "lilei@example.com" || to[0].Name != "李雷" {
		t.Errorf("To header = %v, %v; want 李雷 <lilei@example.com>", to, err)
	}
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].String() != `"Partner Center" <noreply@partnercenter.local>` {
		t.Errorf("From header = %v, %v", from, err)
	}
	if m.Header.Get("Message-Id") == "" || m.Header.Get("Date") == "" {
		t.Errorf("missing Message-ID or Date header: %v", m.Header)
	}
	mediaType, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type = %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	var order []string
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		ct, cp, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("part Content-Type: %v", err)
		}
		if !strings.EqualFold(cp["charset"], "utf-8") {
			t.Errorf("part %s charset = %q, want UTF-8", ct, cp["charset"])
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("read part: %v", err)
		}
		parts[ct] = strings.TrimRight(string(b), "\r\n")
		order = append(order, ct)
	}
	if len(order) != 2 || order[0] != "text/plain" || order[1] != "text/html" {
		t.Errorf("parts = %v, want [text/plain text/html] (plain first, preferred last)", order)
	}
	if parts["text/plain"] != text {
		t.Errorf("text/plain part = %q, want %q", parts["text/plain"], text)
	}
	if parts["text/html"] != html {
		t.Errorf("text/html part = %q, want %q", parts["text/html"], html)
	}
}

func TestSendSinglePart(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := senderFor(t, srv)
	ctx := ctxT(t)

	if err := s.Send(ctx, mail.Message{To: "a@example.com", Subject: "纯文本", TextBody: "只有文字。"}); err != nil {
		t.Fatalf("Send text: %v", err)
	}
	if err := s.Send(ctx, mail.Message{To: "b@example.com", Subject: "HTML", HTMLBody: "<p>只有 HTML</p>"}); err != nil {
		t.Fatalf("Send html: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want 2", len(msgs))
	}
	ct, _, _ := mime.ParseMediaType(msgs[0].Header.Get("Content-Type"))
	if ct != "text/plain" || strings.TrimRight(msgs[0].TextBody, "\r\n") != "只有文字。" || msgs[0].Subject != "纯文本" {
		t.Errorf("text message: ct=%q subject=%q body=%q", ct, msgs[0].Subject, msgs[0].TextBody)
	}
	ct, _, _ = mime.ParseMediaType(msgs[1].Header.Get("Content-Type"))
	if ct != "text/html" || strings.TrimRight(msgs[1].HTMLBody, "\r\n") != "<p>只有 HTML</p>" {
		t.Errorf("html message: ct=%q body=%q", ct, msgs[1].HTMLBody)
	}
}

func TestSendSubjectLineBreakIsNotAHeader(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := senderFor(t, srv)
	err := s.Send(ctxT(t), mail.Message{To: "a@example.com", Subject: "Hi\r\nBcc: evil@example.com", TextBody: "x"})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := srv.Messages()[0]
	if got.Header.Get("Bcc") != "" || len(got.To) != 1 {
		t.Errorf("line break in subject injected a header: %v, rcpts %v", got.Header, got.To)
	}
	if got.Subject != "Hi Bcc: evil@example.com" {
		t.Errorf("Subject = %q", got.Subject)
	}
}

func TestSendWrongPassword(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.WithAuth("partner", "right-password"))
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Password = "wrong-password"
	err = mail.NewSMTPSender(cfg).Send(ctxT(t), mail.Message{To: "a@example.com", Subject: "s", TextBody: "b"})
	if err == nil {
		t.Fatal("Send with wrong password succeeded")
	}
	t.Logf("error: %v", err)
	if !strings.HasPrefix(err.Error(), "send mail to a@example.com: ") {
		t.Errorf("error %q lacks the operation prefix", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("error leaks the password: %v", err)
	}
	if mail.IsPermanent(err) {
		t.Errorf("auth failure reported as permanent")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server recorded %d messages", n)
	}
}

func TestSendWithoutCredentialsToAuthServer(t *testing.T) {
	srv := mailtest.NewServer(t)
	cfg, err := mail.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	cfg.Username, cfg.Password = "", ""
	if err := mail.NewSMTPSender(cfg).Send(ctxT(t), mail.Message{To: "a@example.com", TextBody: "b"}); err == nil {
		t.Fatal("Send without AUTH to a server that demands it succeeded")
	}
}

func TestSendWithoutAuth(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.WithoutAuth())
	if strings.Contains(srv.URL(), "@") {
		t.Errorf("URL without auth has userinfo: %s", srv.URL())
	}
	if err := senderFor(t, srv).Send(ctxT(t), mail.Message{To: "a@example.com", TextBody: "b"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Fatal("message not recorded")
	}
}

func TestSendRecipientRejected(t *testing.T) {
	for _, tc := range []struct {
		code      int
		permanent bool
	}{
		{450, false},
		{451, false},
		{550, true},
		{553, true},
	} {
		t.Run(strconv.Itoa(tc.code), func(t *testing.T) {
			srv := mailtest.NewServer(t)
			srv.RejectRecipient("Nobody@Example.com", tc.code)
			s := senderFor(t, srv)
			err := s.Send(ctxT(t), mail.Message{To: "nobody@example.com", Subject: "s", TextBody: "b"})
			if err == nil {
				t.Fatal("Send to rejected recipient succeeded")
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), strconv.Itoa(tc.code)) {
				t.Errorf("error %q does not mention code %d", err, tc.code)
			}
			if got := mail.IsPermanent(err); got != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tc.permanent)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server recorded %d messages", n)
			}
			// Another recipient still goes through.
			if err := s.Send(ctxT(t), mail.Message{To: "somebody@example.com", TextBody: "b"}); err != nil {
				t.Errorf("Send to accepted recipient: %v", err)
			}
		})
	}
}

func TestSendTemporaryFailureThenSuccess(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := senderFor(t, srv)
	m := mail.Message{To: "a@example.com", Subject: "重试", TextBody: "b"}

	srv.FailNext(2)
	for i := range 2 {
		err := s.Send(ctxT(t), m)
		if err == nil {
			t.Fatalf("attempt %d: Send succeeded while server fails with 451", i+1)
		}
		if !strings.Contains(err.Error(), "451") || mail.IsPermanent(err) {
			t.Errorf("attempt %d: error %q: want a temporary 451", i+1, err)
		}
	}
	if err := s.Send(ctxT(t), m); err != nil {
		t.Fatalf("third attempt: %v", err)
	}
	if msgs := srv.Messages(); len(msgs) != 1 || msgs[0].Subject != "重试" {
		t.Fatalf("messages = %+v, want the one retried message", msgs)
	}
}

func TestSendServerNotListening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	_ = ln.Close()

	cfg := mail.SMTPConfig{Host: "127.0.0.1", Port: addr.Port, TLS: mail.TLSNone, Timeout: 2 * time.Second}
	start := time.Now()
	err = mail.NewSMTPSender(cfg).Send(ctxT(t), mail.Message{To: "a@example.com", TextBody: "b"})
	if err == nil {
		t.Fatal("Send to a closed port succeeded")
	}
	if d := time.Since(start); d > cfg.Timeout {
		t.Errorf("Send took %v, longer than the %v timeout", d, cfg.Timeout)
	}
	t.Logf("error: %v", err)
}

// silentServer accepts TCP connections and never says a word.
func silentServer(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
	})
	return ln.Addr().(*net.TCPAddr).Port
}

func TestSendTimeout(t *testing.T) {
	port := silentServer(t)
	cfg := mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone, Timeout: 300 * time.Millisecond}
	start := time.Now()
	err := mail.NewSMTPSender(cfg).Send(ctxT(t), mail.Message{To: "a@example.com", TextBody: "b"})
	d := time.Since(start)
	if err == nil {
		t.Fatal("Send to a silent server succeeded")
	}
	if d < cfg.Timeout || d > cfg.Timeout+2*time.Second {
		t.Errorf("Send returned after %v, want about the %v timeout", d, cfg.Timeout)
	}
	t.Logf("error after %v: %v", d, err)
}

func TestSendContextCancelled(t *testing.T) {
	port := silentServer(t)
	cfg := mail.SMTPConfig{Host: "127.0.0.1", Port: port, TLS: mail.TLSNone} // default 10 s timeout
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := mail.NewSMTPSender(cfg).Send(ctx, mail.Message{To: "a@example.com", TextBody: "b"})
	if err == nil {
		t.Fatal("Send succeeded")
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v is not context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Send ignored the context for %v", d)
	}

	done, cancelDone := context.WithCancel(t.Context())
	cancelDone()
	if err := mail.NewSMTPSender(cfg).Send(done, mail.Message{To: "a@example.com"}); !errors.Is(err, context.Canceled) {
		t.Errorf("Send with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestSendInvalidMessage(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := senderFor(t, srv)
	for _, to := range []string{"", "not an address", "a@example.com, b@example.com", "a@example.com\r\nBcc: x@example.com"} {
		err := s.Send(ctxT(t), mail.Message{To: to, TextBody: "b"})
		if !errors.Is(err, mail.ErrInvalidMessage) || !mail.IsPermanent(err) {
			t.Errorf("To %q: err = %v, want a permanent ErrInvalidMessage", to, err)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server recorded %d messages", n)
	}
	if mail.IsPermanent(nil) || mail.IsPermanent(errors.New("x")) {
		t.Error("IsPermanent true for nil or a plain error")
	}
}

func TestSendTLSModes(t *testing.T) {
	m := mail.Message{To: "a@example.com", Subject: "加密", TextBody: "b"}
	t.Run("starttls required", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithTLS(mailtest.STARTTLS))
		if err := senderFor(t, srv).Send(ctxT(t), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if len(srv.Messages()) != 1 {
			t.Fatal("message not recorded")
		}
	})
	t.Run("starttls opportunistic upgrades", func(t *testing.T) {
		// The server allows AUTH only after STARTTLS, so success proves
		// the upgrade happened.
		srv := mailtest.NewServer(t, mailtest.WithTLS(mailtest.STARTTLS))
		cfg, _ := mail.ParseURL(srv.URL())
		cfg.TLS = mail.TLSOpportunistic
		if err := mail.NewSMTPSender(cfg).Send(ctxT(t), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	})
	t.Run("starttls opportunistic without server support", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithoutAuth())
		cfg, _ := mail.ParseURL(srv.URL())
		cfg.TLS = mail.TLSOpportunistic
		if err := mail.NewSMTPSender(cfg).Send(ctxT(t), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
	})
	t.Run("implicit tls", func(t *testing.T) {
		srv := mailtest.NewServer(t, mailtest.WithTLS(mailtest.ImplicitTLS))
		if !strings.HasPrefix(srv.URL(), "smtps://") {
			t.Fatalf("URL = %s", srv.URL())
		}
		if err := senderFor(t, srv).Send(ctxT(t), m); err != nil {
			t.Fatalf("Send: %v", err)
		}
		if len(srv.Messages()) != 1 {
			t.Fatal("message not recorded")
		}
	})
	t.Run("required but server has no starttls", func(t *testing.T) {
		srv := mailtest.NewServer(t)
		cfg, _ := mail.ParseURL(srv.URL())
		cfg.TLS = mail.TLSRequired
		if err := mail.NewSMTPSender(cfg).Send(ctxT(t), m); err == nil {
			t.Fatal("Send fell back to clear text")
		}
		if len(srv.Messages()) != 0 {
			t.Fatal("message delivered in clear text")
		}
	})
	for _, mode := range []mailtest.TLS{mailtest.STARTTLS, mailtest.ImplicitTLS} {
		t.Run("self-signed certificate rejected without insecure_skip_verify "+strconv.Itoa(int(mode)), func(t *testing.T) {
			srv := mailtest.NewServer(t, mailtest.WithTLS(mode))
			cfg, _ := mail.ParseURL(srv.URL())
			cfg.InsecureSkipVerify = false
			err := mail.NewSMTPSender(cfg).Send(ctxT(t), m)
			if err == nil {
				t.Fatal("Send trusted a self-signed certificate")
			}
			t.Logf("error: %v", err)
		})
	}
}

func TestSendConcurrent(t *testing.T) {
	srv := mailtest.NewServer(t)
	s := senderFor(t, srv)
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			errs <- s.Send(ctxT(t), mail.Message{To: "user" + strconv.Itoa(i+1) + "@example.com", Subject: "并发", TextBody: "b"})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if got := len(srv.Messages()); got != n {
		t.Errorf("server got %d messages, want %d", got, n)
	}
}

func TestNewSMTPSenderDefaults(t *testing.T) {
	got := mail.NewSMTPSender(mail.SMTPConfig{Host: "mail.example.com"}).Config()
	if got.Port != 587 || got.Timeout != 10*time.Second || got.From != mail.DefaultFrom || got.TLS != mail.TLSRequired {
		t.Errorf("defaults = %#v", got)
	}
	got = mail.NewSMTPSender(mail.SMTPConfig{Host: "h", TLS: mail.TLSImplicit}).Config()
	if got.Port != 465 {
		t.Errorf("smtps port = %d", got.Port)
	}
	err := mail.NewSMTPSender(mail.SMTPConfig{}).Send(ctxT(t), mail.Message{To: "a@example.com"})
	if err == nil || !strings.Contains(err.Error(), "missing host") {
		t.Errorf("Send with empty config = %v, want missing host", err)
	}
}
