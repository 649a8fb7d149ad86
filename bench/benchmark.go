package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"redress/cases/store"
)

// benchmark runs the selected scenarios against a Redress server process
// and pgbench, then prints and records the table.
func benchmark(ctx context.Context, o options, db *sqlx.DB, benchURL string, selected []string) error {
	pgbench := ""
	if !o.noPgbench {
		var err error
		if pgbench, err = findPgbench(); err != nil {
			return err
		}
	}
	stamp := time.Now().UTC().Format("20060102-150405")
	dir := filepath.Join(o.results, stamp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rep := report{
		StartedAt: time.Now().UTC(), Cases: o.cases, Clients: o.clients, Duration: o.duration.String(),
		Warmup: o.warmup.String(), CPUs: runtime.NumCPU(), Quiet: machineQuiet(), Profiled: o.profile,
		ServerLogLevel: o.logLevel,
	}
	if err := db.GetContext(ctx, &rep.CasesNow, `SELECT count(*) FROM cases`); err != nil {
		return err
	}
	if err := db.GetContext(ctx, &rep.SeedSeconds, `SELECT seconds FROM bench.seed`); err != nil {
		return err
	}
	fmt.Printf("bench: %d cases in %s (seeded in %.0f s); machine: %s\n", rep.CasesNow, benchDB, rep.SeedSeconds, rep.Quiet)
	srv, err := startServer(ctx, o.binary, benchURL, filepath.Join(dir, "server.log"), o.logLevel, o.profile)
	if err != nil {
		return err
	}
	defer srv.stop()
	e, err := newEnv(ctx, db, srv.baseURL)
	if err != nil {
		return err
	}
	started := time.Now()
	for _, sc := range scenarios() {
		if !containsString(selected, sc.name) {
			continue
		}
		row, err := runScenario(ctx, o, e, srv, pgbench, benchURL, dir, sc)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		rep.Rows = append(rep.Rows, row)
		fmt.Println(row.summary())
	}
	if hwm, err := srv.highWaterMark(); err == nil {
		rep.PeakRSSMB = mb(hwm)
	}
	srv.stop()
	rep.FinishedAt = time.Now().UTC()
	if rep.LedgersChecked, err = checkLedgers(ctx, db, started); err != nil {
		return err
	}
	n, first, err := logErrors(srv.logPath)
	if err != nil {
		return err
	}
	rep.ServerErrors = n
	if n == 0 && !o.keepLog {
		// One line per request: some 60 MB a run, of no use without errors.
		if err := os.Remove(srv.logPath); err != nil {
			return err
		}
	}
	rep.sortRows()
	rep.print(os.Stdout)
	for _, l := range first {
		fmt.Println("server error:", l)
	}
	path := filepath.Join(o.results, stamp+".json")
	if err := rep.write(path); err != nil {
		return err
	}
	fmt.Printf("bench: results in %s; server log and profiles in %s\n", path, dir)
	return nil
}

// runScenario measures one scenario: the Redress server under the load
// generator (warm-up, then the measured run, its peak RSS and optionally
// its profiles), then pgbench with the same SQL (warm-up, then measured).
func runScenario(ctx context.Context, o options, e *env, srv *serverProcess, pgbench, benchURL, dir string, sc scenario) (row, error) {
	r := row{Name: sc.name, Title: sc.title, HitsPerOp: sc.hitsPerOp, TargetRatio: sc.target.minRatio, TargetP99ms: sc.target.maxP99ms,
		Clients: o.clients}
	if sc.clients > 0 && !o.clientsOn {
		r.Clients = sc.clients
	}
	w, err := sc.prepare(ctx, e)
	if err != nil {
		return r, err
	}
	r.Note = w.note
	fmt.Printf("bench: %s: %s\n", sc.name, w.note)
	if missing, err := probe(w.targets); err != nil {
		return r, err
	} else if missing {
		r.Missing = true
		return r, nil
	}
	attack(ctx, sc.name+"-warmup", w.targets, r.Clients, o.warmup)
	srv.resetPeak()
	var profErr chan error
	if o.profile && srv.pprofURL != "" {
		profErr = make(chan error, 1)
		go func() { profErr <- srv.profile(ctx, dir, sc.name, o.duration-time.Second) }()
	}
	r.LoadAverage = loadAverage()
	r.OtherTests = testProcesses()
	res := attack(ctx, sc.name, w.targets, r.Clients, o.duration)
	r.OtherTests = max(r.OtherTests, testProcesses())
	r.Redress = &res
	r.PeakRSSMB = mb(srv.resetPeak())
	if profErr != nil {
		if err := <-profErr; err != nil {
			fmt.Printf("bench: %s: profile: %v\n", sc.name, err)
		}
	}
	if pgbench == "" {
		return r, nil
	}
	var scripts []string
	if w.scripts != nil {
		scripts, err = writeScripts(dir, sc.name, w.scripts)
	} else {
		var p string
		p, err = scriptPath(sc.script)
		scripts = []string{p}
	}
	if err != nil {
		return r, err
	}
	// Each pgbench run numbers its rows afresh: its run variable keeps
	// external ids and texts unique.
	if _, err := runPgbench(ctx, pgbench, benchURL, sc.name, scripts, phase(w.vars, "w"), r.Clients, o.warmup, dir); err != nil {
		return r, err
	}
	pg, err := runPgbench(ctx, pgbench, benchURL, sc.name, scripts, phase(w.vars, "m"), r.Clients, o.duration, dir)
	if err != nil {
		return r, err
	}
	r.OtherTests = max(r.OtherTests, testProcesses())
	r.Pgbench = &pg
	if sc.name == "transition" {
		var used int64
		if err := e.db.GetContext(ctx, &used, `SELECT last_value FROM bench.transition_seq`); err == nil {
			r.Note += fmt.Sprintf("; pgbench moved %d", used)
			if n, _ := strconv.ParseInt(w.vars["npicks"], 10, 64); used > n {
				r.Note += " (more than it had: some of its cases moved twice)"
			}
		}
	}
	return r, nil
}

// phase returns vars with the run variable marked for one pgbench run.
func phase(vars map[string]string, mark string) map[string]string {
	out := make(map[string]string, len(vars))
	for k, v := range vars {
		out[k] = v
	}
	out["run"] = vars["run"] + mark
	return out
}

// probe sends one request of a scenario before it is measured: a refusal
// means the harness or the server is broken, and the run stops. Targets
// name cases that exist, so a 404 or 405 means the server has no such route
// (yet): the scenario is reported as missing instead.
func probe(tr vegeta.Targeter) (missing bool, err error) {
	var t vegeta.Target
	if err := tr(&t); err != nil {
		return false, err
	}
	req, err := t.Request()
	if err != nil {
		return false, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 2000))
	switch {
	case resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed:
		return true, nil
	}
	return false, fmt.Errorf("%s %s answered %s: %s", t.Method, t.URL, resp.Status, body)
}

