package actions

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// changeWithRemedies is ChangeTx for a decision that needs the case's
// remedy facts: it reads them under the case's row lock, in tx, when the
// case is in remedy (the only state in which they matter).
func (a *Cases) changeWithRemedies(ctx context.Context, tx *sqlx.Tx, id int64, version *int64,
	decide func(cur cases.Case, f workflows.Facts) (workflows.Result, error)) (cases.Case, cases.Case, []cases.Event, workflows.Facts, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Case{}, cases.Case{}, nil, workflows.Facts{}, err
	}
	cur, _, dbNow, err := store.LockCaseTx(ctx, tx, id)
	if err != nil {
		return cases.Case{}, cases.Case{}, nil, workflows.Facts{}, err
	}
	now := a.store.RecordTime(dbNow)
	var rf cases.RemedyFacts
	if cur.State == cases.StateRemedy {
		if rf, err = store.RemedyFactsTx(ctx, tx, cur, now); err != nil {
			return cases.Case{}, cases.Case{}, nil, workflows.Facts{}, err
		}
	}
	var wf workflows.Facts
	updated, evs, err := a.store.ChangeTx(ctx, tx, id, &actor, version, func(c cases.Case, f cases.Facts) (cases.Change, error) {
		wf = a.facts(f)
		wf.Remedies = rf
		res, err := decide(c, wf)
		if err != nil || len(res.Events) == 0 {
			return cases.Change{Case: c, KeepVersion: true}, err
		}
		return cases.Change{Case: res.Case, Events: res.Events}, nil
	})
	return cur, updated, evs, wf, err
}

// Transition moves a case along the protocol, conditional on version.
// Leaving remedy records the remedy applied (the cumulative limits count
// it); closing puts the case in the audit queue when the sampling rules
// select it.
func (a *Cases) Transition(ctx context.Context, id int64, version *int64, m workflows.Move) (cases.Case, error) {
	replyID := m.ReplyID
	if replyID == nil && m.Remedy != nil {
		replyID = m.Remedy.ReplyID
	}
	check, err := a.sentToBuyer(ctx, replyID)
	if err != nil {
		return cases.Case{}, err
	}
	var out cases.Case
	err = a.store.InTx(ctx, func(tx *sqlx.Tx) error {
		cur, updated, evs, wf, err := a.changeWithRemedies(ctx, tx, id, version, func(c cases.Case, f workflows.Facts) (workflows.Result, error) {
			res, err := workflows.Transition(c, m, f, a.policy)
			if err != nil {
				return res, err
			}
			res.Events, err = check(c, res.Events)
			return res, err
		})
		if err != nil {
			return err
		}
		out = updated
		return a.afterMove(ctx, tx, cur, updated, evs, wf)
	})
	return out, err
}

// afterMove keeps the desk's records in step with a move of the protocol.
func (a *Cases) afterMove(ctx context.Context, tx *sqlx.Tx, cur, updated cases.Case, evs []cases.Event, wf workflows.Facts) error {
	if len(evs) == 0 {
		return nil
	}
	ev := evs[0] // the move's own event; a tone flag may follow it
	if cur.State == cases.StateRemedy && updated.State != cases.StateRemedy {
		if updated.State == cases.StateFollowUp && updated.Remedy != nil {
			actor := ev.ActorID
			needs, _ := a.policy.Remedy.RemedyNeedsApproval(cur, updated.Remedy.Amount, wf.Remedies, wf.Now)
			if err := store.ApplyRemedyTx(ctx, tx, updated, *updated.Remedy, actor, ev.At, ev.Seq, needs); err != nil {
				return err
			}
		} else if err := store.WithdrawRemediesTx(ctx, tx, updated.ID); err != nil {
			return err
		}
	}
	if updated.State == cases.StateClosed && cur.State != cases.StateClosed {
		return a.selectForAudit(ctx, tx, updated, ev.At)
	}
	if cur.State == cases.StateClosed && updated.State != cases.StateClosed {
		// The closing an audit waits on is no longer the case's last:
		// the case leaves the queue and re-enters when it closes again
		// (reopened before, among its reasons).
		_, err := store.WithdrawAuditsTx(ctx, tx, updated.ID, ev.At)
		return err
	}
	return nil
}

