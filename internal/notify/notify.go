// Package notify delivers account-binding notifications (通知账号绑定结果,
// cbc-api.md §4.3) to partners' notification URLs: a form of bindRequest
// (Base64 JSON), SigAlg and Signature, signed with the platform's SP key so
// partners verify it with the certificate in our SP metadata.
//
// A notice is a row in binding_notices and a River job, both written in the
// transaction of the change that causes it (EnqueueTx); the job POSTs after
// commit, retries with exponential backoff for 24 hours and keeps the row,
// which partners read as their delivery log, up to date.
package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/platform/apperr"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/saml"
)

// Action is the bindRequest's bindAction.
//
// Huawei's documentation of the notification (devg-bpconsole access_00011,
// 绑定通知接口说明) gives as its example a bindRequest that decodes to
// {"domainName":…,"domainId":…,"xUserId":…,"bindAction":1} for an account
// being bound, so bind is 1. console.md's "0 bind / 1 unbind" is an unsourced
// note and contradicts the example; unbind takes the only other value
// either source names, 0.
type Action int

const (
	ActionBind   Action = 1
	ActionUnbind Action = 0
)

// Valid reports whether a is one of the documented actions.
func (a Action) Valid() bool { return a == ActionBind || a == ActionUnbind }

// Key is the message key naming the action on the console.
func (a Action) Key() string {
	if a == ActionBind {
		return "notify.action.bind"
	}
	return "notify.action.unbind"
}

// Notice is one binding result to tell a partner: which cloud account
// (DomainID, DomainName) the partner platform's user XUserID was bound to or
// unbound from.
type Notice struct {
	PartnerID, DomainID, DomainName, XUserID string
	Action                                   Action
}

// Status is where a delivery stands.
type Status string

const (
	StatusPending   Status = "pending"   // queued, not tried yet
	StatusRetrying  Status = "retrying"  // an attempt failed; another is scheduled
	StatusDelivered Status = "delivered" // the partner answered 2xx
	StatusFailed    Status = "failed"    // the 24-hour window ended, or the URL was refused
	StatusSkipped   Status = "skipped"   // the partner has no notification URL
)

// Statuses lists every status, for the console's translations.
var Statuses = []Status{StatusPending, StatusRetrying, StatusDelivered, StatusFailed, StatusSkipped}

// Key is the message key naming the status on the console.
func (s Status) Key() string { return "notify.status." + string(s) }

// Delivery is one notice as the delivery log shows it.
type Delivery struct {
	ID        string
	PartnerID string
	Notice    Notice
	Status    Status
	Attempts  int
	LastError string
	// NextAttemptAt is zero unless a retry is scheduled.
	NextAttemptAt time.Time
	DeliveredAt   time.Time
	CreatedAt     time.Time
}

// Targets finds partners' notification URLs (identity.Service).
type Targets interface {
	NotifyTarget(ctx context.Context, partnerID string) (string, error)
}

// Keys gives the platform's SP key pair that signs notices (saml.Service).
type Keys interface {
	PlatformKey(ctx context.Context) (*saml.PlatformKey, error)
}

// KeysFunc adapts a function to Keys, for wiring before the SP exists.
type KeysFunc func(ctx context.Context) (*saml.PlatformKey, error)

// PlatformKey implements Keys.
func (f KeysFunc) PlatformKey(ctx context.Context) (*saml.PlatformKey, error) { return f(ctx) }

// Deps are what the notifier works with.
type Deps struct {
	DB      *db.DB
	Queue   *jobs.Queue
	Clock   clock.Clock
	Targets Targets
	Keys    Keys
	Log     *slog.Logger
}

// Config tunes delivery. Zero fields take the defaults.
type Config struct {
	// AllowHTTPLoopback lets notices go over plain http to loopback hosts
	// (app config AllowHTTPNotifyLoopback): development and tests only.
	AllowHTTPLoopback bool
	// Timeout bounds one POST (default 10 s).
	Timeout time.Duration
	// Window is how long a notice is retried (default 24 h), by the clock.
	Window time.Duration
	// RetryBase is the first retry's delay, doubled each attempt (default
	// 30 s); RetryMax caps the delay (default 1 h). Tests shorten both.
	RetryBase, RetryMax time.Duration
}

// maxAttempts is River's cap; the window, not this, ends retries (30 s
// doubling to 1 h reaches 24 h in about 31 attempts).
const maxAttempts = 60

// Notifier records and delivers binding notifications.
type Notifier struct {
	Deps
	cfg Config
}

// New returns the notifier; call Register before the queue starts.
func New(d Deps, cfg Config) *Notifier {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Window <= 0 {
		cfg.Window = 24 * time.Hour
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 30 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = time.Hour
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Notifier{Deps: d, cfg: cfg}
}

// Register adds the delivery worker.
func (n *Notifier) Register(workers *river.Workers) {
	river.AddWorker(workers, &deliverWorker{n: n})
}

// backoff is the delay after the attempt-th failed attempt.
func (n *Notifier) backoff(attempt int) time.Duration {
	d := n.cfg.RetryBase
	for i := 1; i < attempt && d < n.cfg.RetryMax; i++ {
		d *= 2
	}
	return min(d, n.cfg.RetryMax)
}

// Errors of the delivery log.
var (
	ErrNoticeNotFound = apperr.New("CBC.0101", "err.notice_not_found")
	ErrNoticeInFlight = apperr.New("PC.0409", "err.notice_in_flight")
	ErrInvalidNotice  = apperr.New("CBC.0100", "err.invalid_param")
)