// checkLedgers verifies, with the store's own code, the ledgers of up to
// 1,000 cases written during the run, by Redress or by pgbench.
func checkLedgers(ctx context.Context, db *sqlx.DB, since time.Time) (int, error) {
	var ids []int64
	if err := db.SelectContext(ctx, &ids, `SELECT case_id FROM (SELECT DISTINCT case_id FROM case_events WHERE at >= $1) x
		ORDER BY random() LIMIT 1000`, since); err != nil {
		return 0, err
	}
	store := store.New(db)
	for _, id := range ids {
		v, err := store.Verify(ctx, id, false)
		if err != nil {
			return 0, err
		}
		if !v.OK {
			return 0, fmt.Errorf("case %d's ledger is broken at event %d after the run", id, *v.BrokenAt)
		}
	}
	return len(ids), nil
}

// machineQuiet describes whether other work shares the machine before the
// run: the load average and any test processes running.
func machineQuiet() string {
	return fmt.Sprintf("load average %s before the run, %d test processes running", loadAverage(), testProcesses())
}

// testProcesses counts go test runs and test binaries on the machine: work
// of others that would share the CPU with the benchmark. (The load average
// during a run says little: the benchmark's own 16 clients keep it near 16.)
func testProcesses() int {
	out, _ := exec.Command("pgrep", "-f", `go test|\.test( |$)`).Output()
	return len(strings.Fields(string(out)))
}

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }
