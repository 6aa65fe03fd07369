// Package app wires Partner Center together: configuration, the database,
// River, the domain services and the HTTP faces. It is the only package that
// knows all the others.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"

	"partnercenter/internal/card"
	"partnercenter/internal/cbcapi"
	"partnercenter/internal/commerce"
	"partnercenter/internal/coupon"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/identity"
	"partnercenter/internal/notify"
	"partnercenter/internal/order"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/blob"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/mail"
	"partnercenter/internal/platform/outbox"
	"partnercenter/internal/platform/secretbox"
	"partnercenter/internal/platform/sessions"
	"partnercenter/internal/prospect"
	"partnercenter/internal/refund"
	"partnercenter/internal/saml"
	"partnercenter/internal/web"
)

// App is one running Partner Center node.
type App struct {
	Config    Config
	Log       *slog.Logger
	Clock     clock.Clock
	DB        *db.DB
	Queue     *jobs.Queue
	Prospects *prospect.Service
	Coupons   *coupon.Service
	Orders    *order.Service
	Payments  *payment.Service
	Cards     *card.Service
	Refunds   *refund.Service
	Funds     *funds.Service
	Box       *secretbox.Box
	Blob      blob.Store
	Outbox    *outbox.Outbox
	Identity  *identity.Service
	Catalog   *commerce.Catalog
	Customers *customer.Service
	Notify    *notify.Notifier
	API       *cbcapi.API
	SAML      *saml.Service
	Sessions  *scs.SessionManager
	Registry  *prometheus.Registry

	handler  http.Handler
	server   *http.Server
	listener net.Listener
	stopOnce sync.Once
}

// Option adjusts how New builds the app; tests use them to set the clock or
// add jobs of their own.
type Option func(*options)

type options struct {
	clock    clock.Clock
	logOut   io.Writer
	workers  []func(*river.Workers)
	periodic []*river.PeriodicJob
}

// WithClock replaces the system clock.
func WithClock(c clock.Clock) Option { return func(o *options) { o.clock = c } }

// WithLogOutput sends the JSON log to w instead of stderr.
func WithLogOutput(w io.Writer) Option { return func(o *options) { o.logOut = w } }

// WithJobs registers extra workers and periodic jobs.
func WithJobs(register func(*river.Workers), periodic ...*river.PeriodicJob) Option {
	return func(o *options) {
		if register != nil {
			o.workers = append(o.workers, register)
		}
		o.periodic = append(o.periodic, periodic...)
	}
}

