package card_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/card"
	"partnercenter/internal/customer"
	"partnercenter/internal/funds"
	"partnercenter/internal/payment"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/ids"
	"partnercenter/internal/testworld"
)

func TestBuy(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me := f.mustReferral(t, "1200")
		t.Run("OK", func(t *testing.T) {
			c := f.mustBuy(t, me, "1000")
			now := f.Clock.Now().UTC()
			if got, want := f.Balance(t, me), "200.00"; got != want {
				t.Fatalf("balance %s, want %s", got, want)
			}
			if c.Name != "华为云储值卡1000元" || c.FaceValue.String() != "1000.00" || c.Balance.String() != "1000.00" ||
				c.Status != card.StatusUsable || !c.EffectiveAt.Equal(now) || !c.ExpiresAt.Equal(now.AddDate(3, 0, 0)) {
				t.Fatalf("card %+v", c)
			}
			got := f.card(t, me, c.ID)
			if !got.ExpiresAt.Equal(time.Date(2028, 3, 1, 8, 0, 0, 0, time.UTC)) || got.Balance.String() != "1000.00" || got.Expired {
				t.Fatalf("stored card %+v", got)
			}
			if n := f.Count(t, `SELECT COUNT(*) FROM card_ledger WHERE card_id = $1 AND version = 1 AND operation = 'purchase'
				AND amount = 100000 AND balance_before = 0 AND balance_after = 100000`, c.ID); n != 1 {
				t.Fatalf("%d purchase rows", n)
			}
			if n := f.Count(t, `SELECT COUNT(*) FROM fund_ledger l JOIN fund_accounts a ON a.id = l.account_id
				WHERE a.owner_id = $1 AND l.operation = 'debit' AND l.amount = -100000`, me); n != 1 {
				t.Fatalf("%d debit rows", n)
			}
		})
		t.Run("ErrFaceValue", func(t *testing.T) {
			for _, v := range []string{"0", "-100", "123", "100.01", "1000000"} {
				_, err := f.svc.Buy(ctx, me, amt(v))
				wantParam(t, err, "face_value")
			}
		})
		t.Run("ErrInsufficient", func(t *testing.T) {
			_, err := f.svc.Buy(ctx, me, amt("500"))
			wantErr(t, err, card.ErrInsufficient)
			wantCode(t, err, "CBC.99005003")
			if f.Balance(t, me) != "200.00" || f.Count(t, "SELECT COUNT(*) FROM stored_value_cards WHERE customer_id = $1", me) != 1 {
				t.Fatal("a refused purchase changed something")
			}
		})
		t.Run("ErrResellerModel", func(t *testing.T) {
			resale := f.AssociatedCustomers(t, f.spID, 1, customer.Reseller)[0]
			if _, err := f.Funds.TopUp(ctx, f.Operator, f.spID, amt("5000"), "test"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Funds.AllocateToCustomer(ctx, f.SP.Main, funds.Transfer{TargetID: resale, Amount: amt("1000")}); err != nil {
				t.Fatal(err)
			}
			_, err := f.svc.Buy(ctx, resale, amt("100"))
			wantErr(t, err, card.ErrResellerModel)
			wantCode(t, err, "CBC.99000084")
			if f.Balance(t, resale) != "1000.00" {
				t.Fatal("refused purchase debited the balance")
			}
		})
		t.Run("ErrFrozen", func(t *testing.T) {
			frozen := f.mustReferral(t, "500")
			f.Exec(t, "UPDATE customers SET frozen = 1 WHERE id = $1", frozen)
			_, err := f.svc.Buy(ctx, frozen, amt("100"))
			wantErr(t, err, card.ErrFrozen)
		})
		t.Run("ErrUnknownCustomer", func(t *testing.T) {
			_, err := f.svc.Buy(ctx, ids.New(), amt("100"))
			wantErr(t, err, card.ErrCustomerNotFound)
		})
		t.Run("OK/AfterAssociationEnded", func(t *testing.T) {
			// A former reseller-model customer is no longer one.
			c := f.mustReferral(t, "100")
			f.Exec(t, "UPDATE customer_associations SET ended_at = $1, type = 2 WHERE customer_id = $2", f.Clock.Now(), c)
			f.mustBuy(t, c, "100")
		})
		f.MustVerify(t)
	})
}

