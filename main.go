// Command redress runs Redress, the case tracker for e-commerce after-sales
// teams: its HTTP server, its migrations and its administrative commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"text/tabwriter"
	_ "time/tzdata" // time zones even on machines without a zoneinfo database

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/pgembed"
	"redress/cases/store"
	"redress/migrations"
	"redress/server"
	"redress/server/config"
)

const usage = `usage: redress <command>

commands:
  serve [--demo]        run the HTTP server (migrations are applied on start;
                        --demo loads the demo data set into an empty database)
  demo                  load the demo data set and print the demo accounts
  verify [--evidence]   check every case's event chain (and every evidence item's bytes)
  migrate [up|status]   apply pending migrations, or list them
  user add --email E --name N --role agent|supervisor|admin [--language zh-CN|en] [--timezone ZONE]
                        add a user; the password is read from stdin
  help                  show this text

Configuration comes from environment variables; see README.md.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "redress: %v\n", err)
		os.Exit(1)
	}
}

// run is main with its dependencies passed in, so tests can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	switch args[0] {
	case "serve":
		demo, err := serveFlags(args[1:], stderr)
		if err != nil {
			return err
		}
		tuneGC(getenv)
		return serve(ctx, cfg, log, demo, stdout)
	case "demo":
		return demoCommand(ctx, cfg, log, stdout)
	case "verify":
		return verifyCommand(ctx, cfg, log, args[1:], stdout, stderr)
	case "migrate":
		return migrate(ctx, cfg, log, args[1:], stdout)
	case "user":
		return userCommand(ctx, cfg, log, args[1:], stdin, stdout, stderr)
	}
	return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, demo bool, stdout io.Writer) error {
	// Take the port first: a port in use must fail before anything starts.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (REDRESS_ADDR): %w", cfg.Addr, unwrapOp(err))
	}
	defer ln.Close()
	dbs, stopDB, err := databaseURLs(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer stopDB()
	// Migrations and the demo data run as the schema's owner on a pool of
	// their own, without the service's time limits: an index build may
	// rightly take minutes.
	if err := prepare(ctx, cfg, dbs, log, demo, stdout); err != nil {
		return err
	}
	if demo {
		fmt.Fprintf(stdout, "Redress is at %s\n", cfg.BaseURL)
	}
	db, err := store.Open(ctx, dbs.app, cfg.DBLimits())
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer db.Close()
	srv, err := server.New(cfg, db, log)
	if err != nil {
		return err
	}
	// server.New hashed a dummy password (argon2id holds 64 MiB while it
	// runs). Collect that garbage now: left to the first cycle, it set the
	// heap's first goal to twice its size, and the server's resident set
	// stayed near 150 MiB through its first minute of work.
	debug.FreeOSMemory()
	sched, err := srv.StartScheduler()
	if err != nil {
		return err
	}
	// Deferred after closeDB, so it runs before it: a sweep in flight ends
	// before its database goes.
	defer sched.Stop()
	return srv.Serve(ctx, ln)
}

// prepare brings the schema up to date as its owner, grants the
// application role its rows when it is another role, and with demo loads
// the demo data, on a pool it closes before returning.
func prepare(ctx context.Context, cfg config.Config, dbs databases, log *slog.Logger, demo bool, stdout io.Writer) error {
	db, err := store.Open(ctx, dbs.owner, store.Limits{})
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer db.Close()
	n, err := migrations.Up(ctx, db.DB)
	if err != nil {
		return err
	}
	log.Info("migrations applied", "count", n)
	if err := grantApp(ctx, db, dbs); err != nil {
		return err
	}
	if demo {
		return loadDemo(ctx, dbs.owner, cfg, stdout)
	}
	return firstRun(ctx, db, cfg, log, stdout)
}

// firstRun gives an installation nobody can sign in to its first admin
// (REDRESS_ADMIN_EMAIL and REDRESS_ADMIN_PASSWORD), or says how to make
// one.
func firstRun(ctx context.Context, db *sqlx.DB, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	people := store.NewPeople(db, cases.DefaultAccessPolicy())
	if cfg.AdminEmail != "" {
		u, created, err := people.CreateFirstAdmin(ctx, cases.NewUser{Email: cfg.AdminEmail, DisplayName: "Admin",
			Password: cfg.AdminPassword, TimeZone: cfg.Location.String()})
		if err != nil {
			return fmt.Errorf("REDRESS_ADMIN_EMAIL: %s", describe(err))
		}
		if created {
			log.Info("first admin created", "user_id", u.ID)
			fmt.Fprintf(stdout, "Created the first admin, %s: sign in at %s\n", u.Email, cfg.BaseURL)
		}
		return nil
	}
	has, err := people.HasUsers(ctx)
	if err != nil || has {
		return err
	}
	fmt.Fprintf(stdout, `Nobody has an account yet. Create the first admin, then sign in at %s:
  redress user add --email you@example.com --name "Your Name" --role admin   (password on stdin)
