package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// Reports is the reports' part of the store: it reads the ledgers reports
// are computed from. It never reads the cases' mutable columns (state,
// closed_at, kind, assignee): every figure comes from the events.
type Reports struct{ *Store }

// Reports returns the store's report reads.
func (s *Store) Reports() *Reports { return &Reports{s} }

// reportEventKinds are the ledger events some report figure reads.
var reportEventKinds = []cases.EventKind{cases.EventCreated, cases.EventEdited, cases.EventTransitioned,
	cases.EventAssigned, cases.EventRemedyApproved, cases.EventRemedyDeclined, cases.EventReminded,
	cases.EventEscalated, cases.EventHandedOver, cases.EventHandoverAcknowledged, cases.EventAudited,
	cases.EventReviewChanged}

var reportEvents = query("report_events")

// reportEventRow is a row of sql/report_events.sql.
type reportEventRow struct {
	CaseID         int64          `db:"case_id"`
	Seq            int64          `db:"seq"`
	Kind           string         `db:"kind"`
	At             time.Time      `db:"at"`
	From           string         `db:"from_state"`
	To             string         `db:"to_state"`
	Move           string         `db:"move"`
	WasOverdue     bool           `db:"was_overdue"`
	CloseReason    string         `db:"close_reason"`
	Review         string         `db:"review"`
	RemedyType     string         `db:"remedy_type"`
	RemedyAmount   string         `db:"remedy_amount"`
	RemedyCurrency string         `db:"remedy_currency"`
	Level          string         `db:"level"`
	StepState      string         `db:"step_state"`
	Assignee       sql.NullInt64  `db:"assignee"`
	HandoverID     int64          `db:"handover_id"`
	HandoverNote   bool           `db:"handover_note"`
	CaseKind       string         `db:"case_kind"`
	Shop           string         `db:"shop"`
	Platform       string         `db:"platform"`
	AuditID        int64          `db:"audit_id"`
	Round          int            `db:"round"`
	Verdict        string         `db:"verdict"`
	AuditReasons   pq.StringArray `db:"audit_reasons"`
	ReviewUp       bool           `db:"review_up"`
}

func (r reportEventRow) event() (cases.ReportEvent, error) {
	e := cases.ReportEvent{CaseID: r.CaseID, Seq: r.Seq, Kind: cases.EventKind(r.Kind), At: r.At,
		From: cases.State(r.From), To: cases.State(r.To), Move: r.Move, WasOverdue: r.WasOverdue,
		CloseReason: cases.CloseReason(r.CloseReason), Review: cases.ReviewOutcome(r.Review),
		RemedyType: cases.RemedyType(r.RemedyType), Level: cases.ReminderLevel(r.Level), StepState: cases.State(r.StepState),
		HandoverID: r.HandoverID, HandoverNote: r.HandoverNote, CaseKind: cases.Kind(r.CaseKind), Shop: r.Shop,
		Platform: cases.Platform(r.Platform), AuditID: r.AuditID, Round: r.Round, Verdict: cases.VerdictKind(r.Verdict),
		ReviewUp: r.ReviewUp}
	if r.Assignee.Valid {
		id := r.Assignee.Int64
		e.Assignee = &id
	}
	for _, reason := range r.AuditReasons {
		e.AuditReasons = append(e.AuditReasons, cases.AuditReason(reason))
	}
	if r.RemedyType != "" {
		m, err := cases.ParseMoney("remedy", r.RemedyAmount, r.RemedyCurrency)
		if err != nil {
			return e, cases.Internalf(err, "case %d event %d: remedy amount", r.CaseID, r.Seq)
		}
		e.Remedy = m
	}
	return e, nil
}

// Ledgers calls add with the ledger of every case that has an event a
// report reads at from or later and before to, each ledger's events oldest
// first and none at or after to, and the calendar of the shop its created
// event names (its zone falling back to def). It reads one snapshot, row
// by row: a year of events never sits in memory at once, only one case's.
// Reports sum the facts Refresh keeps instead; Ledgers is what those facts
// must always agree with.
func (r *Reports) Ledgers(ctx context.Context, from, to time.Time, def *time.Location, add func(cases.ReportLedger)) error {
	q, args := r.Statement(from, to)
	opts := &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	return inTx(ctx, r.db, opts, "report", func(tx *sqlx.Tx) error {
		return readLedgersTx(ctx, tx, def, q, args, add)
	})
}

// Statement returns the query Ledgers reads the events of [from, to) with,
// and its arguments, so that the benchmark gives pgbench the same SQL.
func (r *Reports) Statement(from, to time.Time) (string, []any) {
	return reportEvents + `
		WHERE e.case_id IN (SELECT case_id FROM case_events WHERE at >= $1 AND at < $2 AND kind = ANY($3::text[]))
			AND e.at < $2 AND e.kind = ANY($3::text[])
		ORDER BY e.case_id, e.seq`, []any{from, to, reportKinds()}
}

// reportKinds is reportEventKinds as a PostgreSQL array.
func reportKinds() string {
	kinds := make([]string, len(reportEventKinds))
	for i, k := range reportEventKinds {
		kinds[i] = string(k)
	}
	return "{" + strings.Join(kinds, ",") + "}"
}

// readLedgersTx runs q, a query of reportEvents ordered by case and seq,
// and calls add with each case's ledger.
func readLedgersTx(ctx context.Context, tx *sqlx.Tx, def *time.Location, q string, args []any, add func(cases.ReportLedger)) error {
	calendars, err := calendarsTx(ctx, tx, def)
	if err != nil {
		return err
	}
	rows, err := tx.QueryxContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var cur cases.ReportLedger
	for rows.Next() {
		var row reportEventRow
		if err := rows.StructScan(&row); err != nil {
			return err
		}
		if row.CaseID != cur.CaseID {
			if cur.CaseID != 0 {
				add(cur)
			}
			cur = cases.ReportLedger{CaseID: row.CaseID}
		}
		if row.Kind == string(cases.EventCreated) {
			cur.Calendar = calendars[shopKey{row.Platform, row.Shop}]
		}
		e, err := row.event()
		if err != nil {
			return err
		}
		cur.Events = append(cur.Events, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cur.CaseID != 0 {
		add(cur)
	}
	return nil
}

// shopKey names a shop as a case's created event does: its platform and
// name, unique among shops.
type shopKey struct{ platform, name string }

// calendarsTx returns every shop's calendar.
func calendarsTx(ctx context.Context, tx *sqlx.Tx, def *time.Location) (map[shopKey]cases.Calendar, error) {
	rows, err := tx.QueryxContext(ctx, `SELECT `+shopColumns+` FROM shops s`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[shopKey]cases.Calendar{}
	for rows.Next() {
		var r shopRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, err
		}
		sh, err := r.shop()
		if err != nil {
			return nil, err
		}
		out[shopKey{string(sh.Platform), sh.Name}] = sh.Calendar(def)
	}
	return out, rows.Err()
}
