package server

import (
	"crypto/subtle"
	"database/sql"
	"net"
	"net/netip"
	"redress/cases"
	"redress/server/problem"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics holds this server's Prometheus collectors in a registry of its own,
// so that tests can build many servers in one process.
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(db *sql.DB) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "redress_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "redress_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method, route template and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"method", "route", "status"}),
	}
	m.registry.MustRegister(
		m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "redress"),
	)
	return m
}

// middleware counts every request under its route template (never the raw
// path, which would make one series per case).
func (m *metrics) middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			if err != nil {
				status = problem.Status(err)
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			labels := prometheus.Labels{"method": c.Request().Method, "route": route, "status": strconv.Itoa(status)}
			m.requests.With(labels).Inc()
			m.latency.With(labels).Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// handler serves the metrics to the networks of allow (the peer's own
// address, never a forwarded one) or to a scraper sending token.
func (m *metrics) handler(allow []netip.Prefix, token string) echo.HandlerFunc {
	serve := echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry}))
	return func(c echo.Context) error {
		if token != "" {
			if got, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer "); ok &&
				subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1 {
				return serve(c)
			}
		}
		host, _, err := net.SplitHostPort(c.Request().RemoteAddr)
		if addr, perr := netip.ParseAddr(host); err == nil && perr == nil {
			for _, p := range allow {
				if p.Contains(addr.Unmap()) {
					return serve(c)
				}
			}
		}
		return cases.Errorf(cases.Forbidden, "metrics are served to REDRESS_METRICS_ALLOW or with REDRESS_METRICS_TOKEN")
	}
}
