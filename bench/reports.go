package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// reportScenario is a summary of the last days, grouped by agent, as a
// supervisor reads it (GET /api/v1/reports/summary), and for pgbench the
// store's queries that read its day roll-ups and facts
// (store.Reports.Statements).
//
// Reports are read by supervisors, a few a desk, not by every agent at
// once: the scenario runs with reportClients clients, beside pgbench with
// as many (-clients overrides it).
func reportScenario(name, title string, days int, maxP99ms float64) scenario {
	return scenario{name: name, title: title, hitsPerOp: 1, target: target{maxP99ms: maxP99ms}, clients: reportClients,
		prepare: func(ctx context.Context, e *env) (workload, error) {
			return prepareReport(ctx, e, days)
		}}
}

// reportClients is how many supervisors read reports at the same time:
// two is a busy desk.
const reportClients = 2

func prepareReport(ctx context.Context, e *env, days int) (workload, error) {
	sup, err := e.supervisor(ctx)
	if err != nil {
		return workload{}, err
	}
	// The seed's copies mark every case's report facts as behind its
	// ledger; bring them up to date once, in the server's zone, as the
	// server's sweeps would, so that the measurement is of reports.
	zone := os.Getenv("REDRESS_TIMEZONE")
	if zone == "" {
		zone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return workload{}, err
	}
	started := time.Now()
	refreshed, err := store.New(e.db).Reports().Refresh(ctx, loc, workflows.CaseFacts, 0)
	if err != nil {
		return workload{}, fmt.Errorf("report facts: %w", err)
	}
	if refreshed > 0 {
		fmt.Printf("bench: report facts of %d cases computed in %s\n", refreshed, time.Since(started).Round(time.Second))
	}
	// The last days up to yesterday, as dates in the server's zone: what
	// the reports page asks for.
	today := time.Now().In(loc)
	to := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
	from := to.AddDate(0, 0, -days)
	var events int64
	if err := e.db.GetContext(ctx, &events, `SELECT count(*) FROM case_events WHERE at >= $1 AND at < $2`, from, to); err != nil {
		return workload{}, err
	}
	q := url.Values{"from": {from.Format(time.DateOnly)}, "to": {to.AddDate(0, 0, -1).Format(time.DateOnly)}, "group_by": {"agent"}}
	tr := func(t *vegeta.Target) error {
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + "/api/v1/reports/summary?" + q.Encode(), Header: header(sup.token, false)}
		return nil
	}
	stmts, err := store.New(e.db).Reports().Statements(ctx, cases.ReportQuery{From: from, To: to,
		GroupBy: cases.GroupAgent, Location: loc})
	if err != nil {
		return workload{}, err
	}
	script := tokenLookup + "\n"
	for _, st := range stmts {
		script += withLiterals(st.SQL, st.Args) + ";\n"
	}
	return workload{targets: tr, vars: supervisorVars(e, sup), scripts: []string{script},
		note: fmt.Sprintf("%d days, %d events in range", days, events)}, nil
}
