package customer_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/customer"
	"partnercenter/internal/identity"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
)

func TestSendVerificationCode(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		own := f.mustAssociated(t, f.sp, newCustomer(f.sp))
		other := f.mustAssociated(t, f.sp2, newCustomer(f.sp2))

		ok := []struct {
			name    string
			in      customer.CodeRequest
			to      string
			channel outbox.Channel
			body    []string // substrings of the message
		}{
			{"OK/SMSDefaults", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001"}, "+8613800000001", outbox.SMS,
				[]string{"10分钟", "注册"}},
			{"OK/SMSCountryCode", customer.CodeRequest{ReceiverType: 1, MobilePhone: "0086-13800000002", Timeout: ptr(3),
				Lang: ptr("en-us")}, "+8613800000002", outbox.SMS, []string{"valid for 3 minutes", "registering"}},
			{"OK/TimeoutOver60IsForcedTo5", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000003", Timeout: ptr(61)},
				"+8613800000003", outbox.SMS, []string{"5分钟"}},
			{"OK/Timeout60", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000004", Timeout: ptr(60)},
				"+8613800000004", outbox.SMS, []string{"60分钟"}},
			{"OK/Timeout3000", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000005", Timeout: ptr(3000)},
				"+8613800000005", outbox.SMS, []string{"5分钟"}},
			{"OK/BankCardScene", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000006", Scene: ptr(18),
				CustomerID: ptr(own.ID)}, "+8613800000006", outbox.SMS, []string{"银行卡"}},
			{"OK/Email", customer.CodeRequest{ReceiverType: 2, Email: "Someone@Example.COM"}, "someone@example.com", outbox.Email,
				[]string{"registering", "10 minutes"}},
			{"OK/EmailInChinese", customer.CodeRequest{ReceiverType: 2, Email: "zh@example.com", Lang: ptr("zh-cn")},
				"zh@example.com", outbox.Email, []string{"验证码"}},
		}
		for _, tt := range ok {
			t.Run(tt.name, func(t *testing.T) {
				if err := f.svc.SendVerificationCode(ctx, f.sp.main, tt.in); err != nil {
					t.Fatal(err)
				}
				msgs, err := f.outbox.List(ctx, outbox.Filter{To: tt.to})
				if err != nil || len(msgs) != 1 {
					t.Fatalf("messages to %s: %d (%v), want 1", tt.to, len(msgs), err)
				}
				m := msgs[0]
				if m.Channel != tt.channel || sixDigits.FindString(m.Body) == "" {
					t.Errorf("message %+v: want a %s with a 6-digit code", m, tt.channel)
				}
				for _, s := range tt.body {
					if !strings.Contains(m.Body, s) {
						t.Errorf("body %q lacks %q", m.Body, s)
					}
				}
				if tt.channel == outbox.Email && m.Subject == "" {
					t.Error("e-mail without subject")
				}
			})
		}

		bad := []struct {
			name  string
			in    customer.CodeRequest
			field string
			err   error
		}{
			{"ErrReceiverType", customer.CodeRequest{ReceiverType: 3, MobilePhone: "13800000001"}, "receiver_type", nil},
			{"ErrMobileMissing", customer.CodeRequest{ReceiverType: 1}, "mobile_phone", nil},
			{"ErrMobileFormat", customer.CodeRequest{ReceiverType: 1, MobilePhone: "1380000000"}, "", customer.ErrMobileFormat},
			{"ErrMobileForeign", customer.CodeRequest{ReceiverType: 1, MobilePhone: "0044-7700900000"}, "", customer.ErrMobileFormat},
			{"ErrEmailMissing", customer.CodeRequest{ReceiverType: 2, MobilePhone: "13800000001"}, "email", nil},
			{"ErrEmailFormat", customer.CodeRequest{ReceiverType: 2, Email: "nobody"}, "", customer.ErrEmailFormat},
			{"ErrTimeoutZero", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001", Timeout: ptr(0)}, "timeout", nil},
			{"ErrTimeoutTooLong", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001", Timeout: ptr(3001)}, "timeout", nil},
			{"ErrLang", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001", Lang: ptr("fr-fr")}, "lang", nil},
			{"ErrScene", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001", Scene: ptr(30)}, "scene", nil},
			{"ErrBankCardWithoutCustomer", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001", Scene: ptr(18)},
				"customer_id", nil},
			{"ErrBankCardOtherPartnersCustomer", customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001", Scene: ptr(18),
				CustomerID: ptr(other.ID)}, "", customer.ErrNotYourCustomer},
		}
		for _, tt := range bad {
			t.Run(tt.name, func(t *testing.T) {
				before := f.count(t, "SELECT COUNT(*) FROM outbox")
				err := f.svc.SendVerificationCode(ctx, f.sp.main, tt.in)
				if tt.field != "" {
					wantParam(t, err, tt.field)
				} else if !errors.Is(err, tt.err) {
					t.Fatalf("got %v, want %v", err, tt.err)
				}
				if got := f.count(t, "SELECT COUNT(*) FROM outbox"); got != before {
					t.Errorf("a refused send wrote %d messages", got-before)
				}
			})
		}

		t.Run("ErrForbidden", func(t *testing.T) {
			a := f.sp.main
			a.Perms = map[string]bool{identity.PermCustomerQuery: true}
			wantErr(t, f.svc.SendVerificationCode(ctx, a, customer.CodeRequest{ReceiverType: 1, MobilePhone: "13800000001"}),
				identity.ErrForbidden)
		})

		t.Run("ANewCodeReplacesTheOld", func(t *testing.T) {
			mobile := newMobile()
			first := f.mustSendCode(t, f.sp.main, mobile)
			second := f.mustSendCode(t, f.sp.main, mobile)
			if first == second {
				t.Skip("the two random codes happen to be equal")
			}
			in := newCustomer(f.sp)
			in.MobilePhone, in.VerificationCode = ptr(mobile), ptr(first)
			_, err := f.svc.CreateSubCustomer(ctx, f.sp.main, in)
			wantErr(t, err, customer.ErrCodeWrong)
			in.VerificationCode = ptr(second)
			f.mustCreate(t, f.sp.main, in)
		})
	})
}

