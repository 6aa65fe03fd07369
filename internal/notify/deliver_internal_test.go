package notify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestAllowedIP(t *testing.T) {
	tests := []struct {
		ip         string
		loopbackOK bool
		want       bool
	}{
		{"93.184.216.34", false, true},
		{"2606:2800:220:1:248:1893:25c8:1946", false, true},
		{"127.0.0.1", false, false},
		{"127.0.0.1", true, true},
		{"::1", true, true},
		{"10.1.2.3", true, false},
		{"172.16.0.1", false, false},
		{"192.168.1.1", false, false},
		{"169.254.169.254", true, false},
		{"fe80::1", false, false},
		{"fd00::1", false, false},
		{"100.64.0.1", false, false},
		{"0.0.0.0", true, false},
		{"::ffff:10.0.0.1", false, false},
	}
	for _, tt := range tests {
		if got := allowedIP(net.ParseIP(tt.ip), tt.loopbackOK); got != tt.want {
			t.Errorf("allowedIP(%s, %v) = %v, want %v", tt.ip, tt.loopbackOK, got, tt.want)
		}
	}
}

// TestPostRefusesLoopbackWhenOff: without the loopback setting a loopback
// URL is refused, and the dialer itself refuses a loopback address however
// the URL named it, before any byte is sent.
func TestPostRefusesLoopbackWhenOff(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer srv.Close()
	n := New(Deps{}, Config{})
	if err := n.post(context.Background(), srv.URL, "x=1"); !errors.Is(err, errRefused) || hit {
		t.Fatalf("post to %s: %v (hit %v)", srv.URL, err, hit)
	}
	resp, err := n.client().Get(srv.URL)
	if err == nil {
		resp.Body.Close()
	}
	if !errors.Is(err, errRefused) || hit {
		t.Fatalf("dial %s: %v (hit %v)", srv.URL, err, hit)
	}
	on := New(Deps{}, Config{AllowHTTPLoopback: true})
	if err := on.post(context.Background(), srv.URL, "x=1"); err != nil || !hit {
		t.Fatalf("with loopback on: %v (hit %v)", err, hit)
	}
}

func TestBackoff(t *testing.T) {
	n := New(Deps{}, Config{})
	got := []time.Duration{n.backoff(1), n.backoff(2), n.backoff(3), n.backoff(8), n.backoff(40)}
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, time.Hour, time.Hour}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("backoff %d: %v, want %v", i, got[i], want[i])
		}
	}
	var total time.Duration
	attempts := 1
	for ; total < 24*time.Hour; attempts++ {
		total += n.backoff(attempts)
	}
	if attempts >= maxAttempts {
		t.Fatalf("%d attempts to cover 24 h, River stops at %d", attempts, maxAttempts)
	}
}