// Two purchases racing for one balance: the account row serializes them,
// so exactly as many succeed as the balance covers and it never goes
// negative.
func TestBuyRace(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		me := f.mustReferral(t, "1000")
		const n = 6
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.svc.Buy(context.Background(), me, amt("500"))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case !errors.Is(err, card.ErrInsufficient):
				t.Fatalf("unexpected error: %v", err)
			}
		}
		if ok != 2 || f.Balance(t, me) != "0.00" || f.Count(t, "SELECT COUNT(*) FROM stored_value_cards WHERE customer_id = $1", me) != 2 {
			t.Fatalf("%d purchases succeeded, balance %s", ok, f.Balance(t, me))
		}
		f.MustVerify(t)
	})
}

func TestPayWithCards(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me := f.mustReferral(t, "1100")
		early := f.mustBuy(t, me, "100")
		f.Clock.Advance(24 * time.Hour)
		late := f.mustBuy(t, me, "500") // expires a day later: spent second
		if f.Balance(t, me) != "500.00" {
			t.Fatal("balance after buying cards")
		}
		first, second, third := f.MustOrder(t, me), f.MustOrder(t, me), f.MustOrder(t, me)

		t.Run("OK/ExplainShowsCards", func(t *testing.T) {
			ex, err := f.Payments.Explain(ctx, me, payment.Request{OrderID: first.ID, UseCards: true})
			wantErr(t, err, nil)
			if ex.CardBalance.String() != "600.00" || ex.Cards.String() != "322.00" || ex.Due.String() != "0.00" {
				t.Fatalf("explain %+v", ex)
			}
		})
		t.Run("OK/FullyByCards", func(t *testing.T) {
			ex, err := f.Payments.Pay(ctx, me, payment.Request{OrderID: first.ID, UseCards: true})
			wantErr(t, err, nil)
			if ex.Cards.String() != "322.00" || ex.Due.String() != "0.00" || f.Balance(t, me) != "500.00" {
				t.Fatalf("paid %+v, balance %s", ex, f.Balance(t, me))
			}
			e, l := f.card(t, me, early.ID), f.card(t, me, late.ID)
			if e.Balance.String() != "0.00" || e.Status != card.StatusUsedUp || l.Balance.String() != "278.00" || l.Status != card.StatusUsable {
				t.Fatalf("cards after payment: %+v %+v", e, l)
			}
			if n := f.Count(t, `SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND source = 'card'`, first.ID); n != 2 {
				t.Fatalf("%d card payment rows", n)
			}
			if n := f.Count(t, `SELECT COUNT(*) FROM card_ledger WHERE operation = 'spend' AND order_id = $1`, first.ID); n != 2 {
				t.Fatalf("%d spend rows", n)
			}
		})
		t.Run("OK/WithoutCards", func(t *testing.T) {
			ex, err := f.Payments.Pay(ctx, me, payment.Request{OrderID: second.ID})
			wantErr(t, err, nil)
			if ex.Cards.String() != "0.00" || f.Balance(t, me) != "178.00" || f.card(t, me, late.ID).Balance.String() != "278.00" {
				t.Fatalf("paid %+v, balance %s", ex, f.Balance(t, me))
			}
		})
		t.Run("OK/PartlyByCards", func(t *testing.T) {
			ex, err := f.Payments.Pay(ctx, me, payment.Request{OrderID: third.ID, UseCards: true})
			wantErr(t, err, nil)
			if ex.Cards.String() != "278.00" || ex.Due.String() != "44.00" || f.Balance(t, me) != "134.00" {
				t.Fatalf("paid %+v, balance %s", ex, f.Balance(t, me))
			}
			if l := f.card(t, me, late.ID); l.Status != card.StatusUsedUp || l.Balance.String() != "0.00" {
				t.Fatalf("late card %+v", l)
			}
			if n := f.Count(t, `SELECT COUNT(*) FROM order_payments WHERE order_id = $1 AND source = 'customer' AND amount = 4400`, third.ID); n != 1 {
				t.Fatalf("%d balance payment rows", n)
			}
		})
		t.Run("ErrInsufficientKeepsCards", func(t *testing.T) {
			// A payment that fails on the balance rolls the card spend back.
			other := f.mustReferral(t, "100")
			c := f.mustBuy(t, other, "100")
			o := f.MustOrder(t, other)
			_, err := f.Payments.Pay(ctx, other, payment.Request{OrderID: o.ID, UseCards: true})
			wantErr(t, err, payment.ErrInsufficient)
			if got := f.card(t, other, c.ID); got.Balance.String() != "100.00" || got.Status != card.StatusUsable {
				t.Fatalf("card after failed payment %+v", got)
			}
		})
		f.MustVerify(t)
	})
}