func TestSendVerificationCodeLimits(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		mobile := newMobile()
		send := func(a identity.Actor) error {
			return f.svc.SendVerificationCode(ctx, a, customer.CodeRequest{ReceiverType: 1, MobilePhone: mobile})
		}
		// 15 an hour, whoever asks: the cap protects the phone's owner.
		for i := range customer.MaxCodeSendsPerHour {
			a := f.sp.main
			if i%2 == 1 {
				a = f.sp2.main
			}
			if err := send(a); err != nil {
				t.Fatalf("send %d: %v", i+1, err)
			}
			f.clock.Advance(time.Minute)
		}
		wantErr(t, send(f.sp.main), customer.ErrCodeSendLimit)
		wantErr(t, send(f.dist.main), customer.ErrCodeSendLimit)
		// The first send leaves the hour's window: one more is allowed.
		f.clock.Advance(45 * time.Minute)
		if err := send(f.sp.main); err != nil {
			t.Fatalf("a send after the first left the hour: %v", err)
		}
		wantErr(t, send(f.sp.main), customer.ErrCodeSendLimit)
		// Other receivers are not affected.
		if err := f.svc.SendVerificationCode(ctx, f.sp.main, customer.CodeRequest{ReceiverType: 1, MobilePhone: newMobile()}); err != nil {
			t.Fatal(err)
		}

		// 60 a day: three more full hours make 16+15+15+14 = 60.
		for h := range 3 {
			f.clock.Advance(61 * time.Minute)
			n := 15
			if h == 2 {
				n = 14
			}
			for i := range n {
				if err := send(f.sp.main); err != nil {
					t.Fatalf("hour %d send %d: %v", h+2, i+1, err)
				}
			}
		}
		f.clock.Advance(61 * time.Minute)
		err := send(f.sp.main)
		wantErr(t, err, customer.ErrCodeSendLimit)
		if !strings.Contains(err.Error(), "60") {
			t.Errorf("the error should carry the caps: %v", err)
		}
		// A day after the first sends, they no longer count.
		f.clock.Advance(20 * time.Hour)
		if err := send(f.sp.main); err != nil {
			t.Fatalf("a send a day later: %v", err)
		}
	})
}

// TestSendVerificationCodeConcurrent: concurrent sends to one mobile never
// pass the hourly cap.
func TestSendVerificationCodeConcurrent(t *testing.T) {
	each(t, func(t *testing.T, d *db.DB) {
		f := mustFixture(t, d)
		ctx := context.Background()
		mobile := newMobile()
		const n = 24
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			sent    int
			limited int
		)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := []identity.Actor{f.sp.main, f.sp2.main, f.reseller.main}[i%3]
				err := f.svc.SendVerificationCode(ctx, a, customer.CodeRequest{ReceiverType: 1, MobilePhone: mobile})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					sent++
				case errors.Is(err, customer.ErrCodeSendLimit):
					limited++
				default:
					t.Errorf("send: %v", err)
				}
			}()
		}
		wg.Wait()
		if sent != customer.MaxCodeSendsPerHour || limited != n-customer.MaxCodeSendsPerHour {
			t.Fatalf("sent %d, limited %d; want %d and %d", sent, limited, customer.MaxCodeSendsPerHour, n-customer.MaxCodeSendsPerHour)
		}
		if got := f.count(t, "SELECT COUNT(*) FROM outbox WHERE recipient = $1", "+86"+mobile); got != customer.MaxCodeSendsPerHour {
			t.Fatalf("%d messages in the outbox, want %d", got, customer.MaxCodeSendsPerHour)
		}
	})
}
