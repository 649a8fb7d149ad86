package store

import (
	"context"
	"database/sql"
	"errors"

	"redress/cases"
)

// PlatformRules returns every platform rule, by platform and kind.
func (s *Intake) PlatformRules(ctx context.Context) ([]cases.PlatformRule, error) {
	out := []cases.PlatformRule{}
	err := s.db.SelectContext(ctx, &out, `SELECT platform, kind, name, due_hours, source, updated_by, updated_at
		FROM platform_rules ORDER BY platform, kind`)
	return out, formatError(err, "platform rule")
}

// PlatformRule returns the rule for a platform and kind; NotFound when
// there is none.
func (s *Intake) PlatformRule(ctx context.Context, p cases.Platform, k cases.Kind) (cases.PlatformRule, error) {
	var r cases.PlatformRule
	err := s.db.GetContext(ctx, &r, `SELECT platform, kind, name, due_hours, source, updated_by, updated_at
		FROM platform_rules WHERE platform = $1 AND kind = $2`, string(p), string(k))
	if errors.Is(err, sql.ErrNoRows) {
		return r, cases.Errorf(cases.NotFound, "no platform rule for %s %s", p, k)
	}
	return r, formatError(err, "platform rule")
}

// SetPlatformRule creates or replaces the rule of its platform and kind, as
// the context's actor (an admin).
func (s *Intake) SetPlatformRule(ctx context.Context, r cases.PlatformRule) (cases.PlatformRule, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return r, err
	}
	if actor.Role != cases.RoleAdmin {
		return r, cases.Errorf(cases.Forbidden, "only an admin may change platform rules")
	}
	if r, err = r.Check(); err != nil {
		return r, err
	}
	var out cases.PlatformRule
	err = s.db.GetContext(ctx, &out, `INSERT INTO platform_rules (platform, kind, name, due_hours, source, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (platform, kind) DO UPDATE SET name = EXCLUDED.name, due_hours = EXCLUDED.due_hours,
			source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()
		RETURNING platform, kind, name, due_hours, source, updated_by, updated_at`,
		string(r.Platform), string(r.Kind), r.Name, r.DueHours, r.Source, actor.ID)
	return out, formatError(err, "platform rule")
}
