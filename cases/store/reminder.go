package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// Reminders fires reminders: it finds cases whose deadlines passed or draw
// near, claims each reminder exactly once, and writes its in-app notices,
// its ledger event and its webhook deliveries in the claim's transaction.
type Reminders struct {
	db *sqlx.DB
	// seeding records the events and notices at the sweep's now instead
	// of the transaction's clock (WithSweepTime).
	seeding bool
}

// NewReminders returns a Reminders on db.
func NewReminders(db *sqlx.DB) *Reminders { return &Reminders{db: db} }

// WithSweepTime returns a copy that records each sweep's ledger events and
// notices at the now it is given rather than at the database's clock: for
// seeding a past that sweeps as it goes (the demo), never in production,
// where a controlled now in the future must not date events ahead of the
// ones people write meanwhile.
func (r *Reminders) WithSweepTime() *Reminders {
	c := *r
	c.seeding = true
	return &c
}

// DefaultSweepBatch is how many cases one sweep transaction handles.
const DefaultSweepBatch = 500

// sweepPhase is one index-backed walk over candidate cases. Each phase is a
// superset filter for some levels; plan.Due decides what fires.
type sweepPhase struct {
	sortKey string // the column the phase walks, with id, in keyset order
	where   string // $1 is the phase's bound, $5 (when used) the sweep's now
	bound   func(now time.Time, p cases.SweepPlan) time.Time
}

// sweepPhases walks overdue cases (cases_open_due_idx), cases overdue past
// the grace period, and cases whose platform deadline is near or passed
// (cases_open_platform_due_idx). Each filter leaves out cases whose
// reminders of that kind are claimed, so a sweep that finds nothing new
// reads only the cases that are overdue now.
func sweepPhases() []sweepPhase {
	claimed := func(level cases.ReminderLevel, state, due string) string {
		return `EXISTS (SELECT 1 FROM reminders r WHERE r.case_id = c.id AND r.state = ` + state +
			` AND r.due_at = ` + due + ` AND r.level = '` + string(level) + `')`
	}
	return []sweepPhase{
		{
			sortKey: "c.due_at",
			where:   `c.state <> 'closed' AND c.due_at < $1 AND NOT ` + claimed(cases.LevelOverdue, "c.state", "c.due_at"),
			bound:   func(now time.Time, _ cases.SweepPlan) time.Time { return now },
		},
		{
			sortKey: "c.due_at",
			where:   `c.state <> 'closed' AND c.due_at <= $1 AND NOT ` + claimed(cases.LevelEscalation, "c.state", "c.due_at"),
			bound:   func(now time.Time, p cases.SweepPlan) time.Time { return now.Add(-p.Grace) },
		},
		{
			sortKey: "c.platform_due_at",
			where: `c.state <> 'closed' AND c.platform_due_at IS NOT NULL AND c.platform_due_at <= $1
				AND NOT ` + claimed(cases.LevelPlatformPassed, "''", "c.platform_due_at") + `
				AND (c.platform_due_at < $5 OR NOT ` + claimed(cases.LevelPlatformSoon, "''", "c.platform_due_at") + `)`,
			bound: func(now time.Time, p cases.SweepPlan) time.Time { return now.Add(p.Lead) },
		},
	}
}

func (ph sweepPhase) query() string {
	return `SELECT c.id, c.ref, c.state, c.due_at, c.platform_due_at, c.assignee_id, c.ledger_seq, c.ledger_head, c.shop_id,
			` + ph.sortKey + ` AS sort_at
		FROM cases c
		WHERE ` + ph.where + ` AND (` + ph.sortKey + `, c.id) > ($2, $3)
		ORDER BY ` + ph.sortKey + `, c.id
		LIMIT $4
		FOR UPDATE OF c SKIP LOCKED`
}

// sweepRow is a candidate case, locked.
type sweepRow struct {
	ID            int64         `db:"id"`
	Ref           string        `db:"ref"`
	State         cases.State   `db:"state"`
	DueAt         sql.NullTime  `db:"due_at"`
	PlatformDueAt sql.NullTime  `db:"platform_due_at"`
	AssigneeID    sql.NullInt64 `db:"assignee_id"`
	LedgerSeq     int64         `db:"ledger_seq"`
	LedgerHead    string        `db:"ledger_head"`
	ShopID        int64         `db:"shop_id"`
	Shop          *cases.Shop   `db:"-"`
	SortAt        time.Time     `db:"sort_at"`
}

