package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"partnercenter/internal/cbcapi"
)

// The PayOrders load: {{next}} takes each -ids line once, -ids-creds signs
// each request with the key of its line's customer.

func TestNextPlaceholder(t *testing.T) {
	tp, err := parseBodyTemplate(`{"order_id":"{{next}}","coupon":"{{next:5}}","n":{{n}}}`, "x")
	if err != nil {
		t.Fatal(err)
	}
	if got := tp.nextFields(); got != 5 {
		t.Fatalf("nextFields %d, want 5", got)
	}
	line := []string{"o1", "AK", "SK", "dom", "cp1"}
	if got := string(tp.expandLine(3, rand.New(rand.NewPCG(1, 2)), line)); got != `{"order_id":"o1","coupon":"cp1","n":3}` {
		t.Fatalf("got %s", got)
	}
	plain, err := parseBodyTemplate(`{"n":{{n}}}`, "x")
	if err != nil || plain.nextFields() != 0 {
		t.Fatalf("a template without {{next}} reads %d fields (%v)", plain.nextFields(), err)
	}
	if f, _ := parseBodyTemplate(`{{next:1}}`, "x"); f.nextFields() != 1 {
		t.Fatal("{{next:1}} is not the first field")
	}
	for _, bad := range []string{`{{next:0}}`, `{{next:}}`, `{{next:x}}`, `{{nextx}}`} {
		t.Run("ErrSyntax/"+bad, func(t *testing.T) {
			if _, err := parseBodyTemplate(bad, "x"); err == nil {
				t.Fatalf("%s accepted", bad)
			}
		})
	}
}

func TestReadLines(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	src, err := readLines(write("ok", "# order ak sk domain\no1 a1 s1 d1\n\n  o2\ta2 s2 -  extra \n"), 3)
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for {
		l, ok := src.take()
		if !ok {
			break
		}
		got = append(got, l)
	}
	if fmt.Sprint(got) != "[[o1 a1 s1 d1] [o2 a2 s2 - extra]]" {
		t.Fatalf("lines %v", got)
	}
	if _, ok := src.take(); ok {
		t.Fatal("a line taken twice")
	}
	if k := lineKey(got[0]); k != (signingKey{"a1", "s1", "d1"}) {
		t.Errorf("key %+v", k)
	}
	if k := lineKey(got[1]); k != (signingKey{"a2", "s2", ""}) {
		t.Errorf("key with domain -: %+v", k)
	}
	if k := lineKey([]string{"o", "a", "s"}); k != (signingKey{"a", "s", ""}) {
		t.Errorf("key without domain: %+v", k)
	}
	if _, err := readLines(write("short", "o1 a1 s1\no2 a2\n"), 3); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("a short line: %v", err)
	}
	if _, err := readLines(write("empty", "\n# nothing\n"), 1); err == nil {
		t.Error("a file without lines accepted")
	}
	if _, err := readLines(filepath.Join(dir, "missing"), 1); err == nil {
		t.Error("a missing file accepted")
	}
}

// TestPayLoad drives the program against a server that knows 40
// customers' keys: every order is paid once, by its own customer's key.
func TestPayLoad(t *testing.T) {
	const customers, orders = 40, 120
	secrets := map[string]string{}
	var lines bytes.Buffer
	for i := range orders {
		c := i % customers
		ak, sk := fmt.Sprintf("AKC%02d", c), fmt.Sprintf("SKC%02d", c)
		secrets[ak] = sk
		fmt.Fprintf(&lines, "ord%03d %s %s cust%02d coupon%03d\n", i, ak, sk, c, i)
	}
	var mu sync.Mutex
	paid := map[string]int{}
	var bad []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in struct {
			OrderID     string `json:"order_id"`
			CouponInfos []struct {
				ID string `json:"id"`
			} `json:"coupon_infos"`
		}
		_ = json.Unmarshal(body, &in)
		auth, err := cbcapi.ParseAuthorization(r.Header.Get("Authorization"))
		if err == nil {
			err = cbcapi.VerifySignature(r, auth, body, secrets[auth.AccessKey], time.Now())
		}
		n := strings.TrimPrefix(in.OrderID, "ord")
		var i int
		_, scanErr := fmt.Sscanf(n, "%d", &i)
		wantAK, wantDom := fmt.Sprintf("AKC%02d", i%customers), fmt.Sprintf("cust%02d", i%customers)
		mu.Lock()
		defer mu.Unlock()
		if err != nil || scanErr != nil || auth.AccessKey != wantAK || r.Header.Get("X-Domain-Id") != wantDom ||
			len(in.CouponInfos) != 1 || in.CouponInfos[0].ID != "coupon"+n {
			bad = append(bad, fmt.Sprintf("%s by %s (%v): %s", in.OrderID, r.Header.Get("X-Domain-Id"), err, body))
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		paid[in.OrderID]++
		if paid[in.OrderID] > 1 {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"error_code":"CBC.99005010","error_msg":"not payable"}`)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	idsFile := filepath.Join(t.TempDir(), "pay.txt")
	if err := os.WriteFile(idsFile, lines.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl := `{"order_id":"{{next}}","use_coupon":"YES","use_discount":"NO","coupon_infos":[{"id":"{{next:5}}","type":3}]}`
	args := func(extra ...string) []string {
		return append([]string{"-url", srv.URL, "-method", "POST", "-path", "/v3/orders/customer-orders/pay", "-json",
			"-ids", idsFile, "-ids-creds", "-body-template", tmpl}, extra...)
	}

	t.Run("OK/EveryLineOnceThenStop", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		start := time.Now()
		code := run(context.Background(), args("-c", "8"), nil, &stdout, &stderr, noEnv)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s\nbad: %v", code, stdout.String(), stderr.String(), bad)
		}
		if time.Since(start) > 30*time.Second {
			t.Fatalf("the run did not end when the lines ran out")
		}
		var rep report
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Requests != orders || rep.OK != orders || rep.Status["204"] != orders {
			t.Fatalf("report %s", stdout.String())
		}
		mu.Lock()
		defer mu.Unlock()
		if len(paid) != orders || len(bad) > 0 {
			t.Fatalf("%d orders paid, want %d; bad: %v", len(paid), orders, bad)
		}
	})
	t.Run("OK/CountStopsFirst", func(t *testing.T) {
		mu.Lock()
		clear(paid)
		mu.Unlock()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args("-c", "3", "-n", "10"), nil, &stdout, &stderr, noEnv); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		mu.Lock()
		defer mu.Unlock()
		if len(paid) != 10 {
			t.Fatalf("%d orders paid, want 10", len(paid))
		}
	})
	for _, tt := range []struct {
		name, want string
		args       []string
	}{
		{"ErrNoIDsFile", "-ids", []string{"-url", srv.URL, "-method", "POST", "-ids-creds", "-body", "{}"}},
		{"ErrNextWithoutIDs", "-ids", []string{"-url", srv.URL, "-ak", "a", "-sk", "b", "-body-template", `{{next}}`}},
		{"ErrTooFewFields", "fields", []string{"-url", srv.URL, "-ids", idsFile, "-ids-creds", "-body-template", `{{next:6}}`}},
		{"ErrIDsAndNext", "give one", []string{"-url", srv.URL, "-ids", idsFile, "-ids-creds", "-body-template", `[{{ids:2}}]`}},
		{"ErrNoKeyWithoutCreds", "no access key", []string{"-url", srv.URL, "-ids", idsFile, "-body-template", `{{next}}`}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), tt.args, nil, &stdout, &stderr, noEnv); code != 2 || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, want 2 naming %q: %s", code, tt.want, stderr.String())
			}
		})
	}
}
