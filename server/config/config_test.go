package config_test

import (
	"strings"
	"testing"
	"time"

	"redress/server/config"
)

func TestConfigDefaults(t *testing.T) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != "127.0.0.1:8080" || cfg.DataDir != "./data" || cfg.DatabaseURL != "" {
		t.Fatalf("defaults: %+v", cfg)
	}
	if cfg.BaseURL.String() != "http://127.0.0.1:8080" || cfg.SecureCookies() {
		t.Fatalf("base url %s secure=%v", cfg.BaseURL, cfg.SecureCookies())
	}
	if cfg.EscalationGrace != time.Hour || cfg.PlatformLead != 4*time.Hour {
		t.Fatalf("reminder defaults: grace %v, lead %v", cfg.EscalationGrace, cfg.PlatformLead)
	}
	if cfg.Location.String() != "Asia/Shanghai" || cfg.SweepSchedule != "@every 1m" || cfg.MaxUploadBytes != 20<<20 {
		t.Fatalf("defaults: %+v", cfg)
	}
	if cfg.ReportSchedule != "0 9 * * *" || cfg.WeeklyReportSchedule != "0 9 * * 1" {
		t.Fatalf("report schedules: %q, %q", cfg.ReportSchedule, cfg.WeeklyReportSchedule)
	}
	off, err := config.Load(func(k string) string {
		return map[string]string{"REDRESS_REPORT_WEEKLY_SCHEDULE": "off", "REDRESS_REPORT_SCHEDULE": "30 8 * * *"}[k]
	})
	if err != nil || off.WeeklyReportSchedule != "" || off.ReportSchedule != "30 8 * * *" {
		t.Fatalf("weekly summary off: %v %q %q", err, off.ReportSchedule, off.WeeklyReportSchedule)
	}
	https, err := config.Load(func(k string) string {
		return map[string]string{"REDRESS_BASE_URL": "https://redress.example.com/"}[k]
	})
	if err != nil || !https.SecureCookies() {
		t.Fatalf("https base url: %v secure=%v", err, https.SecureCookies())
	}
}

func TestConfigRejectsBadValuesNamingTheVariable(t *testing.T) {
	cases := []struct{ name, value string }{
		{"DATABASE_URL", "mysql://root@localhost/x"},
		{"DATABASE_URL", "postgres://%zz"},
		{"REDRESS_ADDR", "8080"},
		{"REDRESS_ADDR", "127.0.0.1:99999"},
		{"REDRESS_BASE_URL", "ftp://example.com"},
		{"REDRESS_BASE_URL", "/relative"},
		{"REDRESS_LOG_LEVEL", "loud"},
		{"REDRESS_TIMEZONE", "Mars/Olympus"},
		{"REDRESS_SWEEP_SCHEDULE", "every minute"},
		{"REDRESS_SWEEP_SCHEDULE", "61 * * * *"},
		{"REDRESS_SWEEP_SCHEDULE", "@every 100ms"},
		{"REDRESS_REPORT_SCHEDULE", "daily at nine"},
		{"REDRESS_REPORT_WEEKLY_SCHEDULE", "0 9 * * 8"},
		{"REDRESS_MAX_BODY_BYTES", "-1"},
		{"REDRESS_MAX_UPLOAD_BYTES", "20MB"},
		{"REDRESS_WEBHOOK_ALLOW_PRIVATE", "maybe"},
		{"REDRESS_ESCALATION_GRACE", "soon"},
		{"REDRESS_ESCALATION_GRACE", "10s"},
		{"REDRESS_PLATFORM_LEAD", "-4h"},
		{"REDRESS_TRUSTED_PROXIES", "10.0.0.0/33"},
		{"REDRESS_TRUSTED_PROXIES", "proxy.lan"},
		{"REDRESS_METRICS_ALLOW", "10.0.0.0/8, everyone"},
		{"REDRESS_METRICS_TOKEN", "short"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := config.Load(func(k string) string {
				if k == c.name {
					return c.value
				}
				return ""
			})
			if err == nil {
				t.Fatalf("%s=%q accepted", c.name, c.value)
			}
			if !strings.HasPrefix(err.Error(), c.name+":") {
				t.Fatalf("error %q does not start with the variable's name", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
	t.Run("PasswordNeverEchoed", func(t *testing.T) {
		_, err := config.Load(func(k string) string {
			if k == "DATABASE_URL" {
				return "postgres://u:s3cret@%zz/db"
			}
			return ""
		})
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Fatalf("error %v echoes the password", err)
		}
	})
}
