// Command pcgen fills a Partner Center database with generated customers for
// load tests and benchmarks. It is a test and benchmark tool, not part of the
// product: it writes rows with SQL, in large multi-row INSERTs, bypassing the
// use cases, but with the columns and defaults CreateSubCustomer and the
// association job write (customer/create.go, customer/association_job.go), so
// the rows look like customers created through the API and associated.
//
//	pcgen [--data DIR | --database-url URL] -partner sp -n 100000 [-spread 900000 -spread-partners 9] [-prefix g1] [-seed 1]
//	      [-reseller-only] [-ids FILE]
//
// -partner names a partner by account name or by demo key ("sp" is
// demo-sp). -spread creates that many more customers spread over
// -spread-partners generated partners (created through the identity service,
// named PREFIX-pNN), for a realistic total. Every generated name, xaccount id,
// mobile and e-mail carries -prefix, so a second run with another prefix adds
// rows; a run whose prefix is in use stops before writing.
//
// pcgen pay seeds a payments benchmark: customers with access keys and
// balance, and pending orders to pay once each (see runPay).
//
// pcgen does not write audit-log rows or job rows: nothing reads them when
// listing, and they would double the volume.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"partnercenter/internal/app"
	"partnercenter/internal/identity"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "pcgen:", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	if len(args) > 0 && args[0] == "pay" {
		return runPay(ctx, args[1:], stdout, stderr)
	}
	cfg, err := app.FromEnv()
	if err != nil {
		return err
	}
	cfg.LogLevel = "error"
	var g genConfig
	fs := flag.NewFlagSet("pcgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (PC_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL; empty for SQLite (PC_DATABASE_URL)")
	partner := fs.String("partner", "sp", "the partner's account name, or a demo key (sp is demo-sp)")
	fs.IntVar(&g.n, "n", 100_000, "customers for -partner")
	fs.IntVar(&g.spread, "spread", 0, "more customers spread over -spread-partners generated partners")
	fs.IntVar(&g.spreadPartners, "spread-partners", 9, "generated partners that share -spread")
	fs.StringVar(&g.prefix, "prefix", "g", "prefix of every generated name (letters and digits, 1–6); one per run")
	fs.Int64Var(&g.seed, "seed", 1, "random seed: the same seed and prefix generate the same rows")
	fs.IntVar(&g.batch, "batch", 500, "rows per INSERT statement")
	fs.IntVar(&g.txRows, "tx", 20_000, "rows per transaction")
	fs.BoolVar(&g.resellerOnly, "reseller-only", false, "associate every customer in the reseller model (coupons go to those only)")
	idsFile := fs.String("ids", "", "write the ids of -partner's reseller-model customers to `FILE`, one a line (for pcload -ids)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if err := g.check(); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.WithLogOutput(io.Discard))
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	g.db, g.now = a.DB, a.Clock.Now().UTC()

	target, err := a.Identity.PartnerByDomainName(ctx, *partner)
	if errors.Is(err, identity.ErrPartnerNotFound) {
		target, err = a.Identity.PartnerByDomainName(ctx, "demo-"+*partner)
	}
	if err != nil {
		return fmt.Errorf("partner %q: %w (run 'partnercenter demo' first for demo keys)", *partner, err)
	}
	if err := g.prefixFree(ctx); err != nil {
		return err
	}
	var others []identity.Partner
	if g.spread > 0 {
		if others, err = generatedPartners(ctx, a, g.prefix, g.spreadPartners); err != nil {
			return err
		}
	}
	if *idsFile != "" {
		f, err := os.Create(*idsFile)
		if err != nil {
			return err
		}
		defer f.Close()
		w := bufio.NewWriter(f)
		g.ids, g.idsFor = w, target.ID
		defer func() {
			if ferr := w.Flush(); ferr != nil && err == nil {
				err = fmt.Errorf("-ids: %w", ferr)
			}
		}()
	}
	start := time.Now()
	total, err := g.insert(ctx, []identity.Partner{target}, g.n, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d customers for %s (%s) in %.1f s\n", total, target.DomainName, target.ID, time.Since(start).Seconds())
	if g.spread > 0 {
		t1 := time.Now()
		n, err := g.insert(ctx, others, g.spread, g.n)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d customers over %d generated partners in %.1f s\n", n, len(others), time.Since(t1).Seconds())
		total += n
	}
	took := time.Since(start).Seconds()
	fmt.Fprintf(stdout, "total %d customers (and %d associations) in %.1f s: %.0f customers/s (%s)\n",
		total, total, took, float64(total)/took, a.DB.Dialect)
	return nil
}

// generatedPartners returns the solution providers PREFIX-p01…, creating
// the missing ones through the identity service as the demo operator does.
func generatedPartners(ctx context.Context, a *app.App, prefix string, n int) ([]identity.Partner, error) {
	op, err := a.Identity.OperatorByUsername(ctx, "operator")
	if err != nil {
		return nil, fmt.Errorf("demo operator: %w (run 'partnercenter demo' first)", err)
	}
	out := make([]identity.Partner, 0, n)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("gen-%s-p%02d", prefix, i)
		p, err := a.Identity.PartnerByDomainName(ctx, name)
		if errors.Is(err, identity.ErrPartnerNotFound) {
			p, _, err = a.Identity.CreatePartner(ctx, op.Actor(), identity.NewPartner{
				Type: identity.SolutionProvider, Name: fmt.Sprintf("生成伙伴 %s %02d 有限公司", prefix, i), DomainName: name,
				ContactMobile: "13900000000", ContactEmail: name + "@partner.example.com",
				EcoManager: identity.EcoManager{Name: "李明", Email: "liming@eco.example.com", Mobile: "13800000001"},
			})
		}
		if err != nil {
			return nil, fmt.Errorf("generated partner %s: %w", name, err)
		}
		out = append(out, p)
	}
	return out, nil
}
