package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestLoadGeneratorSmoke runs cmd/pcload for about a second against the
// real binary with the rate limit off, its credentials taken from the demo
// JSON on stdin, and checks that every signed request succeeded. It checks
// correctness, not speed.
func TestLoadGeneratorSmoke(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "pcload")
	build := exec.Command("go", "build", "-o", bin, "partnercenter/cmd/pcload")
	build.Dir = ".." // the repository root, as TestMain builds the server
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building pcload: %v\n%s", err, out)
	}
	s := startServer(t, withEnv("PC_API_RATE_LIMIT", "0"))
	demo, err := json.Marshal(s.Demo)
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bin, "-url", s.URL, "-demo-json", "-", "-c", "4", "-d", "1s", "-json",
		"-path", "/v2/products/resource-types?limit=5&offset=1")
	cmd.Stdin = bytes.NewReader(demo)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("pcload: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	var rep struct {
		Requests  int            `json:"requests"`
		OK        int            `json:"ok"`
		Errors    int            `json:"errors"`
		Status    map[string]int `json:"status"`
		PerSecond float64        `json:"requests_per_second"`
		Latency   struct {
			P50, P99, Max float64
		} `json:"latency_ms"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("pcload -json output: %v\n%s", err, stdout.String())
	}
	if rep.Requests == 0 || rep.Errors != 0 || rep.OK != rep.Requests || rep.Status["200"] != rep.Requests {
		t.Fatalf("pcload report:\n%s", stdout.String())
	}
	if rep.Latency.P50 <= 0 || rep.Latency.P50 > rep.Latency.P99 || rep.Latency.P99 > rep.Latency.Max {
		t.Errorf("latencies out of order:\n%s", stdout.String())
	}
	t.Logf("%d requests in %s, %.0f/s, p50 %.2f ms, p99 %.2f ms", rep.Requests, time.Since(start).Round(time.Millisecond),
		rep.PerSecond, rep.Latency.P50, rep.Latency.P99)
}
