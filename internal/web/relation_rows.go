package web

import (
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/platform/mask"
)

// The rows the association pages show, with every label resolved to its
// message key here, since templates cannot build keys from values.

// relTypeKey names an association type.
func relTypeKey(t customer.AssociationType) string {
	switch t {
	case customer.Referral:
		return "relations.type.referral"
	case customer.Reseller:
		return "relations.type.reseller"
	}
	return ""
}

// relRequestRow is one association change request.
type relRequestRow struct {
	ID           string
	CustomerID   string
	CustomerName string // masked on the partner console
	PartnerName  string
	KindKey      string
	FromKey      string
	ToKey        string // empty for a disassociation
	InitiatorKey string
	ByCustomer   bool
	InitiatedBy  string
	Reason       string
	Status       string
	StatusKey    string
	Pending      bool
	DecidedBy    string
	Decision     string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	DecidedAt    time.Time
}

func relRequestRowOf(r customer.AssociationRequest, maskCustomer bool) relRequestRow {
	name := r.CustomerName
	if maskCustomer {
		name = mask.AccountName(name)
	}
	row := relRequestRow{ID: r.ID, CustomerID: r.CustomerID, CustomerName: name, PartnerName: r.PartnerName,
		KindKey: r.Kind.MessageKey(), FromKey: relTypeKey(r.FromType), ToKey: relTypeKey(r.ToType),
		InitiatorKey: "relations.initiator.partner", ByCustomer: r.Initiator == customer.InitiatedByCustomer,
		InitiatedBy: r.InitiatedByName, Reason: r.Reason, Status: string(r.Status), StatusKey: "relations.status." + string(r.Status),
		Pending: r.Pending(), DecidedBy: r.DecidedByName, Decision: r.DecisionReason,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, DecidedAt: r.DecidedAt}
	if row.ByCustomer {
		row.InitiatorKey = "relations.initiator.customer"
		if maskCustomer {
			row.InitiatedBy = name
		}
	}
	return row
}

func relRequestRows(rs []customer.AssociationRequest, maskCustomer bool) []relRequestRow {
	out := make([]relRequestRow, len(rs))
	for i, r := range rs {
		out[i] = relRequestRowOf(r, maskCustomer)
	}
	return out
}

// relRecordRow is one association: its partner and type, when it began
// and ended, and how.
type relRecordRow struct {
	PartnerName  string
	TypeKey      string
	AssociatedAt time.Time
	EndedAt      time.Time
	Current      bool
	// StartKey says how it began: a switch of type, or an association
	// (invitation, API, sign-on). EndKey how it ended; EndedBy who asked.
	StartKey string
	EndKey   string
	EndedBy  string
}

func relRecordRows(rs []customer.AssociationRecord, maskCustomer bool) []relRecordRow {
	out := make([]relRecordRow, len(rs))
	for i, r := range rs {
		row := relRecordRow{PartnerName: r.PartnerName, TypeKey: relTypeKey(r.Type), AssociatedAt: r.AssociatedAt,
			EndedAt: r.EndedAt, Current: r.Current(), StartKey: "relations.start.associated"}
		if r.StartedBy != nil {
			row.StartKey = "relations.start.switched"
		}
		if e := r.EndedBy; e != nil {
			row.EndKey, row.EndedBy = e.Kind.MessageKey(), e.InitiatedByName
			if maskCustomer && e.Initiator == customer.InitiatedByCustomer {
				row.EndedBy = mask.AccountName(e.InitiatedByName)
			}
		}
		out[i] = row
	}
	return out
}
