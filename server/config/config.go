// Package config reads Redress's environment into one validated Config,
// shared by every command (serve, migrate, user, demo, verify).
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"redress/cases/store"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Config is Redress's configuration, read from the environment once at
// start, validated, and passed explicitly to whatever needs it.
type Config struct {
	DatabaseURL string // DATABASE_URL; empty means the embedded default
	// MigrateDatabaseURL is the schema owner's connection, for migrations
	// (REDRESS_MIGRATE_DATABASE_URL); empty means DATABASE_URL's role owns
	// the schema. When set, DATABASE_URL's role is granted rows only.
	MigrateDatabaseURL   string
	Addr                 string         // REDRESS_ADDR
	DataDir              string         // REDRESS_DATA_DIR
	BaseURL              *url.URL       // REDRESS_BASE_URL
	LogLevel             slog.Level     // REDRESS_LOG_LEVEL
	Location             *time.Location // REDRESS_TIMEZONE
	SweepSchedule        string         // REDRESS_SWEEP_SCHEDULE
	MaxBodyBytes         int64          // REDRESS_MAX_BODY_BYTES: JSON and form bodies
	MaxUploadBytes       int64          // REDRESS_MAX_UPLOAD_BYTES: evidence files
	AllowPrivateWebhooks bool           // REDRESS_WEBHOOK_ALLOW_PRIVATE: deliver to loopback/private hosts
	PprofAddr            string         // REDRESS_PPROF_ADDR: loopback host:port for net/http/pprof; empty is off
	EscalationGrace      time.Duration  // REDRESS_ESCALATION_GRACE: overdue this long, supervisors hear of it
	PlatformLead         time.Duration  // REDRESS_PLATFORM_LEAD: remind this long before a platform deadline
	BusinessHoursSLA     bool           // REDRESS_SLA_BUSINESS_HOURS: SLA clocks count the shop's business hours
	HandoverAckWithin    time.Duration  // REDRESS_HANDOVER_ACK_WITHIN: an unacknowledged handover is reminded after this
	HandoverGrace        time.Duration  // REDRESS_HANDOVER_GRACE: and escalated to supervisors this much later
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (REDRESS_TRUSTED_PROXIES, CIDRs; default none: the peer's
	// own address is the client's).
	TrustedProxies []netip.Prefix
	// MetricsAllow are the networks /metrics answers (REDRESS_METRICS_ALLOW,
	// CIDRs; default loopback); MetricsToken, when set, also opens it to a
	// scraper sending it as a bearer token (REDRESS_METRICS_TOKEN).
	MetricsAllow []netip.Prefix
	MetricsToken string
	// DBStatementTimeout bounds every statement and lock wait of the
	// service (REDRESS_DB_STATEMENT_TIMEOUT); RequestTimeout bounds a whole
	// request but uploads and imports (REDRESS_REQUEST_TIMEOUT).
	DBStatementTimeout time.Duration
	RequestTimeout     time.Duration
	// AdminEmail and AdminPassword create the first admin of an empty
	// installation at start (REDRESS_ADMIN_EMAIL, REDRESS_ADMIN_PASSWORD);
	// once anyone has an account they are ignored.
	AdminEmail, AdminPassword string
	// UploadTimeout bounds an evidence upload or a CSV import's transfer
	// (REDRESS_UPLOAD_TIMEOUT): a client trickling its body is cut off.
	UploadTimeout time.Duration
	// ReportSchedule and WeeklyReportSchedule are when the daily and the
	// weekly report summaries go to webhooks (REDRESS_REPORT_SCHEDULE,
	// REDRESS_REPORT_WEEKLY_SCHEDULE: cron specs in REDRESS_TIMEZONE);
	// empty is off.
	ReportSchedule       string
	WeeklyReportSchedule string
}

// DBLimits are the service pool's limits (migrations and the command line
// run without them).
func (c Config) DBLimits() store.Limits {
	return store.Limits{Statement: c.DBStatementTimeout, IdleInTransaction: time.Minute, Read: c.DBStatementTimeout + 5*time.Second}
}

// Load reads and validates the configuration through getenv (os.Getenv
// in production). Each error names the variable at fault.
func Load(getenv func(string) string) (Config, error) {
	get := func(name, def string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		return def
	}
	var c Config

	c.DatabaseURL = get("DATABASE_URL", "")
	if c.DatabaseURL != "" {
		if err := checkDatabaseURL(c.DatabaseURL); err != nil {
			return c, fmt.Errorf("DATABASE_URL: %w", err)
		}
	}

	c.MigrateDatabaseURL = get("REDRESS_MIGRATE_DATABASE_URL", "")
	if c.MigrateDatabaseURL != "" {
		if c.DatabaseURL == "" {
			return c, fmt.Errorf("REDRESS_MIGRATE_DATABASE_URL: set DATABASE_URL too (the embedded default makes its own two roles)")
		}
		if err := checkDatabaseURL(c.MigrateDatabaseURL); err != nil {
			return c, fmt.Errorf("REDRESS_MIGRATE_DATABASE_URL: %w", err)
		}
	}

	c.AdminEmail, c.AdminPassword = get("REDRESS_ADMIN_EMAIL", ""), getenv("REDRESS_ADMIN_PASSWORD")
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		return c, fmt.Errorf("REDRESS_ADMIN_EMAIL: set it and REDRESS_ADMIN_PASSWORD together (the first admin's sign-in)")
	}

	c.Addr = get("REDRESS_ADDR", "127.0.0.1:8080")
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return c, fmt.Errorf("REDRESS_ADDR: %q is not host:port", c.Addr)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return c, fmt.Errorf("REDRESS_ADDR: port %q is not a number from 0 to 65535", port)
	}

	c.DataDir = get("REDRESS_DATA_DIR", "./data")

	if host == "" {
		host = "localhost"
	}
	base := get("REDRESS_BASE_URL", "http://"+net.JoinHostPort(host, port))
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("REDRESS_BASE_URL: %q is not an absolute http(s) URL", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	c.BaseURL = u

	if err := c.LogLevel.UnmarshalText([]byte(get("REDRESS_LOG_LEVEL", "info"))); err != nil {
		return c, fmt.Errorf("REDRESS_LOG_LEVEL: %q is not one of debug, info, warn, error", getenv("REDRESS_LOG_LEVEL"))
	}

	tz := get("REDRESS_TIMEZONE", "Asia/Shanghai")
	if c.Location, err = time.LoadLocation(tz); err != nil {
		return c, fmt.Errorf("REDRESS_TIMEZONE: %q is not an IANA time zone", tz)
	}

	c.SweepSchedule = get("REDRESS_SWEEP_SCHEDULE", "@every 1m")
	if err := checkSchedule(c.SweepSchedule); err != nil {
		return c, err
	}
	if c.ReportSchedule, err = reportSchedule("REDRESS_REPORT_SCHEDULE", get("REDRESS_REPORT_SCHEDULE", "0 9 * * *")); err != nil {
		return c, err
	}
	if c.WeeklyReportSchedule, err = reportSchedule("REDRESS_REPORT_WEEKLY_SCHEDULE", get("REDRESS_REPORT_WEEKLY_SCHEDULE", "0 9 * * 1")); err != nil {
		return c, err
	}

	if c.MaxBodyBytes, err = byteSize(get("REDRESS_MAX_BODY_BYTES", "1048576")); err != nil {
		return c, fmt.Errorf("REDRESS_MAX_BODY_BYTES: %w", err)
	}
	if c.MaxUploadBytes, err = byteSize(get("REDRESS_MAX_UPLOAD_BYTES", "20971520")); err != nil {
		return c, fmt.Errorf("REDRESS_MAX_UPLOAD_BYTES: %w", err)
	}
	allow := get("REDRESS_WEBHOOK_ALLOW_PRIVATE", "false")
	if c.AllowPrivateWebhooks, err = strconv.ParseBool(allow); err != nil {
		return c, fmt.Errorf("REDRESS_WEBHOOK_ALLOW_PRIVATE: %q is not true or false", allow)
	}
	if c.PprofAddr = get("REDRESS_PPROF_ADDR", ""); c.PprofAddr != "" {
		if err := checkLoopback(c.PprofAddr); err != nil {
			return c, fmt.Errorf("REDRESS_PPROF_ADDR: %w", err)
		}
	}
	for _, d := range []struct {
		name, def string
		dst       *time.Duration
	}{
		{"REDRESS_ESCALATION_GRACE", "1h", &c.EscalationGrace},
		{"REDRESS_PLATFORM_LEAD", "4h", &c.PlatformLead},
		{"REDRESS_HANDOVER_ACK_WITHIN", "30m", &c.HandoverAckWithin},
		{"REDRESS_HANDOVER_GRACE", "30m", &c.HandoverGrace},
	} {
		v := get(d.name, d.def)
		if *d.dst, err = time.ParseDuration(v); err != nil || *d.dst < time.Minute || *d.dst > 30*24*time.Hour {
			return c, fmt.Errorf("%s: %q is not a duration from 1m to 720h (e.g. 90m)", d.name, v)
		}
	}
	for _, d := range []struct {
		name, def string
		dst       *time.Duration
	}{
		{"REDRESS_DB_STATEMENT_TIMEOUT", "10s", &c.DBStatementTimeout},
		{"REDRESS_REQUEST_TIMEOUT", "30s", &c.RequestTimeout},
		{"REDRESS_UPLOAD_TIMEOUT", "10m", &c.UploadTimeout},
	} {
		v := get(d.name, d.def)
		if *d.dst, err = time.ParseDuration(v); err != nil || *d.dst < 100*time.Millisecond || *d.dst > 10*time.Minute {
			return c, fmt.Errorf("%s: %q is not a duration from 100ms to 10m (e.g. 15s)", d.name, v)
		}
	}
	bh := get("REDRESS_SLA_BUSINESS_HOURS", "false")
	if c.BusinessHoursSLA, err = strconv.ParseBool(bh); err != nil {
		return c, fmt.Errorf("REDRESS_SLA_BUSINESS_HOURS: %q is not true or false", bh)
	}
	if c.TrustedProxies, err = prefixes("REDRESS_TRUSTED_PROXIES", get("REDRESS_TRUSTED_PROXIES", "")); err != nil {
		return c, err
	}
	if c.MetricsAllow, err = prefixes("REDRESS_METRICS_ALLOW", get("REDRESS_METRICS_ALLOW", "127.0.0.0/8,::1/128")); err != nil {
		return c, err
	}
	if c.MetricsToken = get("REDRESS_METRICS_TOKEN", ""); c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		return c, fmt.Errorf("REDRESS_METRICS_TOKEN: use at least 16 characters")
	}
	return c, nil
}

