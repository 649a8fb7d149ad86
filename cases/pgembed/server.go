package pgembed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// Server is a PostgreSQL server running on a cluster folder, either started
// by Start (owned) or found already running there by another process.
type Server struct {
	url         string // as the application role
	ownerURL    string // as the schema owner
	owned       bool
	initialized bool // Start ran initdb for this server
	pid         int  // the postmaster Start launched, when owned
	layout      layout
	run         runner
	logger      *slog.Logger

	mu      sync.Mutex
	stopped bool
}

// Start runs the cluster in o.DataDir, creating it on first use, and returns
// once database o.Database exists and accepts connections. When a server
// already runs on that folder, Start attaches to it instead: the result is
// not Owned and its Stop does nothing.
func Start(ctx context.Context, o Options) (*Server, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	db := o.Database
	if db == "" {
		db = defaultDatabase
	}
	l, err := newLayout(o.DataDir)
	if err != nil {
		return nil, err
	}
	logger.Info("starting embedded postgres", "data_dir", l.dataDir)
	if s, err := attach(ctx, l, db, logger); s != nil || err != nil {
		return s, err
	}
	bin, err := FindBinaries(o.BinDirs)
	if err != nil {
		return nil, fmt.Errorf("pgembed: %w", err)
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, err
	}
	s := &Server{
		owned:  true,
		layout: l,
		run:    runner{bin: bin, acct: acct, dir: l.parent},
		logger: logger,
	}
	if err := s.start(ctx, db); err != nil {
		return nil, err
	}
	return s, nil
}

// attach returns a Server for a server that already runs on l's cluster, or
// nil when none does, after removing a postmaster.pid left by a killed one.
func attach(ctx context.Context, l layout, db string, logger *slog.Logger) (*Server, error) {
	pf, ok, err := readPidFile(l.dataDir)
	if err != nil || !ok {
		return nil, err
	}
	if !processAlive(pf.pid) {
		logger.Info("removing stale postmaster.pid", "data_dir", l.dataDir, "pid", pf.pid)
		if err := os.Remove(pidFilePath(l.dataDir)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("pgembed: remove stale pid file: %w", err)
		}
		return nil, nil
	}
	if pf.port == 0 {
		return nil, fmt.Errorf("pgembed: process %d runs on %s but its postmaster.pid names no port: stop it, or delete the file if no server uses this folder", pf.pid, l.dataDir)
	}
	pw, err := readPassword(l.password)
	if err != nil {
		return nil, err
	}
	host := pf.connectHost()
	if err := ensureDatabase(ctx, dsn(pw, host, pf.port, "postgres"), db, logger); err != nil {
		return nil, fmt.Errorf("pgembed: a server (pid %d) already runs on %s but cannot be used on port %d: %w", pf.pid, l.dataDir, pf.port, err)
	}
	super := dsn(pw, host, pf.port, db)
	if err := ensureRoles(ctx, super, db, pw); err != nil {
		return nil, err
	}
	logger.Info("attached to running cluster", "data_dir", l.dataDir, "pid", pf.pid, "port", pf.port)
	return &Server{url: withRole(super, AppRole, pw), ownerURL: withRole(super, OwnerRole, pw), layout: l, logger: logger}, nil
}

// start prepares the folders, runs initdb when there is no cluster yet,
// starts the server and creates database db.
func (s *Server) start(ctx context.Context, db string) error {
	l, acct := s.layout, s.run.acct
	began := time.Now()
	undo, err := prepareParent(l, acct)
	if err != nil {
		return err
	}
	var pw string
	if clusterExists(l.dataDir) {
		pw, err = readPassword(l.password)
	} else {
		pw, err = s.initialize(ctx, undo)
	}
	if err != nil {
		return err
	}
	if acct != nil {
		if err := acct.chownTree(l.dataDir); err != nil {
			return err
		}
		if err := acct.chown(l.password); err != nil {
			return err
		}
	}
	if err := ensureLogFile(l.log, acct); err != nil {
		return err
	}
	port, err := s.launch(ctx)
	if err != nil {
		return err
	}
	if err := ensureDatabase(ctx, dsn(pw, "127.0.0.1", port, "postgres"), db, s.logger); err != nil {
		s.stopQuietly()
		return err
	}
	super := dsn(pw, "127.0.0.1", port, db)
	if err := ensureRoles(ctx, super, db, pw); err != nil {
		s.stopQuietly()
		return err
	}
	s.url, s.ownerURL = withRole(super, AppRole, pw), withRole(super, OwnerRole, pw)
	s.logger.Info("embedded postgres ready", "data_dir", l.dataDir, "port", port, "pid", s.pid, "took", time.Since(began).Round(time.Millisecond))
	return nil
}

