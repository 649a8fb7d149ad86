package store_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
	"redress/workflows"
)

// ledgerCase is a case whose ledger a test writes event by event at times
// it chooses: the clock is the test's, not the database's.
type ledgerCase struct {
	t  *testing.T
	s  *store.Store
	id int64
}

// insertLedgerCase inserts a case row with an empty ledger, directly in
// SQL; its events, created first, come from add.
func insertLedgerCase(t *testing.T, db *sqlx.DB, s *store.Store, platform, shop, kind string) *ledgerCase {
	t.Helper()
	var id int64
	err := db.Get(&id, `INSERT INTO cases (platform, shop, kind, state, due_at)
		VALUES ($1, $2, $3, 'respond', now()) RETURNING id`, platform, shop, kind)
	if err != nil {
		t.Fatal(err)
	}
	return &ledgerCase{t: t, s: s, id: id}
}

// add appends one event at at.
func (c *ledgerCase) add(at string, kind cases.EventKind, payload map[string]any) {
	c.t.Helper()
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		c.t.Fatal(err)
	}
	err = c.s.InTx(context.Background(), func(tx *sqlx.Tx) error {
		_, l, _, err := store.LockCaseTx(context.Background(), tx, c.id)
		if err != nil {
			return err
		}
		return store.AppendEventsTx(context.Background(), tx, nil, when,
			[]store.LedgerAppend{{Ledger: l, Events: []cases.NewEvent{{Kind: kind, Payload: payload}}}})
	})
	if err != nil {
		c.t.Fatalf("case %d: add %s at %s: %v", c.id, kind, at, err)
	}
}

func (c *ledgerCase) move(at, from, to, move string, extra map[string]any) {
	c.t.Helper()
	p := map[string]any{"from": from, "to": to, "move": move, "was_overdue": false}
	for k, v := range extra {
		p[k] = v
	}
	c.add(at, cases.EventTransitioned, p)
}

func remedy(typ, amount string) map[string]any {
	return map[string]any{"remedy": map[string]any{"type": typ, "amount": amount, "currency": "CNY"}, "needs_approval": false}
}

func addAudit(t *testing.T, db *sqlx.DB, caseID int64, reasons string) int64 {
	t.Helper()
	var id int64
	if err := db.Get(&id, `INSERT INTO audits (case_id, shop, closed_at, reasons, selected_at)
		VALUES ($1, 'S1', now(), $2::text[], now()) RETURNING id`, caseID, reasons); err != nil {
		t.Fatal(err)
	}
	return id
}

