// Package prospect is customer development (客户拓展): a partner reports
// (报备) a prospect to lock it against other partners for 15 days, invites
// reported prospects by e-mail or through a generic link, and the customer
// accepting an invitation becomes associated. Reference: console.md §1.1–1.4.
package prospect

import (
	"github.com/riverqueue/river"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/clock"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/jobs"
	"partnercenter/internal/platform/outbox"
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
}

// Service runs customer development.
type Service struct {
	Deps
}

// NewService returns the service.
func NewService(d Deps) *Service { return &Service{Deps: d} }

// Register adds the domain's job workers.
func (s *Service) Register(workers *river.Workers) {
}

// PeriodicJobs are the domain's scheduled jobs (report expiry), declared
// before the queue is built; Register adds their workers.
func PeriodicJobs() []*river.PeriodicJob {
	return nil
}
