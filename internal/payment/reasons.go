package payment

// reasonKeys are the message keys of the reasons.
var reasonKeys = map[string]string{
	ReasonApplied:      "payment.reason.applied",
	ReasonNotChosen:    "payment.reason.not_chosen",
	ReasonNotEffective: "payment.reason.not_effective",
	ReasonExpired:      "payment.reason.expired",
	ReasonNotUsable:    "payment.reason.not_usable",
	ReasonLocked:       "payment.reason.locked",
	ReasonService:      "payment.reason.service",
	ReasonProduct:      "payment.reason.product",
	ReasonRegion:       "payment.reason.region",
	ReasonOrderType:    "payment.reason.order_type",
	ReasonMinimum:      "payment.reason.minimum",
	ReasonExclusive:    "payment.reason.exclusive_discount",
	ReasonSecondVouch:  "payment.reason.second_voucher",
	ReasonShareCap:     "payment.reason.share_cap",
	ReasonNothingLeft:  "payment.reason.nothing_left",
	ReasonNotHeld:      "payment.reason.not_held",
}

// ReasonKey is the message key explaining a reason.
func ReasonKey(reason string) string { return reasonKeys[reason] }