func (r sweepRow) reminderCase() cases.ReminderCase {
	c := cases.ReminderCase{ID: r.ID, Ref: r.Ref, State: r.State, Shop: r.Shop}
	if r.DueAt.Valid {
		t := r.DueAt.Time.UTC()
		c.DueAt = &t
	}
	if r.PlatformDueAt.Valid {
		t := r.PlatformDueAt.Time.UTC()
		c.PlatformDueAt = &t
	}
	if r.AssigneeID.Valid {
		id := r.AssigneeID.Int64
		c.AssigneeID = &id
	}
	return c
}

// keyset is the position after the last case a phase handled.
type keyset struct {
	at time.Time
	id int64
}

// Sweep fires every reminder due at now. now is the caller's clock: the
// database's in production, a controlled one in tests. Cases are handled in
// batches, each in one transaction that locks its cases (skipping those
// another transaction holds), claims their due reminders with ON CONFLICT
// DO NOTHING, and for each claim that is new appends the ledger event and
// writes the notices and webhook deliveries. Several instances may sweep at
// once: a reminder whose claim exists is never sent again.
func (r *Reminders) Sweep(ctx context.Context, now time.Time, plan cases.SweepPlan) (cases.SweepResult, error) {
	res := cases.SweepResult{Fired: map[cases.ReminderLevel]int{}, Handovers: map[cases.HandoverLevel]int{}}
	if plan.Due == nil || plan.Message == nil {
		return res, cases.Internalf(nil, "reminders: a sweep plan needs Due and Message")
	}
	if plan.BatchSize <= 0 {
		plan.BatchSize = DefaultSweepBatch
	}
	if plan.Location == nil {
		plan.Location = time.UTC
	}
	aud, err := loadAudienceTx(ctx, r.db, plan.Location)
	if err != nil {
		return res, err
	}
	for _, ph := range sweepPhases() {
		after := keyset{}
		for {
			n, err := r.sweepBatch(ctx, now, plan, aud, ph, &after, &res)
			if err != nil || res.Busy {
				return res, err
			}
			if n < plan.BatchSize {
				break
			}
		}
	}
	if plan.HandoverDue != nil {
		return res, r.sweepHandovers(ctx, now, plan, aud, &res)
	}
	return res, nil
}

// attachShopsTx reads the shops of a batch's cases.
func attachShopsTx(ctx context.Context, tx *sqlx.Tx, rows []sweepRow) error {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ShopID)
	}
	slices.Sort(ids)
	shops, err := shopsByIDTx(ctx, tx, slices.Compact(ids))
	if err != nil {
		return err
	}
	for i := range rows {
		if sh, ok := shops[rows[i].ShopID]; ok {
			rows[i].Shop = &sh
		}
	}
	return nil
}

// claim is one reminder a batch tries to fire.
type claim struct {
	row        int // index into the batch's rows
	level      cases.ReminderLevel
	state      string
	due        time.Time
	recipients []recipient
}

// sweepBatch handles one batch of a phase and returns how many cases it
// locked.
func (r *Reminders) sweepBatch(ctx context.Context, now time.Time, plan cases.SweepPlan, aud audience, ph sweepPhase, after *keyset, res *cases.SweepResult) (int, error) {
	var n int
	var fired []claim
	var w fireWriter
	err := inTx(ctx, r.db, nil, "reminders", func(tx *sqlx.Tx) error {
		var txNow time.Time
		locked := true
		var err error
		if plan.LockKey != 0 {
			err = tx.QueryRowxContext(ctx, `SELECT pg_try_advisory_xact_lock($1), now()`, plan.LockKey).Scan(&locked, &txNow)
		} else {
			err = tx.GetContext(ctx, &txNow, `SELECT now()`)
		}
		if err != nil {
			return err
		}
		if !locked {
			res.Busy = true
			return nil
		}
		if r.seeding {
			txNow = now
		}
		args := []any{ph.bound(now, plan), after.at, after.id, plan.BatchSize}
		if strings.Contains(ph.where, "$5") {
			args = append(args, now)
		}
		var rows []sweepRow
		if err := tx.SelectContext(ctx, &rows, ph.query(), args...); err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		n = len(rows)
		if plan.NeedsShops {
			if err := attachShopsTx(ctx, tx, rows); err != nil {
				return err
			}
		}
		last := rows[len(rows)-1]
		*after = keyset{at: last.SortAt, id: last.ID}

		claims := planClaims(rows, now, plan, aud)
		if fired, err = insertClaimsTx(ctx, tx, claims, rows, now); err != nil || len(fired) == 0 {
			return err
		}
		hooks, err := liveWebhooksTx(ctx, tx)
		if err != nil {
			return err
		}
		w = fireWriter{plan: plan, now: now, hooks: hooks}
		for _, c := range fired {
			if err := w.add(rows[c.row], c); err != nil {
				return err
			}
		}
		return w.write(ctx, tx, txNow)
	})
	if err != nil {
		return 0, err
	}
	for _, c := range fired {
		res.Fired[c.level]++
	}
	res.Notifications += len(w.notes.user)
	res.Deliveries += len(w.deliveries.hook)
	return n, nil
}

