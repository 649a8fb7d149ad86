// Package server is Redress's HTTP adapter: the routes table, thin handlers,
// authentication, the one error handler, rendering and scheduler wiring.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/pressly/goose/v3"

	"redress/cases"
	"redress/cases/store"
	"redress/migrations"
	"redress/ui"
	"redress/workflows"
)

// Server serves Redress over HTTP.
type Server struct {
	cfg        Config
	db         *sqlx.DB
	store      *store.Store
	people     *store.People
	log        *slog.Logger
	echo       *echo.Echo
	metrics    *metrics
	migrations *goose.Provider
	policy     workflows.Policy
	remind     *reminderParts // reminders, notifications, webhooks (scheduler.go)
	web        *webUI         // the agents' workspace: templates, static files, translations (web.go)
}

// New wires a Server to its database. It registers every route from the
// routes table; nothing listens until Serve.
func New(cfg Config, db *sqlx.DB, log *slog.Logger, opts ...Option) (*Server, error) {
	o := options{access: cases.DefaultAccessPolicy()}
	for _, opt := range opts {
		opt(&o)
	}
	prov, err := migrations.NewProvider(db.DB)
	if err != nil {
		return nil, err
	}
	web, err := newWebUI(ui.Templates(), ui.Static(), ui.Messages())
	if err != nil {
		return nil, fmt.Errorf("web ui: %w", err)
	}
	s := &Server{
		cfg:        cfg,
		db:         db,
		store:      store.New(db),
		people:     store.NewPeople(db, o.access),
		log:        log,
		echo:       echo.New(),
		migrations: prov,
		policy:     workflows.DefaultPolicy(),
		web:        web,
	}
	s.metrics = newMetrics(db.DB)
	s.remind = newReminderParts(cfg, db, s.metrics.registry)
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	// Trust X-Forwarded-For only from a proxy on loopback or a private
	// network: sign-in throttling counts failures per client address.
	e.IPExtractor = echo.ExtractIPFromXFFHeader()
	e.Use(
		middleware.RequestID(),
		s.logRequests(),
		s.metrics.middleware(),
		middleware.RecoverWithConfig(middleware.RecoverConfig{
			LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
				return cases.Internalf(err, "panic: %s", stack)
			},
		}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
			Limit: fmt.Sprintf("%dB", cfg.MaxBodyBytes),
			// Uploads and imports stream under limits of their own.
			Skipper: func(c echo.Context) bool { return largeBody(c.Path()) },
		}),
	)
	s.registerRoutes()
	return s, nil
}

// largeBody reports whether a route reads bodies larger than
// REDRESS_MAX_BODY_BYTES, under a limit of its own.
func largeBody(route string) bool {
	switch route {
	case "/api/v1/cases/import", "/api/v1/cases/:id/evidence", "/import", "/cases/:id/evidence":
		return true
	}
	return false
}

// Handler returns the HTTP handler, for tests that use httptest.
func (s *Server) Handler() http.Handler { return s.echo }

// Echo returns the router, for tests that inspect the registered routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Serve answers requests on ln until ctx is cancelled, then stops accepting
// and lets requests in flight finish (up to 25 s). With REDRESS_PPROF_ADDR
// set it also serves Go's profiler there, on loopback only.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if s.cfg.PprofAddr != "" {
		stopPprof, err := s.startPprof()
		if err != nil {
			return err
		}
		defer stopPprof()
	}
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // evidence uploads on slow links
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(), "base_url", s.cfg.BaseURL.String())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) logRequests() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true,
		LogRequestID: true, LogRoutePath: true, LogRemoteIP: true, LogError: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", v.RequestID),
				slog.String("method", v.Method),
				slog.String("path", v.URIPath), // never the query: it may carry secrets
				slog.String("route", v.RoutePath),
				slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency),
				slog.String("remote_ip", v.RemoteIP),
			}
			if v.Error != nil && cases.ErrorCode(v.Error) == cases.Internal {
				attrs = append(attrs, slog.String("error", v.Error.Error()))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}
