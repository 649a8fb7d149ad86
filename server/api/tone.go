package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/workflows/tone"
)

// Check handles POST /api/v1/tone/check
// {"text","stage","platform","lang"}: the warnings the rules give now.
// Stage is a tone stage (first_response, apology, remedy_offer, follow_up,
// reply) or empty; lang is the language of the messages (the text's when
// empty).
func (h *Tone) Check(c echo.Context) error {
	var in struct {
		Text     string `json:"text"`
		Stage    string `json:"stage"`
		Platform string `json:"platform"`
		Lang     string `json:"lang"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	switch {
	case len(in.Text) > tone.MaxTextBytes:
		return &cases.Error{Code: cases.Invalid, Field: "text", Message: "text is longer than 64 KiB"}
	case in.Stage != "" && !slices.Contains(tone.Stages(), in.Stage):
		return cases.FieldError("stage", "%q is not a stage; use one of %s", in.Stage, strings.Join(tone.Stages(), ", "))
	case in.Platform != "" && !cases.Platform(in.Platform).Valid():
		return cases.FieldError("platform", "%q is not a platform", in.Platform)
	case in.Lang != "" && !slices.Contains(tone.Languages(), in.Lang):
		return cases.FieldError("lang", "%q is not a language; use zh-CN or en", in.Lang)
	}
	ws, err := h.tone.Check(c.Request().Context(), in.Text, tone.Context{Language: in.Lang, Platform: in.Platform, Stage: in.Stage})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"warnings": ws, "blocking": tone.Blocking(ws)})
}

// Rules handles GET /api/v1/tone/rules (admins): every rule, shipped and
// added, enabled or not.
func (h *Tone) Rules(c echo.Context) error {
	recs, err := h.tone.Rules(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": recs})
}

// CreateRule handles POST /api/v1/tone/rules (admins): the body is the
// rule.
func (h *Tone) CreateRule(c echo.Context) error {
	var raw json.RawMessage
	if err := bindJSON(c, &raw); err != nil {
		return err
	}
	rec, err := h.tone.CreateRule(c.Request().Context(), raw)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/tone/rules/"+rec.ID)
	return c.JSON(http.StatusCreated, rec)
}

// PatchRule handles PATCH /api/v1/tone/rules/{id} (admins):
// {"rule":{…},"enabled":bool}, either or both.
func (h *Tone) PatchRule(c echo.Context) error {
	var in struct {
		Rule    json.RawMessage `json:"rule"`
		Enabled *bool           `json:"enabled"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	rec, err := h.tone.UpdateRule(c.Request().Context(), c.Param("id"), in.Rule, in.Enabled)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rec)
}

// DeleteRule handles DELETE /api/v1/tone/rules/{id} (admins): an added
// rule is removed, a shipped one disabled.
func (h *Tone) DeleteRule(c echo.Context) error {
	if err := h.tone.DeleteRule(c.Request().Context(), c.Param("id")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