// planClaims asks the protocol which levels are due for each locked case.
func planClaims(rows []sweepRow, now time.Time, plan cases.SweepPlan, aud audience) []claim {
	var claims []claim
	for i, row := range rows {
		rc := row.reminderCase()
		for _, level := range plan.Due(rc, now) {
			due, ok := rc.Deadline(level)
			if !level.Valid() || !ok {
				continue
			}
			state := string(rc.State)
			if level.Platform() {
				state = ""
			}
			claims = append(claims, claim{row: i, level: level, state: state, due: due,
				recipients: aud.recipients(level, rc.AssigneeID)})
		}
	}
	return claims
}

// insertClaimsTx inserts the claims and returns those that are new, in
// batch order. A claim that exists fired before, in this sweep or another
// instance's: it is skipped.
func insertClaimsTx(ctx context.Context, tx *sqlx.Tx, claims []claim, rows []sweepRow, now time.Time) ([]claim, error) {
	if len(claims) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(claims))
	states := make([]string, len(claims))
	dues := make([]string, len(claims))
	levels := make([]string, len(claims))
	counts := make([]int64, len(claims))
	for i, c := range claims {
		ids[i], states[i], levels[i] = rows[c.row].ID, c.state, string(c.level)
		dues[i] = c.due.UTC().Format(time.RFC3339Nano)
		counts[i] = int64(len(c.recipients))
	}
	type key struct {
		id    int64
		level cases.ReminderLevel
	}
	var got []struct {
		CaseID int64               `db:"case_id"`
		Level  cases.ReminderLevel `db:"level"`
	}
	err := tx.SelectContext(ctx, &got, reminderClaimsInsert,
		pq.Array(ids), pq.Array(states), pq.Array(dues), pq.Array(levels), pq.Array(counts), now)
	if err != nil {
		return nil, formatError(err, "reminder")
	}
	isNew := make(map[key]bool, len(got))
	for _, g := range got {
		isNew[key{g.CaseID, g.Level}] = true
	}
	return slices.DeleteFunc(claims, func(c claim) bool { return !isNew[key{rows[c.row].ID, c.level}] }), nil
}

// hookTarget is a live webhook as a sweep sees it.
type hookTarget struct {
	ID       int64          `db:"id"`
	Events   pq.StringArray `db:"events"`
	Language cases.Language `db:"language"`
}

func liveWebhooksTx(ctx context.Context, tx *sqlx.Tx) ([]hookTarget, error) {
	var hooks []hookTarget
	err := tx.SelectContext(ctx, &hooks, `SELECT id, events, language FROM webhooks
		WHERE active AND deleted_at IS NULL ORDER BY id`)
	return hooks, formatError(err, "webhooks")
}

// fireWriter gathers what the new claims of a batch write, column by column
// for unnest.
type fireWriter struct {
	plan    cases.SweepPlan
	now     time.Time
	hooks   []hookTarget
	appends []LedgerAppend
	byCase  map[int64]int // index into appends
	notes   struct {
		user, cases []int64
		kind, text  []string
	}
	deliveries struct {
		hook, cases             []int64
		event, payload, message []string
	}
}