func TestExpiredCardNotUsed(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me := f.mustReferral(t, "600")
		c := f.mustBuy(t, me, "100")
		f.Clock.Set(c.ExpiresAt) // expiry is exclusive: from this instant it is expired
		o := f.MustOrder(t, me)
		bal, err := f.svc.CardBalance(ctx, d.SQL, me, f.Clock.Now())
		if err != nil || !bal.IsZero() {
			t.Fatalf("card balance %s, %v", bal, err)
		}
		ex, err := f.Payments.Pay(ctx, me, payment.Request{OrderID: o.ID, UseCards: true})
		wantErr(t, err, nil)
		if ex.Cards.String() != "0.00" || f.Balance(t, me) != "178.00" {
			t.Fatalf("paid %+v", ex)
		}
		got := f.card(t, me, c.ID)
		if !got.Expired || got.Status != card.StatusUsedUp || got.Balance.String() != "100.00" {
			t.Fatalf("expired card %+v", got)
		}
		usable, n, err := f.svc.List(ctx, me, card.Filter{Status: card.StatusUsable})
		if err != nil || n != 0 || len(usable) != 0 {
			t.Fatalf("usable list %v %d %v", usable, n, err)
		}
		used, n, err := f.svc.List(ctx, me, card.Filter{Status: card.StatusUsedUp})
		if err != nil || n != 1 || used[0].ID != c.ID {
			t.Fatalf("used-up list %v %d %v", used, n, err)
		}
		f.MustVerify(t)
	})
}

func TestRefundToCard(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me := f.mustReferral(t, "100")
		c := f.mustBuy(t, me, "100")
		o := f.MustOrder(t, me)
		if err := f.mustTopUpAndPay(t, me, o.ID); err != nil {
			t.Fatal(err)
		}
		if got := f.card(t, me, c.ID); got.Status != card.StatusUsedUp {
			t.Fatalf("card not used up: %+v", got)
		}
		refund := func(id string, a string) error {
			return d.InTx(ctx, func(tx *sql.Tx) error { return f.svc.RefundTx(ctx, tx, id, o.ID, amt(a)) })
		}
		t.Run("OK", func(t *testing.T) {
			wantErr(t, refund(c.ID, "60.50"), nil)
			got := f.card(t, me, c.ID)
			if got.Status != card.StatusUsable || got.Balance.String() != "60.50" {
				t.Fatalf("card after refund %+v", got)
			}
			if n := f.Count(t, `SELECT COUNT(*) FROM card_ledger WHERE card_id = $1 AND operation = 'refund' AND amount = 6050
				AND order_id = $2`, c.ID, o.ID); n != 1 {
				t.Fatalf("%d refund rows", n)
			}
		})
		t.Run("ErrAboveFace", func(t *testing.T) {
			err := refund(c.ID, "39.51")
			wantErr(t, err, card.ErrRefundTooLarge)
			if got := f.card(t, me, c.ID); got.Balance.String() != "60.50" {
				t.Fatalf("card after refused refund %+v", got)
			}
		})
		t.Run("ErrAmount", func(t *testing.T) {
			wantParam(t, refund(c.ID, "0"), "amount")
		})
		t.Run("ErrUnknownCard", func(t *testing.T) {
			wantErr(t, refund(ids.New(), "1"), card.ErrCardNotFound)
		})
		f.MustVerify(t)
	})
}

