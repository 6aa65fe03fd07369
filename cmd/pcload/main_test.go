package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"partnercenter/internal/cbcapi"
)

func TestPercentile(t *testing.T) {
	ms := func(vals ...int) []time.Duration {
		out := make([]time.Duration, len(vals))
		for i, v := range vals {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1 // 1..100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"Empty", nil, 50, 0},
		{"One", ms(7), 99, 7 * time.Millisecond},
		{"HundredP50", ms(hundred...), 50, 50 * time.Millisecond},
		{"HundredP90", ms(hundred...), 90, 90 * time.Millisecond},
		{"HundredP99", ms(hundred...), 99, 99 * time.Millisecond},
		{"HundredMax", ms(hundred...), 100, 100 * time.Millisecond},
		// Nearest rank: p50 of 4 values is the 2nd, p99 the 4th.
		{"FourP50", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"FourP51", ms(1, 2, 3, 4), 51, 3 * time.Millisecond},
		{"FourP99", ms(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{"TinyPIsTheMinimum", ms(1, 2, 3, 4), 0.001, 1 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestLoopbackGuard(t *testing.T) {
	for _, tt := range []struct {
		base string
		ok   bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.8.9.10:1", true},
		{"https://[::1]:8443/", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST", true},
		{"http://[::ffff:127.0.0.1]:80", true},
		{"http://10.0.0.1:8080", false},
		{"http://192.168.1.1", false},
		{"http://0.0.0.0:8080", false},
		{"http://[::]:8080", false},
		{"http://example.com", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"http://2130706433", false}, // 127.0.0.1 as a number: not a literal netip accepts, so refused
		{"ftp://127.0.0.1", false},
		{"http://127.0.0.1:8080/prefix", false},
		{"http://user:pw@127.0.0.1", false},
		{"127.0.0.1:8080", false},
	} {
		_, err := targetURL(tt.base, "/v2/products/service-types")
		if (err == nil) != tt.ok {
			t.Errorf("targetURL(%q): err %v, want ok=%v", tt.base, err, tt.ok)
		}
	}
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:80", true},
		{"[::1]:80", true},
		{"10.1.2.3:80", false},
		{"[2001:db8::1]:443", false},
		{"nonsense", false},
	} {
		if err := loopbackOnly("tcp", tt.addr, nil); (err == nil) != tt.ok {
			t.Errorf("loopbackOnly(%q): %v, want ok=%v", tt.addr, err, tt.ok)
		}
	}
	if u, err := targetURL("http://127.0.0.1:1/", "/v2/a%20b?limit=10&offset=0"); err != nil ||
		u.String() != "http://127.0.0.1:1/v2/a%20b?limit=10&offset=0" {
		t.Errorf("target %v, %v", u, err)
	}
	for _, p := range []string{"v2/x", "//evil.example.com/v2", "/v2/x?a=%zz"} {
		if _, err := targetURL("http://127.0.0.1:1", p); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
}

const demoJSON = `{"operator":{"username":"ops","password":"p"},"partners":[
 {"key":"sp","domain_id":"dom-sp","access_key":"AKSP","secret_key":"SKSP"},
 {"key":"dist","domain_id":"dom-dist","access_key":"AKDIST","secret_key":"SKDIST"}]}`

// TestRun drives the whole program against a local server that verifies
// every signature: the count, the report and the exit status.
func TestRun(t *testing.T) {
	var seen, bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Add(1)
		body, _ := io.ReadAll(r.Body)
		auth, err := cbcapi.ParseAuthorization(r.Header.Get("Authorization"))
		if err == nil {
			err = cbcapi.VerifySignature(r, auth, body, "SKSP", time.Now())
		}
		if err != nil || auth.AccessKey != "AKSP" || r.Header.Get("X-Domain-Id") != "dom-sp" {
			bad.Add(1)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"error_code":"APIGW.0301","error_msg":"verify aksk signature fail"}`)
			return
		}
		if r.URL.Query().Get("fail") != "" {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"error_code":"CBC.0250","error_msg":"Too many requests"}`)
			return
		}
		_, _ = io.WriteString(w, `{"total_count":0}`)
	}))
	defer srv.Close()

	t.Run("OK/CountFromDemoJSONOnStdin", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-url", srv.URL, "-demo-json", "-", "-c", "4", "-n", "50", "-json",
			"-method", "post", "-body", "{\"offset\":0}\n"}, strings.NewReader(demoJSON), &stdout, &stderr, noEnv)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		var rep report
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 50 || rep.OK != 50 || rep.Errors != 0 || rep.Status["200"] != 50 || rep.Method != "POST" {
			t.Errorf("report %+v", rep)
		}
		if rep.Latency.P50 <= 0 || rep.Latency.P50 > rep.Latency.P99 || rep.Latency.P99 > rep.Latency.Max || rep.PerSecond <= 0 {
			t.Errorf("latency %+v, %v/s", rep.Latency, rep.PerSecond)
		}
		if bad.Load() != 0 {
			t.Errorf("%d requests failed the signature check", bad.Load())
		}
	})
	t.Run("ErrStatusesCountedExitOne", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-url", srv.URL, "-path", "/v2/x?fail=1", "-ak", "AKSP", "-sk", "SKSP",
			"-domain-id", "dom-sp", "-c", "2", "-n", "6"}, nil, &stdout, &stderr, noEnv)
		if code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, stdout.String(), stderr.String())
		}
		for _, want := range []string{"requests    6 (ok 0, errors 6)", "429: 6", "CBC.0250"} {
			if !strings.Contains(stdout.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, stdout.String())
			}
		}
	})
	t.Run("OK/DurationBoundsTheRun", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		code := run(context.Background(), []string{"-url", srv.URL, "-demo-json", "-", "-c", "2", "-d", "200ms", "-json"},
			strings.NewReader(demoJSON), &stdout, &stderr, noEnv)
		if code != 0 || time.Since(start) > 5*time.Second {
			t.Fatalf("exit %d after %s\n%s%s", code, time.Since(start), stdout.String(), stderr.String())
		}
	})
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"ErrNotLoopback", []string{"-url", "http://192.0.2.1:8080", "-ak", "a", "-sk", "b"}},
		{"ErrNoKey", []string{"-url", srv.URL}},
		{"ErrDurationOverCap", []string{"-url", srv.URL, "-ak", "a", "-sk", "b", "-d", "6m"}},
		{"ErrNoDemoPartner", []string{"-url", srv.URL, "-demo-json", "-", "-partner", "nobody"}},
		{"ErrZeroWorkers", []string{"-url", srv.URL, "-ak", "a", "-sk", "b", "-c", "0"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := seen.Load()
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, strings.NewReader(demoJSON), &stdout, &stderr, noEnv); code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, stderr.String())
			}
			if seen.Load() != before {
				t.Errorf("a refused run sent requests")
			}
		})
	}
}

func noEnv(string) string { return "" }

func TestDemoKey(t *testing.T) {
	ak, sk, dom, err := demoKey(strings.NewReader(demoJSON), "dist")
	if err != nil || ak != "AKDIST" || sk != "SKDIST" || dom != "dom-dist" {
		t.Errorf("demoKey: %q %q %q %v", ak, sk, dom, err)
	}
	if _, _, _, err := demoKey(strings.NewReader("not json"), "sp"); err == nil {
		t.Error("bad JSON accepted")
	}
	var target error = errNotLoopback
	if !errors.Is(checkLoopbackHost("8.8.8.8"), target) {
		t.Error("8.8.8.8 not refused as non-loopback")
	}
}
