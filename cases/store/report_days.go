package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

var (
	reportDayRollup = query("report_day_rollup")
	reportDayCounts = query("report_day_counts")
	reportDayValues = query("report_day_values")
)

// reportDims are the groupings a day is rolled up by (report_day_counts.dim).
var reportDims = pq.StringArray{"agent", "shop", "kind", "platform"}

// factColumns are report_facts' columns as factRow reads them.
const factColumns = `case_id, seq, figure, at, agent_id, shop, platform, kind, sub, note,
	wall_s, biz_s, cycle_wall_s, cycle_biz_s, coalesce(amount, 0) AS amount, currency, review, claim, platform_word, passed`

// factRow is a row of report_facts.
type factRow struct {
	CaseID       int64         `db:"case_id"`
	Seq          int64         `db:"seq"`
	Figure       string        `db:"figure"`
	At           time.Time     `db:"at"`
	Agent        sql.NullInt64 `db:"agent_id"`
	Shop         string        `db:"shop"`
	Platform     string        `db:"platform"`
	Kind         string        `db:"kind"`
	Sub          string        `db:"sub"`
	Note         string        `db:"note"`
	Wall         sql.NullInt64 `db:"wall_s"`
	Biz          sql.NullInt64 `db:"biz_s"`
	CycleWall    sql.NullInt64 `db:"cycle_wall_s"`
	CycleBiz     sql.NullInt64 `db:"cycle_biz_s"`
	Amount       int64         `db:"amount"`
	Currency     string        `db:"currency"`
	Review       bool          `db:"review"`
	Claim        bool          `db:"claim"`
	PlatformWord bool          `db:"platform_word"`
	Passed       bool          `db:"passed"`
}

