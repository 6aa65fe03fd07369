package mailtest_test

import (
	"crypto/tls"
	"net/url"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"partnercenter/internal/platform/mail/mailtest"
)

// send delivers raw with go-smtp's client, authenticating when user != "".
func send(t *testing.T, addr, user, pass, from string, to []string, raw string) error {
	t.Helper()
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	if user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, strings.NewReader(raw)); err != nil {
		return err
	}
	return c.Quit()
}

func TestURL(t *testing.T) {
	srv := mailtest.NewServer(t)
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	if u.Scheme != "smtp" || u.Host != srv.Addr() || !strings.HasPrefix(u.Host, "127.0.0.1:") ||
		u.User.Username() != mailtest.DefaultUsername || pass != mailtest.DefaultPassword ||
		u.Query().Get("starttls") != "none" {
		t.Errorf("URL = %s", srv.URL())
	}

	srv = mailtest.NewServer(t, mailtest.WithAuth("a@b", "p:w/d"), mailtest.WithTLS(mailtest.STARTTLS))
	u, _ = url.Parse(srv.URL())
	pass, _ = u.User.Password()
	if u.User.Username() != "a@b" || pass != "p:w/d" || u.Query().Get("starttls") != "required" ||
		u.Query().Get("insecure_skip_verify") != "true" {
		t.Errorf("URL = %s", srv.URL())
	}
}

const rawMsg = "From: a@example.com\r\n" +
	"To: b@example.com\r\n" +
	"Subject: =?UTF-8?B?5rWL6K+V?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"5L2g5aW977yM\r\n5LiW55WM\r\n"

func TestRecordAndDecode(t *testing.T) {
	srv := mailtest.NewServer(t)
	if err := send(t, srv.Addr(), srv.Username(), srv.Password(), "a@example.com", []string{"b@example.com", "c@example.com"}, rawMsg); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if m.From != "a@example.com" || len(m.To) != 2 || m.To[1] != "c@example.com" {
		t.Errorf("envelope = %q -> %q", m.From, m.To)
	}
	if m.Subject != "测试" || m.TextBody != "你好，世界" || m.HTMLBody != "" {
		t.Errorf("decoded subject %q text %q html %q", m.Subject, m.TextBody, m.HTMLBody)
	}
	if !strings.Contains(string(m.Data), "5L2g5aW977yM") {
		t.Errorf("raw data = %q", m.Data)
	}
	// Messages returns copies.
	msgs[0].To[0] = "changed"
	if srv.Messages()[0].To[0] != "b@example.com" {
		t.Error("Messages shares memory with the server")
	}
}

func TestAuthRequired(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.WithAuth("u", "p"))
	if err := send(t, srv.Addr(), "", "", "a@example.com", []string{"b@example.com"}, rawMsg); err == nil {
		t.Error("send without AUTH succeeded")
	}
	err := send(t, srv.Addr(), "u", "wrong", "a@example.com", []string{"b@example.com"}, rawMsg)
	if err == nil {
		t.Error("send with a wrong password succeeded")
	} else if !strings.Contains(err.Error(), "535") {
		t.Errorf("wrong password error = %v, want 535", err)
	}
	if err := send(t, srv.Addr(), "u", "p", "a@example.com", []string{"b@example.com"}, rawMsg); err != nil {
		t.Errorf("send with the right password: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("recorded %d messages, want 1", n)
	}
}

func TestFailNext(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.WithoutAuth())
	srv.FailNext(2)
	for i := range 3 {
		err := send(t, srv.Addr(), "", "", "a@example.com", []string{"b@example.com"}, rawMsg)
		if i < 2 {
			if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 451 {
				t.Errorf("delivery %d: err = %v, want 451", i+1, err)
			}
		} else if err != nil {
			t.Errorf("delivery %d: %v", i+1, err)
		}
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("recorded %d messages, want 1", n)
	}
}

func TestRejectRecipient(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.WithoutAuth())
	srv.RejectRecipient("b@example.com", 550)
	err := send(t, srv.Addr(), "", "", "a@example.com", []string{"B@example.com"}, rawMsg)
	if se, ok := err.(*smtp.SMTPError); !ok || se.Code != 550 {
		t.Errorf("err = %v, want 550", err)
	}
	srv.RejectRecipient("b@example.com", 0)
	if err := send(t, srv.Addr(), "", "", "a@example.com", []string{"b@example.com"}, rawMsg); err != nil {
		t.Errorf("after un-reject: %v", err)
	}
}

func TestImplicitTLS(t *testing.T) {
	srv := mailtest.NewServer(t, mailtest.WithTLS(mailtest.ImplicitTLS))
	c, err := smtp.DialTLS(srv.Addr(), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("dial tls: %v", err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", srv.Username(), srv.Password())); err != nil {
		t.Fatalf("auth: %v", err)
	}
	if err := c.SendMail("a@example.com", []string{"b@example.com"}, strings.NewReader(rawMsg)); err != nil {
		t.Fatalf("send: %v", err)
	}
	if len(srv.Messages()) != 1 {
		t.Error("not recorded")
	}
}
