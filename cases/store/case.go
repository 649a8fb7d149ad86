package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// Create inserts a new case in state respond, due dueIn from now by the
// database's clock, with its "created" event.
func (s *Store) Create(ctx context.Context, c cases.Case, dueIn time.Duration) (cases.Case, error) {
	return s.create(ctx, c, dueIn, nil, nil)
}

// CreateWithRule is Create for a case whose platform deadline, when it has
// none, comes from rule: rule.DueHours after its creation by the
// database's clock, recorded with the rule's name.
func (s *Store) CreateWithRule(ctx context.Context, c cases.Case, dueIn time.Duration, rule *cases.PlatformRule) (cases.Case, error) {
	return s.create(ctx, c, dueIn, nil, rule)
}

func (s *Store) create(ctx context.Context, c cases.Case, dueIn time.Duration, due func(cases.Shop, time.Time) time.Time,
	rule *cases.PlatformRule) (cases.Case, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Case{}, err
	}
	if err := c.Validate(); err != nil {
		return cases.Case{}, err
	}
	c.State, c.DueAt, c.ClosedAt = cases.StateRespond, nil, nil
	var created cases.Case
	err = s.InTx(ctx, func(tx *sqlx.Tx) error {
		if c.AssigneeID != nil {
			if err := checkAssigneeTx(ctx, tx, *c.AssigneeID); err != nil {
				return err
			}
		}
		args := caseArgs(c)
		args[dueAtArg] = dueIn.Microseconds()
		args = append(args, actor.ID, s.clockArg())
		var id int64
		var now time.Time
		if err := tx.QueryRowxContext(ctx, s.sql.insertCase, args...).Scan(&id, &now); err != nil {
			return err
		}
		if due != nil {
			var shopID int64
			if err := tx.GetContext(ctx, &shopID, `SELECT shop_id FROM cases WHERE id = $1`, id); err != nil {
				return err
			}
			shop, err := getShopTx(ctx, tx, shopID)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET due_at = $2 WHERE id = $1`, id, due(shop, now)); err != nil {
				return err
			}
		}
		if rule != nil && c.PlatformDueAt == nil {
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET platform_due_at = created_at + $2 * interval '1 hour', platform_rule = $3
				WHERE id = $1`, id, rule.DueHours, rule.Name); err != nil {
				return err
			}
		}
		var err error
		if created, err = getCaseTx(ctx, tx, id); err != nil {
			return err
		}
		l := cases.Ledger{CaseID: id}
		evs, err := l.Chain(&actor.ID, ledgerTime(now), []cases.NewEvent{{Kind: cases.EventCreated, Payload: cases.CreatedPayload(created)}})
		if err != nil {
			return err
		}
		if err := insertEventsTx(ctx, tx, evs); err != nil {
			return err
		}
		// The search document includes the ref, known only now.
		_, err = tx.ExecContext(ctx, `UPDATE cases SET ledger_seq = $2, ledger_head = $3,
			search = to_tsvector('simple', $4) WHERE id = $1`, id, l.Seq, l.Head, SearchDocument(created))
		return err
	})
	if err != nil {
		return cases.Case{}, err
	}
	return created, nil
}

// Get returns one case.
func (s *Store) Get(ctx context.Context, id int64) (cases.Case, error) {
	return getCaseTx(ctx, s.db, id)
}

func getCaseTx(ctx context.Context, q sqlx.QueryerContext, id int64) (cases.Case, error) {
	var r caseRow
	err := q.QueryRowxContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, id).Scan(r.dest()...)
	if err != nil {
		return cases.Case{}, caseError(err, id)
	}
	return r.toCase()
}

func caseError(err error, id int64) error {
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Errorf(cases.NotFound, "case %d not found", id)
	}
	return formatError(err, "case")
}

func (s *Store) caseExists(ctx context.Context, id int64) error {
	var ok bool
	if err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM cases WHERE id = $1)`, id); err != nil {
		return formatError(err, "case")
	}
	if !ok {
		return cases.Errorf(cases.NotFound, "case %d not found", id)
	}
	return nil
}

// Change applies decide to a case in one transaction: lock the row, check
// the actor may act on it and that ifVersion (when given) is current, decide,
// write the case conditionally on its version and append the events.
func (s *Store) Change(ctx context.Context, id int64, ifVersion *int64, decide cases.Decide) (cases.Case, error) {
	updated, _, err := s.ChangeEvents(ctx, id, ifVersion, decide)
	return updated, err
}

// ChangeEvents is Change that also returns the events the change appended,
// for a caller that answers with them (a comment's 201 carries its event,
// not whichever event is newest when it reads).
func (s *Store) ChangeEvents(ctx context.Context, id int64, ifVersion *int64, decide cases.Decide) (cases.Case, []cases.Event, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Case{}, nil, err
	}
	var updated cases.Case
	var evs []cases.Event
	err = s.InTx(ctx, func(tx *sqlx.Tx) (err error) {
		updated, evs, err = s.ChangeTx(ctx, tx, id, &actor, ifVersion, decide)
		return err
	})
	if err != nil {
		return cases.Case{}, nil, err
	}
	return updated, evs, nil
}
