// Command pcload is a load generator for Partner Center's open API. Every
// request is signed with SDK-HMAC-SHA256 (cbcapi.Sign) as
// huaweicloud-sdk-go-v3 signs it, over keep-alive connections, from -c
// workers, for -d (at most 5 minutes) or -n requests. It prints the requests
// made, failures by status, requests per second and exact latency
// percentiles (nearest rank over every recorded duration of a request that
// got a response, signing included); -json prints one JSON object instead.
//
// It only targets this machine (127.0.0.0/8, ::1, localhost): the check is
// made on the URL and again on every connection's address.
//
//	pcload -url http://127.0.0.1:8080 -ak AK -sk SK -domain-id ID [-path /v2/...] [-c 32] [-d 10s] [-n N] [-json]
//	partnercenter demo --json | pcload -url http://127.0.0.1:8080 -demo-json -
//
// POST bodies: -body sends the same one every time; -body-template fills
// placeholders per request ({{n}}, {{run}}, {{rand}}, {{pick:a|b}}; see
// bodyTemplate), e.g. for CreateSubCustomer, which needs a new name each time:
//
//	pcload -demo-json demo.json -method POST -path /v2/partners/sub-customers \
//	  -body-template '{"xaccount_id":"lt-{{run}}-{{n}}","xaccount_type":"X","domain_name":"lt-{{run}}-{{n}}"}'
//
// CreatePartnerCoupons with 100 customers a call draws them from a file of
// customer ids, one a line (-ids), and counts the coupons issued (-count
// coupon_infos: the length of that array in each 2xx response body):
//
//	pcload -demo-json demo.json -method POST -path /v2/promotions/benefits/partner-coupons -ids ids.txt \
//	  -count coupon_infos -body-template '{"quota_id":"Q","face_value":"0.01","customer_ids":[{{ids:100}}]}'
//
// PayOrders pays each pending order once: {{next}} takes the next line of
// -ids for each request, once, and the run ends when the lines run out (or
// at -d or -n, when given). With -ids-creds every line is "ORDER_ID AK SK
// DOMAIN_ID [MORE...]" and each request is signed with its line's key, so
// that many customers pay their own orders in parallel ({{next:5}} reads
// a fifth field, e.g. a cash coupon of the order's customer):
//
//	pcload -method POST -path /v3/orders/customer-orders/pay -ids pay.txt -ids-creds \
//	  -body-template '{"order_id":"{{next}}","use_coupon":"NO","use_discount":"NO"}'
//
// -save-body FILE writes the last 2xx response body, for a script to read a
// value from (e.g. a quota id from ListQuotaCoupons with -n 1).
//
// Credentials come from -ak/-sk/-domain-id, else from the demo JSON
// (-demo-json FILE, or - for stdin; partner -partner, default sp), else from
// PCLOAD_AK/PCLOAD_SK/PCLOAD_DOMAIN_ID; the flags win. Exit status: 0 when
// every request succeeded (2xx), 1 when some failed, 2 on a usage or setup
// error.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// maxDuration is the hard cap on a run, whatever -d and -n say.
const maxDuration = 5 * time.Minute

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// options are the parsed flags.
type options struct {
	baseURL, path, method, body string
	bodyTemplate                *bodyTemplate
	ak, sk, domainID            string
	concurrency                 int
	duration                    time.Duration
	requests                    int
	timeout                     time.Duration
	jsonOut                     bool
	insecure                    bool
	language                    string
	countKey, saveBody          string
	lines                       *lineSource // {{next}} or -ids-creds: -ids lines, once each
	lineCreds                   bool
}

// run is main without the process: it returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	o, err := parseFlags(args, stdin, stderr, getenv)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "pcload:", err)
		return 2
	}
	target, err := targetURL(o.baseURL, o.path)
	if err != nil {
		fmt.Fprintln(stderr, "pcload:", err)
		return 2
	}
	// SIGINT stops starting new requests; the report still prints.
	res := runLoad(ctx, loadConfig{
		target: target, method: o.method, body: []byte(o.body), template: o.bodyTemplate,
		ak: o.ak, sk: o.sk, domainID: o.domainID, language: o.language,
		concurrency: o.concurrency, duration: o.duration, requests: o.requests,
		timeout: o.timeout, insecure: o.insecure, countKey: o.countKey, keepBody: o.saveBody != "",
		lines: o.lines, lineCreds: o.lineCreds,
	})
	if o.saveBody != "" {
		if err := os.WriteFile(o.saveBody, res.lastBody, 0o600); err != nil {
			fmt.Fprintln(stderr, "pcload:", err)
			return 2
		}
	}
	rep := res.report()
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "pcload:", err)
			return 2
		}
	} else {
		rep.writeText(stdout)
	}
	if rep.Errors > 0 {
		return 1
	}
	return 0
}

