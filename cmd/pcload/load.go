package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"partnercenter/internal/cbcapi"
)

// errNotLoopback refuses a target that is not on this machine.
var errNotLoopback = errors.New("only loopback targets are allowed (127.0.0.0/8, ::1, localhost)")

// checkLoopbackHost allows "localhost" and loopback IP literals only. A name
// other than localhost is refused without resolving it.
func checkLoopbackHost(host string) error {
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	a, err := netip.ParseAddr(host)
	if err != nil || !a.Unmap().IsLoopback() {
		return fmt.Errorf("%q: %w", host, errNotLoopback)
	}
	return nil
}

// loopbackOnly is a net.Dialer Control that refuses any address that is not
// loopback, so "localhost" mapped elsewhere or a redirect cannot leave the
// machine either.
func loopbackOnly(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !ap.Addr().Unmap().IsLoopback() {
		return fmt.Errorf("dial %s: %w", address, errNotLoopback)
	}
	return nil
}

// loadConfig is one run.
type loadConfig struct {
	target                     *url.URL
	method                     string
	body                       []byte
	template                   *bodyTemplate // when set, each request's body; body is unused
	ak, sk, domainID, language string
	concurrency                int
	duration                   time.Duration // no new request starts after it
	requests                   int           // 0: no count
	timeout                    time.Duration // of one request
	insecure                   bool
	userAgent                  string // default "pcload/1 huaweicloud-usdk-go/3.0"
	now                        func() time.Time
	transport                  http.RoundTripper // tests; default a keep-alive transport
	maxErrorSamples            int
	countKey                   string // count this top-level array's items in 2xx bodies
	keepBody                   bool   // keep the last 2xx body (-save-body)
	// lines, when set, gives each request the next line of -ids, once; the
	// run ends when they run out. With lineCreds the request is signed
	// with the line's key instead of ak/sk/domainID.
	lines     *lineSource
	lineCreds bool
}

// signingKey is the access key, secret and X-Domain-Id a request is
// signed and sent with.
type signingKey struct{ ak, sk, domainID string }

// result is what the workers recorded.
type result struct {
	cfg       loadConfig
	elapsed   time.Duration
	latencies []time.Duration // of every request that got a response
	status    map[int]int
	transport int               // requests without a response
	samples   map[string]string // one error message per failing status or "transport"
	items     int               // countKey items in 2xx bodies
	lastBody  []byte            // a 2xx body, with keepBody
}

// newTransport returns keep-alive connections, one idle connection kept per
// worker, dialling loopback addresses only.
func newTransport(c int, insecure bool) *http.Transport {
	d := &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second, Control: loopbackOnly}
	t := &http.Transport{
		Proxy:               nil, // never through a proxy: the target is this machine
		DialContext:         d.DialContext,
		MaxIdleConns:        c,
		MaxIdleConnsPerHost: c,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		TLSHandshakeTimeout: 5 * time.Second,
	}
	if insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // -insecure, loopback only
	}
	return t
}

