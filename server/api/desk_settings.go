package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// deskSettingsBody is the desk's settings as an admin sends them: every
// member required, so that a forgotten one is named, not zeroed.
type deskSettingsBody struct {
	RandomPercent         *int               `json:"random_percent"`
	MinPerAgent           *int               `json:"min_per_agent"`
	Period                *cases.AuditPeriod `json:"period"`
	CalibrationPercent    *int               `json:"calibration_percent"`
	ApprovalWindowMinutes *int               `json:"approval_window_minutes"`
}

func (b deskSettingsBody) settings() (cases.DeskSettings, error) {
	var s cases.DeskSettings
	for _, f := range []struct {
		name string
		v    *int
		to   *int
	}{{"random_percent", b.RandomPercent, &s.RandomPercent}, {"min_per_agent", b.MinPerAgent, &s.MinPerAgent},
		{"calibration_percent", b.CalibrationPercent, &s.CalibrationPercent},
		{"approval_window_minutes", b.ApprovalWindowMinutes, &s.ApprovalWindowMinutes}} {
		if f.v == nil {
			return s, cases.FieldError(f.name, "%s is missing: send every setting", f.name)
		}
		*f.to = *f.v
	}
	if b.Period == nil {
		return s, cases.FieldError("period", "period is missing: send every setting")
	}
	s.Period = *b.Period
	return s, nil
}

// DeskSettings handles GET /api/v1/desk-settings (supervisors): how closed
// cases are sampled for audit and the approval deadline. The ETag is the
// settings' version.
func (h *DeskPolicy) DeskSettings(c echo.Context) error {
	s, err := h.store.Desk().Settings(c.Request().Context())
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", `"v`+strconv.FormatInt(s.Version, 10)+`"`)
	return c.JSON(http.StatusOK, s)
}

// SaveDeskSettings handles PUT /api/v1/desk-settings (admins), with
// If-Match (the ETag read) optional: a stale one is a Conflict.
func (h *DeskPolicy) SaveDeskSettings(c echo.Context) error {
	version, err := ifMatch(c, ifMatchOptional)
	if err != nil {
		return err
	}
	var in deskSettingsBody
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	s, err := in.settings()
	if err != nil {
		return err
	}
	saved, err := h.deskPolicy.SaveDeskSettings(c.Request().Context(), s, version)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", `"v`+strconv.FormatInt(saved.Version, 10)+`"`)
	return c.JSON(http.StatusOK, saved)
}

// calibrationDays is the default span of the calibration report.
const calibrationDays = 30

// Calibration handles GET /api/v1/audits/calibration?from=&to=
// (supervisors): the blind calibration audits completed in the period
// (default: the last 30 days), their agreement rate and n, and the pairs.
func (h *Desk) Calibration(c echo.Context) error {
	from, to, err := request.Period(c, h.cfg.Location, time.Now(), calibrationDays)
	if err != nil {
		return err
	}
	rep, err := h.ops.CalibrationReport(c.Request().Context(), from, to)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}

// RetireChecklistItem handles DELETE /api/v1/audits/checklist/{key}
// (admins): an item no verdict scored is deleted, one that verdicts scored
// is retired (inactive; they still show it). The answer says which.
func (h *DeskPolicy) RetireChecklistItem(c echo.Context) error {
	item, deleted, err := h.deskPolicy.RetireChecklistItem(c.Request().Context(), c.Param("key"))
	if err != nil {
		return err
	}
	outcome := "retired"
	if deleted {
		outcome = "deleted"
	}
	return c.JSON(http.StatusOK, map[string]any{"outcome": outcome, "item": item})
}