// prefixes reads a comma-separated list of CIDRs (a bare address is a
// single host).
func prefixes(name, list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not an IP address or CIDR (e.g. 10.0.0.0/8)", name, f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a CIDR (e.g. 10.0.0.0/8)", name, f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// CronParser is the parser for every cron spec Redress accepts: five fields
// or descriptors such as "@every 1m".
func CronParser() cron.Parser {
	return cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
}

// SecureCookies reports whether cookies must carry the Secure attribute.
func (c Config) SecureCookies() bool { return c.BaseURL.Scheme == "https" }

func checkDatabaseURL(s string) error {
	if strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://") {
		u, err := url.Parse(s)
		if err != nil {
			return fmt.Errorf("not a valid URL") // the URL may hold a password: never echo it
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return fmt.Errorf("no host in the URL")
		}
		return nil
	}
	if strings.Contains(s, "=") && !strings.Contains(s, "://") {
		return nil // key=value connection string, checked by the driver on connect
	}
	return fmt.Errorf("must start with postgres:// (e.g. postgres://user:pass@localhost:5432/redress?sslmode=disable)")
}

func byteSize(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive number of bytes", s)
	}
	return n, nil
}

// checkSchedule refuses a sweep schedule cron cannot read, or one that would
// run more than once a second.
func checkSchedule(spec string) error {
	if _, err := CronParser().Parse(spec); err != nil {
		return fmt.Errorf("REDRESS_SWEEP_SCHEDULE: %q is not a cron spec: %v", spec, err)
	}
	if every, ok := strings.CutPrefix(spec, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(every))
		if err != nil || d < time.Second {
			return fmt.Errorf("REDRESS_SWEEP_SCHEDULE: %q must be at least a second apart", spec)
		}
	}
	return nil
}

// reportSchedule reads a report summary's schedule: a cron spec, or "off"
// (returned as "").
func reportSchedule(name, spec string) (string, error) {
	if strings.EqualFold(spec, "off") {
		return "", nil
	}
	if _, err := CronParser().Parse(spec); err != nil {
		return "", fmt.Errorf("%s: %q is not a cron spec (or off): %v", name, spec, err)
	}
	return spec, nil
}

// checkLoopback refuses an address that is not host:port on loopback: the
// profiler must never be reachable from another machine.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("port %q is not a port", port)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%q is not a loopback address (use 127.0.0.1)", host)
	}
	return nil
}
