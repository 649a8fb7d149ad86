package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/migrations"
)

// healthz answers while the process is up, whatever the database does.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database is reachable and its schema is
// current, so a load balancer sends traffic to instances that can serve it.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	if err := s.db.PingContext(ctx); err != nil {
		return &cases.Error{Code: cases.Unavailable, Message: "database unreachable", Err: err}
	}
	pending, err := migrations.Pending(ctx, s.migrations)
	if err != nil {
		return &cases.Error{Code: cases.Unavailable, Message: "cannot read the schema version", Err: err}
	}
	if pending {
		return cases.Errorf(cases.Unavailable, "database schema is behind this binary: migrations pending")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