func parseFlags(args []string, stdin io.Reader, stderr io.Writer, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("pcload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.baseURL, "url", "http://127.0.0.1:8080", "the server's base URL (loopback only)")
	fs.StringVar(&o.path, "path", "/v2/products/service-types?limit=10&offset=0", "the API path and query to call")
	fs.StringVar(&o.method, "method", "GET", "the HTTP method")
	fs.StringVar(&o.body, "body", "", "the request body, sent as application/json and signed")
	tmpl := fs.String("body-template", "", "a request body with placeholders filled per request: {{n}} sequence number, "+
		"{{run}} a token per run, {{rand}} 8 random hex digits, {{pick:a|b}} one of the alternatives, "+
		"{{ids:K}} K ids drawn from -ids, {{next}} / {{next:F}} field 1 / F of the next -ids line, each line once (instead of -body)")
	fs.StringVar(&o.ak, "ak", "", "access key (or PCLOAD_AK)")
	fs.StringVar(&o.sk, "sk", "", "secret key (or PCLOAD_SK; -demo-json keeps it off the command line)")
	fs.StringVar(&o.domainID, "domain-id", "", "X-Domain-Id to send (or PCLOAD_DOMAIN_ID); empty: not sent")
	demoFile := fs.String("demo-json", "", "read ak, sk and domain id from `FILE`, the output of 'partnercenter demo --json' (- for stdin)")
	partner := fs.String("partner", "sp", "the demo partner whose key -demo-json takes")
	fs.IntVar(&o.concurrency, "c", 32, "concurrent workers, each with its own keep-alive connection")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "how long to run (at most 5m); with -n, {{next}} or -ids-creds and no -d: until -n are done or the -ids lines run out, at most 5m")
	fs.IntVar(&o.requests, "n", 0, "stop after this many requests (0: no count)")
	fs.DurationVar(&o.timeout, "timeout", 10*time.Second, "timeout of one request")
	fs.StringVar(&o.language, "lang", "", "X-Language to send (zh_CN, en_US); empty: not sent")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	idsFile := fs.String("ids", "", "`FILE` of ids, one a line, that {{ids:K}} draws from, or lines that {{next}} and -ids-creds take once each")
	fs.BoolVar(&o.lineCreds, "ids-creds", false, "-ids lines are 'ID AK SK DOMAIN_ID [MORE...]' (DOMAIN_ID - for none): "+
		"sign each request with the key of the line it takes, each line once")
	fs.StringVar(&o.countKey, "count", "", "count the items of this top-level JSON array `KEY` in each 2xx response (e.g. coupon_infos)")
	fs.StringVar(&o.saveBody, "save-body", "", "write the last 2xx response body to `FILE`")
	fs.BoolVar(&o.insecure, "insecure", false, "accept any TLS certificate (https to a self-signed local server)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	if *demoFile != "" {
		var in io.Reader = stdin
		if *demoFile != "-" {
			f, err := os.Open(*demoFile)
			if err != nil {
				return o, err
			}
			defer f.Close()
			in = f
		}
		ak, sk, domainID, err := demoKey(in, *partner)
		if err != nil {
			return o, err
		}
		o.ak, o.sk, o.domainID = pick(o.ak, ak), pick(o.sk, sk), pick(o.domainID, domainID)
	}
	o.ak = pick(o.ak, getenv("PCLOAD_AK"))
	o.sk = pick(o.sk, getenv("PCLOAD_SK"))
	o.domainID = pick(o.domainID, getenv("PCLOAD_DOMAIN_ID"))

	o.method = strings.ToUpper(o.method)
	switch {
	case (o.ak == "" || o.sk == "") && !o.lineCreds:
		return o, errors.New("no access key: give -ak and -sk, -demo-json, or PCLOAD_AK and PCLOAD_SK")
	case o.concurrency < 1 || o.concurrency > 10000:
		return o, fmt.Errorf("-c %d: want 1 to 10000 workers", o.concurrency)
	case o.requests < 0:
		return o, fmt.Errorf("-n %d: want 0 (no count) or more", o.requests)
	case o.duration <= 0:
		return o, fmt.Errorf("-d %s: want a positive duration", o.duration)
	case o.duration > maxDuration:
		return o, fmt.Errorf("-d %s: at most %s", o.duration, maxDuration)
	case o.timeout <= 0:
		return o, fmt.Errorf("-timeout %s: want a positive duration", o.timeout)
	case o.method == "" || strings.ContainsAny(o.method, " \t\r\n"):
		return o, fmt.Errorf("-method %q: not a method", o.method)
	}
	nextFields := 0
	if *tmpl != "" {
		if o.body != "" {
			return o, errors.New("-body and -body-template: give one")
		}
		t, err := parseBodyTemplate(*tmpl, runToken(rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))))
		if err != nil {
			return o, err
		}
		o.bodyTemplate = t
		nextFields = t.nextFields()
		if t.needsIDs() && (nextFields > 0 || o.lineCreds) {
			return o, errors.New("-body-template: {{ids:K}} draws ids at random, {{next}} and -ids-creds take lines once: give one")
		}
		if t.needsIDs() {
			if *idsFile == "" {
				return o, errors.New("-body-template uses {{ids:K}}: give -ids FILE")
			}
			ids, err := readIDs(*idsFile)
			if err != nil {
				return o, err
			}
			if err := t.setIDs(ids); err != nil {
				return o, err
			}
		}
	}
	if nextFields > 0 || o.lineCreds {
		if *idsFile == "" {
			return o, errors.New("{{next}} and -ids-creds take lines of -ids: give -ids FILE")
		}
		minFields := nextFields
		if o.lineCreds {
			minFields = max(minFields, credsSK+1)
		}
		lines, err := readLines(*idsFile, minFields)
		if err != nil {
			return o, err
		}
		o.lines = lines
	}
	if (o.requests > 0 || o.lines != nil) && !set["d"] {
		// Until -n are done or the lines run out, at most 5 minutes.
		o.duration = maxDuration
	}
	return o, nil
}

