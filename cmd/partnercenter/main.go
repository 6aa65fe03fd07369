// Command partnercenter runs Partner Center. Subcommands:
//
//	serve    run the server (migrates first)
//	migrate  apply database migrations and exit
//	demo     create the demo data if missing and print it (--json)
//	outbox   print the message outbox (--json)
//	ledger   verify: check the coupon and funds ledgers' invariants (exit 1 on problems)
//	version  print the version
//
// Flags override PC_* environment variables, which override the defaults.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"partnercenter/internal/app"
	"partnercenter/internal/platform/db"
	"partnercenter/internal/platform/outbox"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "partnercenter:", err)
		}
		if errors.Is(err, errLedgerProblems) {
			os.Exit(1)
		}
		os.Exit(2)
	}
}

const usage = `usage: partnercenter <command> [flags]

commands:
  serve    [--addr 127.0.0.1:8080] [--data DIR] [--database-url URL] [--base-url URL] [--demo]
  migrate  [--data DIR] [--database-url URL]
  demo     [--data DIR] [--database-url URL] --json
  outbox   [--data DIR] [--database-url URL] --json [--to ADDRESS]
  ledger verify [--data DIR] [--database-url URL]
  version
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	cfg, err := app.FromEnv()
	if err != nil {
		return err
	}
	cmd, rest := args[0], args[1:]
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data directory (PC_DATA_DIR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "PostgreSQL URL; empty for SQLite (PC_DATABASE_URL)")
	switch cmd {
	case "serve":
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (PC_ADDR)")
		fs.StringVar(&cfg.BaseURL, "base-url", cfg.BaseURL, "public base URL (PC_BASE_URL)")
		fs.BoolVar(&cfg.Demo, "demo", false, "seed demo data on start and print the logins")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return serve(ctx, cfg, stdout)
	case "migrate":
		if err := fs.Parse(rest); err != nil {
			return err
		}
		a, err := app.New(ctx, cfg)
		if err != nil {
			return err
		}
		defer a.Shutdown(context.Background())
		fmt.Fprintln(stdout, "migrated", a.DB.Dialect)
		return nil
	case "demo":
		asJSON := fs.Bool("json", false, "print the demo data as JSON")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return demo(ctx, cfg, *asJSON, stdout)
	case "outbox":
		asJSON := fs.Bool("json", false, "print as JSON")
		to := fs.String("to", "", "only messages to this address")
		if err := fs.Parse(rest); err != nil {
			return err
		}
		return printOutbox(ctx, cfg, *asJSON, *to, stdout)
	case "ledger":
		if len(rest) == 0 || rest[0] != "verify" {
			fmt.Fprint(stderr, usage)
			return errors.New("ledger: want the verify subcommand")
		}
		if err := fs.Parse(rest[1:]); err != nil {
			return err
		}
		return verifyLedger(ctx, cfg, stdout)
	case "version":
		fmt.Fprintln(stdout, "partnercenter", version())
		return nil
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func serve(ctx context.Context, cfg app.Config, stdout io.Writer) error {
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		a.Shutdown(context.Background())
		return err
	}
	fmt.Fprintf(stdout, "Partner Center is running at %s/ (operator console: %s/ops/)\n", a.URL(), a.URL())
	if cfg.Demo {
		d, err := a.SeedDemo(ctx)
		if err != nil {
			a.Shutdown(context.Background())
			return fmt.Errorf("demo data: %w", err)
		}
		printLogins(stdout, a.URL(), d)
	}
	<-ctx.Done()
	a.Log.Info("shutting down")
	return a.Shutdown(context.Background())
}

func printLogins(w io.Writer, url string, d app.Demo) {
	fmt.Fprintf(w, "\nOperator console  %s/ops/signin  user %s  password %s\n", url, d.Operator.Username, d.Operator.Password)
	fmt.Fprintf(w, "Partner console   %s/signin  (partner account name + password; leave the member name empty)\n", url)
	for _, p := range d.Partners {
		fmt.Fprintf(w, "  %-9s %-18s account %-14s password %s  AK %s\n", p.Key, p.Type, p.Admin.Username, p.Admin.Password, p.AccessKey)
	}
	fmt.Fprintf(w, "Customer portal   %s/customer/signin  (customer account name + password)\n", url)
	for _, c := range d.Customers {
		fmt.Fprintf(w, "  %-17s %-8s of %-8s account %-26s password %s\n", c.Key, c.AssociationType, c.Partner, c.DomainName, c.Password)
	}
}

func demo(ctx context.Context, cfg app.Config, asJSON bool, stdout io.Writer) error {
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	d, err := a.SeedDemo(ctx)
	if err != nil {
		return err
	}
	if !asJSON {
		printLogins(stdout, a.URL(), d)
		return nil
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// printOutbox reads the outbox straight from the database; it needs no
// running server and changes nothing.
func printOutbox(ctx context.Context, cfg app.Config, asJSON bool, to string, stdout io.Writer) error {
	d, err := db.Open(ctx, db.Config{DataDir: cfg.DataDir, URL: cfg.DatabaseURL})
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Migrate(ctx); err != nil {
		return err
	}
	msgs, err := outbox.List(ctx, d.SQL, outbox.Filter{To: to, Limit: 1000})
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(msgs)
	}
	for _, m := range msgs {
		fmt.Fprintf(stdout, "%s  %-5s %-30s %s\n%s\n\n", m.CreatedAt.Format("2006-01-02T15:04:05Z"), m.Channel, m.To, m.Subject, m.Body)
	}
	return nil
}

// errLedgerProblems: the books do not balance; the command exits 1.
var errLedgerProblems = errors.New("the ledgers have problems")

// verifyLedger checks the coupon ledger's invariants and prints the
// report: one line per problem, or "ok".
func verifyLedger(ctx context.Context, cfg app.Config, stdout io.Writer) error {
	a, err := app.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(context.Background())
	rep, err := a.Coupons.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "ledger: %d quotas, %d coupons, %d entries\n", rep.Quotas, rep.Coupons, rep.Entries)
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, "problem:", p)
	}
	frep, err := a.Funds.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "funds ledger: %d accounts, %d entries\n", frep.Accounts, frep.Entries)
	for _, p := range frep.Problems {
		fmt.Fprintln(stdout, "problem:", p)
	}
	crep, err := a.Cards.VerifyLedger(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "card ledger: %d cards, %d entries\n", crep.Cards, crep.Entries)
	for _, p := range crep.Problems {
		fmt.Fprintln(stdout, "problem:", p)
	}
	if n := len(rep.Problems) + len(frep.Problems) + len(crep.Problems); n > 0 {
		return fmt.Errorf("%w: %d", errLedgerProblems, n)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// version is the module version, or the VCS revision of a source build.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	if info.Main.Version != "" {
		return info.Main.Version
	}
	return "devel"
}
