package app

import (
	"context"
	"database/sql"

	"partnercenter/internal/customer"
	"partnercenter/internal/notify"
)

// bindNotifier tells a partner, in the change's own transaction, that one
// of its platform users bound a cloud account at first single sign-on, or
// that the account's owner unbound it on the customer portal.
type bindNotifier struct{ n *notify.Notifier }

func (b bindNotifier) BoundTx(ctx context.Context, tx *sql.Tx, partnerID string, c customer.Customer) error {
	return b.n.EnqueueTx(ctx, tx, notify.Notice{PartnerID: partnerID, DomainID: c.ID, DomainName: c.DomainName,
		XUserID: c.XAccountID, Action: notify.ActionBind})
}

func (b bindNotifier) UnboundTx(ctx context.Context, tx *sql.Tx, partnerID string, c customer.Customer) error {
	return b.n.EnqueueTx(ctx, tx, notify.Notice{PartnerID: partnerID, DomainID: c.ID, DomainName: c.DomainName,
		XUserID: c.XAccountID, Action: notify.ActionUnbind})
}
