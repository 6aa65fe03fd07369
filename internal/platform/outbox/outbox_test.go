package outbox_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/dbtest"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/mail"
	"partnercenter/internal/platform/mail/mailtest"
	"partnercenter/internal/platform/outbox"
)

// mustOutbox starts a queue with the delivery worker on d.
func mustOutbox(t *testing.T, d *db.DB, mailer mail.Sender) (*outbox.Outbox, *jobs.Queue) {
	t.Helper()
	workers := river.NewWorkers()
	q, err := jobs.New(d, jobs.Config{Workers: workers, PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	o := outbox.New(d, q, clock.System(), mailer, nil).WithRetryBase(50 * time.Millisecond)
	o.Register(workers)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = q.Stop(context.Background()) })
	return o, q
}

func mustEnqueue(t *testing.T, d *db.DB, o *outbox.Outbox, m outbox.Message) string {
	t.Helper()
	var id string
	err := d.InTx(context.Background(), func(tx *sql.Tx) (err error) {
		id, err = o.EnqueueTx(context.Background(), tx, m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// waitStatus polls until message id reaches status.
func waitStatus(t *testing.T, o *outbox.Outbox, to, status string) outbox.Message {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		msgs, err := o.List(context.Background(), outbox.Filter{To: to})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) > 0 && msgs[0].Status == status {
			return msgs[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("message to %s never reached %q: %+v", to, status, msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestOutboxWithoutTransportStoresMessages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o, _ := mustOutbox(t, d, nil)
		mustEnqueue(t, d, o, outbox.Message{Channel: outbox.Email, To: "a@example.com", Subject: "第一封", Body: "one"})
		mustEnqueue(t, d, o, outbox.Message{Channel: outbox.SMS, To: "+86-13800000000", Body: "验证码 123456"})
		mustEnqueue(t, d, o, outbox.Message{Channel: outbox.Email, To: "a@example.com", Subject: "second", Body: "two"})
		waitStatus(t, o, "+86-13800000000", outbox.StatusStored)
		got := waitStatus(t, o, "a@example.com", outbox.StatusStored)
		if got.Subject != "second" {
			t.Fatalf("newest first: got %q", got.Subject)
		}
		all, err := outbox.List(context.Background(), d.SQL, outbox.Filter{})
		if err != nil || len(all) != 3 {
			t.Fatalf("got %d messages, %v; want 3", len(all), err)
		}
		raw, _ := json.Marshal(all[0])
		var shape map[string]any
		_ = json.Unmarshal(raw, &shape)
		for _, k := range []string{"channel", "to", "subject", "body", "created_at"} {
			if _, ok := shape[k]; !ok {
				t.Errorf("JSON lacks %q: %s", k, raw)
			}
		}
		if len(shape) != 5 {
			t.Errorf("JSON has extra keys: %s", raw)
		}
	}, jobs.Migrate)
}

func TestOutboxRollbackWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		o, _ := mustOutbox(t, d, nil)
		_ = d.InTx(context.Background(), func(tx *sql.Tx) error {
			if _, err := o.EnqueueTx(context.Background(), tx, outbox.Message{Channel: outbox.Email, To: "x@example.com", Body: "x"}); err != nil {
				t.Fatal(err)
			}
			return sql.ErrTxDone // any error rolls back
		})
		msgs, _ := o.List(context.Background(), outbox.Filter{To: "x@example.com"})
		if len(msgs) != 0 {
			t.Fatalf("rolled-back message is in the outbox: %+v", msgs)
		}
	}, jobs.Migrate)
}

func TestOutboxDeliversOverSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		cfg, err := mail.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		o, _ := mustOutbox(t, d, mail.NewSMTPSender(cfg))
		mustEnqueue(t, d, o, outbox.Message{Channel: outbox.Email, To: "b@example.com", Subject: "邀请您关联伙伴", Body: "点击链接"})
		waitStatus(t, o, "b@example.com", outbox.StatusSent)
		got := srv.Messages()
		if len(got) != 1 || got[0].Subject != "邀请您关联伙伴" || !strings.Contains(got[0].TextBody, "点击链接") {
			t.Fatalf("SMTP peer received %+v", got)
		}
	}, jobs.Migrate)
}

func TestOutboxRetriesFailingSMTP(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		srv.FailNext(2)
		cfg, err := mail.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		o, _ := mustOutbox(t, d, mail.NewSMTPSender(cfg))
		mustEnqueue(t, d, o, outbox.Message{Channel: outbox.Email, To: "c@example.com", Subject: "retry", Body: "body"})
		m := waitStatus(t, o, "c@example.com", outbox.StatusSent)
		if m.Attempts != 3 {
			t.Errorf("attempts %d, want 3 (two temporary failures, then success)", m.Attempts)
		}
		if got := len(srv.Messages()); got != 1 {
			t.Fatalf("peer received %d messages, want exactly 1", got)
		}
	}, jobs.Migrate)
}

func TestOutboxStopsOnPermanentRejection(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := mailtest.NewServer(t)
		srv.RejectRecipient("nobody@example.com", 550)
		cfg, err := mail.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		o, _ := mustOutbox(t, d, mail.NewSMTPSender(cfg))
		mustEnqueue(t, d, o, outbox.Message{Channel: outbox.Email, To: "nobody@example.com", Subject: "x", Body: "x"})
		m := waitStatus(t, o, "nobody@example.com", outbox.StatusFailed)
		if m.Attempts != 1 || m.LastError == "" {
			t.Fatalf("got attempts %d, last error %q; want one attempt with the error kept", m.Attempts, m.LastError)
		}
	}, jobs.Migrate)
}