// knownLedger writes four cases (README, "Reports": the test's ledger) and
// returns the agents A and B.
func knownLedger(t *testing.T, db *sqlx.DB, s *store.Store) (a, b int64) {
	a, b = addUser(t, db, cases.RoleAgent).ID, addUser(t, db, cases.RoleAgent).ID
	created := func(kind, shop, platform string, assignee int64) map[string]any {
		return map[string]any{"state": "respond", "kind": kind, "shop": shop, "platform": platform, "assignee_id": assignee}
	}

	// C1: a bad review in S1, answered across a night and a holiday, two
	// remedies with a rework between, closed with the agent's claim only.
	c1 := insertLedgerCase(t, db, s, "taobao", "S1", "bad_review")
	if _, err := db.Exec(`UPDATE shops SET time_zone = 'Asia/Shanghai', holidays = '{2026-11-11}',
		business_hours = '[{"weekday":1,"start":"09:00","end":"18:00"},{"weekday":2,"start":"09:00","end":"18:00"},
			{"weekday":3,"start":"09:00","end":"18:00"},{"weekday":4,"start":"09:00","end":"18:00"},
			{"weekday":5,"start":"09:00","end":"18:00"}]' WHERE name = 'S1'`); err != nil {
		t.Fatal(err)
	}
	c1.add("2026-11-10T09:00:00Z", cases.EventCreated, created("bad_review", "S1", "taobao", a)) // Tue 17:00 in Shanghai
	c1.move("2026-11-12T02:00:00Z", "respond", "listen", "forward", map[string]any{"was_overdue": true})
	c1.move("2026-11-12T03:00:00Z", "listen", "apologise", "forward", nil)
	c1.move("2026-11-12T04:00:00Z", "apologise", "remedy", "forward", nil)
	c1.add("2026-11-12T05:00:00Z", cases.EventRemedyApproved, map[string]any{"remedy": map[string]any{"type": "refund"}})
	c1.move("2026-11-12T06:00:00Z", "remedy", "follow_up", "forward", remedy("refund", "12.50"))
	c1.move("2026-11-12T07:00:00Z", "follow_up", "remedy", "rework", map[string]any{"reason": "buyer wants more"})
	c1.move("2026-11-12T08:00:00Z", "remedy", "follow_up", "forward", remedy("partial_refund", "2.50"))
	c1.move("2026-11-13T04:00:00Z", "follow_up", "closed", "forward",
		map[string]any{"outcome": map[string]any{"buyer_satisfied": true, "review": "upgraded", "note": "ok"}})
	random := addAudit(t, db, c1.id, "{random}")
	c1.add("2026-11-16T02:00:00Z", cases.EventAudited, map[string]any{"audit_id": random, "round": 1, "verdict": "approved"})

	// C2: a bad review the platform shows upgraded (re-import), closed
	// without the agent claiming it, reopened, closed again.
	c2 := insertLedgerCase(t, db, s, "taobao", "S1", "bad_review")
	c2.add("2026-11-16T02:00:00Z", cases.EventCreated, created("bad_review", "S1", "taobao", a)) // Mon 10:00
	c2.move("2026-11-16T02:30:00Z", "respond", "listen", "forward", nil)
	c2.move("2026-11-16T03:00:00Z", "listen", "apologise", "forward", nil)
	c2.move("2026-11-16T03:30:00Z", "apologise", "remedy", "forward", nil)
	c2.add("2026-11-16T04:00:00Z", cases.EventRemedyDeclined, map[string]any{"comment": "too much"})
	c2.move("2026-11-16T05:00:00Z", "remedy", "follow_up", "forward", remedy("coupon", "5.00"))
	c2.add("2026-11-17T01:00:00Z", cases.EventReviewChanged, map[string]any{"source": "import",
		"changes": map[string]any{"rating": map[string]any{"old": 1, "new": 5}}})
	c2.move("2026-11-18T02:00:00Z", "follow_up", "closed", "forward",
		map[string]any{"outcome": map[string]any{"buyer_satisfied": true, "review": "unchanged", "note": "ok"}})
	c2.move("2026-11-19T02:00:00Z", "closed", "listen", "reopen", map[string]any{"reopen_reason": "buyer wrote again"})
	c2.move("2026-11-19T03:00:00Z", "listen", "apologise", "forward", nil)
	c2.move("2026-11-19T03:30:00Z", "apologise", "remedy", "forward", nil)
	c2.move("2026-11-19T04:00:00Z", "remedy", "follow_up", "forward", remedy("explanation", "0.00"))
	c2.move("2026-11-20T02:00:00Z", "follow_up", "closed", "forward",
		map[string]any{"outcome": map[string]any{"buyer_satisfied": true, "review": "removed", "note": "ok"}})
	risk := addAudit(t, db, c2.id, "{sla_breached,reopened}")
	c2.add("2026-11-23T02:00:00Z", cases.EventAudited, map[string]any{"audit_id": risk, "round": 1, "verdict": "rework"})
	c2.add("2026-11-23T03:00:00Z", cases.EventAudited, map[string]any{"audit_id": risk, "round": 2, "verdict": "approved"})

	// C3: closed early as a duplicate.
	c3 := insertLedgerCase(t, db, s, "taobao", "S1", "complaint")
	c3.add("2026-11-16T04:00:00Z", cases.EventCreated, created("complaint", "S1", "taobao", b))
	c3.move("2026-11-16T04:30:00Z", "respond", "closed", "close_early", map[string]any{"close_reason": "duplicate"})

	// C4: in S2 (open around the clock), created on 30 November in UTC,
	// which is 1 December in Shanghai; late, past its platform deadline,
	// handed over without a note and late again.
	c4 := insertLedgerCase(t, db, s, "jd", "S2", "lost_parcel")
	c4.add("2026-11-30T17:00:00Z", cases.EventCreated, created("lost_parcel", "S2", "jd", b))
	c4.add("2026-11-30T18:00:00Z", cases.EventReminded, map[string]any{"level": "overdue", "state": "respond"})
	c4.move("2026-11-30T19:00:00Z", "respond", "listen", "forward", map[string]any{"was_overdue": true})
	c4.add("2026-11-30T20:00:00Z", cases.EventEscalated, map[string]any{"level": "platform_passed", "state": ""})
	c4.add("2026-11-30T21:00:00Z", cases.EventHandedOver, map[string]any{"handover_id": 1, "from": b, "to": a, "status": "watch"})
	c4.add("2026-11-30T21:30:00Z", cases.EventHandoverAcknowledged, map[string]any{"handover_id": 1, "from": b, "to": a})
	c4.add("2026-11-30T21:30:00Z", cases.EventAssigned, map[string]any{"from": b, "to": a, "handover_id": 1})
	c4.add("2026-11-30T23:00:00Z", cases.EventReminded, map[string]any{"level": "overdue", "state": "listen"})
	return a, b
}

