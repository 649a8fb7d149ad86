package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"redress/cases"
)

// supervisor returns the seeded supervisor's id and token.
func (e *env) supervisor(ctx context.Context) (agent, error) {
	var s agent
	err := e.db.QueryRowxContext(ctx, `SELECT user_id, token FROM bench.agents WHERE role = 'supervisor' ORDER BY user_id LIMIT 1`).
		Scan(&s.id, &s.token)
	if err != nil {
		return s, fmt.Errorf("no supervisor in bench.agents: %w", err)
	}
	return s, nil
}

// supervisorVars are the pgbench variables of a supervisor's request.
func supervisorVars(e *env, s agent) map[string]string {
	vars := e.common()
	sum := sha256.Sum256([]byte(s.token))
	vars["token_hash"] = `\x` + hex.EncodeToString(sum[:])
	vars["actor"] = strconv.FormatInt(s.id, 10)
	return vars
}

// prepareApprovals makes a remedy wait for approval on every case of the
// seed that is in remedy (the seed writes none: proposals go through the
// API), once, then reads the approvals queue's first page as a supervisor.
func prepareApprovals(ctx context.Context, e *env) (workload, error) {
	sup, err := e.supervisor(ctx)
	if err != nil {
		return workload{}, err
	}
	if _, err := e.db.ExecContext(ctx, `INSERT INTO remedies (case_id, shop, buyer_handle, type, amount, currency, status,
			needs_approval, limit_reason, proposed_by, proposed_at, proposed_seq, approval_due_at)
		SELECT c.id, c.shop, c.buyer_handle, 'refund', 100000, 'CNY', 'pending', true, 'bench', c.assignee_id,
			c.updated_at, c.ledger_seq, c.updated_at + interval '4 hours'
		FROM cases c WHERE c.state = 'remedy' AND c.id <= $1
			AND NOT EXISTS (SELECT 1 FROM remedies r WHERE r.case_id = c.id)`, e.seeded); err != nil {
		return workload{}, fmt.Errorf("seed approvals: %w", err)
	}
	// A burst of rows autovacuum has not analysed yet would be measured
	// against plans for an empty table; production's tables are analysed.
	if _, err := e.db.ExecContext(ctx, `ANALYZE remedies`); err != nil {
		return workload{}, fmt.Errorf("analyze remedies: %w", err)
	}
	var n int64
	if err := e.db.GetContext(ctx, &n, `SELECT count(*) FROM remedies WHERE status = 'pending'`); err != nil {
		return workload{}, err
	}
	tr := func(t *vegeta.Target) error {
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + "/api/v1/approvals?limit=50", Header: header(sup.token, false)}
		return nil
	}
	return workload{targets: tr, vars: supervisorVars(e, sup), note: fmt.Sprintf("%d remedies waiting", n)}, nil
}

// auditReasonsDrawn are the filters the audit queue is read with: none,
// or one reason (pgbench draws the same, by index).
var auditReasonsDrawn = []string{"", string(cases.ReasonRemedyAboveThreshold), string(cases.ReasonSLABreached),
	string(cases.ReasonReopened), string(cases.ReasonRandom)}

// prepareAudits queues a tenth of the seed's closed cases for audit with
// reasons drawn from the sampling rules' (the seed closes cases without
// the server), once, then reads the queue's first page as a supervisor,
// unfiltered or by one reason.
func prepareAudits(ctx context.Context, e *env) (workload, error) {
	sup, err := e.supervisor(ctx)
	if err != nil {
		return workload{}, err
	}
	if _, err := e.db.ExecContext(ctx, `INSERT INTO audits (case_id, shop, agent_id, closed_at, reasons, selected_at)
		SELECT c.id, c.shop, c.assignee_id, c.closed_at,
			CASE (c.id / 10) % 5 WHEN 0 THEN ARRAY['remedy_above_threshold'] WHEN 1 THEN ARRAY['sla_breached']
				WHEN 2 THEN ARRAY['reopened', 'random'] WHEN 3 THEN ARRAY['random'] ELSE ARRAY['agent_minimum'] END,
			c.closed_at
		FROM cases c WHERE c.state = 'closed' AND c.id % 10 = 0 AND c.id <= $1
		ON CONFLICT (case_id, closed_at) DO NOTHING`, e.seeded); err != nil {
		return workload{}, fmt.Errorf("seed audits: %w", err)
	}
	if _, err := e.db.ExecContext(ctx, `ANALYZE audits`); err != nil {
		return workload{}, fmt.Errorf("analyze audits: %w", err)
	}
	var n int64
	if err := e.db.GetContext(ctx, &n, `SELECT count(*) FROM audits WHERE status IN ('queued', 'disputed')`); err != nil {
		return workload{}, err
	}
	tr := func(t *vegeta.Target) error {
		u := e.baseURL + "/api/v1/audits/queue?limit=50"
		if r := auditReasonsDrawn[rand.IntN(len(auditReasonsDrawn))]; r != "" {
			u += "&reason=" + r
		}
		*t = vegeta.Target{Method: http.MethodGet, URL: u, Header: header(sup.token, false)}
		return nil
	}
	return workload{targets: tr, vars: supervisorVars(e, sup), note: fmt.Sprintf("%d audits queued", n)}, nil
}