// selectForAudit applies the audit sampling rules, with the admins'
// shares and period, to a case that closed.
func (a *Cases) selectForAudit(ctx context.Context, tx *sqlx.Tx, c cases.Case, now time.Time) error {
	settings, err := store.DeskSettingsTx(ctx, tx)
	if err != nil {
		return err
	}
	p := a.desk.Audit.With(settings)
	f, err := store.AuditFactsTx(ctx, tx, c, workflows.AuditPeriodStart(now, a.desk.Location, p.Period))
	if err != nil {
		return err
	}
	reasons, calibration := workflows.SelectForAudit(f, p)
	return store.QueueAuditTx(ctx, tx, c, reasons, calibration, now)
}

// ProposeRemedy records the remedy an agent intends while the case is in
// remedy. One that needs approval waits in the approvals queue, with a
// deadline of its own, and the supervisors are told (inbox and webhooks).
func (a *Cases) ProposeRemedy(ctx context.Context, id int64, version *int64, in workflows.RemedyInput) (cases.Case, error) {
	check, err := a.sentToBuyer(ctx, in.ReplyID)
	if err != nil {
		return cases.Case{}, err
	}
	var out cases.Case
	err = a.store.InTx(ctx, func(tx *sqlx.Tx) error {
		_, updated, evs, _, err := a.changeWithRemedies(ctx, tx, id, version, func(c cases.Case, f workflows.Facts) (workflows.Result, error) {
			res, err := workflows.ProposeRemedy(c, in, f, a.policy)
			if err != nil {
				return res, err
			}
			res.Events, err = check(c, res.Events)
			return res, err
		})
		if err != nil {
			return err
		}
		out = updated
		ev := evs[0] // the move's own event; a tone flag may follow it
		var p struct {
			Needs bool   `json:"needs_approval"`
			Limit string `json:"limit"`
		}
		_ = jsonUnmarshal(ev.Payload, &p)
		rec := cases.RemedyRecord{Type: updated.Remedy.Type, Amount: updated.Remedy.Amount, Status: cases.RemedyProposed,
			NeedsApproval: p.Needs, Limit: p.Limit, ProposedBy: ev.ActorID, ProposedAt: ev.At, ProposedSeq: ev.Seq}
		if p.Needs {
			settings, err := store.DeskSettingsTx(ctx, tx)
			if err != nil {
				return err
			}
			due := ev.At.Add(settings.ApprovalWindow())
			rec.Status, rec.ApprovalDueAt = cases.RemedyPending, &due
		}
		if rec, err = store.RecordRemedyTx(ctx, tx, updated, rec); err != nil {
			return err
		}
		if !p.Needs {
			return nil
		}
		return a.requestApproval(ctx, tx, updated, rec)
	})
	return out, err
}

// requestApproval tells the supervisors that a remedy waits for them.
func (a *Cases) requestApproval(ctx context.Context, tx *sqlx.Tx, c cases.Case, rec cases.RemedyRecord) error {
	sups, err := store.SupervisorsTx(ctx, tx)
	if err != nil {
		return err
	}
	var to []cases.Recipient
	for _, s := range sups {
		if rec.ProposedBy == nil || s.ID != *rec.ProposedBy {
			to = append(to, s)
		}
	}
	say := func(lang cases.Language) string {
		return a.t(lang, "approval.notice.requested", "ref", c.Ref, "remedy", a.remedyWords(lang, rec.Type, rec.Amount))
	}
	if err := store.NotifyTx(ctx, tx, "approval_requested", c.ID, to, rec.ProposedAt, say); err != nil {
		return err
	}
	caseInfo := map[string]any{"id": c.ID, "ref": c.Ref, "shop": c.Shop, "assignee_id": c.AssigneeID}
	if a.desk.CaseURL != nil {
		caseInfo["url"] = a.desk.CaseURL(c.ID)
	}
	payload := map[string]any{"case": caseInfo, "remedy": map[string]any{"id": rec.ID, "type": rec.Type,
		"amount": rec.Amount.Amount(), "currency": rec.Amount.Currency, "limit": rec.Limit}}
	return store.QueueWebhooksTx(ctx, tx, cases.EventApprovalRequested, c.ID, payload, say, rec.ProposedAt)
}

