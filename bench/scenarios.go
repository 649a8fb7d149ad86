package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"redress/cases"
	"redress/cases/chat"
	"redress/cases/store"
)

// scenario is one line of the table: a Redress workload and the pgbench
// script that runs the same SQL.
type scenario struct {
	name   string
	title  string
	script string // in bench/pgbench
	// hitsPerOp is how many HTTP requests make one operation (the case page
	// is two), so that Redress's operations compare with pgbench's
	// transactions.
	hitsPerOp float64
	prepare   func(ctx context.Context, e *env) (workload, error)
	target    target
	// clients, when set, is how many clients the scenario's users are
	// (-clients overrides it).
	clients int
}

// target is the goal for a scenario.
type target struct {
	minRatio float64 // of pgbench's tps; 0: none
	maxP99ms float64 // 0: none
}

// workload is a prepared scenario: the load generator's targets and
// pgbench's variables.
type workload struct {
	targets vegeta.Targeter
	vars    map[string]string
	note    string
	// scripts, when given, are pgbench's scripts (written into the run's
	// folder) instead of the scenario's file of bench/pgbench.
	scripts []string
}

// env is what every scenario draws on.
type env struct {
	db        *sqlx.DB
	baseURL   string
	run       string
	agents    []agent // the agents, by id
	byID      map[int64]agent
	seeded    int64 // cases 1..seeded are the seed's
	generator seedPlan
}

type agent struct {
	id    int64
	token string
}

// scenarios are every scenario in the order they run: creation first, so
// that the transitions have fresh cases in respond to move.
func scenarios() []scenario {
	out := []scenario{
		{name: "create", title: "create case", script: "create.sql", hitsPerOp: 1, prepare: prepareCreate, target: target{minRatio: 0.5}},
		{name: "transition", title: "transition", script: "transition.sql", hitsPerOp: 1, prepare: prepareTransition, target: target{minRatio: 0.5}},
		{name: "queue", title: "queue page", script: "queue.sql", hitsPerOp: 1, prepare: prepareQueue, target: target{minRatio: 0.6, maxP99ms: 20}},
		{name: "casepage", title: "case page", script: "casepage.sql", hitsPerOp: 2, prepare: prepareCasePage, target: target{minRatio: 0.4}},
		{name: "evidence", title: "add chat excerpt", script: "evidence.sql", hitsPerOp: 1, prepare: prepareEvidence},
		{name: "approvals", title: "approvals list", script: "approvals.sql", hitsPerOp: 1, prepare: prepareApprovals, target: target{maxP99ms: 50}},
		{name: "audits", title: "audit queue", script: "audits.sql", hitsPerOp: 1, prepare: prepareAudits, target: target{maxP99ms: 50}},
		{name: "handover", title: "handover view", script: "handover.sql", hitsPerOp: 1, prepare: prepareHandover, target: target{maxP99ms: 50}},
		reportScenario("report-month", "report: a month by agent", 30, 300),
		reportScenario("report-year", "report: a year by agent", 365, 2000),
	}
	for _, l := range listScenarios() {
		out = append(out, l.scenario())
	}
	return out
}

// tableOrder is the order of the table.
var tableOrder = func() []string {
	names := []string{"create", "transition", "casepage", "evidence", "queue", "approvals", "audits", "handover",
		"report-month", "report-year"}
	for _, l := range listScenarios() {
		names = append(names, l.name)
	}
	return names
}()

func scenarioNames() []string { return tableOrder }

func selectScenarios(list string) ([]string, error) {
	var out []string
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.Contains(tableOrder, n) {
			return nil, fmt.Errorf("unknown scenario %q (have %s)", n, strings.Join(tableOrder, ", "))
		}
		out = append(out, n)
	}
	return out, nil
}

