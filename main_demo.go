package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"redress/cases"
	"redress/cases/store"
	"redress/server/config"
	"redress/server/demo"
	"redress/ui/i18n"
	"redress/workflows"
)

// demoCases is how many cases the demo data set holds.
const demoCases = 300

// demoCommand runs `redress demo`: it loads the demo data set into an empty
// database (migrating it first) and prints the demo accounts.
func demoCommand(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	_, dbs, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	return loadDemo(ctx, dbs.owner, cfg, stdout)
}

// loadDemo walks the demo data set into the migrated database at dsn, under
// the protocol and reminder policies the server runs with (cfg's grace,
// lead and business hours), on a pool of its own whose commits do not wait
// for the disk: a crash loses the half-loaded demo, which a new empty
// database loads again.
func loadDemo(ctx context.Context, dsn string, cfg config.Config, stdout io.Writer) error {
	db, err := store.Open(ctx, dsn, store.Limits{AsyncCommit: true})
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer db.Close()
	words, err := i18n.New()
	if err != nil {
		return err
	}
	policy := workflows.DefaultPolicy()
	policy.Zone = cfg.Location
	policy.Deadlines.BusinessHours = cfg.BusinessHoursSLA
	reminders := workflows.ReminderPolicy{Grace: cfg.EscalationGrace, PlatformLead: cfg.PlatformLead,
		BusinessHours: cfg.BusinessHoursSLA, Zone: cfg.Location}
	if reminders.Grace <= 0 || reminders.PlatformLead <= 0 {
		reminders = workflows.DefaultReminderPolicy()
	}
	loaded, err := demo.Load(ctx, db, store.NewPeople(db, cases.DefaultAccessPolicy()),
		demo.Options{Cases: demoCases, Policy: policy, Reminders: reminders, Words: words}, stdout)
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintln(stdout, "demo: the demo data set is loaded already")
	}
	demo.PrintUsers(stdout)
	return nil
}

// verifyCommand runs `redress verify [--evidence]`: it recomputes every
// case's event chain and names the first broken link of each broken one;
// with --evidence it also hashes every evidence item's stored bytes again
// and names those that no longer match the ledger.
func verifyCommand(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	evidence := fs.Bool("evidence", false, "also hash every evidence item's stored bytes (reads all of them)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, _, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	checked, broken, err := store.New(db).VerifyAll(ctx, *evidence, func(v cases.Verification) {
		if v.BrokenAt != nil {
			fmt.Fprintf(stdout, "case %d: chain broken at event %d\n", v.CaseID, *v.BrokenAt)
		}
		for _, m := range v.EvidenceBroken {
			fmt.Fprintf(stdout, "case %d: evidence %d: %s (ledger %s, stored %s)\n", v.CaseID, m.EvidenceID, m.Reason, m.Recorded, m.Stored)
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "verified %d case(s): %d intact, %d broken\n", checked, checked-broken, broken)
	if broken > 0 {
		return fmt.Errorf("verify: %d case ledger(s) are broken", broken)
	}
	return nil
}

// serveFlags parses `redress serve [--demo]`.
func serveFlags(args []string, stderr io.Writer) (demo bool, err error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&demo, "demo", false, "load the demo data set into an empty database before serving")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	return demo, nil
}