// mustTopUpAndPay pays an order of 322.00 with the customer's cards and
// tops up what the balance lacks.
func (f *fixture) mustTopUpAndPay(tb testing.TB, customerID, orderID string) error {
	tb.Helper()
	ctx := context.Background()
	if _, err := f.Funds.TopUpCustomer(ctx, customerID, amt("322"), "test"); err != nil {
		return err
	}
	_, err := f.Payments.Pay(ctx, customerID, payment.Request{OrderID: orderID, UseCards: true})
	return err
}

func TestVerifyLedgerCatchesTampering(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		me := f.mustReferral(t, "600")
		c := f.mustBuy(t, me, "500")
		c2 := f.mustBuy(t, me, "100")
		f.MustVerify(t)
		problems := func() []string {
			rep, err := f.svc.VerifyLedger(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.Cards != 2 || rep.Entries != 2 {
				t.Fatalf("counted %d cards, %d entries", rep.Cards, rep.Entries)
			}
			return rep.Problems
		}
		f.Exec(t, "UPDATE stored_value_cards SET balance = balance + 0 - 1 WHERE id = $1", c.ID)
		if p := problems(); len(p) == 0 {
			t.Fatal("a tampered card balance passed")
		}
		f.Exec(t, "UPDATE stored_value_cards SET balance = balance + 1 WHERE id = $1", c.ID)
		if p := problems(); len(p) != 0 {
			t.Fatalf("restored books: %v", p)
		}
		f.Exec(t, "UPDATE card_ledger SET amount = 9000, balance_after = 9000 WHERE card_id = $1", c2.ID)
		if p := problems(); len(p) < 2 {
			t.Fatalf("a tampered ledger row passed: %v", p)
		}
		f.Exec(t, "UPDATE card_ledger SET amount = 10000, balance_after = 10000 WHERE card_id = $1", c2.ID)
		f.Exec(t, "UPDATE stored_value_cards SET status = 2 WHERE id = $1", c2.ID)
		if p := problems(); len(p) != 1 {
			t.Fatalf("a used-up status with a balance: %v", p)
		}
	})
}

// A customer neither sees nor spends another customer's cards.
func TestCrossCustomer(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me, other := f.mustReferral(t, "100"), f.mustReferral(t, "400")
		mine := f.mustBuy(t, me, "100")
		list, n, err := f.svc.List(ctx, other, card.Filter{})
		if err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("other's list %v %d %v", list, n, err)
		}
		list, n, err = f.svc.List(ctx, other, card.Filter{CardID: mine.ID})
		if err != nil || n != 0 || len(list) != 0 {
			t.Fatalf("other's list by id %v %d %v", list, n, err)
		}
		bal, err := f.svc.CardBalance(ctx, d.SQL, other, f.Clock.Now())
		if err != nil || !bal.IsZero() {
			t.Fatalf("other's card balance %s %v", bal, err)
		}
		o := f.MustOrder(t, other)
		ex, err := f.Payments.Pay(ctx, other, payment.Request{OrderID: o.ID, UseCards: true})
		wantErr(t, err, nil)
		if ex.Cards.String() != "0.00" || f.card(t, me, mine.ID).Balance.String() != "100.00" {
			t.Fatalf("other's payment %+v touched my card", ex)
		}
		f.MustVerify(t)
	})
}

