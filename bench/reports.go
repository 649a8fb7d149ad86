package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"redress/cases/store"
)

// reportScenario is a summary of the last days, grouped by agent, as a
// supervisor reads it (GET /api/v1/reports/summary), and the store's query
// of its events for pgbench (store.Reports.Statement).
func reportScenario(name, title string, days int, maxP99ms float64) scenario {
	return scenario{name: name, title: title, hitsPerOp: 1, target: target{maxP99ms: maxP99ms},
		prepare: func(ctx context.Context, e *env) (workload, error) {
			return prepareReport(ctx, e, days)
		}}
}

func prepareReport(ctx context.Context, e *env, days int) (workload, error) {
	sup, err := e.supervisor(ctx)
	if err != nil {
		return workload{}, err
	}
	to := time.Now().UTC().Truncate(time.Hour)
	from := to.AddDate(0, 0, -days)
	var events int64
	if err := e.db.GetContext(ctx, &events, `SELECT count(*) FROM case_events WHERE at >= $1 AND at < $2`, from, to); err != nil {
		return workload{}, err
	}
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}, "group_by": {"agent"}, "tz": {"UTC"}}
	tr := func(t *vegeta.Target) error {
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + "/api/v1/reports/summary?" + q.Encode(), Header: header(sup.token, false)}
		return nil
	}
	sql, args := store.New(e.db).Reports().Statement(from, to)
	return workload{targets: tr, vars: supervisorVars(e, sup), scripts: []string{tokenLookup + "\n" + withLiterals(sql, args) + ";\n"},
		note: fmt.Sprintf("%d days, %d events in range", days, events)}, nil
}
