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
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/pressly/goose/v3"

	"redress/cases"
	"redress/cases/store"
	"redress/migrations"
	"redress/server/actions"
	"redress/server/api"
	"redress/server/auth"
	"redress/server/config"
	"redress/server/problem"
	"redress/server/schedule"
	"redress/server/web"
	"redress/server/webhook"
	"redress/ui"
	"redress/ui/i18n"
	"redress/workflows"
)

// Server serves Redress over HTTP.
type Server struct {
	cfg        config.Config
	db         *sqlx.DB
	log        *slog.Logger
	echo       *echo.Echo
	metrics    *metrics
	migrations *goose.Provider
	gate       *auth.Gate
	api        *api.API
	web        *web.Web
	work       *schedule.Work
	sender     *webhook.Sender
	digests    *actions.ReportDigests
	// draining is closed when the server starts shutting down: long work
	// (an import) stops at a safe point and tells its client to resume.
	draining  chan struct{}
	drainOnce sync.Once
}

// New wires a Server to its database. It registers every route from the
// routes table; nothing listens until Serve.
func New(cfg config.Config, db *sqlx.DB, log *slog.Logger, opts ...Option) (*Server, error) {
	o := options{access: cases.DefaultAccessPolicy()}
	for _, opt := range opts {
		opt(&o)
	}
	prov, err := migrations.NewProvider(db.DB)
	if err != nil {
		return nil, err
	}
	policy := workflows.DefaultPolicy()
	policy.Zone = cfg.Location
	policy.Deadlines.BusinessHours = cfg.BusinessHoursSLA
	if cfg.HandoverAckWithin > 0 && cfg.HandoverGrace > 0 {
		policy.Handover = workflows.HandoverPolicy{AckWithin: cfg.HandoverAckWithin, Grace: cfg.HandoverGrace}
	}
	if err := policy.Validate(); err != nil {
		return nil, err
	}
	caseStore := store.New(db)
	caseStore.SetLocation(cfg.Location)
	people := store.NewPeople(db, o.access)
	inbox := store.NewNotifications(db)
	handovers := actions.NewHandovers(caseStore, policy)
	toneCheck := actions.NewTone(store.NewToneRules(db))
	replyStore := store.NewReplies(db)
	replies := actions.NewReplies(replyStore, caseStore, toneCheck)
	catalogue, err := i18n.New()
	if err != nil {
		return nil, err
	}
	base := cfg.BaseURL.String()
	ops := actions.NewCases(caseStore, policy, actions.Desk{Audit: workflows.DefaultAuditPolicy(), Location: cfg.Location,
		Words: catalogue, CaseURL: func(id int64) string { return base + "/cases/" + strconv.FormatInt(id, 10) }},
		toneCheck, replyStore)
	s := &Server{cfg: cfg, db: db, log: log, echo: echo.New(), migrations: prov, draining: make(chan struct{})}
	s.metrics = newMetrics(db.DB)
	s.gate = auth.New(people, cfg, log)
	hooks := store.NewWebhooks(db)
	s.sender = webhook.NewSender(hooks, cfg.AllowPrivateWebhooks, log, s.metrics.registry)
	if s.work, err = schedule.New(cfg, db, log, s.sender, catalogue, s.metrics.registry); err != nil {
		return nil, err
	}
	s.work.Approvals = func(ctx context.Context, now time.Time) error { return ops.SweepApprovals(ctx, now) }
	reports := actions.NewReports(caseStore, cfg.Location)
	s.work.Reports = func(ctx context.Context) error {
		_, err := reports.RefreshFacts(ctx, reportRefreshPerSweep)
		return err
	}
	s.digests = actions.NewReportDigests(reports, hooks, catalogue, base)
	s.work.Digest = s.digests.Send
	imports, deskPolicy := actions.NewImports(ops), actions.NewDeskPolicy(ops)
	s.api = api.New(api.Deps{Config: cfg, Log: log, Store: caseStore, People: people, Inbox: inbox, Hooks: hooks,
		Actions: ops, Imports: imports, DeskPolicy: deskPolicy, Handovers: handovers, Gate: s.gate, Sender: s.sender, Policy: policy, Replies: replies, Tone: toneCheck,
		Reports: reports, Draining: s.draining})
	s.web, err = web.New(web.Deps{Config: cfg, Log: log, Store: caseStore, People: people, Inbox: inbox,
		Actions: ops, Imports: imports, DeskPolicy: deskPolicy, Handovers: handovers, Gate: s.gate, Policy: policy, Replies: replies, Tone: toneCheck,
		Reports: reports, Draining: s.draining}, ui.Templates(), ui.Static(), catalogue)
	if err != nil {
		return nil, fmt.Errorf("web ui: %w", err)
	}
	e := s.echo
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.handleError
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	e.Use(
		s.securityHeaders,
		middleware.RequestID(),
		s.logRequests(),
		s.metrics.middleware(),
		middleware.RecoverWithConfig(middleware.RecoverConfig{
			LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
				return cases.Internalf(err, "panic: %s", stack)
			},
		}),
	)
	s.registerRoutes()
	return s, nil
}

