package order

// TypeUnsubscribe is order_type 4: an unsubscribe order (退订), written by
// the refund domain when a customer gives back resources; its
// base_order_id names the order that opened them. It is completed (status
// 5) when written, and its amounts are what the unsubscription refunded.
const TypeUnsubscribe Type = 4