// add records one new claim: its event, one notice per recipient and one
// delivery per webhook that subscribes to its event.
func (w *fireWriter) add(row sweepRow, c claim) error {
	rc := row.reminderCase()
	n := cases.Notice{Case: rc, Level: c.level, Now: w.now}
	ids := make([]int64, len(c.recipients))
	for i, rp := range c.recipients {
		ids[i] = rp.ID
		w.notes.user = append(w.notes.user, rp.ID)
		w.notes.cases = append(w.notes.cases, rc.ID)
		w.notes.kind = append(w.notes.kind, string(c.level))
		w.notes.text = append(w.notes.text, w.plan.Message(n, rp.Reader))
	}
	kind := c.level.EventKind()
	if w.byCase == nil {
		w.byCase = map[int64]int{}
	}
	i, ok := w.byCase[rc.ID]
	if !ok {
		i = len(w.appends)
		w.byCase[rc.ID] = i
		w.appends = append(w.appends, LedgerAppend{Ledger: cases.Ledger{CaseID: rc.ID, Seq: row.LedgerSeq, Head: row.LedgerHead}})
	}
	w.appends[i].Events = append(w.appends[i].Events, cases.NewEvent{Kind: kind, Payload: map[string]any{
		"level":      string(c.level),
		"state":      string(rc.State),
		"due_at":     c.due.UTC().Format(time.RFC3339Nano),
		"recipients": ids,
	}})
	for _, h := range w.hooks {
		if !slices.Contains(h.Events, string(kind)) {
			continue
		}
		msg := w.plan.Message(n, cases.Reader{Language: h.Language, Location: w.plan.Location})
		payload, err := json.Marshal(webhookPayload(w.plan, n, kind, c.due, msg))
		if err != nil {
			return cases.Internalf(err, "encode webhook payload")
		}
		w.deliveries.hook = append(w.deliveries.hook, h.ID)
		w.deliveries.cases = append(w.deliveries.cases, rc.ID)
		w.deliveries.event = append(w.deliveries.event, string(kind))
		w.deliveries.payload = append(w.deliveries.payload, string(payload))
		w.deliveries.message = append(w.deliveries.message, msg)
	}
	return nil
}

// write appends the ledger events and inserts the notices and deliveries,
// three statements for the whole batch.
func (w *fireWriter) write(ctx context.Context, tx *sqlx.Tx, txNow time.Time) error {
	if err := AppendEventsTx(ctx, tx, nil, txNow, w.appends); err != nil {
		return err
	}
	if len(w.notes.user) > 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, case_id, message, created_at)
			SELECT u, k, c, m, $5 FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[]) AS x(u, k, c, m)`,
			pq.Array(w.notes.user), pq.Array(w.notes.kind), pq.Array(w.notes.cases), pq.Array(w.notes.text), txNow)
		if err != nil {
			return formatError(err, "notification")
		}
	}
	if len(w.deliveries.hook) > 0 {
		_, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, event, case_id, payload, message, next_attempt_at)
			SELECT u.hook, u.event, u.case_id, u.payload::jsonb, u.message, $6
			FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[], $5::text[]) AS u(hook, event, case_id, payload, message)`,
			pq.Array(w.deliveries.hook), pq.Array(w.deliveries.event), pq.Array(w.deliveries.cases),
			pq.Array(w.deliveries.payload), pq.Array(w.deliveries.message), w.now)
		if err != nil {
			return formatError(err, "webhook delivery")
		}
	}
	return nil
}

// webhookPayload is the generic JSON body of a reminder delivery, less the
// delivery id the sender adds.
func webhookPayload(plan cases.SweepPlan, n cases.Notice, kind cases.EventKind, due time.Time, msg string) map[string]any {
	c := map[string]any{
		"id":              n.Case.ID,
		"ref":             n.Case.Ref,
		"state":           n.Case.State,
		"due_at":          n.Case.DueAt,
		"platform_due_at": n.Case.PlatformDueAt,
		"assignee_id":     n.Case.AssigneeID,
	}
	if plan.CaseURL != nil {
		c["url"] = plan.CaseURL(n.Case.ID)
	}
	return map[string]any{
		"event":    string(kind),
		"level":    string(n.Level),
		"case":     c,
		"deadline": due.UTC().Format(time.RFC3339),
		"message":  msg,
		"fired_at": n.Now.UTC().Format(time.RFC3339),
	}
}