// reportRefreshPerSweep is how many cases' report facts a sweep brings up
// to date at most, so that a backlog (all of them, after the migration
// that introduced them) drains without holding up the reminders.
const reportRefreshPerSweep = 5000

// Option adjusts a Server at construction, for what the environment does
// not configure.
type Option func(*options)

type options struct {
	access cases.AccessPolicy
}

// WithAccessPolicy replaces the default sign-in policy; tests use it for
// cheap password hashing (cases.InsecureTestPasswordParams).
func WithAccessPolicy(p cases.AccessPolicy) Option {
	return func(o *options) { o.access = p }
}

// Sweep fires every reminder and escalation due at now (see
// schedule.Work.Sweep); tests pass a controlled clock.
func (s *Server) Sweep(ctx context.Context, now time.Time) (cases.SweepResult, error) {
	return s.work.Sweep(ctx, now)
}

// SweepApprovals reminds and escalates the remedies waiting too long for
// approval at now; tests pass a controlled clock.
func (s *Server) SweepApprovals(ctx context.Context, now time.Time) error {
	return s.work.Approvals(ctx, now)
}

// DeliverWebhooks sends the webhook deliveries due at now.
func (s *Server) DeliverWebhooks(ctx context.Context, now time.Time) (cases.DeliveryResult, error) {
	return s.sender.Deliver(ctx, now)
}

// SendReportDigest sends the scheduled report summary of event for the
// period before now (see actions.ReportDigests.Send); tests pass a
// controlled clock.
func (s *Server) SendReportDigest(ctx context.Context, event cases.EventKind, now time.Time) (cases.DigestResult, error) {
	return s.digests.Send(ctx, event, now)
}

// StartScheduler starts the reminder sweep and the webhook delivery worker.
func (s *Server) StartScheduler() (*schedule.Scheduler, error) { return s.work.Start() }

// handleError is the one place where errors become responses: problem+json
// for the API, an HTML error page (or, for a visitor, the way to sign in)
// for the web pages. Only internal errors are logged here (the request log
// carries the rest).
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	de := problem.From(err)
	if de.Code == cases.Internal {
		s.log.ErrorContext(c.Request().Context(), "internal error",
			"request_id", c.Response().Header().Get(echo.HeaderXRequestID), "error", err.Error())
	}
	if !isAPIPath(c.Request().URL.Path) {
		problem.SetRetryAfter(c, de)
		s.web.UI.ErrorPage(c, problem.Status(err), de)
		return
	}
	problem.Write(c, err)
}

// clientIP is where a request came from: the peer, unless the peer is one
// of the trusted reverse proxies, whose X-Forwarded-For is then read (from
// the right, skipping the proxies). Sign-in throttling counts by it, so a
// client must not be able to choose it.
func clientIP(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(netipToIPNet(p)))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func netipToIPNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// securityHeaders are on every response: no content-type sniffing (API
// and problem bodies included), and HSTS when Redress is served over https.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	hsts := s.cfg.BaseURL.Scheme == "https"
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		if hsts {
			h.Set(echo.HeaderStrictTransportSecurity, "max-age=31536000; includeSubDomains")
		}
		return next(c)
	}
}

// isAPIPath reports whether a path belongs to the JSON API and operations
// endpoints, whose errors are problem+json; every other path is a page.
func isAPIPath(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
}

// Drain tells long work in flight (imports) to stop at its next safe point
// and tell its client to resume: the server is going away. Serve calls it
// when shutdown begins.
func (s *Server) Drain() { s.drainOnce.Do(func() { close(s.draining) }) }

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
		// A request body must arrive within a minute; uploads and imports
		// extend their own deadline to REDRESS_UPLOAD_TIMEOUT.
		ReadTimeout:  time.Minute,
		WriteTimeout: 5 * time.Minute,
		IdleTimeout:  2 * time.Minute,
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
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
	s.Drain()
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