// runLoad runs the workers until the duration is over, the request count is
// reached or ctx is done, and waits for the requests in flight.
func runLoad(ctx context.Context, cfg loadConfig) *result {
	if cfg.now == nil {
		cfg.now = time.Now
	}
	if cfg.userAgent == "" {
		cfg.userAgent = "pcload/1 huaweicloud-usdk-go/3.0"
	}
	if cfg.maxErrorSamples == 0 {
		cfg.maxErrorSamples = 8
	}
	rt := cfg.transport
	if rt == nil {
		tr := newTransport(cfg.concurrency, cfg.insecure)
		defer tr.CloseIdleConnections()
		rt = tr
	}
	client := &http.Client{
		Transport:     rt,
		Timeout:       cfg.timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}

	start := time.Now()
	deadline := start.Add(cfg.duration)
	var issued, seq atomic.Int64
	type workerResult struct {
		latencies []time.Duration
		status    map[int]int
		transport int
		samples   map[string]string
		items     int
		lastBody  []byte
	}
	out := make([]workerResult, cfg.concurrency)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func(w *workerResult, r *rand.Rand) {
			defer wg.Done()
			w.status = map[int]int{}
			w.samples = map[string]string{}
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if cfg.requests > 0 && issued.Add(1) > int64(cfg.requests) {
					return
				}
				key := signingKey{ak: cfg.ak, sk: cfg.sk, domainID: cfg.domainID}
				var line []string
				if cfg.lines != nil {
					var ok bool
					if line, ok = cfg.lines.take(); !ok {
						return
					}
					if cfg.lineCreds {
						key = lineKey(line)
					}
				}
				body := cfg.body
				if cfg.template != nil {
					body = cfg.template.expandLine(seq.Add(1)-1, r, line)
				}
				status, took, err := doOne(client, cfg, key, body)
				if err != nil {
					w.transport++
					if _, ok := w.samples["transport"]; !ok {
						w.samples["transport"] = err.Error()
					}
					continue
				}
				w.latencies = append(w.latencies, took)
				w.status[status.code]++
				w.items += status.items
				if status.ok != nil {
					w.lastBody = status.ok
				}
				if status.code >= 300 {
					if _, ok := w.samples[strconv.Itoa(status.code)]; !ok {
						w.samples[strconv.Itoa(status.code)] = status.body
					}
				}
			}
		}(&out[i], rand.New(rand.NewPCG(rand.Uint64(), uint64(i))))
	}
	wg.Wait()

	res := &result{cfg: cfg, elapsed: time.Since(start), status: map[int]int{}, samples: map[string]string{}}
	n := 0
	for _, w := range out {
		n += len(w.latencies)
	}
	res.latencies = make([]time.Duration, 0, n)
	for _, w := range out {
		res.latencies = append(res.latencies, w.latencies...)
		for k, v := range w.status {
			res.status[k] += v
		}
		res.transport += w.transport
		res.items += w.items
		if w.lastBody != nil {
			res.lastBody = w.lastBody
		}
		for k, v := range w.samples {
			if _, ok := res.samples[k]; !ok && len(res.samples) < cfg.maxErrorSamples {
				res.samples[k] = v
			}
		}
	}
	return res
}

type response struct {
	code  int
	body  string // the start of a failed response's body
	items int    // countKey items of a 2xx body
	ok    []byte // a 2xx body, with keepBody
}

// doOne builds, signs and sends one request and reads the whole response,
// so the connection goes back to the pool. The latency covers signing,
// sending and reading the body.
func doOne(client *http.Client, cfg loadConfig, key signingKey, payload []byte) (response, time.Duration, error) {
	t0 := time.Now()
	var body io.Reader = http.NoBody
	if len(payload) > 0 {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequest(cfg.method, cfg.target.String(), body)
	if err != nil {
		return response{}, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", cfg.userAgent)
	if key.domainID != "" {
		req.Header.Set("X-Domain-Id", key.domainID)
	}
	if cfg.language != "" {
		req.Header.Set("X-Language", cfg.language)
	}
	if err := cbcapi.Sign(req, payload, key.ak, key.sk, cfg.now()); err != nil {
		return response{}, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return response{}, 0, err
	}
	r := response{code: resp.StatusCode}
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		r.body = strings.TrimSpace(string(b))
	} else if resp.StatusCode >= 200 && (cfg.countKey != "" || cfg.keepBody) {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			resp.Body.Close()
			return response{}, 0, fmt.Errorf("read response: %w", err)
		}
		r.items = countItems(b, cfg.countKey)
		if cfg.keepBody {
			r.ok = b
		}
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return response{}, 0, fmt.Errorf("read response: %w", err)
	}
	return r, time.Since(t0), nil
}

