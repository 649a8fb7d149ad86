package api

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// PlatformRules handles GET /api/v1/platform-rules: the default external
// deadlines per platform and dispute kind.
func (h *Intake) PlatformRules(c echo.Context) error {
	rs, err := h.store.Intake().PlatformRules(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": rs})
}

// SetPlatformRule handles PUT /api/v1/platform-rules/{platform}/{kind}
// {"name","due_hours","source"} (admins): creates or replaces the rule.
func (h *Intake) SetPlatformRule(c echo.Context) error {
	var in struct {
		Name     string `json:"name"`
		DueHours int    `json:"due_hours"`
		Source   string `json:"source"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	r, err := h.store.Intake().SetPlatformRule(c.Request().Context(), cases.PlatformRule{Platform: cases.Platform(c.Param("platform")),
		Kind: cases.Kind(c.Param("kind")), Name: in.Name, DueHours: in.DueHours, Source: in.Source})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, r)
}
