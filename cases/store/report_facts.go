package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// refreshBatch is how many cases one refresh transaction brings up to date.
const refreshBatch = 200

// FactsOf computes a case's report facts from its whole ledger
// (workflows.CaseFacts); the store keeps them.
type FactsOf func(cases.ReportLedger) []cases.ReportFact

// Refresh brings the report facts of the cases whose ledgers moved on
// (report_dirty) up to date, at most max cases (all when max <= 0), then
// the day roll-ups of the days whose facts changed, and returns how many
// cases it did. Each batch is one transaction: it takes its cases off the
// list (skipping those a writer holds, which it will list again), reads
// their whole ledgers, and replaces the facts that changed. When the
// deployment's zone def is not the one the facts or the days were
// computed in, every case's facts or every day are computed again.
func (r *Reports) Refresh(ctx context.Context, def *time.Location, facts FactsOf, max int) (int, error) {
	if err := r.checkZones(ctx, def); err != nil {
		return 0, err
	}
	done, err := r.refreshFacts(ctx, def, facts, max)
	if err != nil {
		return done, err
	}
	days := 0
	if max > 0 {
		days = sweepDays
	}
	return done, r.rollUpDays(ctx, def, days, max <= 0)
}

// sweepDays bounds how many days a bounded refresh (the scheduler's) rolls
// up; the next one goes on.
const sweepDays = 31

// refreshFacts brings up to max cases' facts up to date (Refresh).
func (r *Reports) refreshFacts(ctx context.Context, def *time.Location, facts FactsOf, max int) (int, error) {
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
		held, err := r.waitForHeld(ctx, `SELECT case_id::text FROM report_dirty ORDER BY case_id LIMIT $1`,
			`SELECT 1 FROM report_dirty WHERE case_id = $1::bigint FOR UPDATE`)
		if err != nil || held == 0 {
			return done, err
		}
		after = 0
	}
	return done, nil
}

// checkZones starts over what was computed in another zone than def, the
// deployment's: every case's facts (shops without a zone of their own
// count business hours in it) when the facts were, every day's roll-up
// (days are cut in it) when the days were.
func (r *Reports) checkZones(ctx context.Context, def *time.Location) error {
	zone := def.String()
	var same bool
	if err := r.db.GetContext(ctx, &same, `SELECT EXISTS (SELECT 1 FROM report_state WHERE time_zone = $1 AND day_zone = $1)`,
		zone); err != nil {
		return formatError(err, "report facts")
	}
	if same {
		return nil
	}
	return inTx(ctx, r.db, nil, "report facts", func(tx *sqlx.Tx) error {
		var st struct {
			Facts string         `db:"time_zone"`
			Days  sql.NullString `db:"day_zone"`
		}
		err := tx.GetContext(ctx, &st, `SELECT time_zone, day_zone FROM report_state FOR UPDATE`)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && st.Facts == zone && st.Days.String == zone {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_state (time_zone, day_zone) VALUES ($1, $1)
			ON CONFLICT (only_row) DO UPDATE SET time_zone = EXCLUDED.time_zone, day_zone = EXCLUDED.day_zone`, zone); err != nil {
			return err
		}
		if st.Facts != zone {
			if _, err := tx.ExecContext(ctx, `INSERT INTO report_dirty AS d (case_id) SELECT id FROM cases ORDER BY id
				ON CONFLICT (case_id) DO UPDATE SET changes = d.changes + 1`); err != nil {
				return err
			}
		}
		if st.Days.String == zone {
			return nil
		}
		for _, q := range []string{`DELETE FROM report_day_counts`, `DELETE FROM report_day_values`,
			`INSERT INTO report_days_dirty AS d (day) SELECT DISTINCT (at AT TIME ZONE $1)::date FROM report_facts ORDER BY 1
				ON CONFLICT (day) DO UPDATE SET changes = d.changes + 1`} {
			args := []any{}
			if strings.Contains(q, "$1") {
				args = append(args, zone)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// maxHeldWaits bounds how many times a report waits for held cases, so
// that a stream of new writes cannot keep it waiting.
const maxHeldWaits = 3

// heldWaitLimit bounds how many held cases one wait covers; a report
// waits for the rest in its next round.
const heldWaitLimit = 1000

// waitForHeld waits until the rows still listed (list, of the first $1)
// that other transactions hold are released, locking each (lock, of $1)
// one at a time and holding no other lock (so that it can never close a
// deadlock), and returns how many were listed.
func (r *Reports) waitForHeld(ctx context.Context, list, lock string) (int, error) {
	var ids []string
	if err := r.db.SelectContext(ctx, &ids, list, heldWaitLimit); err != nil {
		return 0, formatError(err, "report facts")
	}
	for _, id := range ids {
		err := inTx(ctx, r.db, nil, "report facts", func(tx *sqlx.Tx) error {
			_, err := tx.ExecContext(ctx, lock, id)
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
		return replaceFactsTx(ctx, tx, def, ids, facts)
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
