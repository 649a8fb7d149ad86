package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// ToneRules keeps the tone check's rules. The rules' own validation is the
// caller's (workflows/tone); the store keeps them and their revision.
type ToneRules struct{ db *sqlx.DB }

// NewToneRules returns the tone rules kept in db.
func NewToneRules(db *sqlx.DB) *ToneRules { return &ToneRules{db: db} }

// SeedRule is a shipped rule to add when it is missing.
type SeedRule struct {
	ID   string
	Rule json.RawMessage
}

// Seed adds the shipped rules that are not kept yet (an admin's edit or
// removal of one stays as it is) and bumps the revision when it added any.
func (s *ToneRules) Seed(ctx context.Context, rules []SeedRule) error {
	return inTx(ctx, s.db, nil, "tone rules", func(tx *sqlx.Tx) error {
		added := int64(0)
		for _, r := range rules {
			res, err := tx.ExecContext(ctx, `INSERT INTO tone_rules (id, rule, builtin) VALUES ($1, $2, true)
				ON CONFLICT (id) DO NOTHING`, r.ID, []byte(r.Rule))
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += n
		}
		_, err := tx.ExecContext(ctx, `UPDATE tone_rule_set SET seeded = true, revision = revision + $1`, added)
		return err
	})
}

// Revision is the rule set's revision and whether the shipped rules were
// ever seeded.
func (s *ToneRules) Revision(ctx context.Context) (revision int64, seeded bool, err error) {
	err = s.db.QueryRowxContext(ctx, `SELECT revision, seeded FROM tone_rule_set`).Scan(&revision, &seeded)
	return revision, seeded, formatError(err, "tone rules")
}

// List returns every rule, enabled or not, by id, with the set's revision
// read in the same snapshot.
func (s *ToneRules) List(ctx context.Context) ([]cases.ToneRuleRecord, int64, error) {
	var out []cases.ToneRuleRecord
	var rev int64
	err := inTx(ctx, s.db, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, "tone rules", func(tx *sqlx.Tx) error {
		if err := tx.GetContext(ctx, &rev, `SELECT revision FROM tone_rule_set`); err != nil {
			return err
		}
		return tx.SelectContext(ctx, &out, `SELECT id, rule, builtin, enabled, updated_by, updated_at FROM tone_rules ORDER BY id`)
	})
	return out, rev, err
}

// Get returns one rule.
func (s *ToneRules) Get(ctx context.Context, id string) (cases.ToneRuleRecord, error) {
	var r cases.ToneRuleRecord
	err := s.db.GetContext(ctx, &r, `SELECT id, rule, builtin, enabled, updated_by, updated_at FROM tone_rules WHERE id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return r, cases.Errorf(cases.NotFound, "tone rule %q does not exist", id)
	}
	return r, formatError(err, "tone rule")
}

// Create adds a rule; an id in use is a Conflict.
func (s *ToneRules) Create(ctx context.Context, id string, rule json.RawMessage, by int64) (cases.ToneRuleRecord, error) {
	var r cases.ToneRuleRecord
	err := inTx(ctx, s.db, nil, "tone rule", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &r, `INSERT INTO tone_rules (id, rule, updated_by) VALUES ($1, $2, $3)
			RETURNING id, rule, builtin, enabled, updated_by, updated_at`, id, []byte(rule), by)
		if err != nil {
			var de *cases.Error
			if errors.As(formatError(err, "tone rule"), &de) && de.Code == cases.Conflict {
				return &cases.Error{Code: cases.Conflict, Field: "id", Message: "a tone rule with id " + id + " exists already; edit it instead"}
			}
			return err
		}
		return bumpToneTx(ctx, tx)
	})
	return r, err
}

// Update replaces a rule's JSON and whether it is checked.
func (s *ToneRules) Update(ctx context.Context, id string, rule json.RawMessage, enabled bool, by int64) (cases.ToneRuleRecord, error) {
	var r cases.ToneRuleRecord
	err := inTx(ctx, s.db, nil, "tone rule", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &r, `UPDATE tone_rules SET rule = $2, enabled = $3, updated_by = $4, updated_at = now()
			WHERE id = $1 RETURNING id, rule, builtin, enabled, updated_by, updated_at`, id, []byte(rule), enabled, by)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "tone rule %q does not exist", id)
		}
		if err != nil {
			return err
		}
		return bumpToneTx(ctx, tx)
	})
	return r, err
}

// Delete removes an admin's rule; a shipped rule is disabled instead, so
// that seeding does not bring it back.
func (s *ToneRules) Delete(ctx context.Context, id string, by int64) error {
	return inTx(ctx, s.db, nil, "tone rule", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tone_rules WHERE id = $1 AND NOT builtin`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			res, err = tx.ExecContext(ctx, `UPDATE tone_rules SET enabled = false, updated_by = $2, updated_at = now()
				WHERE id = $1`, id, by)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return cases.Errorf(cases.NotFound, "tone rule %q does not exist", id)
			}
		}
		return bumpToneTx(ctx, tx)
	})
}

func bumpToneTx(ctx context.Context, tx *sqlx.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE tone_rule_set SET revision = revision + 1`)
	return err
}

// Flags returns the reasons a case is flagged for audit, each once, in the
// order they were first recorded.
func (s *Desk) Flags(ctx context.Context, caseID int64) ([]string, error) {
	var out []string
	err := s.db.SelectContext(ctx, &out, `SELECT payload->>'reason' FROM case_events
		WHERE case_id = $1 AND kind = 'flagged' GROUP BY 1 ORDER BY min(seq)`, caseID)
	return out, formatError(err, "flags")
}
