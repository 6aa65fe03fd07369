package customer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"partnercenter/internal/identity"
	"partnercenter/internal/platform/ids"
)

// AssociateArgs is the job that associates a newly created customer with
// its partner.
type AssociateArgs struct {
	CustomerID string          `json:"customer_id"`
	PartnerID  string          `json:"partner_id"`
	Type       AssociationType `json:"type"`
}

// Kind implements river.JobArgs.
func (AssociateArgs) Kind() string { return "customer.associate" }

type associateWorker struct {
	river.WorkerDefaults[AssociateArgs]
	s *Service
}

func (w *associateWorker) Work(ctx context.Context, j *river.Job[AssociateArgs]) error {
	_, err := w.s.associate(ctx, j.Args)
	if errors.Is(err, errAssociatedElsewhere) {
		return river.JobCancel(err)
	}
	return err
}

// jobActor is who the audit log names for the job's changes.
var jobActor = identity.Actor{Kind: identity.ActorKind("system"), ID: "customer.associate", Name: "customer.associate"}

// errAssociatedElsewhere: the customer got a current association with
// another partner before the job ran; the job has nothing left to do.
var errAssociatedElsewhere = errors.New("customer is associated with another partner")

// associate makes the association a creation asked for, in one
// transaction with the hook. Idempotent: once made (by an earlier run or
// AssociateNow) it returns the current association and changes nothing.
func (s *Service) associate(ctx context.Context, args AssociateArgs) (Association, error) {
	now := s.clock.Now()
	a := Association{ID: ids.New(), CustomerID: args.CustomerID, PartnerID: args.PartnerID, Type: args.Type, AssociatedAt: now}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Clearing the request also locks the customer's row, so two runs
		// cannot both associate.
		res, err := tx.ExecContext(ctx, `UPDATE customers SET pending_partner_id = NULL, pending_type = NULL, updated_at = $1
			WHERE id = $2 AND pending_partner_id = $3 AND pending_type = $4`, now, args.CustomerID, args.PartnerID, args.Type)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSkip // made already, or never asked for
		}
		current, err := scanAssociation(tx.QueryRowContext(ctx, associationSelect+" WHERE customer_id = $1 AND ended_at IS NULL", args.CustomerID))
		switch {
		case err == nil && current.PartnerID == args.PartnerID:
			a = current
			return nil
		case err == nil:
			return errAssociatedElsewhere
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_associations (id, customer_id, partner_id, type, associated_at)
			VALUES ($1, $2, $3, $4, $5)`, a.ID, a.CustomerID, a.PartnerID, a.Type, a.AssociatedAt); err != nil {
			return err
		}
		if s.hook != nil {
			c, err := s.oneCustomer(ctx, tx, "c.id = $1", args.CustomerID)
			if err != nil {
				return err
			}
			if err := s.hook.Associated(ctx, tx, c, a); err != nil {
				return fmt.Errorf("association hook: %w", err)
			}
		}
		return audit(ctx, tx, jobActor, args.PartnerID, "customer.associate", args.CustomerID, fmt.Sprintf("type %d", args.Type), now)
	})
	if errors.Is(err, errSkip) {
		current, ok, err := s.CurrentAssociation(ctx, args.CustomerID)
		if err != nil {
			return Association{}, err
		}
		if !ok || current.PartnerID != args.PartnerID {
			return Association{}, errAssociatedElsewhere
		}
		return current, nil
	}
	if err != nil {
		return Association{}, fmt.Errorf("associate customer %s with %s: %w", args.CustomerID, args.PartnerID, err)
	}
	return a, nil
}

// AssociateNow makes a created customer's pending association at once,
// instead of waiting for the job (which then finds it made): for seeding
// demo data without a running queue, and for tests. Returns the current
// association; ErrCustomerNotFound for an unknown customer. Idempotent.
func (s *Service) AssociateNow(ctx context.Context, customerID string) (Association, error) {
	var (
		partnerID sql.NullString
		typ       sql.NullInt64
	)
	err := s.db.SQL.QueryRowContext(ctx, "SELECT pending_partner_id, pending_type FROM customers WHERE id = $1", customerID).
		Scan(&partnerID, &typ)
	if errors.Is(err, sql.ErrNoRows) {
		return Association{}, ErrCustomerNotFound
	}
	if err != nil {
		return Association{}, fmt.Errorf("load customer %s: %w", customerID, err)
	}
	if !partnerID.Valid {
		current, ok, err := s.CurrentAssociation(ctx, customerID)
		if err != nil {
			return Association{}, err
		}
		if !ok {
			return Association{}, errors.New("customer has no association and none pending")
		}
		return current, nil
	}
	return s.associate(ctx, AssociateArgs{CustomerID: customerID, PartnerID: partnerID.String, Type: AssociationType(typ.Int64)})
}

// waitAssociated polls for a customer's current association for up to
// Config.AssociationWait of real time (the job may run on any node).
func (s *Service) waitAssociated(ctx context.Context, customerID string) (Association, bool, error) {
	deadline := time.NewTimer(s.cfg.AssociationWait)
	defer deadline.Stop()
	tick := time.NewTicker(s.pollEvery)
	defer tick.Stop()
	for {
		a, ok, err := s.CurrentAssociation(ctx, customerID)
		if err != nil || ok {
			return a, ok, err
		}
		select {
		case <-ctx.Done():
			return Association{}, false, ctx.Err()
		case <-deadline.C:
			return Association{}, false, nil
		case <-tick.C:
		}
	}
}
