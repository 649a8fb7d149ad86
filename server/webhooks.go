package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// listWebhooks handles GET /api/v1/webhooks (admins).
func (s *Server) listWebhooks(c echo.Context) error {
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	page, err := s.remind.hooks.List(c.Request().Context(), limit, c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}

// createWebhook handles POST /api/v1/webhooks (admins).
func (s *Server) createWebhook(c echo.Context) error {
	var in cases.WebhookInput
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	w, err := in.Webhook()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.checkWebhookTarget(ctx, w.URL); err != nil {
		return err
	}
	created, err := s.remind.hooks.Create(ctx, w)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/webhooks/"+strconv.FormatInt(created.ID, 10))
	return c.JSON(http.StatusCreated, created)
}

// getWebhook handles GET /api/v1/webhooks/{id} (admins).
func (s *Server) getWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	w, err := s.remind.hooks.Get(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

// patchWebhook handles PATCH /api/v1/webhooks/{id} (admins). A changed URL
// is checked like a new one.
func (s *Server) patchWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var p cases.WebhookPatch
	if err := bindJSON(c, &p); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if p.URL != nil {
		if err := s.checkWebhookTarget(ctx, strings.TrimSpace(*p.URL)); err != nil {
			return err
		}
	}
	updated, err := s.remind.hooks.Update(ctx, id, p)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, updated)
}

// deleteWebhook handles DELETE /api/v1/webhooks/{id} (admins): the webhook
// stops at once and its pending deliveries are cancelled; its history stays.
func (s *Server) deleteWebhook(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.remind.hooks.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// webhookDeliveries handles GET /api/v1/webhooks/{id}/deliveries (admins):
// newest first, each with its attempts, so failures are visible.
func (s *Server) webhookDeliveries(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	f := cases.DeliveryFilter{Status: cases.DeliveryStatus(c.QueryParam("status")), Limit: limit, Cursor: c.QueryParam("cursor")}
	page, err := s.remind.hooks.Deliveries(c.Request().Context(), id, f)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, page)
}
