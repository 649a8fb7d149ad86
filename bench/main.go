// Command bench is `make bench`: it seeds a dedicated database with a
// million cases, runs Redress against it as a separate process, drives the
// HTTP API with a load generator and runs pgbench with the same SQL, and
// prints and records how close Redress gets to PostgreSQL's own ceiling.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// options are the command line of the benchmark.
type options struct {
	cases     int
	duration  time.Duration
	warmup    time.Duration
	clients   int
	clientsOn bool // -clients given: every scenario runs with it
	scenarios string
	binary    string
	results   string
	reseed    bool
	seedOnly  bool
	clean     bool
	profile   bool
	noPgbench bool
	logLevel  string
	keepLog   bool
	db        string
}

func main() {
	var o options
	flag.IntVar(&o.cases, "cases", 1_000_000, "cases to seed")
	flag.DurationVar(&o.duration, "duration", 25*time.Second, "measured time of each scenario, for Redress and for pgbench")
	flag.DurationVar(&o.warmup, "warmup", 5*time.Second, "warm-up before each measurement")
	flag.IntVar(&o.clients, "clients", 16, "concurrent clients (for every scenario; without it, reports run with their own few)")
	flag.StringVar(&o.scenarios, "scenarios", strings.Join(scenarioNames(), ","), "scenarios to run, comma-separated")
	flag.StringVar(&o.binary, "binary", "../bin/redress", "the Redress binary to serve with (make bench builds it)")
	flag.StringVar(&o.results, "results", "results", "folder for the JSON results and profiles")
	flag.BoolVar(&o.reseed, "reseed", false, "drop and seed the bench database even if it is complete")
	flag.BoolVar(&o.seedOnly, "seed-only", false, "seed (or check) the bench database and stop")
	flag.BoolVar(&o.clean, "clean", false, "drop the bench database and stop")
	flag.BoolVar(&o.profile, "profile", false, "take a CPU and heap profile of the server during each scenario")
	flag.BoolVar(&o.noPgbench, "no-pgbench", false, "skip pgbench (quicker runs while developing)")
	flag.StringVar(&o.logLevel, "server-log-level", "info", "REDRESS_LOG_LEVEL of the server under test")
	flag.BoolVar(&o.keepLog, "keep-log", false, "keep the server's log even when it holds no error")
	flag.StringVar(&o.db, "db", "", "the bench database (default redress_bench for 1,000,000 cases, else redress_bench_<cases>)")
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { o.clientsOn = o.clientsOn || f.Name == "clients" })
	name, err := benchDBName(o.db, o.cases)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(2)
	}
	benchDB = name
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err = run(ctx, o)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	adminURL, benchURL, err := databaseURLs(os.Getenv("DATABASE_URL"))
	if err != nil {
		return err
	}
	if o.clean {
		return clean(ctx, adminURL)
	}
	selected, err := selectScenarios(o.scenarios)
	if err != nil {
		return err
	}
	reuse, err := prepareDatabase(ctx, adminURL, benchURL, o.cases, o.reseed)
	if err != nil {
		return err
	}
	db, err := openBench(ctx, benchURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := prepareSchema(ctx, db); err != nil {
		return err
	}
	if reuse {
		fmt.Printf("seed: reusing %s (%d cases seeded)\n", benchDB, o.cases)
	} else if err := seed(ctx, db, o.cases); err != nil {
		return err
	}
	if o.seedOnly {
		return nil
	}
	return benchmark(ctx, o, db, benchURL, selected)
}