// ApproveRemedy records a supervisor's approval of the proposed remedy.
func (a *Cases) ApproveRemedy(ctx context.Context, id int64, version *int64) (cases.Case, error) {
	return a.DecideRemedy(ctx, id, version, workflows.Decision{})
}

// DecideRemedy records a supervisor's approval or decline, with a
// comment, of the remedy waiting on a case, and tells the agent who
// proposed it.
func (a *Cases) DecideRemedy(ctx context.Context, id int64, version *int64, d workflows.Decision) (cases.Case, error) {
	var out cases.Case
	err := a.store.InTx(ctx, func(tx *sqlx.Tx) error {
		_, updated, evs, wf, err := a.changeWithRemedies(ctx, tx, id, version, func(c cases.Case, f workflows.Facts) (workflows.Result, error) {
			return workflows.DecideRemedy(c, d, f)
		})
		if err != nil {
			return err
		}
		out = updated
		open := workflows.OpenRemedy(wf.Remedies.History)
		if open == nil {
			return nil
		}
		ev := evs[0] // the move's own event; a tone flag may follow it
		status, key := cases.RemedyApproved, "approval.notice.approved"
		if d.Decline {
			status, key = cases.RemedyDeclined, "approval.notice.declined"
		}
		if err := store.DecideRemedyTx(ctx, tx, open.ID, status, wf.ActorID, ev.At, trimmed(d.Comment)); err != nil {
			return err
		}
		if open.ProposedBy == nil {
			return nil
		}
		agent, ok, err := store.RecipientTx(ctx, tx, *open.ProposedBy)
		if err != nil || !ok {
			return err
		}
		return store.NotifyTx(ctx, tx, string(status), updated.ID, []cases.Recipient{agent}, ev.At, func(lang cases.Language) string {
			return a.t(lang, key, "ref", updated.Ref, "remedy", a.remedyWords(lang, open.Type, open.Amount), "comment", trimmed(d.Comment))
		})
	})
	return out, err
}

// RemedyHistory returns every remedy a case was offered and the total of
// those applied.
func (a *Cases) RemedyHistory(ctx context.Context, id int64) (cases.RemedyHistory, error) {
	items, err := a.store.Desk().RemedyHistory(ctx, id)
	if err != nil {
		return cases.RemedyHistory{}, err
	}
	total := workflows.AppliedTotal(items)
	if total == nil {
		total = []cases.Money{}
	}
	return cases.RemedyHistory{Items: items, Total: total}, nil
}

func (a *Cases) t(lang cases.Language, key string, args ...any) string {
	if a.desk.Words == nil {
		return key
	}
	return a.desk.Words.T(lang, key, args...)
}

func (a *Cases) remedyWords(lang cases.Language, t cases.RemedyType, m cases.Money) string {
	return a.t(lang, "remedy_type."+string(t)) + " " + m.String()
}

// SweepApprovals reminds the supervisors of the remedies whose approval
// deadline passed at now and escalates to the admins those still waiting
// another approval window (the admins' setting as it is now) later.
func (a *Cases) SweepApprovals(ctx context.Context, now time.Time) error {
	settings, err := a.store.Desk().Settings(ctx)
	if err != nil {
		return err
	}
	_, _, err = a.store.Desk().SweepApprovals(ctx, now, settings.ApprovalWindow(), func(level, ref string, lang cases.Language) string {
		if level == "approval_escalated" {
			return a.t(lang, "approval.notice.escalated", "ref", ref)
		}
		return a.t(lang, "approval.notice.overdue", "ref", ref)
	})
	return err
}