or start with REDRESS_ADMIN_EMAIL and REDRESS_ADMIN_PASSWORD set.
`, cfg.BaseURL)
	return nil
}

// grantApp grants the application role its rows when it is not the owner.
func grantApp(ctx context.Context, owner *sqlx.DB, dbs databases) error {
	app, err := store.RoleOf(dbs.app)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	if own, err := store.RoleOf(dbs.owner); err != nil || own == app {
		return err
	}
	if err := store.GrantApp(ctx, owner, app); err != nil {
		return fmt.Errorf("grant %s its rows: %w", app, err)
	}
	return nil
}

func migrate(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	sub := "up"
	if len(args) > 0 {
		sub = args[0]
	}
	if sub != "up" && sub != "status" {
		return fmt.Errorf("migrate: unknown subcommand %q (want up or status)", sub)
	}
	db, dbs, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if sub == "up" {
		n, err := migrations.Up(ctx, db.DB)
		if err != nil {
			return err
		}
		if err := grantApp(ctx, db, dbs); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
		return nil
	}
	p, err := migrations.NewProvider(db.DB)
	if err != nil {
		return err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return fmt.Errorf("migrate status: %w", err)
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tSTATE\tAPPLIED AT\tFILE")
	for _, m := range st {
		at := "-"
		if !m.AppliedAt.IsZero() {
			at = m.AppliedAt.UTC().Format("2006-01-02 15:04:05Z")
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", m.Source.Version, m.State, at, filepath.Base(m.Source.Path))
	}
	return w.Flush()
}

// databases are the two connections Redress makes: the application's
// (rows only) and the schema owner's (migrations). They are one and the
// same when DATABASE_URL is set without REDRESS_MIGRATE_DATABASE_URL.
type databases struct {
	app, owner string
}

// databaseURLs are DATABASE_URL (and REDRESS_MIGRATE_DATABASE_URL), or
// those of the embedded default started when it is unset, with its two
// roles. The returned function stops a private PostgreSQL this process
// started.
func databaseURLs(ctx context.Context, cfg config.Config, log *slog.Logger) (databases, func(), error) {
	if cfg.DatabaseURL != "" {
		owner := cfg.MigrateDatabaseURL
		if owner == "" {
			owner = cfg.DatabaseURL
		}
		return databases{app: cfg.DatabaseURL, owner: owner}, func() {}, nil
	}
	pg, err := pgembed.Start(ctx, pgembed.Options{DataDir: filepath.Join(cfg.DataDir, "postgres"), Logger: log})
	if fe := (*pgembed.FolderError)(nil); errors.As(err, &fe) {
		who := "you can write"
		if fe.User != "" {
			who = "the " + fe.User + " user can reach (PostgreSQL refuses to run as root)"
		}
		return databases{}, nil, fmt.Errorf("embedded PostgreSQL (DATABASE_URL is unset): %w; set REDRESS_DATA_DIR (now %s) to a folder %s, or DATABASE_URL to a PostgreSQL server of your own",
			err, cfg.DataDir, who)
	}
	if err != nil {
		return databases{}, nil, fmt.Errorf("embedded PostgreSQL (DATABASE_URL is unset): %w", err)
	}
	return databases{app: pg.URL(), owner: pg.OwnerURL()}, func() {
		// The caller's context is already cancelled on Ctrl-C.
		if err := pg.Stop(context.Background()); err != nil {
			log.Error("stop embedded PostgreSQL", "error", err)
		}
	}, nil
}

// openDatabase connects as the schema's owner to DATABASE_URL (or
// REDRESS_MIGRATE_DATABASE_URL), or starts the embedded default when it is
// unset, for the commands that administer it: migrate, demo, user, verify.
// The returned function closes the pool and stops a private PostgreSQL
// this process started.
func openDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (*sqlx.DB, databases, func(), error) {
	dbs, stop, err := databaseURLs(ctx, cfg, log)
	if err != nil {
		return nil, dbs, nil, err
	}
	db, err := store.Open(ctx, dbs.owner, store.Limits{})
	if err != nil {
		stop()
		return nil, dbs, nil, fmt.Errorf("DATABASE_URL: %w", err)
	}
	return db, dbs, func() { db.Close(); stop() }, nil
}

// openMigrated is openDatabase with the schema brought up to date, for the
// commands that write (demo, user add).
func openMigrated(ctx context.Context, cfg config.Config, log *slog.Logger) (*sqlx.DB, databases, func(), error) {
	db, dbs, closeDB, err := openDatabase(ctx, cfg, log)
	if err != nil {
		return nil, dbs, nil, err
	}
	if _, err := migrations.Up(ctx, db.DB); err != nil {
		closeDB()
		return nil, dbs, nil, err
	}
	if err := grantApp(ctx, db, dbs); err != nil {
		closeDB()
		return nil, dbs, nil, err
	}
	return db, dbs, closeDB, nil
}

// unwrapOp drops net.OpError's repetition of the address.
func unwrapOp(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}
