package app

import (
	"context"
	"database/sql"

	"partnercenter/internal/customer"
)

// disassociationHooks calls every domain's disassociation hook in order,
// inside the change's transaction; the first error rolls the change back.
type disassociationHooks []customer.DisassociationHook

func (h disassociationHooks) OnDisassociated(ctx context.Context, tx *sql.Tx, customerID, partnerID, reason string) error {
	for _, hook := range h {
		if err := hook.OnDisassociated(ctx, tx, customerID, partnerID, reason); err != nil {
			return err
		}
	}
	return nil
}