func summarize(t *testing.T, s *store.Store, q cases.ReportQuery) cases.Report {
	t.Helper()
	return summarizeIn(t, s, q, time.UTC)
}

// summarizeIn is q's report folded from the ledgers, def the deployment's
// zone.
func summarizeIn(t *testing.T, s *store.Store, q cases.ReportQuery, def *time.Location) cases.Report {
	t.Helper()
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	sum := workflows.NewSummary(q)
	if err := s.Reports().Ledgers(context.Background(), q.From, q.To, def, sum.Add); err != nil {
		t.Fatal(err)
	}
	return sum.Report()
}

func must(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// figuresJSON renders figures the way the API does, so that expectations
// read as the client sees them.
func figuresJSON(t *testing.T, f cases.Figures) map[string]any {
	t.Helper()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func rowOf(t *testing.T, r cases.Report, group string, start time.Time) cases.ReportRow {
	t.Helper()
	for _, row := range r.Rows {
		if row.Group == group && row.PeriodStart.Equal(start) {
			return row
		}
	}
	t.Fatalf("no row for group %s period %s in %+v", group, start, r.Rows)
	return cases.ReportRow{}
}

func i64(v int64) *int64 { return &v }

func TestReportOnAKnownLedger(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	a, b := knownLedger(t, db, s)
	sh := must(t, "Asia/Shanghai")
	q := cases.ReportQuery{From: time.Date(2026, 11, 1, 0, 0, 0, 0, sh), To: time.Date(2027, 1, 1, 0, 0, 0, 0, sh),
		GroupBy: cases.GroupAgent, Series: cases.SeriesMonth, Location: sh}
	r := summarize(t, s, q)
	nov, dec := time.Date(2026, 11, 1, 0, 0, 0, 0, sh), time.Date(2026, 12, 1, 0, 0, 0, 0, sh)
	ga, gb := itoa(a), itoa(b)
	if r.DefinitionVersion != cases.ReportDefinitionVersion || len(r.Rows) != 4 {
		t.Fatalf("report: version %q, %d rows (want one per agent and month): %+v", r.DefinitionVersion, len(r.Rows), r.Rows)
	}

	t.Run("AgentAInNovember", func(t *testing.T) {
		f := rowOf(t, r, ga, nov).Figures
		checkInts(t, map[string][2]int{
			"opened": {f.Opened, 2}, "closed": {f.Closed, 3}, "reopened": {f.Reopened, 1},
			"closed_early.duplicate": {f.ClosedEarly["duplicate"], 0},
			"sla.respond":            {f.SLABreaches[cases.StateRespond], 1}, "sla.listen": {f.SLABreaches[cases.StateListen], 0},
			"platform_misses":  {f.PlatformDeadlineMisses, 0},
			"remedies.applied": {f.Remedies.Applied, 4},
			"approvals":        {f.Remedies.Approvals, 1}, "declines": {f.Remedies.Declines, 1},
			"reviews.closed":    {f.Reviews.Closed, 3},
			"agent_claim.num":   {f.Reviews.AgentClaim.Num, 2},
			"platform_word.num": {f.Reviews.PlatformWord.Num, 2},
			"reopen.num":        {f.ReopenRate.Num, 1}, "reopen.den": {f.ReopenRate.Den, 3},
			"rework.num": {f.ReworkRate.Num, 1}, "rework.den": {f.ReworkRate.Den, 4},
			"audit.random.n": {f.Audits.Random.N, 1}, "audit.risk.n": {f.Audits.Risk.N, 1},
			"audit.risk.passed": {f.Audits.Risk.Passed, 0},
		})
		// Across a Tuesday night and the 11 November holiday: 41 hours on
		// the wall clock, 2 of business hours.
		checkPercentiles(t, "first_response.wall", f.FirstResponse.Wall, 2, 1800, 147600)
		checkPercentiles(t, "first_response.business", f.FirstResponse.Business, 2, 1800, 7200)
		checkPercentiles(t, "resolution.wall", f.Resolution.Wall, 3, 241200, 345600)
		checkPercentiles(t, "resolution.business", f.Resolution.Business, 3, 64800, 129600)
		checkPercentiles(t, "resolution_cycle.wall", f.ResolutionCycle.Wall, 3, 172800, 241200)
		checkPercentiles(t, "resolution_cycle.business", f.ResolutionCycle.Business, 3, 46800, 64800)
		m := figuresJSON(t, f)
		checkJSON(t, m, "remedies.total", `[{"amount":"20.00","currency":"CNY"}]`)
		checkJSON(t, m, "remedies.per_case", `[{"amount":"10.00","currency":"CNY"}]`)
		checkJSON(t, m, "remedies.by_type", `{"coupon":[{"amount":"5.00","currency":"CNY"}],"explanation":[{"amount":"0.00","currency":"CNY"}],"partial_refund":[{"amount":"2.50","currency":"CNY"}],"refund":[{"amount":"12.50","currency":"CNY"}]}`)
		checkJSON(t, m, "reviews.agent_claim.value", `0.6667`)
		checkJSON(t, m, "reviews.platform_word.value", `0.6667`)
		checkJSON(t, m, "reopen_rate.value", `0.3333`)
		checkJSON(t, m, "rework_rate.value", `0.25`)
		checkJSON(t, m, "audits.random", `{"n":1,"passed":1,"rate":null,"sample_too_small":true}`)
		checkJSON(t, m, "audits.risk", `{"n":1,"passed":0,"rate":0,"sample_too_small":false}`)
	})
	t.Run("AgentAInDecemberTookTheHandover", func(t *testing.T) {
		f := rowOf(t, r, ga, dec).Figures
		checkInts(t, map[string][2]int{"opened": {f.Opened, 0}, "sla.listen": {f.SLABreaches[cases.StateListen], 1},
			"breaches_without_note": {f.Handovers.BreachesWithoutNote, 1}, "breaches_with_note": {f.Handovers.BreachesWithNote, 0}})
		checkPercentiles(t, "time_to_acknowledge.wall", f.Handovers.Acknowledge.Wall, 1, 1800, 1800)
		checkPercentiles(t, "time_to_acknowledge.business", f.Handovers.Acknowledge.Business, 1, 1800, 1800)
	})
	t.Run("DuplicateCountedApart", func(t *testing.T) {
		f := rowOf(t, r, gb, nov).Figures
		checkInts(t, map[string][2]int{"opened": {f.Opened, 1}, "closed": {f.Closed, 0},
			"closed_early.duplicate": {f.ClosedEarly["duplicate"], 1}, "reopen.den": {f.ReopenRate.Den, 1}})
		checkPercentiles(t, "resolution.wall", f.Resolution.Wall, 0, 0, 0)
		checkPercentiles(t, "first_response.wall", f.FirstResponse.Wall, 0, 0, 0)
	})
	t.Run("AgentBInDecemberInShanghai", func(t *testing.T) {
		f := rowOf(t, r, gb, dec).Figures
		// One breach of respond: the reminder and the late transition are
		// the same step.
		checkInts(t, map[string][2]int{"opened": {f.Opened, 1}, "sla.respond": {f.SLABreaches[cases.StateRespond], 1},
			"platform_misses": {f.PlatformDeadlineMisses, 1}, "breaches_without_note": {f.Handovers.BreachesWithoutNote, 0}})
		checkPercentiles(t, "first_response.wall", f.FirstResponse.Wall, 1, 7200, 7200)
	})
	t.Run("PeriodBoundaryInUTC", func(t *testing.T) {
		uq := q
		uq.Location = time.UTC
		uq.From, uq.To = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		ur := summarize(t, s, uq)
		unov, udec := uq.From, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		checkInts(t, map[string][2]int{
			"B.nov.opened": {rowOf(t, ur, gb, unov).Opened, 2}, "B.dec.opened": {rowOf(t, ur, gb, udec).Opened, 0},
			"B.nov.platform": {rowOf(t, ur, gb, unov).PlatformDeadlineMisses, 1},
			"A.nov.listen":   {rowOf(t, ur, ga, unov).SLABreaches[cases.StateListen], 1},
			"A.dec.listen":   {rowOf(t, ur, ga, udec).SLABreaches[cases.StateListen], 0},
		})
	})
	t.Run("AnAgentsOwnFigures", func(t *testing.T) {
		aq := q
		aq.AgentID = i64(b)
		ar := summarize(t, s, aq)
		if len(ar.Rows) != 2 || ar.Rows[0].Group != gb || ar.Rows[1].Group != gb {
			t.Fatalf("agent B's report has rows of others: %+v", ar.Rows)
		}
	})
	t.Run("GroupedByKind", func(t *testing.T) {
		kq := q
		kq.GroupBy, kq.Series = cases.GroupKind, cases.SeriesNone
		kr := summarize(t, s, kq)
		checkInts(t, map[string][2]int{
			"bad_review.closed":         {rowOf(t, kr, "bad_review", q.From).Closed, 3},
			"complaint.duplicate":       {rowOf(t, kr, "complaint", q.From).ClosedEarly["duplicate"], 1},
			"lost_parcel.opened":        {rowOf(t, kr, "lost_parcel", q.From).Opened, 1},
			"lost_parcel.handover_bare": {rowOf(t, kr, "lost_parcel", q.From).Handovers.BreachesWithoutNote, 1},
		})
		if len(kr.Rows) != 3 {
			t.Errorf("%d rows, want one per kind: %+v", len(kr.Rows), kr.Rows)
		}
	})
	t.Run("EventsAfterTheRangeAreNotCounted", func(t *testing.T) {
		eq := q
		eq.To = time.Date(2026, 11, 13, 0, 0, 0, 0, sh) // before C1's close
		eq.Series = cases.SeriesNone
		er := summarize(t, s, eq)
		f := rowOf(t, er, ga, eq.From).Figures
		checkInts(t, map[string][2]int{"opened": {f.Opened, 1}, "closed": {f.Closed, 0}, "applied": {f.Remedies.Applied, 2}})
	})
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

func checkInts(t *testing.T, m map[string][2]int) {
	t.Helper()
	for name, gw := range m {
		if gw[0] != gw[1] {
			t.Errorf("%s = %d, want %d", name, gw[0], gw[1])
		}
	}
}

func checkPercentiles(t *testing.T, name string, p cases.Percentiles, n int, median, p90 int64) {
	t.Helper()
	if p.N != n {
		t.Errorf("%s: n = %d, want %d", name, p.N, n)
		return
	}
	if n == 0 {
		if p.Median != nil || p.P90 != nil {
			t.Errorf("%s: figures without durations: %v %v", name, p.Median, p.P90)
		}
		return
	}
	if p.Median == nil || *p.Median != median || p.P90 == nil || *p.P90 != p90 {
		t.Errorf("%s: median %v p90 %v, want %d and %d", name, deref(p.Median), deref(p.P90), median, p90)
	}
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// checkJSON compares the JSON at a dotted path of m with want.
func checkJSON(t *testing.T, m map[string]any, path, want string) {
	t.Helper()
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			t.Errorf("%s: %v is not an object", path, cur)
			return
		}
		cur = obj[k]
	}
	got, _ := json.Marshal(cur)
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	wb, _ := json.Marshal(w)
	if string(got) != string(wb) {
		t.Errorf("%s = %s, want %s", path, got, wb)
	}
}

// factsReport is q's report from the kept facts and their day roll-ups,
// brought up to date first.
func factsReport(t *testing.T, s *store.Store, q cases.ReportQuery) cases.Report {
	t.Helper()
	return factsReportIn(t, s, q, time.UTC)
}

// factsReportIn is factsReport with def the deployment's zone.
func factsReportIn(t *testing.T, s *store.Store, q cases.ReportQuery, def *time.Location) cases.Report {
	t.Helper()
	if _, err := s.Reports().Refresh(context.Background(), def, workflows.CaseFacts, 0); err != nil {
		t.Fatal(err)
	}
	sum := workflows.NewSummary(q)
	if err := s.Reports().Read(context.Background(), q, sum.AddFact, sum.AddAggregate); err != nil {
		t.Fatal(err)
	}
	return sum.Report()
}

func reportJSON(t *testing.T, r cases.Report) string {
	t.Helper()
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestKeptFactsAgreeWithTheLedgers sums the kept facts in the database
// and compares every report with the one folded from the ledgers.
func TestKeptFactsAgreeWithTheLedgers(t *testing.T) {
	db := testdb.New(t)
	s := store.New(db)
	a, _ := knownLedger(t, db, s)
	sh := must(t, "Asia/Shanghai")
	base := cases.ReportQuery{From: time.Date(2026, 11, 1, 0, 0, 0, 0, sh), To: time.Date(2027, 1, 1, 0, 0, 0, 0, sh),
		GroupBy: cases.GroupAgent, Series: cases.SeriesMonth, Location: sh}
	var queries []cases.ReportQuery
	for _, g := range cases.ReportGroups() {
		for _, series := range []cases.ReportSeries{cases.SeriesNone, cases.SeriesDay, cases.SeriesWeek, cases.SeriesMonth} {
			q := base
			q.GroupBy, q.Series = g, series
			queries = append(queries, q)
		}
	}
	utc := base
	utc.Location, utc.From, utc.To = time.UTC, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	mid := base
	mid.From, mid.To = time.Date(2026, 11, 12, 11, 0, 0, 0, sh), time.Date(2026, 11, 19, 10, 30, 0, 0, sh)
	mine := base
	mine.AgentID = i64(a)
	queries = append(queries, utc, mid, mine)
	// In the days' zone (the deployment's, def): whole days from the
	// roll-ups, with and without partial days at either end, every
	// series, an agent's own report by agent (one group of the roll-ups)
	// and by shop (facts only).
	inDays := func(def *time.Location) []cases.ReportQuery {
		var out []cases.ReportQuery
		for _, g := range cases.ReportGroups() {
			for _, series := range []cases.ReportSeries{cases.SeriesNone, cases.SeriesDay, cases.SeriesWeek, cases.SeriesMonth} {
				out = append(out, cases.ReportQuery{From: time.Date(2026, 11, 1, 0, 0, 0, 0, def), To: time.Date(2026, 12, 2, 0, 0, 0, 0, def),
					GroupBy: g, Series: series, Location: def})
			}
		}
		ragged := cases.ReportQuery{From: time.Date(2026, 11, 12, 11, 0, 0, 0, def), To: time.Date(2026, 11, 30, 21, 15, 0, 0, def),
			GroupBy: cases.GroupShop, Series: cases.SeriesDay, Location: def}
		own := cases.ReportQuery{From: time.Date(2026, 11, 1, 0, 0, 0, 0, def), To: time.Date(2026, 12, 2, 0, 0, 0, 0, def),
			GroupBy: cases.GroupAgent, Series: cases.SeriesWeek, Location: def, AgentID: i64(a)}
		ownByShop := own
		ownByShop.GroupBy = cases.GroupShop
		return append(out, ragged, own, ownByShop)
	}
	queries = append(queries, inDays(time.UTC)...)
	checkIn := func(t *testing.T, def *time.Location, qs []cases.ReportQuery) {
		t.Helper()
		for _, q := range qs {
			want, got := reportJSON(t, summarizeIn(t, s, q, def)), reportJSON(t, factsReportIn(t, s, q, def))
			if want != got {
				t.Fatalf("%s by %s in %s from %s (agent %v): the facts say\n%s\nthe ledgers say\n%s",
					q.Series, q.GroupBy, q.Location, q.From, deref(q.AgentID), got, want)
			}
		}
	}
	check := func(t *testing.T) {
		t.Helper()
		checkIn(t, time.UTC, queries)
	}
	t.Run("ReportsReadTheDayRollUps", func(t *testing.T) {
		if _, err := s.Reports().Refresh(context.Background(), time.UTC, workflows.CaseFacts, 0); err != nil {
			t.Fatal(err)
		}
		days := func(q cases.ReportQuery) int {
			stmts, err := s.Reports().Statements(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, st := range stmts {
				if strings.Contains(st.SQL, "report_day_") {
					n++
				}
			}
			return n
		}
		qs := inDays(time.UTC)
		if n := days(qs[0]); n != 2 {
			t.Fatalf("a month of whole days reads %d roll-up queries, want 2 (counts and values)", n)
		}
		if n := days(qs[len(qs)-1]); n != 0 {
			t.Fatalf("an agent's own report by shop reads %d roll-up queries: the roll-ups hold no agent by shop", n)
		}
		if n := days(base); n != 0 {
			t.Fatalf("a series in another zone than the days' reads %d roll-up queries", n)
		}
		if n := countRows(t, db, `SELECT count(*) FROM report_day_counts WHERE dim = 'shop' AND day = '2026-11-12'`); n == 0 {
			t.Fatal("no roll-up of 12 November")
		}
		if n := countRows(t, db, `SELECT count(*) FROM report_days_dirty`); n != 0 {
			t.Fatalf("%d days dirty after a report's refresh", n)
		}
		if n := countRows(t, db, `SELECT count(*) FROM report_day_values
			WHERE figure NOT IN ('closed', 'first_response', 'acknowledged', 'remedy')`); n != 0 {
			t.Fatalf("%d roll-ups of values for figures without durations or cases", n)
		}
	})
	t.Run("AfterTheFirstRefresh", check)
	t.Run("AWriteMakesTheCaseDirtyAgain", func(t *testing.T) {
		if n := countRows(t, db, `SELECT count(*) FROM report_dirty`); n != 0 {
			t.Fatalf("%d cases dirty after a refresh", n)
		}
		var id int64
		if err := db.Get(&id, `SELECT min(case_id) FROM case_events WHERE kind = 'audited'`); err != nil {
			t.Fatal(err)
		}
		// The rows of each day's roll-up, by the transaction that wrote them.
		rolled := func() map[string]string {
			var rows []struct{ Day, Xmins string }
			if err := db.Select(&rows, `SELECT day::text AS day, string_agg(xmin::text, ',' ORDER BY dim, grp, figure, sub, note, currency) AS xmins
				FROM report_day_counts GROUP BY day`); err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			for _, r := range rows {
				m[r.Day] = r.Xmins
			}
			return m
		}
		before := rolled()
		c := &ledgerCase{t: t, s: s, id: id}
		c.move("2026-11-25T02:00:00Z", "closed", "listen", "reopen", map[string]any{"reopen_reason": "again"})
		if n := countRows(t, db, `SELECT count(*) FROM report_dirty WHERE case_id = $1`, id); n != 1 {
			t.Fatalf("the case written to is not dirty")
		}
		check(t)
		after := rolled()
		for day, x := range before {
			if changed := after[day] != x; changed != (day == "2026-11-25") {
				t.Errorf("the roll-up of %s was made again: %v; only the reopen's day should be", day, changed)
			}
		}
		if r := factsReport(t, s, base); rowOf(t, r, itoa(a), base.From).Reopened != 2 {
			t.Fatalf("the reopen is not counted: %+v", rowOf(t, r, itoa(a), base.From))
		}
	})
	t.Run("ManyDurations", func(t *testing.T) {
		// Enough cases for the nearest ranks of the median and the 90th
		// percentile to differ from their neighbours'.
		start := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
		for i := range 37 {
			c := insertLedgerCase(t, db, s, "taobao", "S1", "damaged")
			at := start.Add(time.Duration(i*7) * time.Hour)
			c.add(at.Format(time.RFC3339), cases.EventCreated, map[string]any{"state": "respond", "kind": "damaged",
				"shop": "S1", "platform": "taobao", "assignee_id": a})
			c.move(at.Add(time.Duration(i*i+5)*time.Minute).Format(time.RFC3339), "respond", "listen", "forward", nil)
			c.move(at.Add(time.Duration(i*97+30)*time.Minute).Format(time.RFC3339), "listen", "closed", "close_early",
				map[string]any{"close_reason": "invalid"})
		}
		check(t)
	})
	t.Run("ACalendarChangeMakesTheShopsCasesDirty", func(t *testing.T) {
		if _, err := db.Exec(`UPDATE shops SET holidays = '{}' WHERE name = 'S1'`); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, db, `SELECT count(*) FROM report_dirty`); n != 40 {
			t.Fatalf("%d cases dirty, want S1's 40", n)
		}
		check(t)
	})
	t.Run("AnotherDeploymentZoneCutsTheDaysAgain", func(t *testing.T) {
		qs := append(inDays(sh), base, mid)
		checkIn(t, sh, qs)
		var zone string
		if err := db.Get(&zone, `SELECT day_zone FROM report_state`); err != nil || zone != "Asia/Shanghai" {
			t.Fatalf("days cut in %q (%v), want Asia/Shanghai", zone, err)
		}
		// C4 was created at 17:00 on 30 November in UTC: 1 December in Shanghai.
		if n := countRows(t, db, `SELECT count(*) FROM report_day_counts WHERE day = '2026-12-01' AND figure = 'opened'`); n == 0 {
			t.Fatal("C4's opening is not on 1 December in Shanghai")
		}
		checkIn(t, time.UTC, queries)
	})
}