// New opens the database, applies migrations (ours and River's) and builds
// every service and face. It starts nothing: call Start or Run.
func New(ctx context.Context, cfg Config, opts ...Option) (*App, error) {
	o := options{clock: clock.System(), logOut: os.Stderr}
	for _, opt := range opts {
		opt(&o)
	}
	log := slog.New(slog.NewJSONHandler(o.logOut, &slog.HandlerOptions{Level: cfg.logLevel()}))
	a := &App{Config: cfg, Log: log, Clock: o.clock}
	var err error
	if a.DB, err = db.Open(ctx, db.Config{DataDir: cfg.DataDir, URL: cfg.DatabaseURL}); err != nil {
		return nil, err
	}
	if err := a.DB.Migrate(ctx, jobs.Migrate(a.DB)); err != nil {
		a.DB.Close()
		return nil, err
	}
	if err := a.build(ctx, o); err != nil {
		a.DB.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) build(ctx context.Context, o options) error {
	cfg := a.Config
	var err error
	if a.Box, err = secretbox.Load(ctx, cfg.SecretKey, cfg.DataDir, a.DB); err != nil {
		return err
	}
	if cfg.S3Configured() {
		if a.Blob, err = blob.NewS3(ctx, cfg.S3); err != nil {
			return err
		}
	} else if a.Blob, err = blob.NewLocal(filepath.Join(cfg.DataDir, "blobs")); err != nil {
		return err
	}
	var mailer mail.Sender
	if cfg.SMTPURL != "" {
		smtpCfg, err := mail.ParseURL(cfg.SMTPURL)
		if err != nil {
			return fmt.Errorf("PC_SMTP_URL: %w", err)
		}
		mailer = mail.NewSMTPSender(smtpCfg)
	}

	workers := river.NewWorkers()
	periodic := append([]*river.PeriodicJob{}, o.periodic...)
	for _, register := range o.workers {
		register(workers)
	}
	sessionStore := sessions.NewStore(a.DB)
	river.AddWorker(workers, &purgeSessionsWorker{store: sessionStore})
	periodic = append(periodic, purgeSessionsJob())
	// Domain periodic jobs are declared before the queue exists; their
	// workers are added with the services below.
	periodic = append(periodic, prospect.PeriodicJobs()...)
	periodic = append(periodic, coupon.PeriodicJobs()...)
	periodic = append(periodic, order.PeriodicJobs()...)

	// The queue must exist before the outbox (which enqueues) and the outbox
	// before the queue's workers run; River lets workers be added until Start.
	if a.Queue, err = jobs.New(a.DB, jobs.Config{Workers: workers, Periodic: periodic, Logger: a.Log}); err != nil {
		return err
	}
	a.Outbox = outbox.New(a.DB, a.Queue, a.Clock, mailer, nil)
	a.Outbox.Register(workers)
	a.Identity = identity.NewService(a.DB, a.Clock, a.Box)
	a.Identity.SetOutbox(a.Outbox)
	a.Identity.SetAllowHTTPNotifyLoopback(cfg.AllowHTTPNotifyLoopback)
	if a.Catalog, err = commerce.NewCatalog(ctx, a.DB); err != nil {
		return err
	}
	a.Customers = customer.NewService(a.DB, a.Clock, a.Identity, a.Queue, a.Outbox, customer.Config{
		MaxAccountsPerMobile: cfg.MaxAccountsPerMobile, AssociationWait: cfg.AssociationWait})
	a.Customers.Register(workers)
	// Price inquiry may name the caller's customers as project_id.
	a.Catalog.SetProjectOwners(a.Customers, a.Identity)
	// Deleting a member unassigns its customers in the same transaction.
	a.Identity.SetMemberDeleteHook(a.Customers)
	// Binding notifications are signed with the SP key; a.SAML is built
	// below, before any job runs.
	a.Notify = notify.New(notify.Deps{DB: a.DB, Queue: a.Queue, Clock: a.Clock, Targets: a.Identity, Log: a.Log,
		Keys: notify.KeysFunc(func(ctx context.Context) (*saml.PlatformKey, error) { return a.SAML.PlatformKey(ctx) })},
		notify.Config{AllowHTTPLoopback: cfg.AllowHTTPNotifyLoopback})
	a.Notify.Register(workers)
	a.Customers.SetAssociationHook(a.Notify)
	a.Customers.SetBindHook(bindNotifier{a.Notify})
	a.Prospects = prospect.NewService(prospect.Deps{DB: a.DB, Clock: a.Clock, Identity: a.Identity,
		Customers: a.Customers, Queue: a.Queue, Outbox: a.Outbox, BaseURL: cfg.BaseURL})
	a.Prospects.Register(workers)
	a.Coupons = coupon.NewService(coupon.Deps{DB: a.DB, Clock: a.Clock, Identity: a.Identity,
		Customers: a.Customers, Queue: a.Queue})
	a.Coupons.Register(workers)
	// Customers' orders are priced from the catalogue; the deadline job
	// cancels those left unpaid.
	a.Orders = order.NewService(order.Deps{DB: a.DB, Clock: a.Clock, Identity: a.Identity, Catalog: a.Catalog,
		Coupons: a.Coupons}, order.Config{})
	a.Orders.Register(workers)
	a.Funds = funds.NewService(funds.Deps{DB: a.DB, Clock: a.Clock, Identity: a.Identity, Outbox: a.Outbox})
	// Ending an association or switching its type reclaims the partner's
	// coupons and the customer account's balance in the same transaction.
	a.Customers.SetDisassociationHook(disassociationHooks{a.Coupons, a.Funds})
	// Paying orders; a cancelled order releases the coupons locked to it.
	a.Cards = card.NewService(card.Deps{DB: a.DB, Clock: a.Clock, Funds: a.Funds})
	a.Payments = payment.NewService(payment.Deps{DB: a.DB, Clock: a.Clock, Orders: a.Orders, Coupons: a.Coupons, Funds: a.Funds,
		Cards: a.Cards})
	a.Orders.SetCancelHook(a.Payments)
	// Paid orders are the cash spending that makes a report need review.
	a.Prospects.SetSpendingChecker(a.Payments)
	// Orders awaiting the partner's payment block ending the association.
	a.Customers.AddDisassociationBlocker(a.Payments)
	// A paid order opens its resources; unsubscribing them refunds.
	a.Refunds = refund.NewService(refund.Deps{DB: a.DB, Clock: a.Clock, Orders: a.Orders, Coupons: a.Coupons,
		Funds: a.Funds, Cards: a.Cards})
	a.Payments.SetPaidHook(a.Refunds)
	a.API = cbcapi.New(cbcapi.Deps{Identity: a.Identity, Catalog: a.Catalog, Customers: a.Customers, Coupons: a.Coupons, Funds: a.Funds, Orders: a.Orders, Payments: a.Payments, Cards: a.Cards, Refunds: a.Refunds, Clock: a.Clock, Log: a.Log},
		cbcapi.Config{RateLimit: cfg.APIRateLimit, RateBurst: cfg.APIRateBurst})

	a.Sessions = scs.New()
	a.Sessions.Store = sessionStore
	a.Sessions.IdleTimeout = cfg.SessionIdleTimeout
	a.Sessions.Lifetime = 12 * time.Hour
	a.Sessions.Cookie.Name = "pc_session"
	a.Sessions.Cookie.HttpOnly = true
	a.Sessions.Cookie.SameSite = http.SameSiteLaxMode
	a.Sessions.Cookie.Secure = len(cfg.BaseURL) > 8 && cfg.BaseURL[:8] == "https://"

	a.Registry = prometheus.NewRegistry()
	a.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		jobs.NewCollector(a.DB))
	consoles, err := web.New(web.Deps{Identity: a.Identity, Customers: a.Customers, Prospects: a.Prospects, Coupons: a.Coupons, Funds: a.Funds, Orders: a.Orders, Payments: a.Payments, Cards: a.Cards, Refunds: a.Refunds, Catalog: a.Catalog, Outbox: a.Outbox, Notify: a.Notify, Sessions: a.Sessions, Log: a.Log})
	if err != nil {
		return err
	}
	// A verified SAML login signs the bound customer into the customer
	// portal, or leads a first login to creating or binding an account.
	a.SAML = saml.New(saml.Deps{DB: a.DB, Box: a.Box, Clock: a.Clock, Identity: a.Identity,
		Binder: consoles.CustomerBinder(), Log: a.Log}, saml.Config{BaseURL: cfg.BaseURL})
	a.handler = a.routes(consoles)
	return nil
}

