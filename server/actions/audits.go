package actions

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func trimmed(s string) string { return strings.TrimSpace(s) }

// GiveVerdict records a supervisor's verdict on a closed case: a ledger
// event, the scored verdict, and for rework the case reopened to listen
// with the failed items as what to fix and the agent told. A case is
// judged once per closing; a disputed verdict is judged again by another
// supervisor. A calibration audit is judged by two supervisors blind: the
// first verdict is sealed and acts on nothing; the second unseals it, the
// two decide the outcome together (workflows.Calibrate) and their
// agreement is recorded. Nobody judges their own case.
func (a *Cases) GiveVerdict(ctx context.Context, caseID int64, in workflows.VerdictInput) (cases.Verdict, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Verdict{}, err
	}
	if !actor.Role.Supervises() {
		return cases.Verdict{}, cases.Errorf(cases.Forbidden, "only supervisors and admins give verdicts")
	}
	var out cases.Verdict
	err = a.store.InTx(ctx, func(tx *sqlx.Tx) error {
		cur, ledger, now, err := store.LockCaseTx(ctx, tx, caseID)
		if err != nil {
			return err
		}
		audit, err := store.LockAuditTx(ctx, tx, cur, a.store.RecordTime(now))
		if cases.ErrorCode(err) == cases.NotFound && cur.State.Open() {
			_, err = verdictRound(cur, audit, nil, actor.ID)
		}
		if err != nil {
			return err
		}
		if (cur.AssigneeID != nil && *cur.AssigneeID == actor.ID) || (audit.AssigneeID != nil && *audit.AssigneeID == actor.ID) {
			return cases.Errorf(cases.Forbidden, "case %s is your own: another supervisor audits it", cur.Ref)
		}
		earlier, err := store.AuditVerdictsTx(ctx, tx, audit.ID)
		if err != nil {
			return err
		}
		round, err := verdictRound(cur, audit, earlier, actor.ID)
		if err != nil {
			return err
		}
		items, err := store.LockChecklistTx(ctx, tx)
		if err != nil {
			return err
		}
		v, err := workflows.Verdict(in, items, ledger.Seq)
		if err != nil {
			return err
		}
		v.AuditID, v.CaseID, v.Round, v.AuditorID, v.AgentID = audit.ID, cur.ID, round, actor.ID, audit.AssigneeID
		if v.AgentID == nil {
			v.AgentID = cur.AssigneeID
		}
		// What acts on the case: the verdict itself, nothing while a
		// calibration waits for its second verdict, the two together
		// once it is in.
		acting, payload := v, workflows.VerdictPayload(v)
		var cal *workflows.Calibration
		switch {
		case audit.Calibration && round == 1:
			acting, payload = cases.Verdict{Verdict: cases.VerdictApproved}, workflows.BlindVerdictPayload(v)
		case audit.Calibration && round == 2:
			all, err := store.ChecklistTx(ctx, tx, true)
			if err != nil {
				return err
			}
			c := workflows.Calibrate(earlier[0], v, all)
			cal, acting, payload = &c, c.Verdict(), workflows.CalibratedVerdictPayload(earlier[0], v, c)
		}
		reopen := acting.Verdict == cases.VerdictRework && cur.State == cases.StateClosed
		_, evs, err := a.store.ChangeTx(ctx, tx, cur.ID, &actor, nil, func(c cases.Case, f cases.Facts) (cases.Change, error) {
			events := []cases.NewEvent{{Kind: cases.EventAudited, Payload: payload}}
			if !reopen {
				return cases.Change{Case: c, Events: events, KeepVersion: true}, nil
			}
			res, err := workflows.Transition(c, workflows.Move{To: cases.StateListen, ReopenReason: clipRunes(workflows.ReworkReason(acting), workflows.MaxTextRunes)}, a.facts(f), a.policy)
			if err != nil {
				return cases.Change{}, err
			}
			return cases.Change{Case: res.Case, Events: append(events, res.Events...)}, nil
		})
		if err != nil {
			return err
		}
		v.EventSeq, v.CreatedAt = evs[0].Seq, evs[0].At
		if v, err = store.InsertVerdictTx(ctx, tx, v); err != nil {
			return err
		}
		audit.Status = cases.AuditDone
		switch {
		case audit.Calibration && round == 1:
			audit.Status = cases.AuditQueued
		case cal != nil:
			at := v.CreatedAt
			audit.Agreement, audit.ScoreDiff, audit.Outcome, audit.CalibratedAt = &cal.Agreement, &cal.ScoreDiff, &cal.Outcome, &at
		}
		if err := store.SetAuditTx(ctx, tx, audit); err != nil {
			return err
		}
		out = v
		if !reopen || v.AgentID == nil {
			return nil
		}
		agent, ok, err := store.RecipientTx(ctx, tx, *v.AgentID)
		if err != nil || !ok {
			return err
		}
		all, err := store.ChecklistTx(ctx, tx, true)
		if err != nil {
			return err
		}
		return store.NotifyTx(ctx, tx, "verdict_rework", cur.ID, []cases.Recipient{agent}, v.CreatedAt, func(lang cases.Language) string {
			return a.t(lang, "verdict.notice.rework", "ref", cur.Ref, "items", a.itemWords(lang, all, acting.FailedItems))
		})
	})
	return out, err
}

// CalibrationReport returns how far supervisors agreed in the blind
// calibration audits completed in [from, to).
func (a *Cases) CalibrationReport(ctx context.Context, from, to time.Time) (cases.Calibration, error) {
	if !to.After(from) {
		return cases.Calibration{}, cases.FieldError("to", "to (%s) must be after from (%s)", to.Format(time.RFC3339), from.Format(time.RFC3339))
	}
	if to.Sub(from) > maxCalibrationSpan {
		return cases.Calibration{}, cases.FieldError("to", "a calibration report spans at most 366 days")
	}
	return a.store.Desk().Calibration(ctx, from, to)
}

