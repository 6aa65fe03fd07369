// Package prospect is customer development (客户拓展): a partner reports
// (报备) a prospect to lock it against other partners for 15 days, invites
// reported prospects by e-mail or through a generic link, and the customer
// accepting an invitation becomes associated. Reference: console.md §1.1–1.4.
//
// The accounts and associations are the customer domain's: this package
// reads and makes them only through customer.Service (invite_*.go there),
// inside its own transactions where its rules need them.
package prospect

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
)

// Rules of customer development (console.md §1.2–§1.3).
const (
	// ReportValidity is how long a report locks its prospect.
	ReportValidity = 15 * 24 * time.Hour
	// MaxActiveReports is how many reports a partner may hold in 待审核 and
	// 已报备 together.
	MaxActiveReports = 100
	// ReviewAge is the account age above which a report needs review.
	ReviewAge = 7 * 24 * time.Hour
	// InvitationValidity is how long an e-mail invitation link works.
	InvitationValidity = 7 * 24 * time.Hour
)

// Deps are what the service works with.
type Deps struct {
	DB        *db.DB
	Clock     clock.Clock
	Identity  *identity.Service
	Customers *customer.Service
	Queue     *jobs.Queue
	Outbox    *outbox.Outbox
	// BaseURL is the public address invitation links point at.
	BaseURL string
	// Spending tells whether an account has cash spending; nil reads none
	// (see SpendingChecker).
	Spending SpendingChecker
}

// SpendingChecker tells whether a customer account has cash spending (现金消费),
// which makes a report need review and an unreported account unable
// to associate (console.md §1.2, §1.4). The payment domain, which owns the
// spending data, implements it and app wires it in with SetSpendingChecker;
// NoSpending stands in when nothing is wired. q is the caller's transaction.
type SpendingChecker interface {
	HasCashSpending(ctx context.Context, q db.Querier, customerID string) (bool, error)
}

// NoSpending is the SpendingChecker used when none is wired: no account has
// spent anything.
type NoSpending struct{}

// HasCashSpending implements SpendingChecker.
func (NoSpending) HasCashSpending(context.Context, db.Querier, string) (bool, error) {
	return false, nil
}

// Service runs customer development.
type Service struct {
	Deps
}

// NewService returns the service.
func NewService(d Deps) *Service {
	if d.Spending == nil {
		d.Spending = NoSpending{}
	}
	return &Service{Deps: d}
}

// SetSpendingChecker installs the spending source. Set it before serving.
func (s *Service) SetSpendingChecker(c SpendingChecker) {
	if c == nil {
		c = NoSpending{}
	}
	s.Spending = c
}

// Register adds the domain's job workers.
func (s *Service) Register(workers *river.Workers) {
	river.AddWorker(workers, &expireWorker{s: s})
}

// PeriodicJobs are the domain's scheduled jobs (report expiry), declared
// before the queue is built; Register adds their workers.
func PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(ExpireEvery),
		func() (river.JobArgs, *river.InsertOpts) { return ExpireArgs{}, nil },
		&river.PeriodicJobOpts{ID: ExpireArgs{}.Kind(), RunOnStart: true})}
}
