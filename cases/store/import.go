package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// CaseByExternalID returns the case imported from a platform under its id
// there; NotFound when there is none.
func (s *Intake) CaseByExternalID(ctx context.Context, platform cases.Platform, externalID string) (cases.Case, error) {
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT id FROM cases WHERE platform = $1 AND external_id = $2`, string(platform), externalID)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Case{}, cases.Errorf(cases.NotFound, "no case from %s with external id %q", platform, externalID)
	}
	if err != nil {
		return cases.Case{}, formatError(err, "case")
	}
	return getCaseTx(ctx, s.db, id)
}

// SavedMapping is a column mapping saved under a name, as JSON: the store
// keeps it and does not read it (package intake does).
type SavedMapping struct {
	Name      string          `db:"name" json:"name"`
	Mapping   json.RawMessage `db:"mapping" json:"mapping"`
	CreatedBy int64           `db:"created_by" json:"created_by"`
}

// SaveMapping saves a column mapping under its name, replacing one of the
// same name.
func (s *Intake) SaveMapping(ctx context.Context, name string, mapping json.RawMessage) error {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if err := cases.CheckText("mapping_name", name, 100, true); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO import_mappings (name, mapping, created_by) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET mapping = EXCLUDED.mapping, created_by = EXCLUDED.created_by, updated_at = now()`,
		name, []byte(mapping), actor.ID)
	return formatError(err, "mapping")
}

// Mapping returns the mapping saved under name.
func (s *Intake) Mapping(ctx context.Context, name string) (SavedMapping, error) {
	var m SavedMapping
	err := s.db.GetContext(ctx, &m, `SELECT name, mapping, created_by FROM import_mappings WHERE name = $1`, name)
	if errors.Is(err, sql.ErrNoRows) {
		return m, cases.FieldError("mapping", "no mapping is saved under the name %q", name)
	}
	return m, formatError(err, "mapping")
}

// Mappings lists the saved mappings by name.
func (s *Intake) Mappings(ctx context.Context) ([]SavedMapping, error) {
	out := []SavedMapping{}
	err := s.db.SelectContext(ctx, &out, `SELECT name, mapping, created_by FROM import_mappings ORDER BY name`)
	return out, formatError(err, "mapping")
}

// RecordTx changes a case in the caller's transaction on behalf of a source
// outside the shop (a platform's export): no assignee check, the decision
// records who brought the news in its payload.
func (s *Intake) RecordTx(ctx context.Context, tx *sqlx.Tx, id int64, decide cases.Decide) (cases.Case, error) {
	c, _, err := s.ChangeTx(ctx, tx, id, nil, nil, decide)
	return c, err
}
