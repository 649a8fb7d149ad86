package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

const deskSettingsColumns = `random_percent, min_per_agent, sample_period, calibration_percent, approval_window_minutes,
	version, updated_by, updated_at`

// DeskSettingsTx reads the desk's settings in q (a transaction or the pool).
func DeskSettingsTx(ctx context.Context, q sqlx.QueryerContext) (cases.DeskSettings, error) {
	var s cases.DeskSettings
	err := sqlx.GetContext(ctx, q, &s, `SELECT `+deskSettingsColumns+` FROM desk_settings`)
	return s, formatError(err, "desk settings")
}

// Settings returns the desk's settings.
func (s *Desk) Settings(ctx context.Context) (cases.DeskSettings, error) {
	return DeskSettingsTx(ctx, s.db)
}

// SaveSettings replaces the desk's settings, conditional on version when
// it is given (an admin saving a form read before a colleague's change is
// told so), and returns them as saved.
func (s *Desk) SaveSettings(ctx context.Context, in cases.DeskSettings, version *int64, by int64) (cases.DeskSettings, error) {
	var out cases.DeskSettings
	err := s.InTx(ctx, func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &out, `UPDATE desk_settings SET random_percent = $1, min_per_agent = $2, sample_period = $3,
				calibration_percent = $4, approval_window_minutes = $5, version = version + 1, updated_by = $6, updated_at = now()
			WHERE $7::bigint IS NULL OR version = $7
			RETURNING `+deskSettingsColumns,
			in.RandomPercent, in.MinPerAgent, string(in.Period), in.CalibrationPercent, in.ApprovalWindowMinutes, by, version)
		if isNoRows(err) {
			return &cases.Error{Code: cases.Conflict, Field: "version",
				Message: fmt.Sprintf("the desk's settings changed since version %d was read: reload them and save again", *version)}
		}
		return formatError(err, "desk settings")
	})
	return out, err
}