// maxCalibrationSpan is the longest period a calibration report covers.
const maxCalibrationSpan = 366 * 24 * time.Hour

// verdictRound is the round a verdict by actor on the audit would be, or
// why none is due.
func verdictRound(c cases.Case, audit cases.Audit, earlier []cases.Verdict, actorID int64) (int, error) {
	switch {
	case len(earlier) == 0 && c.State != cases.StateClosed:
		return 0, &cases.Error{Code: cases.Conflict, Field: "state",
			Message: fmt.Sprintf("case %s is open (in %s): a verdict judges a closed case", c.Ref, c.State)}
	case len(earlier) == 0:
		return 1, nil
	case len(earlier) == 1 && audit.Status == cases.AuditDisputed:
		if audit.ExcludedID != nil && *audit.ExcludedID == actorID {
			return 0, cases.Errorf(cases.Forbidden, "the verdict on case %s is disputed: another supervisor judges it again", c.Ref)
		}
		return 2, nil
	case len(earlier) == 1 && audit.Calibration && audit.Status == cases.AuditQueued:
		if earlier[0].AuditorID == actorID {
			return 0, &cases.Error{Code: cases.Conflict, Field: "verdict",
				Message: fmt.Sprintf("you already judged case %s; a second supervisor calibrates against you", c.Ref)}
		}
		return 2, nil
	}
	last := earlier[len(earlier)-1]
	return 0, &cases.Error{Code: cases.Conflict, Field: "verdict",
		Message: fmt.Sprintf("case %s already has a verdict for this closing (%s, verdict %d); a case is judged once", c.Ref, last.Verdict, last.ID)}
}

// DisputeVerdict records an agent's dispute of a verdict on their case,
// once per verdict, and returns the audit to the queue for another
// supervisor.
func (a *Cases) DisputeVerdict(ctx context.Context, verdictID int64, comment string) (cases.Verdict, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Verdict{}, err
	}
	comment = strings.TrimSpace(comment)
	if err := cases.CheckText("comment", comment, workflows.MaxTextRunes, false); err != nil {
		return cases.Verdict{}, err
	}
	var out cases.Verdict
	err = a.store.InTx(ctx, func(tx *sqlx.Tx) error {
		v, err := store.LockVerdictTx(ctx, tx, verdictID)
		if err != nil {
			return err
		}
		cur, _, now, err := store.LockCaseTx(ctx, tx, v.CaseID)
		if err != nil {
			return err
		}
		audit, err := store.LockAuditTx(ctx, tx, cur, a.store.RecordTime(now))
		if err != nil {
			return err
		}
		all, err := store.AuditVerdictsTx(ctx, tx, v.AuditID)
		if err != nil {
			return err
		}
		switch {
		case v.AgentID == nil || *v.AgentID != actor.ID:
			return cases.Errorf(cases.Forbidden, "only the agent whose case was judged disputes its verdict")
		case v.DisputedAt != nil:
			return &cases.Error{Code: cases.Conflict, Field: "verdict", Message: fmt.Sprintf("verdict %d is already disputed: a verdict is disputed once", v.ID)}
		case audit.ID != v.AuditID || len(all) != 1 || audit.Calibration:
			return &cases.Error{Code: cases.Conflict, Field: "verdict", Message: fmt.Sprintf("verdict %d can no longer be disputed", v.ID)}
		case comment == "":
			return cases.FieldError("comment", "a dispute needs a comment: say what the verdict got wrong")
		}
		_, evs, err := a.store.ChangeTx(ctx, tx, cur.ID, nil, nil, func(c cases.Case, f cases.Facts) (cases.Change, error) {
			return cases.Change{Case: c, KeepVersion: true, Events: []cases.NewEvent{{Kind: cases.EventVerdictDisputed,
				Payload: map[string]any{"verdict_id": v.ID, "comment": comment, "agent_id": actor.ID}}}}, nil
		})
		if err != nil {
			return err
		}
		if err := store.DisputeVerdictTx(ctx, tx, v.ID, evs[0].At, comment); err != nil {
			return err
		}
		audit.Status, audit.ExcludedID = cases.AuditDisputed, &v.AuditorID
		if err := store.SetAuditTx(ctx, tx, audit); err != nil {
			return err
		}
		v.DisputedAt, v.DisputeComment = &evs[0].At, comment
		out = v
		sups, err := store.SupervisorsTx(ctx, tx)
		if err != nil {
			return err
		}
		var to []cases.Recipient
		for _, s := range sups {
			if s.ID != v.AuditorID {
				to = append(to, s)
			}
		}
		return store.NotifyTx(ctx, tx, "verdict_disputed", cur.ID, to, evs[0].At, func(lang cases.Language) string {
			return a.t(lang, "verdict.notice.disputed", "ref", cur.Ref)
		})
	})
	return out, err
}

func (a *Cases) itemWords(lang cases.Language, items []cases.ChecklistItem, keys []string) string {
	words := make([]string, 0, len(keys))
	for _, k := range keys {
		w := k
		for _, it := range items {
			if it.Key == k {
				w = it.LabelEN
				if lang == cases.LanguageChinese {
					w = it.LabelZH
				}
			}
		}
		words = append(words, w)
	}
	sep := ", "
	if lang == cases.LanguageChinese {
		sep = "、"
	}
	return strings.Join(words, sep)
}

func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}
