package store

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// recipient is an active user a reminder may be sent to.
type recipient struct {
	ID     int64
	Role   cases.Role
	Reader cases.Reader
}

// audience is the active users at the start of a sweep, sorted by who is told
// what. Who receives a reminder:
//
//   - overdue and platform_soon: the assignee; when the case is unassigned
//     (or its assignee deactivated), the unassigned queue's watchers, who are
//     every active agent and supervisor;
//   - escalation: every active supervisor and admin;
//   - platform_passed: both of the above, once each.
type audience struct {
	byID        map[int64]recipient
	watchers    []recipient
	supervisors []recipient
}

// loadAudienceTx reads the active users. Time zones that do not load fall
// back to fallback.
func loadAudienceTx(ctx context.Context, q sqlx.QueryerContext, fallback *time.Location) (audience, error) {
	var rows []struct {
		ID       int64          `db:"id"`
		Role     cases.Role     `db:"role"`
		Language cases.Language `db:"language"`
		TimeZone string         `db:"time_zone"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, role, language, time_zone FROM users WHERE active ORDER BY id`); err != nil {
		return audience{}, formatError(err, "users")
	}
	zones := map[string]*time.Location{}
	a := audience{byID: make(map[int64]recipient, len(rows))}
	for _, r := range rows {
		loc, ok := zones[r.TimeZone]
		if !ok {
			var err error
			if loc, err = time.LoadLocation(r.TimeZone); err != nil {
				loc = fallback
			}
			zones[r.TimeZone] = loc
		}
		lang := r.Language
		if !lang.Valid() {
			lang = cases.DefaultLanguage
		}
		rc := recipient{ID: r.ID, Role: r.Role, Reader: cases.Reader{Language: lang, Location: loc}}
		a.byID[r.ID] = rc
		if r.Role == cases.RoleAgent || r.Role == cases.RoleSupervisor {
			a.watchers = append(a.watchers, rc)
		}
		if r.Role.Supervises() {
			a.supervisors = append(a.supervisors, rc)
		}
	}
	return a, nil
}

// recipients returns who is told about a reminder of level for a case with
// that assignee, each once.
func (a audience) recipients(level cases.ReminderLevel, assignee *int64) []recipient {
	var owners []recipient
	if assignee != nil {
		if r, ok := a.byID[*assignee]; ok {
			owners = []recipient{r}
		}
	}
	if owners == nil {
		owners = a.watchers
	}
	switch level {
	case cases.LevelEscalation:
		return a.supervisors
	case cases.LevelPlatformPassed:
		out := append([]recipient(nil), owners...)
		seen := make(map[int64]bool, len(owners))
		for _, r := range owners {
			seen[r.ID] = true
		}
		for _, r := range a.supervisors {
			if !seen[r.ID] {
				out = append(out, r)
			}
		}
		return out
	}
	return owners
}
