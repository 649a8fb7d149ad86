package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// refreshBatch is how many cases one refresh transaction brings up to date.
const refreshBatch = 200

var reportSummary = query("report_summary")

// FactsOf computes a case's report facts from its whole ledger
// (workflows.CaseFacts); the store keeps them.
type FactsOf func(cases.ReportLedger) []cases.ReportFact

// Refresh brings the report facts of the cases whose ledgers moved on
// (report_dirty) up to date, at most max cases (all when max <= 0), and
// returns how many it did. Each batch is one transaction: it takes its
// cases off the list (skipping those a writer holds, which it will list
// again), reads their whole ledgers, and replaces their facts. When the
// deployment's zone def is not the one the facts were computed in, every
// case's facts are computed again.
func (r *Reports) Refresh(ctx context.Context, def *time.Location, facts FactsOf, max int) (int, error) {
	err := inTx(ctx, r.db, nil, "report facts", func(tx *sqlx.Tx) error {
		var zone string
		err := tx.GetContext(ctx, &zone, `SELECT time_zone FROM report_state`)
		if err == nil && zone == def.String() {
			return nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_state (time_zone) VALUES ($1)
			ON CONFLICT (only_row) DO UPDATE SET time_zone = EXCLUDED.time_zone`, def.String()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO report_dirty AS d (case_id) SELECT id FROM cases ORDER BY id
			ON CONFLICT (case_id) DO UPDATE SET changes = d.changes + 1`)
		return err
	})
	if err != nil {
		return 0, err
	}
	// Each batch starts after the last case of the one before: the rows
	// the batches delete stay in the index until vacuumed, and starting
	// from the first case every time walked over all of them again (at a
	// million cases the rate fell from 3,500 cases a second to 230).
	done, after, waits := 0, int64(0), 0
	for max <= 0 || done < max {
		n, last, err := r.refreshBatch(ctx, def, facts, after)
		if err != nil {
			return done, err
		}
		if n > 0 {
			done, after = done+n, last
			if done%analyzeEvery < n {
				// A rebuild of many cases outruns autovacuum's statistics:
				// on a table it had never analysed, PostgreSQL took 200
				// cases' facts for a million rows and deleted them by a
				// sequential scan (600 ms a batch instead of a few).
				if _, err := r.db.ExecContext(ctx, `ANALYZE report_facts`); err != nil {
					return done, formatError(err, "report facts")
				}
			}
			continue
		}
		// What is left is held by other transactions: another refresh
		// (a sweep's, or another instance's report) or a writer not yet
		// committed. A report (max <= 0) must not sum facts without
		// theirs: it waits for each such case and takes what they leave,
		// from the first case again.
		if max > 0 || waits == maxHeldWaits {
			return done, nil
		}
		waits++
		held, err := r.waitForHeld(ctx)
		if err != nil || held == 0 {
			return done, err
		}
		after = 0
	}
	return done, nil
}

// maxHeldWaits bounds how many times a report waits for held cases, so
// that a stream of new writes cannot keep it waiting.
const maxHeldWaits = 3

// heldWaitLimit bounds how many held cases one wait covers; a report
// waits for the rest in its next round.
const heldWaitLimit = 1000