func nullable(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func (r factRow) fact() cases.ReportFact {
	return cases.ReportFact{CaseID: r.CaseID, Seq: r.Seq, Figure: cases.ReportFigure(r.Figure), At: r.At,
		Agent: nullable(r.Agent), Shop: r.Shop, Platform: cases.Platform(r.Platform), Kind: cases.Kind(r.Kind),
		Sub: r.Sub, Note: r.Note, Wall: nullable(r.Wall), Biz: nullable(r.Biz), CycleWall: nullable(r.CycleWall),
		CycleBiz: nullable(r.CycleBiz), Amount: cases.Money{Minor: r.Amount, Currency: r.Currency},
		Review: r.Review, Claim: r.Claim, PlatformWord: r.PlatformWord, Passed: r.Passed}
}

// factKey names a fact as report_facts' primary key does.
type factKey struct {
	caseID, seq int64
	figure      cases.ReportFigure
}

// sameFact reports whether the kept fact a says what b does, as
// report_facts keeps it (an amount only on a remedy).
func sameFact(a, b cases.ReportFact) bool {
	eq := func(x, y *int64) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	amount := func(f cases.ReportFact) int64 {
		if f.Figure == cases.FactRemedy {
			return f.Amount.Minor
		}
		return 0
	}
	return a.At.Equal(b.At) && eq(a.Agent, b.Agent) && a.Shop == b.Shop && a.Platform == b.Platform && a.Kind == b.Kind &&
		a.Sub == b.Sub && a.Note == b.Note && eq(a.Wall, b.Wall) && eq(a.Biz, b.Biz) && eq(a.CycleWall, b.CycleWall) &&
		eq(a.CycleBiz, b.CycleBiz) && amount(a) == amount(b) && a.Amount.Currency == b.Amount.Currency &&
		a.Review == b.Review && a.Claim == b.Claim && a.PlatformWord == b.PlatformWord && a.Passed == b.Passed
}

// replaceFactsTx makes facts the kept facts of the cases ids: it deletes
// and inserts only the facts that changed, and lists the days (in def)
// those were in as dirty, so that a case whose ledger moved on today does
// not roll up again the days of its older facts.
func replaceFactsTx(ctx context.Context, tx *sqlx.Tx, def *time.Location, ids []int64, facts []cases.ReportFact) error {
	var rows []factRow
	if err := tx.SelectContext(ctx, &rows, `SELECT `+factColumns+` FROM report_facts WHERE case_id = ANY($1)`, pq.Array(ids)); err != nil {
		return err
	}
	kept := make(map[factKey]cases.ReportFact, len(rows))
	for _, r := range rows {
		f := r.fact()
		kept[factKey{f.CaseID, f.Seq, f.Figure}] = f
	}
	var add, gone []cases.ReportFact
	for _, f := range facts {
		k := factKey{f.CaseID, f.Seq, f.Figure}
		if old, ok := kept[k]; ok {
			delete(kept, k)
			if sameFact(old, f) {
				continue
			}
			gone = append(gone, old)
		}
		add = append(add, f)
	}
	for _, old := range kept {
		gone = append(gone, old)
	}
	if len(add) == 0 && len(gone) == 0 {
		return nil
	}
	days := map[string]bool{}
	if len(gone) > 0 {
		cs, seqs, figs := make([]int64, len(gone)), make([]int64, len(gone)), make([]string, len(gone))
		for i, f := range gone {
			cs[i], seqs[i], figs[i] = f.CaseID, f.Seq, string(f.Figure)
			days[f.At.In(def).Format(time.DateOnly)] = true
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_facts WHERE (case_id, seq, figure) IN
			(SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[]))`, pq.Array(cs), pq.Array(seqs), pq.Array(figs)); err != nil {
			return err
		}
	}
	for _, f := range add {
		days[f.At.In(def).Format(time.DateOnly)] = true
	}
	if err := insertFactsTx(ctx, tx, add); err != nil {
		return err
	}
	list := make([]string, 0, len(days))
	for d := range days {
		list = append(list, d)
	}
	slices.Sort(list) // one lock order for every writer
	_, err := tx.ExecContext(ctx, `INSERT INTO report_days_dirty AS d (day) SELECT unnest($1::date[]) ORDER BY 1
		ON CONFLICT (day) DO UPDATE SET changes = d.changes + 1`, pq.Array(list))
	return err
}

// dayBatch is how many days one roll-up transaction makes.
const dayBatch = 4

// rollUpDays rolls up the days whose facts changed (report_days_dirty),
// at most max of them (all when max <= 0). A report's (wait) waits for the
// days other transactions hold and rolls those up too.
func (r *Reports) rollUpDays(ctx context.Context, def *time.Location, max int, wait bool) error {
	done, waits := 0, 0
	for max <= 0 || done < max {
		n, err := r.rollUpBatch(ctx, def)
		if err != nil {
			return err
		}
		if n > 0 {
			done += n
			continue
		}
		if !wait || waits == maxHeldWaits {
			return nil
		}
		waits++
		held, err := r.waitForHeld(ctx, `SELECT day::text FROM report_days_dirty ORDER BY day LIMIT $1`,
			`SELECT 1 FROM report_days_dirty WHERE day = $1::date FOR UPDATE`)
		if err != nil || held == 0 {
			return err
		}
	}
	return nil
}

// rollUpBatch takes up to dayBatch dirty days off the list (skipping those
// a writer holds) and makes their roll-ups again from their facts, in one
// transaction; it returns how many days it did.
func (r *Reports) rollUpBatch(ctx context.Context, def *time.Location) (int, error) {
	var days []string
	err := inTx(ctx, r.db, nil, "report days", func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &days, `SELECT day::text FROM report_days_dirty ORDER BY day LIMIT $1
			FOR UPDATE SKIP LOCKED`, dayBatch); err != nil || len(days) == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_days_dirty WHERE day = ANY($1::date[])`, pq.Array(days)); err != nil {
			return err
		}
		// dim = ANY lets the primary keys (dim, day, …) find the days.
		for _, table := range []string{"report_day_counts", "report_day_values"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE dim = ANY($2) AND day = ANY($1::date[])`,
				pq.Array(days), reportDims); err != nil {
				return err
			}
		}
		// A day's facts are a few thousand: planned as such, they never
		// earn the just-in-time compiler's second or so per statement.
		if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		for _, day := range days {
			start, err := time.ParseInLocation(time.DateOnly, day, def)
			if err != nil {
				return cases.Internalf(err, "report day %q", day)
			}
			if _, err := tx.ExecContext(ctx, reportDayRollup, start, start.AddDate(0, 0, 1), day); err != nil {
				return err
			}
		}
		return nil
	})
	return len(days), err
}

// reportPlan is how a report reads its range: the roll-ups of its whole
// days (in the days' zone) and the facts of the rest, or only facts when
// roll-ups cannot serve it (a series in another zone than the days', an
// agent's own report grouped otherwise than by agent).
type reportPlan struct {
	raw       [][2]time.Time // ranges of facts to read one by one
	firstDay  string         // the roll-ups of [firstDay, endDay), when firstDay is set
	endDay    string
	dim, grp  string // the grouping; the one group of an agent's own report
	period    string
	agentOnly any // an agent's own report: its id, else nil
}

// planReport decides how q is read, the days being cut in zone ("" when
// they are not rolled up yet).
func planReport(q cases.ReportQuery, zone string) reportPlan {
	p := reportPlan{dim: string(q.GroupBy), period: string(q.Series), raw: [][2]time.Time{{q.From, q.To}}}
	if q.AgentID != nil {
		p.agentOnly, p.grp = *q.AgentID, strconv.FormatInt(*q.AgentID, 10)
	}
	loc, err := time.LoadLocation(zone)
	if zone == "" || err != nil || (q.Series != cases.SeriesNone && q.Location.String() != zone) ||
		(q.AgentID != nil && q.GroupBy != cases.GroupAgent) {
		return p
	}
	from, to := q.From.In(loc), q.To.In(loc)
	first := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	if first.Before(q.From) {
		first = time.Date(from.Year(), from.Month(), from.Day()+1, 0, 0, 0, 0, loc)
	}
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	if end.After(q.To) {
		end = time.Date(to.Year(), to.Month(), to.Day()-1, 0, 0, 0, 0, loc)
	}
	if !first.Before(end) {
		return p
	}
	p.raw = nil
	for _, r := range [][2]time.Time{{q.From, first}, {end, q.To}} {
		if r[0].Before(r[1]) {
			p.raw = append(p.raw, r)
		}
	}
	p.firstDay, p.endDay = first.Format(time.DateOnly), end.Format(time.DateOnly)
	return p
}

// dayArgs are the arguments of sql/report_day_counts.sql and
// sql/report_day_values.sql.
func (p reportPlan) dayArgs() []any {
	var grp any
	if p.agentOnly != nil {
		grp = p.grp
	}
	return []any{p.dim, p.firstDay, p.endDay, p.period, grp}
}

// factsQuery reads the facts of [$1, $2), of one agent ($3) or all.
const factsQuery = `SELECT ` + factColumns + ` FROM report_facts
	WHERE at >= $1 AND at < $2 AND ($3::bigint IS NULL OR agent_id = $3::bigint)`

// Statement is a query and its arguments.
type Statement struct {
	SQL  string
	Args []any
}

// Statements returns the queries Read runs for q, so that the benchmark
// gives pgbench the same SQL.
func (r *Reports) Statements(ctx context.Context, q cases.ReportQuery) ([]Statement, error) {
	zone, err := r.dayZone(ctx, r.db)
	if err != nil {
		return nil, err
	}
	p := planReport(q, zone)
	var out []Statement
	for _, rg := range p.raw {
		out = append(out, Statement{factsQuery, []any{rg[0], rg[1], p.agentOnly}})
	}
	if p.firstDay != "" {
		out = append(out, Statement{reportDayCounts, p.dayArgs()}, Statement{reportDayValues, p.dayArgs()})
	}
	return out, nil
}

// dayZone returns the zone the days are rolled up in, "" before the first
// roll-up.
func (r *Reports) dayZone(ctx context.Context, q sqlx.QueryerContext) (string, error) {
	var zone sql.NullString
	err := sqlx.GetContext(ctx, q, &zone, `SELECT day_zone FROM report_state`)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return zone.String, err
}

// Read calls fact with each kept fact q's report counts that no roll-up
// holds, and agg with the day roll-ups of the rest, in one snapshot (see
// reportPlan); workflows.Summary sums both. Call Refresh first for facts
// and roll-ups that are up to date.
func (r *Reports) Read(ctx context.Context, q cases.ReportQuery, fact func(cases.ReportFact), agg func(cases.ReportAggregate)) error {
	opts := &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	return inTx(ctx, r.db, opts, "report", func(tx *sqlx.Tx) error {
		zone, err := r.dayZone(ctx, tx)
		if err != nil {
			return err
		}
		p := planReport(q, zone)
		for _, rg := range p.raw {
			if err := readFactsTx(ctx, tx, rg[0], rg[1], p.agentOnly, fact); err != nil {
				return err
			}
		}
		if p.firstDay == "" {
			return nil
		}
		if err := readDayCountsTx(ctx, tx, p, agg); err != nil {
			return err
		}
		return readDayValuesTx(ctx, tx, p, agg)
	})
}

func readFactsTx(ctx context.Context, tx *sqlx.Tx, from, to time.Time, agent any, fact func(cases.ReportFact)) error {
	rows, err := tx.QueryxContext(ctx, factsQuery, from, to, agent)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var r factRow
		if err := rows.StructScan(&r); err != nil {
			return err
		}
		fact(r.fact())
	}
	return rows.Err()
}

// dayCountRow is a row of sql/report_day_counts.sql.
type dayCountRow struct {
	Group        string       `db:"grp"`
	Period       sql.NullTime `db:"period"`
	Figure       string       `db:"figure"`
	Sub          string       `db:"sub"`
	Note         string       `db:"note"`
	Currency     string       `db:"currency"`
	N            int          `db:"n"`
	Review       int          `db:"review"`
	Claim        int          `db:"claim"`
	PlatformWord int          `db:"platform_word"`
	Passed       int          `db:"passed"`
	Amount       int64        `db:"amount"`
}

func periodOf(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

func readDayCountsTx(ctx context.Context, tx *sqlx.Tx, p reportPlan, agg func(cases.ReportAggregate)) error {
	rows, err := tx.QueryxContext(ctx, reportDayCounts, p.dayArgs()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a dayCountRow
		if err := rows.StructScan(&a); err != nil {
			return err
		}
		agg(cases.ReportAggregate{Part: cases.PartCount, Group: a.Group, Period: periodOf(a.Period),
			Figure: cases.ReportFigure(a.Figure), Sub: a.Sub, Note: a.Note, Currency: a.Currency, N: a.N,
			Review: a.Review, Claim: a.Claim, PlatformWord: a.PlatformWord, Passed: a.Passed, Amount: a.Amount})
	}
	return rows.Err()
}

// dayValuesRow is a row of sql/report_day_values.sql.
type dayValuesRow struct {
	Group     string       `db:"grp"`
	Period    sql.NullTime `db:"period"`
	Figure    string       `db:"figure"`
	Currency  string       `db:"currency"`
	Wall      []byte       `db:"wall"`
	Biz       []byte       `db:"biz"`
	CycleWall []byte       `db:"cycle_wall"`
	CycleBiz  []byte       `db:"cycle_biz"`
	Cases     []byte       `db:"cases"`
}

// int4s reads big-endian int4s (int4send).
func int4s(b []byte) []int32 {
	out := make([]int32, len(b)/4)
	for i := range out {
		out[i] = int32(binary.BigEndian.Uint32(b[4*i:]))
	}
	return out
}

// int8s reads big-endian int8s (int8send).
func int8s(b []byte) []int64 {
	out := make([]int64, len(b)/8)
	for i := range out {
		out[i] = int64(binary.BigEndian.Uint64(b[8*i:]))
	}
	return out
}

func readDayValuesTx(ctx context.Context, tx *sqlx.Tx, p reportPlan, agg func(cases.ReportAggregate)) error {
	rows, err := tx.QueryxContext(ctx, reportDayValues, p.dayArgs()...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var v dayValuesRow
		if err := rows.StructScan(&v); err != nil {
			return err
		}
		agg(cases.ReportAggregate{Part: cases.PartValues, Group: v.Group, Period: periodOf(v.Period),
			Figure: cases.ReportFigure(v.Figure), Currency: v.Currency, Wall: int4s(v.Wall), Biz: int4s(v.Biz),
			CycleWall: int4s(v.CycleWall), CycleBiz: int4s(v.CycleBiz), CaseIDs: int8s(v.Cases)})
	}
	return rows.Err()
}
