// Package moneyrun holds the randomized money run of issue 7: a seeded
// generator drives thousands of operations — operator top-ups and credit
// lines, allocations and reclaims to customers and resellers, coupon
// quotas, vouchers and cash coupons, discounts, orders, payments with
// valid and invalid benefits, cancellations, the deadline and expiry jobs,
// customers' own top-ups, stored-value cards, partner payment (代支付),
// unsubscribes with refunds, freezes, and disassociation and
// re-association — through the real services on both databases, a third
// of it from several goroutines at once, and checks after every batch
// that the coupon, funds and card ledgers verify, that no balance is
// negative, that every yuan is accounted for (what was put in, paid,
// refunded and moved, account by account against the run's own model),
// and that every paid order obeys the payment rules.
//
// The package has no production code; the tests are:
//
//   - TestMoneyRun, the run (moneyrun_test.go). The seed is printed on
//     failure; PC_MONEYRUN_SEED replays one, PC_MONEYRUN_OPS sets the
//     number of operations (10,000; 2,000 under -short), PC_MONEYRUN_TRACE
//     how many of the last operations a failure lists, PC_MONEYRUN_SKIP
//     (op,op) leaves operations out while a known failure is being fixed.
//   - TestChecksCatch, which breaks one money rule at a time behind the
//     services' backs and wants the run's checks to name it.
//   - disassociation_test.go: the failures the run found, as focused
//     reproducers — a disassociation racing the issuing of a coupon, an
//     allocation, an unsubscription's refund and a request for partner
//     payment (Test*RacesDisassociation), and a cash coupon revived by a
//     refund after its customer left (TestRefundAfterDisassociation).
package moneyrun
