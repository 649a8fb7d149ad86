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

// readyTimeout is how long /readyz waits for the database before it says
// not ready: a load balancer's probe must get its answer in time, even
// from a database that is frozen and never answers at all.
const readyTimeout = 2 * time.Second

// readyz answers 200 only when the database is reachable and its schema is
// current, so a load balancer sends traffic to instances that can serve it.
// It answers within readyTimeout whatever the database does: the check runs
// apart, and a check still stuck is not waited for.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), readyTimeout)
	done := make(chan error, 1)
	go func() {
		defer cancel()
		done <- s.checkReady(ctx)
	}()
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return err
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
	case <-timer.C:
		return &cases.Error{Code: cases.Unavailable, Message: "the database did not answer within 2 s",
			Extra: map[string]any{"retry_after": 5}}
	}
}

func (s *Server) checkReady(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return &cases.Error{Code: cases.Unavailable, Message: "database unreachable", Err: err, Extra: map[string]any{"retry_after": 5}}
	}
	pending, err := migrations.Pending(ctx, s.migrations)
	if err != nil {
		return &cases.Error{Code: cases.Unavailable, Message: "cannot read the schema version", Err: err, Extra: map[string]any{"retry_after": 5}}
	}
	if pending {
		return cases.Errorf(cases.Unavailable, "database schema is behind this binary: migrations pending")
	}
	return nil
}
