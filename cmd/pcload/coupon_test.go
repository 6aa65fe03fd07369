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
)

// The CreatePartnerCoupons load: {{ids:K}} draws K distinct customer ids
// from -ids, -count counts the coupons in each answer, -save-body keeps one.

func TestIDsPlaceholder(t *testing.T) {
	pool := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, k := range []int{1, 2, 7, 8} {
		t.Run(fmt.Sprintf("OK/K%d", k), func(t *testing.T) {
			tp, err := parseBodyTemplate(fmt.Sprintf(`{"customer_ids":[{{ids:%d}}]}`, k), "x")
			if err != nil {
				t.Fatal(err)
			}
			if err := tp.setIDs(pool); err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(3, 4))
			for range 50 {
				var body struct {
					IDs []string `json:"customer_ids"`
				}
				if err := json.Unmarshal(tp.expand(0, r), &body); err != nil {
					t.Fatal(err)
				}
				seen := map[string]bool{}
				for _, id := range body.IDs {
					if seen[id] || !strings.Contains("abcdefgh", id) {
						t.Fatalf("ids %v: repeated or unknown %q", body.IDs, id)
					}
					seen[id] = true
				}
				if len(body.IDs) != k {
					t.Fatalf("%d ids, want %d", len(body.IDs), k)
				}
			}
		})
	}
	t.Run("ErrPoolTooSmall", func(t *testing.T) {
		tp, err := parseBodyTemplate(`[{{ids:9}}]`, "x")
		if err != nil {
			t.Fatal(err)
		}
		if err := tp.setIDs(pool); err == nil {
			t.Fatal("9 ids from a pool of 8 accepted")
		}
	})
	for _, bad := range []string{`{{ids:0}}`, `{{ids:}}`, `{{ids:x}}`} {
		t.Run("ErrSyntax/"+bad, func(t *testing.T) {
			if _, err := parseBodyTemplate(bad, "x"); err == nil {
				t.Fatalf("%s accepted", bad)
			}
		})
	}
}

func TestCouponLoad(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
		var in struct {
			IDs []string `json:"customer_ids"`
		}
		_ = json.Unmarshal(b, &in)
		// The first customer of every call fails, the others get a coupon.
		infos := []map[string]string{}
		for _, id := range in.IDs[1:] {
			infos = append(infos, map[string]string{"id": id, "coupon_id": "c-" + id})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"coupon_infos": infos,
			"error_details": []map[string]string{{"id": in.IDs[0], "error_code": "CBC.99000013"}}})
	}))
	defer srv.Close()
	dir := t.TempDir()
	idsFile, saved := filepath.Join(dir, "ids.txt"), filepath.Join(dir, "last.json")
	var ids bytes.Buffer
	for i := range 300 {
		fmt.Fprintf(&ids, "cust%03d\n", i)
	}
	if err := os.WriteFile(idsFile, ids.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-url", srv.URL, "-demo-json", "-", "-c", "3", "-n", "12", "-json",
			"-method", "POST", "-ids", idsFile, "-count", "coupon_infos", "-save-body", saved,
			"-body-template", `{"quota_id":"q","face_value":"0.01","customer_ids":[{{ids:100}}]}`},
			strings.NewReader(demoJSON), &stdout, &stderr, noEnv)
		if code != 0 {
			t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
		var rep report
		if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Requests != 12 || rep.Items == nil || *rep.Items != 12*99 || rep.ItemsPerSecond == nil || *rep.ItemsPerSecond <= 0 {
			t.Fatalf("report %s", stdout.String())
		}
		b, err := os.ReadFile(saved)
		if err != nil || countItems(b, "coupon_infos") != 99 {
			t.Errorf("saved body %s (%v)", b, err)
		}
		mu.Lock()
		defer mu.Unlock()
		for _, body := range bodies {
			var in struct {
				IDs []string `json:"customer_ids"`
			}
			if err := json.Unmarshal(body, &in); err != nil || len(in.IDs) != 100 {
				t.Fatalf("request body %s (%v)", body, err)
			}
		}
	})
	t.Run("OK/TextReport", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-url", srv.URL, "-demo-json", "-", "-c", "1", "-n", "2", "-method", "POST",
			"-ids", idsFile, "-count", "coupon_infos", "-body-template", `{"customer_ids":[{{ids:3}}]}`},
			strings.NewReader(demoJSON), &stdout, &stderr, noEnv)
		if code != 0 || !strings.Contains(stdout.String(), "items       4,") {
			t.Fatalf("exit %d\n%s%s", code, stdout.String(), stderr.String())
		}
	})
	t.Run("ErrIDsFileMissing", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), []string{"-url", srv.URL, "-demo-json", "-", "-method", "POST",
			"-body-template", `[{{ids:3}}]`}, strings.NewReader(demoJSON), &stdout, &stderr, noEnv)
		if code != 2 || !strings.Contains(stderr.String(), "-ids") {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	})
}