func TestList(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me := f.mustReferral(t, "1000")
		var made []string
		for range 3 {
			made = append(made, f.mustBuy(t, me, "100").ID)
			f.Clock.Advance(time.Second)
		}
		f.Exec(t, "UPDATE stored_value_cards SET balance = 0, status = 2 WHERE id = $1", made[0])
		for _, tc := range []struct {
			name  string
			f     card.Filter
			total int
			first string
		}{
			{"OK/All", card.Filter{}, 3, made[2]},
			{"OK/Usable", card.Filter{Status: 1}, 2, made[2]},
			{"OK/UsedUp", card.Filter{Status: 2}, 1, made[0]},
			{"OK/ByID", card.Filter{Status: 1, CardID: made[1]}, 1, made[1]},
			{"OK/Page", card.Filter{Offset: 2, Limit: 1}, 3, made[0]},
		} {
			t.Run(tc.name, func(t *testing.T) {
				list, n, err := f.svc.List(ctx, me, tc.f)
				if err != nil || n != tc.total || len(list) == 0 || list[0].ID != tc.first {
					t.Fatalf("list %v %d %v", list, n, err)
				}
			})
		}
		for _, tc := range []struct {
			f     card.Filter
			field string
		}{{card.Filter{Status: 3}, "status"}, {card.Filter{Offset: -1}, "offset"}, {card.Filter{Limit: 101}, "limit"}} {
			_, _, err := f.svc.List(ctx, me, tc.f)
			testworld.WantParam(t, err, tc.field)
		}
	})
}

// Two payments racing for one card: the card row is locked, so together
// they take exactly what it holds and the balance pays the rest.
func TestPaymentsRaceForCard(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		me := f.mustReferral(t, "1000")
		c := f.mustBuy(t, me, "500")
		orders := []string{f.MustOrder(t, me).ID, f.MustOrder(t, me).ID}
		var wg sync.WaitGroup
		errs := make([]error, len(orders))
		for i, id := range orders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.Payments.Pay(context.Background(), me, payment.Request{OrderID: id, UseCards: true})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			wantErr(t, err, nil)
		}
		if got := f.card(t, me, c.ID); got.Balance.String() != "0.00" || got.Status != card.StatusUsedUp {
			t.Fatalf("card %+v", got)
		}
		if got := f.Balance(t, me); got != "356.00" {
			t.Fatalf("balance %s, want 356.00", got)
		}
		if n := f.Count(t, "SELECT COALESCE(SUM(amount), 0) FROM order_payments WHERE source = 'card'"); n != 50000 {
			t.Fatalf("cards paid %d cents, want 50000", n)
		}
		f.MustVerify(t)
	})
}

func TestRecords(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		me, other := f.mustReferral(t, "500"), f.mustReferral(t, "0")
		c := f.mustBuy(t, me, "500")
		o := f.MustOrder(t, me)
		if _, err := f.Payments.Pay(ctx, me, payment.Request{OrderID: o.ID, UseCards: true}); err != nil {
			t.Fatal(err)
		}
		got, entries, err := f.svc.Records(ctx, me, c.ID)
		if err != nil || got.ID != c.ID || len(entries) != 2 {
			t.Fatalf("records %+v %+v %v", got, entries, err)
		}
		if e := entries[0]; e.Operation != card.OpSpend || e.Amount.String() != "-322.00" || e.Balance.String() != "178.00" || e.OrderID != o.ID {
			t.Fatalf("spend entry %+v", e)
		}
		if e := entries[1]; e.Operation != card.OpPurchase || e.Amount.String() != "500.00" || e.Version != 1 {
			t.Fatalf("purchase entry %+v", e)
		}
		_, _, err = f.svc.Records(ctx, other, c.ID)
		wantErr(t, err, card.ErrCardNotFound)
	})
}