func pick(flagValue, fallback string) string {
	if flagValue != "" {
		return flagValue
	}
	return fallback
}

// demoKey reads `partnercenter demo --json` output (design.md §5) and
// returns the access key, secret and domain id of the partner with key.
func demoKey(r io.Reader, key string) (ak, sk, domainID string, err error) {
	var demo struct {
		Partners []struct {
			Key       string `json:"key"`
			DomainID  string `json:"domain_id"`
			AccessKey string `json:"access_key"`
			SecretKey string `json:"secret_key"`
		} `json:"partners"`
	}
	if err := json.NewDecoder(io.LimitReader(r, 1<<20)).Decode(&demo); err != nil {
		return "", "", "", fmt.Errorf("demo JSON: %w", err)
	}
	for _, p := range demo.Partners {
		if p.Key == key {
			if p.AccessKey == "" || p.SecretKey == "" {
				return "", "", "", fmt.Errorf("demo JSON: partner %q has no access key", key)
			}
			return p.AccessKey, p.SecretKey, p.DomainID, nil
		}
	}
	return "", "", "", fmt.Errorf("demo JSON: no partner %q", key)
}

// targetURL joins the base URL (scheme and loopback host, no path) and the
// API path with its query.
func targetURL(base, path string) (*url.URL, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("-url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("-url %q: want http:// or https://", base)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		// The SDK drops an endpoint's path too (reference/stack.md §1).
		return nil, fmt.Errorf("-url %q: want only a scheme, host and port; put the path in -path", base)
	}
	if err := checkLoopbackHost(u.Hostname()); err != nil {
		return nil, fmt.Errorf("-url %q: %w", base, err)
	}
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("-path %q: want an absolute path such as /v2/products/service-types", path)
	}
	p, err := url.Parse(path)
	if err != nil || p.Host != "" || p.Scheme != "" {
		return nil, fmt.Errorf("-path %q: not a path", path)
	}
	if _, err := url.ParseQuery(p.RawQuery); err != nil {
		return nil, fmt.Errorf("-path %q: query: %w", path, err)
	}
	u.Path, u.RawPath, u.RawQuery = p.Path, p.RawPath, p.RawQuery
	return u, nil
}

// readIDs reads a file of ids, one a line; blank lines are skipped.
func readIDs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-ids: %w", err)
	}
	var ids []string
	for line := range strings.Lines(string(b)) {
		if id := strings.TrimSpace(line); id != "" {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