// waitForHeld waits until the cases listed in report_dirty that other
// transactions hold are released, one at a time and holding no other
// lock (so that it can never close a deadlock), and returns how many were
// listed.
func (r *Reports) waitForHeld(ctx context.Context) (int, error) {
	var ids []int64
	if err := r.db.SelectContext(ctx, &ids, `SELECT case_id FROM report_dirty ORDER BY case_id LIMIT $1`, heldWaitLimit); err != nil {
		return 0, formatError(err, "report facts")
	}
	for _, id := range ids {
		err := inTx(ctx, r.db, nil, "report facts", func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, `SELECT 1 FROM report_dirty WHERE case_id = $1 FOR UPDATE`, id)
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// analyzeEvery is how many cases a long refresh brings up to date between
// two ANALYZEs of the facts.
const analyzeEvery = 20_000

func (r *Reports) refreshBatch(ctx context.Context, def *time.Location, factsOf FactsOf, after int64) (int, int64, error) {
	var ids []int64
	err := inTx(ctx, r.db, nil, "report facts", func(tx *sqlx.Tx) error {
		if err := tx.SelectContext(ctx, &ids, `SELECT case_id FROM report_dirty WHERE case_id > $2 ORDER BY case_id LIMIT $1
			FOR UPDATE SKIP LOCKED`, refreshBatch, after); err != nil || len(ids) == 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_dirty WHERE case_id = ANY($1)`, pq.Array(ids)); err != nil {
			return err
		}
		var facts []cases.ReportFact
		q := reportEvents + ` WHERE e.case_id = ANY($1::bigint[]) AND e.kind = ANY($2::text[]) ORDER BY e.case_id, e.seq`
		if err := readLedgersTx(ctx, tx, def, q, []any{pq.Array(ids), reportKinds()}, func(l cases.ReportLedger) {
			facts = append(facts, factsOf(l)...)
		}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_facts WHERE case_id = ANY($1)`, pq.Array(ids)); err != nil {
			return err
		}
		return insertFactsTx(ctx, tx, facts)
	})
	if err != nil || len(ids) == 0 {
		return 0, after, err
	}
	return len(ids), ids[len(ids)-1], nil
}

// insertFactsTx copies facts in.
func insertFactsTx(ctx context.Context, tx *sqlx.Tx, facts []cases.ReportFact) error {
	if len(facts) == 0 {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `COPY report_facts (case_id, seq, figure, at, agent_id, shop, platform, kind,
		sub, note, wall_s, biz_s, cycle_wall_s, cycle_biz_s, amount, currency, review, claim, platform_word, passed) FROM STDIN`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, f := range facts {
		var amount *int64
		if f.Figure == cases.FactRemedy {
			amount = &f.Amount.Minor
		}
		if _, err := st.ExecContext(ctx, f.CaseID, f.Seq, string(f.Figure), f.At, f.Agent, f.Shop, string(f.Platform),
			string(f.Kind), f.Sub, f.Note, f.Wall, f.Biz, f.CycleWall, f.CycleBiz, amount, f.Amount.Currency,
			f.Review, f.Claim, f.PlatformWord, f.Passed); err != nil {
			return err
		}
	}
	_, err = st.ExecContext(ctx)
	return err
}

// AggregatesStatement returns the query Aggregates runs for q and its
// arguments, so that the benchmark gives pgbench the same SQL.
func (r *Reports) AggregatesStatement(q cases.ReportQuery) (string, []any) {
	var agent any
	if q.AgentID != nil {
		agent = *q.AgentID
	}
	return reportSummary, []any{q.From, q.To, agent, string(q.GroupBy), string(q.Series), q.Location.String()}
}

// aggregateRow is a row of sql/report_summary.sql.
type aggregateRow struct {
	Part         string        `db:"part"`
	Group        string        `db:"grp"`
	Period       sql.NullTime  `db:"period"`
	Figure       string        `db:"figure"`
	Sub          string        `db:"sub"`
	Note         string        `db:"note"`
	Currency     string        `db:"currency"`
	N            int           `db:"n"`
	Review       int           `db:"review"`
	Claim        int           `db:"claim"`
	PlatformWord int           `db:"platform_word"`
	Passed       int           `db:"passed"`
	Amount       int64         `db:"amount"`
	Cases        int           `db:"cases"`
	WallN        int           `db:"wall_n"`
	WallMedian   sql.NullInt64 `db:"wall_median"`
	WallP90      sql.NullInt64 `db:"wall_p90"`
	BizN         int           `db:"biz_n"`
	BizMedian    sql.NullInt64 `db:"biz_median"`
	BizP90       sql.NullInt64 `db:"biz_p90"`
	CWallN       int           `db:"cycle_wall_n"`
	CWallMedian  sql.NullInt64 `db:"cycle_wall_median"`
	CWallP90     sql.NullInt64 `db:"cycle_wall_p90"`
	CBizN        int           `db:"cycle_biz_n"`
	CBizMedian   sql.NullInt64 `db:"cycle_biz_median"`
	CBizP90      sql.NullInt64 `db:"cycle_biz_p90"`
}

func percentiles(n int, median, p90 sql.NullInt64) cases.Percentiles {
	p := cases.Percentiles{N: n}
	if n > 0 && median.Valid && p90.Valid {
		m, q := median.Int64, p90.Int64
		p.Median, p.P90 = &m, &q
	}
	return p
}

// reportWorkMem is the sort memory a report's transaction may use: the
// durations of a year of facts sort in memory instead of on disk.
const reportWorkMem = "64MB"

// Aggregates returns the sums of the report facts q covers, per group,
// period and figure (sql/report_summary.sql); call Refresh first for facts
// that are up to date.
func (r *Reports) Aggregates(ctx context.Context, q cases.ReportQuery) ([]cases.ReportAggregate, error) {
	var out []cases.ReportAggregate
	stmt, args := r.AggregatesStatement(q)
	err := inTx(ctx, r.db, &sql.TxOptions{ReadOnly: true}, "report", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '`+reportWorkMem+`'`); err != nil {
			return err
		}
		rows, err := tx.QueryxContext(ctx, stmt, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a aggregateRow
			if err := rows.StructScan(&a); err != nil {
				return err
			}
			agg := cases.ReportAggregate{Part: a.Part, Group: a.Group, Figure: cases.ReportFigure(a.Figure), Sub: a.Sub,
				Note: a.Note, Currency: a.Currency, N: a.N, Review: a.Review, Claim: a.Claim, PlatformWord: a.PlatformWord,
				Passed: a.Passed, Amount: a.Amount, Cases: a.Cases,
				Wall: percentiles(a.WallN, a.WallMedian, a.WallP90), Biz: percentiles(a.BizN, a.BizMedian, a.BizP90),
				CycleWall: percentiles(a.CWallN, a.CWallMedian, a.CWallP90), CycleBiz: percentiles(a.CBizN, a.CBizMedian, a.CBizP90)}
			if a.Period.Valid {
				t := a.Period.Time
				agg.Period = &t
			}
			out = append(out, agg)
		}
		return rows.Err()
	})
	return out, err
}