// initialize creates the password file and the cluster. On failure it
// removes everything the first start made, undo included.
func (s *Server) initialize(ctx context.Context, undo func()) (pw string, err error) {
	l, acct := s.layout, s.run.acct
	defer func() {
		if err != nil {
			undo()
		}
	}()
	if err := checkInitTarget(l.dataDir, acct); err != nil {
		return "", err
	}
	pw, created, err := loadOrCreatePassword(l.password)
	if err != nil {
		return "", err
	}
	if created {
		inner := undo
		undo = func() { os.Remove(l.password); inner() }
	}
	if acct != nil {
		if err := acct.chown(l.password); err != nil {
			return "", err
		}
	}
	s.logger.Info("initdb", "data_dir", l.dataDir, "bin_dir", s.run.bin)
	if err := initCluster(ctx, s.run, l); err != nil {
		return "", err
	}
	s.initialized = true
	return pw, nil
}

// launch runs pg_ctl start on a free loopback port and returns the port. It
// tries again on another port when the chosen one was taken meanwhile.
func (s *Server) launch(ctx context.Context) (int, error) {
	l := s.layout
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			return 0, err
		}
		logStart := fileSize(l.log)
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -c port=%d -c unix_socket_directories=''", port)
		out, err := s.run.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", l.dataDir, "-l", l.log, "-o", opts)
		if err == nil {
			pf, ok, perr := readPidFile(l.dataDir)
			if perr == nil && ok {
				s.pid = pf.pid
			}
			return port, nil
		}
		if strings.Contains(out, "another server might be running") {
			return 0, fmt.Errorf("pgembed: another server started on %s meanwhile: %w", l.dataDir, err)
		}
		s.stopQuietly() // pg_ctl may have given up on a server that still starts
		serverLog := readFrom(l.log, logStart)
		if attempt < 3 && strings.Contains(serverLog, "could not bind") {
			continue
		}
		if tail := lastLines(serverLog, 2); tail != "" {
			return 0, fmt.Errorf("pgembed: %w (server log %s: %s)", err, l.log, tail)
		}
		return 0, fmt.Errorf("pgembed: %w (see %s)", err, l.log)
	}
}

// OwnerURL is URL for the schema's owner, redress_owner: what migrations
// run as. It holds the password too.
func (s *Server) OwnerURL() string { return s.ownerURL }

// URL returns a lib/pq connection URL for the database as the application
// role redress_app, such as
// postgres://redress_app:PASSWORD@127.0.0.1:PORT/redress?sslmode=disable. It
// holds the password: do not log it.
func (s *Server) URL() string { return s.url }

// Owned reports whether Start launched the server, so that Stop stops it;
// it is false when Start attached to a server another process runs.
func (s *Server) Owned() bool { return s.owned }

// Stop shuts down an owned server (pg_ctl stop -m fast) and waits until it
// has exited. It does nothing for a server that is not owned, or that has
// already stopped, and may be called more than once.
func (s *Server) Stop(ctx context.Context) error {
	if !s.owned {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return nil
	}
	pf, ok, err := readPidFile(s.layout.dataDir)
	if err != nil {
		return err
	}
	if !ok || (s.pid != 0 && pf.pid != s.pid) || !processAlive(pf.pid) {
		s.stopped = true // gone already, or another server has the folder now
		return nil
	}
	s.logger.Info("stopping embedded postgres", "data_dir", s.layout.dataDir, "pid", pf.pid)
	if _, err := s.run.run(ctx, "pg_ctl", "stop", "-D", s.layout.dataDir, "-m", "fast", "-w", "-t", "30"); err != nil {
		if !processAlive(pf.pid) {
			s.stopped = true
			return nil
		}
		return fmt.Errorf("pgembed: %w", err)
	}
	// pg_ctl -w returns once the pid file is gone, which the postmaster
	// removes just before it exits: wait for the exit itself, so that a
	// caller who exits or starts another server on the folder does not
	// race it.
	for wait := time.NewTicker(10 * time.Millisecond); processAlive(pf.pid); {
		select {
		case <-ctx.Done():
			wait.Stop()
			return fmt.Errorf("pgembed: postmaster %d still exiting: %w", pf.pid, ctx.Err())
		case <-wait.C:
		}
	}
	s.stopped = true
	return nil
}

// stopQuietly stops the server on the cluster right away, for cleaning up
// after a failed start; it leaves alone a server other than the one launch
// recorded.
func (s *Server) stopQuietly() {
	pf, ok, err := readPidFile(s.layout.dataDir)
	if err != nil || !ok || (s.pid != 0 && pf.pid != s.pid) || !processAlive(pf.pid) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.run.run(ctx, "pg_ctl", "stop", "-D", s.layout.dataDir, "-m", "immediate", "-w", "-t", "30")
}
