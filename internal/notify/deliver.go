package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/identity"
	"partnercenter/internal/saml"
)

// lastErrorNoURL is what the log says of a notice for a partner without a
// notification URL.
const lastErrorNoURL = "skipped: no notification URL"

// deliverWorker POSTs one notice. An error makes River retry after
// NextRetry; the notice row says when.
type deliverWorker struct {
	river.WorkerDefaults[DeliverArgs]
	n *Notifier
}

// Timeout leaves the POST's own timeout room to end first.
func (w *deliverWorker) Timeout(*river.Job[DeliverArgs]) time.Duration {
	return w.n.cfg.Timeout + 30*time.Second
}

// NextRetry doubles the delay each attempt, from RetryBase up to RetryMax.
// River schedules by the wall clock; the 24-hour window is checked against
// the injected clock in Work.
func (w *deliverWorker) NextRetry(j *river.Job[DeliverArgs]) time.Time {
	return time.Now().Add(w.n.backoff(j.Attempt))
}

func (w *deliverWorker) Work(ctx context.Context, j *river.Job[DeliverArgs]) error {
	return w.n.deliver(ctx, j.Args.NoticeID, j.Attempt, j.Attempt >= j.MaxAttempts)
}

// errRefused marks a URL the platform will not post to; such a notice fails
// at once instead of retrying.
var errRefused = errors.New("refused")

// deliver makes one attempt at notice id; attempt counts River's attempts
// of this job, last says River will not try again.
func (n *Notifier) deliver(ctx context.Context, id string, attempt int, last bool) error {
	var (
		notice  Notice
		status  Status
		windowT time.Time
		action  int
	)
	err := n.DB.SQL.QueryRowContext(ctx, `SELECT partner_id, domain_id, domain_name, xuser_id, bind_action, status, window_ends_at
		FROM binding_notices WHERE id = $1`, id).
		Scan(&notice.PartnerID, &notice.DomainID, &notice.DomainName, &notice.XUserID, &action, &status, &windowT)
	if errors.Is(err, sql.ErrNoRows) {
		return river.JobCancel(fmt.Errorf("binding notice %s is gone", id))
	}
	if err != nil {
		return fmt.Errorf("load binding notice %s: %w", id, err)
	}
	if status != StatusPending && status != StatusRetrying {
		return nil // finished by an earlier run
	}
	notice.Action = Action(action)

	target, err := n.Targets.NotifyTarget(ctx, notice.PartnerID)
	if errors.Is(err, identity.ErrAccessNotConfigured) {
		return n.finish(ctx, id, StatusSkipped, lastErrorNoURL, false)
	}
	if err != nil {
		return err
	}
	key, err := n.Keys.PlatformKey(ctx)
	if err != nil {
		return fmt.Errorf("platform key: %w", err)
	}
	form := key.NoticeForm(saml.BindNotice{DomainName: notice.DomainName, DomainID: notice.DomainID,
		XUserID: notice.XUserID, BindAction: int(notice.Action)})
	sendErr := n.post(ctx, target, form.Encode())
	now := n.Clock.Now()
	switch {
	case sendErr == nil:
		_, err := n.DB.SQL.ExecContext(ctx, `UPDATE binding_notices SET status = $1, attempts = attempts + 1, last_error = '',
			next_attempt_at = NULL, delivered_at = $2, updated_at = $2 WHERE id = $3`, StatusDelivered, now, id)
		return err
	case errors.Is(sendErr, errRefused):
		return river.JobCancel(errors.Join(sendErr, n.finish(ctx, id, StatusFailed, sendErr.Error(), true)))
	case last || !now.Before(windowT):
		return river.JobCancel(errors.Join(sendErr, n.finish(ctx, id, StatusFailed, sendErr.Error(), true)))
	}
	next := now.Add(n.backoff(attempt))
	if next.After(windowT) {
		next = windowT
	}
	if _, err := n.DB.SQL.ExecContext(ctx, `UPDATE binding_notices SET status = $1, attempts = attempts + 1, last_error = $2,
		next_attempt_at = $3, updated_at = $4 WHERE id = $5`, StatusRetrying, truncate(sendErr.Error(), 500), next, now, id); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// finish ends a notice without delivering it; attempted counts the attempt.
func (n *Notifier) finish(ctx context.Context, id string, status Status, lastErr string, attempted bool) error {
	inc := 0
	if attempted {
		inc = 1
	}
	_, err := n.DB.SQL.ExecContext(ctx, `UPDATE binding_notices SET status = $1, attempts = attempts + $2, last_error = $3,
		next_attempt_at = NULL, updated_at = $4 WHERE id = $5`, status, inc, truncate(lastErr, 500), n.Clock.Now(), id)
	return err
}

// post sends the form to target; nil means a 2xx answer. A URL the platform
// may not reach (not https, or a private address) is errRefused.
func (n *Notifier) post(ctx context.Context, target, body string) error {
	u, err := identity.CheckNotifyURL(target, n.cfg.AllowHTTPLoopback)
	if err != nil || u == "" {
		return fmt.Errorf("%w: notification URL not allowed", errRefused)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", errRefused, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := n.client().Do(req)
	if err != nil {
		if errors.Is(err, errRefused) {
			return fmt.Errorf("%w: %v", errRefused, errors.Unwrap(err))
		}
		return fmt.Errorf("post notification: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("post notification: HTTP %d", resp.StatusCode)
	}
	return nil
}

// client posts without proxies or redirects, through a dialer that checks
// the address actually connected to, so a name resolving (or rebinding) to a
// private address is refused.
func (n *Notifier) client() *http.Client {
	dialer := &net.Dialer{Timeout: n.cfg.Timeout, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("%w: %s", errRefused, address)
		}
		if ip := net.ParseIP(host); ip == nil || !allowedIP(ip, n.cfg.AllowHTTPLoopback) {
			return fmt.Errorf("%w: address %s is private", errRefused, host)
		}
		return nil
	}}
	return &http.Client{
		Timeout: n.cfg.Timeout,
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: n.cfg.Timeout,
			ForceAttemptHTTP2: true, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// cgnat is the shared address space (RFC 6598), private in all but name.
var cgnat = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// allowedIP reports whether notices may go to ip: public addresses, and
// loopback when loopbackOK.
func allowedIP(ip net.IP, loopbackOK bool) bool {
	switch {
	case ip.IsLoopback():
		return loopbackOK
	case ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsInterfaceLocalMulticast(),
		ip.IsMulticast(), ip.IsUnspecified(), cgnat.Contains(ip):
		return false
	case ip.To4() != nil && ip.To4()[0] == 0:
		return false
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
