package i18n_test

import (
	"testing"
	"time"

	"redress/cases"
	"redress/ui/i18n"
)

func TestDuration(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	const m, h, d = time.Minute, time.Hour, 24 * time.Hour
	tests := []struct {
		name   string
		d      time.Duration
		en, zh string
	}{
		{"Zero", 0, "under a minute", "不到1分钟"},
		{"UnderAMinute", 59 * time.Second, "under a minute", "不到1分钟"},
		{"OneMinute", m, "1 min", "1分钟"},
		{"SecondsAreDropped", m + 59*time.Second, "1 min", "1分钟"},
		{"Minutes", 59 * m, "59 min", "59分钟"},
		{"WholeHour", h, "1 h", "1小时"},
		{"HoursAndMinutes", h + 5*m, "1 h 5 min", "1小时5分钟"},
		{"AlmostADay", 23*h + 59*m, "23 h 59 min", "23小时59分钟"},
		{"WholeDay", d, "1 d", "1天"},
		{"DaysDropMinutes", d + 5*m, "1 d", "1天"},
		{"DaysAndHours", 3*d + 4*h + 30*m, "3 d 4 h", "3天4小时"},
		{"Long", 400 * d, "400 d", "400天"},
		{"NegativeIsTheSameSpan", -(2*h + 5*m), "2 h 5 min", "2小时5分钟"},
		{"NegativeUnderAMinute", -30 * time.Second, "under a minute", "不到1分钟"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.Duration(cases.LanguageEnglish, tt.d); got != tt.en {
				t.Errorf("en: Duration(%v) = %q, want %q", tt.d, got, tt.en)
			}
			if got := c.Duration(cases.LanguageChinese, tt.d); got != tt.zh {
				t.Errorf("zh-CN: Duration(%v) = %q, want %q", tt.d, got, tt.zh)
			}
		})
	}
}