func newEnv(ctx context.Context, db *sqlx.DB, baseURL string) (*env, error) {
	e := &env{db: db, baseURL: baseURL, run: strconv.FormatInt(time.Now().Unix(), 36), byID: map[int64]agent{}}
	rows, err := db.QueryxContext(ctx, `SELECT user_id, token FROM bench.agents WHERE role = 'agent' ORDER BY user_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a agent
		if err := rows.Scan(&a.id, &a.token); err != nil {
			return nil, err
		}
		e.agents = append(e.agents, a)
		e.byID[a.id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(e.agents) == 0 {
		return nil, fmt.Errorf("no agents in bench.agents")
	}
	if err := db.GetContext(ctx, &e.seeded, `SELECT max_case_id FROM bench.seed`); err != nil {
		return nil, err
	}
	ids := make([]int64, len(e.agents))
	for i, a := range e.agents {
		ids[i] = a.id
	}
	e.generator = newSeedPlan(int(e.seeded), time.Now().UTC(), ids)
	return e, nil
}

// common are the pgbench variables every script uses: the first agent's
// token (its SHA-256, as the store looks it up) and id, and the run.
func (e *env) common() map[string]string {
	sum := sha256.Sum256([]byte(e.agents[0].token))
	return map[string]string{
		"token_hash": `\x` + hex.EncodeToString(sum[:]),
		"actor":      strconv.FormatInt(e.agents[0].id, 10),
		"run":        e.run,
		"i":          "0",
	}
}

func (e *env) randomAgent() agent { return e.agents[rand.IntN(len(e.agents))] }

// tokenFor is the token of a case's assignee, or any agent's for an
// unassigned case (agents act on those too).
func (e *env) tokenFor(assignee *int64) string {
	if assignee != nil {
		if a, ok := e.byID[*assignee]; ok {
			return a.token
		}
	}
	return e.randomAgent().token
}

func header(token string, jsonBody bool) http.Header {
	h := http.Header{"Authorization": {"Bearer " + token}}
	if jsonBody {
		h.Set("Content-Type", "application/json")
	}
	return h
}

// prepareCreate posts new cases with the seed's texts: every request has a
// unique external id and order number.
func prepareCreate(_ context.Context, e *env) (workload, error) {
	var bodies []cases.CaseInput
	for len(bodies) < 2000 {
		sc, err := e.generator.generate(1 + rand.Int64N(e.seeded))
		if err != nil {
			return workload{}, err
		}
		c := sc.c
		in := cases.CaseInput{Platform: c.Platform, Shop: c.Shop, BuyerHandle: c.BuyerHandle, BuyerContact: c.BuyerContact,
			Kind: c.Kind, Severity: c.Severity, Summary: c.Summary, PlatformDueAt: nil}
		in.OrderValue = &cases.MoneyInput{Amount: c.OrderValue.Amount(), Currency: c.OrderValue.Currency}
		if c.Review.Text != "" {
			in.Review = &cases.ReviewInput{Rating: c.Review.Rating, Text: c.Review.Text, URL: c.Review.URL}
		}
		bodies = append(bodies, in)
	}
	var n atomic.Int64
	tr := func(t *vegeta.Target) error {
		i := n.Add(1)
		in := bodies[i%int64(len(bodies))]
		in.ExternalID = "RB" + e.run + "N" + strconv.FormatInt(i, 10)
		in.OrderRef = "R" + e.run + strconv.FormatInt(i, 10)
		body, err := json.Marshal(in)
		if err != nil {
			return err
		}
		*t = vegeta.Target{Method: http.MethodPost, URL: e.baseURL + "/api/v1/cases", Body: body,
			Header: header(e.agents[i%int64(len(e.agents))].token, true)}
		return nil
	}
	// pgbench inserts one representative Chinese bad review.
	var sample cases.Case
	for id := int64(1); ; id++ {
		sc, err := e.generator.generate(id)
		if err != nil {
			return workload{}, err
		}
		if sc.c.Kind == "bad_review" && sc.c.OrderValue.Currency == "CNY" {
			sample = sc.c
			break
		}
	}
	doc := store.SearchDocument(cases.Case{OrderRef: sample.OrderRef, BuyerHandle: sample.BuyerHandle, Shop: sample.Shop,
		Summary: sample.Summary, Review: cases.Review{Text: sample.Review.Text}})
	vars := e.common()
	for k, v := range map[string]string{"shop": sample.Shop, "order_ref": sample.OrderRef, "buyer": sample.BuyerHandle,
		"contact": sample.BuyerContact, "summary": sample.Summary, "review": sample.Review.Text, "doc": doc} {
		vars[k] = v
	}
	return workload{targets: tr, vars: vars}, nil
}

// respondCase is a case in respond that a transition moves on.
type respondCase struct {
	ID       int64  `db:"id"`
	Version  int64  `db:"version"`
	Assignee *int64 `db:"assignee_id"`
}

// prepareTransition sets aside the cases in respond, in random order: the
// first half for Redress, the rest for pgbench (bench.transition_picks), so
// that every transition of either moves a different case.
func prepareTransition(ctx context.Context, e *env) (workload, error) {
	var pool []respondCase
	if err := e.db.SelectContext(ctx, &pool, `SELECT id, version, assignee_id FROM cases
		WHERE state = 'respond' AND (assignee_id IS NULL OR assignee_id BETWEEN $1 AND $2) ORDER BY random()`,
		e.agents[0].id, e.agents[len(e.agents)-1].id); err != nil {
		return workload{}, err
	}
	mine, theirs := pool[:len(pool)/2], pool[len(pool)/2:]
	if err := fillPicks(ctx, e.db, "bench.transition_picks", theirs); err != nil {
		return workload{}, err
	}
	if _, err := e.db.ExecContext(ctx, `SELECT setval('bench.transition_seq', 1, false)`); err != nil {
		return workload{}, err
	}
	var n atomic.Int64
	tr := func(t *vegeta.Target) error {
		i := n.Add(1) - 1
		if i >= int64(len(mine)) {
			return errNoMoreTargets
		}
		c := mine[i]
		body := fmt.Sprintf(`{"to":"listen","first_response":"亲，非常抱歉给您带来不便，我们马上为您核实。#%d"}`, i)
		h := header(e.tokenFor(c.Assignee), true)
		h.Set("If-Match", `"v`+strconv.FormatInt(c.Version, 10)+`"`)
		*t = vegeta.Target{Method: http.MethodPost, URL: e.baseURL + "/api/v1/cases/" + strconv.FormatInt(c.ID, 10) + "/transitions",
			Body: []byte(body), Header: h}
		return nil
	}
	vars := e.common()
	vars["npicks"] = strconv.Itoa(len(theirs))
	vars["first_response"] = "亲，非常抱歉给您带来不便，我们马上为您核实。"
	return workload{targets: tr, vars: vars,
		note: fmt.Sprintf("%d cases in respond: %d for Redress, %d for pgbench", len(pool), len(mine), len(theirs))}, nil
}

// fillPicks replaces a picks table's rows with the cases' ids, numbered
// from 1.
func fillPicks(ctx context.Context, db *sqlx.DB, table string, pool []respondCase) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.ExecContext(ctx, `TRUNCATE `+table); err != nil {
		return err
	}
	stmt, err := tx.PrepareContext(ctx, `COPY `+table+` (n, case_id) FROM STDIN`)
	if err != nil {
		return err
	}
	for i, c := range pool {
		if _, err := stmt.ExecContext(ctx, i+1, c.ID); err != nil {
			return err
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return err
	}
	if err := stmt.Close(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `ANALYZE `+table); err != nil {
		return err
	}
	return tx.Commit()
}

// cursor is cases' keyset cursor as the list API hands it out.
type cursor struct {
	Sort string     `json:"s"`
	At   *time.Time `json:"t"`
	ID   int64      `json:"i"`
}

// prepareQueue reads an agent's queue of one open state from a random
// position: agent, state and the position's due time drawn uniformly (the
// time between the 5th and 85th percentile of open cases' due times), the
// same draws pgbench's script makes.
func prepareQueue(ctx context.Context, e *env) (workload, error) {
	var span struct {
		Lo int64 `db:"lo"`
		Hi int64 `db:"hi"`
	}
	if err := e.db.GetContext(ctx, &span, `SELECT
		extract(epoch FROM percentile_disc(0.05) WITHIN GROUP (ORDER BY due_at))::bigint AS lo,
		extract(epoch FROM percentile_disc(0.85) WITHIN GROUP (ORDER BY due_at))::bigint AS hi
		FROM cases WHERE state <> 'closed' AND assignee_id IS NOT NULL`); err != nil {
		return workload{}, err
	}
	open := []string{"respond", "listen", "apologise", "remedy", "follow_up"}
	tr := func(t *vegeta.Target) error {
		a := e.randomAgent()
		at := time.Unix(span.Lo+rand.Int64N(span.Hi-span.Lo+1), 0).UTC()
		b, _ := json.Marshal(cursor{Sort: "due", At: &at, ID: 1})
		q := url.Values{"state": {open[rand.IntN(len(open))]}, "assignee_id": {strconv.FormatInt(a.id, 10)},
			"limit": {"50"}, "cursor": {base64.RawURLEncoding.EncodeToString(b)}}
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + "/api/v1/cases?" + q.Encode(), Header: header(a.token, false)}
		return nil
	}
	vars := e.common()
	vars["agent_min"] = strconv.FormatInt(e.agents[0].id, 10)
	vars["agent_max"] = strconv.FormatInt(e.agents[len(e.agents)-1].id, 10)
	vars["t_min"], vars["t_max"] = strconv.FormatInt(span.Lo, 10), strconv.FormatInt(span.Hi, 10)
	return workload{targets: tr, vars: vars}, nil
}

// prepareHandover reads the handover view of a random agent: their open
// cases with the latest handover note on each, and the handovers waiting
// to and from them (store.Store.HandoverView).
func prepareHandover(ctx context.Context, e *env) (workload, error) {
	var open float64
	if err := e.db.GetContext(ctx, &open, `SELECT count(*)::float8 / greatest(count(DISTINCT assignee_id), 1)
		FROM cases WHERE state <> 'closed' AND assignee_id IS NOT NULL`); err != nil {
		return workload{}, err
	}
	tr := func(t *vegeta.Target) error {
		a := e.randomAgent()
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + "/api/v1/handover?agent_id=" + strconv.FormatInt(a.id, 10),
			Header: header(a.token, false)}
		return nil
	}
	vars := e.common()
	vars["agent_min"] = strconv.FormatInt(e.agents[0].id, 10)
	vars["agent_max"] = strconv.FormatInt(e.agents[len(e.agents)-1].id, 10)
	vars["max_cases"] = strconv.Itoa(store.MaxViewCases)
	return workload{targets: tr, vars: vars, note: fmt.Sprintf("%.0f open cases per agent", open)}, nil
}

// prepareCasePage reads random seeded cases and their ledgers: requests
// alternate between GET /cases/{id} and GET /cases/{id}/events of the same
// case, so two requests make one case page.
func prepareCasePage(_ context.Context, e *env) (workload, error) {
	var n atomic.Int64
	tr := func(t *vegeta.Target) error {
		i := n.Add(1)
		id := 1 + rand.Int64N(e.seeded)
		path := "/api/v1/cases/" + strconv.FormatInt(id, 10)
		if i%2 == 0 {
			path += "/events"
		}
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + path, Header: header(e.randomAgent().token, false)}
		return nil
	}
	vars := e.common()
	vars["max_id"] = strconv.FormatInt(e.seeded, 10)
	return workload{targets: tr, vars: vars}, nil
}

// chatExcerpt is a pasted chat in the [time] name: message layout.
const chatExcerpt = "[2026-11-20 10:01:02] 买家小明: 你好，收到的杯子破损了\n" +
	"[2026-11-20 10:01:40] 客服小王: 亲，非常抱歉，麻烦拍一张照片给我们\n" +
	"[2026-11-20 10:02:15] 买家小明: 好的，照片已经发了，要求退款"

// prepareEvidence adds chat excerpts to random cases in listen, each agent
// to their own (or unassigned) cases; pgbench picks from a disjoint half.
func prepareEvidence(ctx context.Context, e *env) (workload, error) {
	var pool []respondCase
	if err := e.db.SelectContext(ctx, &pool, `SELECT id, version, assignee_id FROM cases
		WHERE state = 'listen' AND (assignee_id IS NULL OR assignee_id BETWEEN $1 AND $2) ORDER BY random() LIMIT 40000`,
		e.agents[0].id, e.agents[len(e.agents)-1].id); err != nil {
		return workload{}, err
	}
	if len(pool) < 100 {
		return workload{}, fmt.Errorf("only %d cases in listen", len(pool))
	}
	mine, theirs := pool[:len(pool)/2], pool[len(pool)/2:]
	if err := fillPicks(ctx, e.db, "bench.evidence_picks", theirs); err != nil {
		return workload{}, err
	}
	var n atomic.Int64
	tr := func(t *vegeta.Target) error {
		i := n.Add(1)
		c := mine[rand.IntN(len(mine))]
		body, err := json.Marshal(map[string]string{"kind": "chat_excerpt", "text": chatExcerpt + " #" + e.run + "." + strconv.FormatInt(i, 10)})
		if err != nil {
			return err
		}
		*t = vegeta.Target{Method: http.MethodPost, URL: e.baseURL + "/api/v1/cases/" + strconv.FormatInt(c.ID, 10) + "/evidence",
			Body: body, Header: header(e.tokenFor(c.Assignee), true)}
		return nil
	}
	lines, err := json.Marshal(chat.Parse(chatExcerpt, nil).Lines)
	if err != nil {
		return workload{}, err
	}
	vars := e.common()
	vars["npicks"] = strconv.Itoa(len(theirs))
	vars["chat"] = chatExcerpt
	vars["chat_lines"] = string(lines)
	return workload{targets: tr, vars: vars, note: fmt.Sprintf("%d cases in listen: %d for Redress, %d for pgbench", len(pool), len(mine), len(theirs))}, nil
}