// Handler is the whole HTTP surface of the node.
func (a *App) Handler() http.Handler { return a.handler }

// Start begins working jobs and listening on Config.Addr (":0" picks a free
// port; see URL).
func (a *App) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", a.Config.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", a.Config.Addr, err)
	}
	a.listener = ln
	if err := a.Queue.Start(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("start jobs: %w", err)
	}
	a.server = &http.Server{
		Handler:           a.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    1 << 20,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	go func() {
		if err := a.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.Log.Error("http server", "err", err)
		}
	}()
	// Start-up (migrations, catalogue seeding, template parsing) leaves
	// garbage the runtime would keep mapped for minutes; hand it back now
	// so an idle node stays small.
	debug.FreeOSMemory()
	return nil
}

// URL is the node's base URL once started.
func (a *App) URL() string {
	if a.listener == nil {
		return a.Config.baseURL(a.Config.Addr)
	}
	if a.Config.BaseURL != "" {
		return a.Config.baseURL("")
	}
	return "http://" + a.listener.Addr().String()
}

// Run starts the node and stops it gracefully when ctx ends (SIGINT or
// SIGTERM in the command).
func (a *App) Run(ctx context.Context) error {
	if err := a.Start(ctx); err != nil {
		return err
	}
	a.Log.Info("serving", "url", a.URL(), "database", string(a.DB.Dialect))
	<-ctx.Done()
	a.Log.Info("shutting down")
	return a.Shutdown(context.Background())
}

// Shutdown stops accepting requests, lets in-flight requests and running jobs
// finish (up to Config.ShutdownTimeout), then closes the database. Safe to
// call more than once.
func (a *App) Shutdown(ctx context.Context) error {
	var errs []error
	a.stopOnce.Do(func() {
		timeout := a.Config.ShutdownTimeout
		if timeout <= 0 {
			timeout = 30 * time.Second
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if a.server != nil {
			if err := a.server.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop http: %w", err))
			}
		}
		if a.listener != nil {
			if err := a.Queue.Stop(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop jobs: %w", err))
			}
		}
		if err := a.DB.Close(); err != nil {
			errs = append(errs, err)
		}
	})
	return errors.Join(errs...)
}