// percentile returns the nearest-rank p-th percentile (0 < p <= 100) of
// sorted: the smallest recorded value that at least p% of the values do not
// exceed. It is exact: no histogram buckets. Zero for no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// report is the printed summary; its JSON form is pcload -json's output.
type report struct {
	Method      string            `json:"method"`
	URL         string            `json:"url"`
	Concurrency int               `json:"concurrency"`
	Seconds     float64           `json:"seconds"`
	Requests    int               `json:"requests"`
	OK          int               `json:"ok"`
	Errors      int               `json:"errors"`
	Status      map[string]int    `json:"status"`           // every response by HTTP status
	Transport   int               `json:"transport_errors"` // requests without a response
	PerSecond   float64           `json:"requests_per_second"`
	Latency     latencyReport     `json:"latency_ms"`
	Samples     map[string]string `json:"error_samples,omitempty"`
	// Items and ItemsPerSecond count -count's array items (e.g. coupons).
	Items          *int     `json:"items,omitempty"`
	ItemsPerSecond *float64 `json:"items_per_second,omitempty"`
}

type latencyReport struct {
	Min  float64 `json:"min"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
}

func ms(d time.Duration) float64 { return math.Round(float64(d)/1e3) / 1e3 }

func (r *result) report() report {
	lat := slices.Clone(r.latencies)
	slices.Sort(lat)
	rep := report{
		Method: r.cfg.method, URL: r.cfg.target.String(), Concurrency: r.cfg.concurrency,
		Seconds: math.Round(r.elapsed.Seconds()*1000) / 1000, Status: map[string]int{},
		Transport: r.transport, Samples: r.samples,
	}
	for code, n := range r.status {
		rep.Status[strconv.Itoa(code)] = n
		rep.Requests += n
		if code >= 200 && code < 300 {
			rep.OK += n
		} else {
			rep.Errors += n
		}
	}
	rep.Requests += r.transport
	rep.Errors += r.transport
	if r.elapsed > 0 {
		rep.PerSecond = math.Round(float64(rep.Requests)/r.elapsed.Seconds()*10) / 10
	}
	if len(lat) > 0 {
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		rep.Latency = latencyReport{
			Min: ms(lat[0]), Mean: ms(sum / time.Duration(len(lat))),
			P50: ms(percentile(lat, 50)), P90: ms(percentile(lat, 90)), P99: ms(percentile(lat, 99)), Max: ms(lat[len(lat)-1]),
		}
	}
	if len(rep.Samples) == 0 {
		rep.Samples = nil
	}
	if r.cfg.countKey != "" {
		items, perSecond := r.items, 0.0
		if r.elapsed > 0 {
			perSecond = math.Round(float64(items)/r.elapsed.Seconds()*10) / 10
		}
		rep.Items, rep.ItemsPerSecond = &items, &perSecond
	}
	return rep
}

func (rep report) writeText(w io.Writer) {
	fmt.Fprintf(w, "target      %s %s\n", rep.Method, rep.URL)
	fmt.Fprintf(w, "workers     %d, ran %.3f s\n", rep.Concurrency, rep.Seconds)
	fmt.Fprintf(w, "requests    %d (ok %d, errors %d)\n", rep.Requests, rep.OK, rep.Errors)
	codes := make([]string, 0, len(rep.Status))
	for c := range rep.Status {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, 0, len(codes)+1)
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s: %d", c, rep.Status[c]))
	}
	if rep.Transport > 0 {
		parts = append(parts, fmt.Sprintf("no response: %d", rep.Transport))
	}
	fmt.Fprintf(w, "by status   %s\n", strings.Join(parts, ", "))
	fmt.Fprintf(w, "throughput  %.1f requests/s\n", rep.PerSecond)
	if rep.Items != nil {
		fmt.Fprintf(w, "items       %d, %.1f/s\n", *rep.Items, *rep.ItemsPerSecond)
	}
	l := rep.Latency
	fmt.Fprintf(w, "latency ms  min %.3f  mean %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f\n", l.Min, l.Mean, l.P50, l.P90, l.P99, l.Max)
	keys := make([]string, 0, len(rep.Samples))
	for k := range rep.Samples {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "error %-6s %s\n", k, rep.Samples[k])
	}
}

// countItems returns the length of the top-level JSON array key in body; 0
// when the body is not an object or has no such array.
func countItems(body []byte, key string) int {
	if key == "" {
		return 0
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return 0
	}
	var items []json.RawMessage
	if json.Unmarshal(obj[key], &items) != nil {
		return 0
	}
	return len(items)
}
