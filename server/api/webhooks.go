package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// List handles GET /api/v1/webhooks (admins).
func (h *Webhooks) List(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	page, err := h.hooks.List(c.Request().Context(), limit, c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// Create handles POST /api/v1/webhooks (admins).
func (h *Webhooks) Create(c echo.Context) error {
	var in cases.WebhookInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	w, err := in.Webhook()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := h.sender.CheckTarget(ctx, w.URL); err != nil {
		return err
	}
	created, err := h.hooks.Create(ctx, w)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/webhooks/"+strconv.FormatInt(created.ID, 10))
	return c.JSON(http.StatusCreated, created)
}

// Get handles GET /api/v1/webhooks/{id} (admins).
func (h *Webhooks) Get(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	w, err := h.hooks.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

// Patch handles PATCH /api/v1/webhooks/{id} (admins). A changed URL
// is checked like a new one.
func (h *Webhooks) Patch(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var p cases.WebhookPatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if p.URL != nil {
		if err := h.sender.CheckTarget(ctx, strings.TrimSpace(*p.URL)); err != nil {
			return err
		}
	}
	updated, err := h.hooks.Update(ctx, id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, updated)
}

// Delete handles DELETE /api/v1/webhooks/{id} (admins): the webhook
// stops at once and its pending deliveries are cancelled; its history stays.
func (h *Webhooks) Delete(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.hooks.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// Deliveries handles GET /api/v1/webhooks/{id}/deliveries (admins):
// newest first, each with its attempts, so failures are visible.
func (h *Webhooks) Deliveries(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	f := cases.DeliveryFilter{Status: cases.DeliveryStatus(c.QueryParam("status")), Limit: limit, Cursor: c.QueryParam("cursor")}
	page, err := h.hooks.Deliveries(c.Request().Context(), id, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
