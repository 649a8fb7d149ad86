package i18n_test

import (
	"strings"
	"testing"
	"time"

	"redress/cases"
	"redress/ui/i18n"
)

func TestReminder(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	london, _ := time.LoadLocation("Europe/London")
	due := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC) // 10:30 in Shanghai, 02:30 in London
	platform := time.Date(2026, 11, 24, 6, 0, 0, 0, time.UTC)
	rc := cases.ReminderCase{ID: 123, Ref: "C-000123", State: cases.StateListen, DueAt: &due, PlatformDueAt: &platform}
	zh := cases.Reader{Language: cases.LanguageChinese, Location: shanghai}
	en := cases.Reader{Language: cases.LanguageEnglish, Location: shanghai}
	tests := []struct {
		name   string
		state  cases.State
		level  cases.ReminderLevel
		now    time.Time
		reader cases.Reader
		want   string
	}{
		{"OverdueEnglish", cases.StateListen, cases.LevelOverdue, due.Add(time.Minute), en,
			"C-000123 is overdue in the Listen step (due 10:30)"},
		{"OverdueChinese", cases.StateListen, cases.LevelOverdue, due.Add(time.Minute), zh,
			"C-000123 在「倾听」步骤已超时（应于 10:30 完成）"},
		{"RespondAsPagesSayIt", cases.StateRespond, cases.LevelOverdue, due.Add(time.Minute), zh,
			"C-000123 在「待响应」步骤已超时（应于 10:30 完成）"},
		{"FollowUpAsPagesSayIt", cases.StateFollowUp, cases.LevelOverdue, due.Add(time.Minute), zh,
			"C-000123 在「回访」步骤已超时（应于 10:30 完成）"},
		{"FollowUpInEnglishIsNoStateKey", cases.StateFollowUp, cases.LevelOverdue, due.Add(time.Minute), en,
			"C-000123 is overdue in the Follow up step (due 10:30)"},
		{"OverdueInTheReadersZone", cases.StateListen, cases.LevelOverdue, due.Add(time.Minute),
			cases.Reader{Language: cases.LanguageEnglish, Location: london}, "C-000123 is overdue in the Listen step (due 02:30)"},
		{"UTCWithoutAZone", cases.StateListen, cases.LevelOverdue, due.Add(time.Minute),
			cases.Reader{Language: cases.LanguageEnglish}, "C-000123 is overdue in the Listen step (due 02:30)"},
		{"DateWhenNotToday", cases.StateListen, cases.LevelOverdue, due.Add(20 * time.Hour), en,
			"C-000123 is overdue in the Listen step (due Nov 24 10:30)"},
		{"ChineseDateWhenNotToday", cases.StateListen, cases.LevelOverdue, due.Add(20 * time.Hour), zh,
			"C-000123 在「倾听」步骤已超时（应于 11月24日 10:30 完成）"},
		{"YearWhenNotThisYear", cases.StateListen, cases.LevelOverdue, due.Add(40 * 24 * time.Hour), en,
			"C-000123 is overdue in the Listen step (due 2026-11-24 10:30)"},
		{"ChineseYearWhenNotThisYear", cases.StateListen, cases.LevelOverdue, due.Add(40 * 24 * time.Hour), zh,
			"C-000123 在「倾听」步骤已超时（应于 2026年11月24日 10:30 完成）"},
		{"EscalationEnglish", cases.StateListen, cases.LevelEscalation, due.Add(65 * time.Minute), en,
			"C-000123 has been overdue in the Listen step for 1 h 5 min (due 10:30); please step in"},
		{"EscalationChinese", cases.StateListen, cases.LevelEscalation, due.Add(65 * time.Minute), zh,
			"C-000123 在「倾听」步骤已超时 1小时5分钟（应于 10:30 完成），请主管介入"},
		{"EscalationInDays", cases.StateRemedy, cases.LevelEscalation, due.Add(26 * time.Hour), zh,
			"C-000123 在「补救」步骤已超时 1天2小时（应于 11月24日 10:30 完成），请主管介入"},
		{"PlatformSoonEnglish", cases.StateListen, cases.LevelPlatformSoon, platform.Add(-3*time.Hour - 59*time.Minute), en,
			"C-000123: the platform deadline is 14:00, 3 h 59 min from now"},
		{"PlatformSoonChinese", cases.StateListen, cases.LevelPlatformSoon, platform.Add(-4 * time.Hour), zh,
			"C-000123 的平台处理时限为 14:00，还剩 4小时"},
		{"PlatformSoonUnderAMinute", cases.StateListen, cases.LevelPlatformSoon, platform.Add(-30 * time.Second), en,
			"C-000123: the platform deadline is 14:00, under a minute from now"},
		{"PlatformPassedChinese", cases.StateListen, cases.LevelPlatformPassed, platform.Add(time.Minute), zh,
			"C-000123 的平台处理时限已于 14:00 过期，平台可能已自动判定"},
		{"PlatformPassedEnglish", cases.StateListen, cases.LevelPlatformPassed, platform.Add(time.Minute), en,
			"C-000123: the platform deadline passed at 14:00; the marketplace may decide without us"},
		{"UnknownLanguageReadsAsTheDefault", cases.StateListen, cases.LevelOverdue, due.Add(time.Minute),
			cases.Reader{Language: "fr", Location: shanghai}, "C-000123 在「倾听」步骤已超时（应于 10:30 完成）"},
		{"UnknownLevelIsTheReference", cases.StateListen, cases.ReminderLevel("bogus"), due.Add(time.Minute), en, "C-000123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := rc
			sc.State = tt.state
			got := c.Reminder(cases.Notice{Case: sc, Level: tt.level, Now: tt.now}, tt.reader)
			if got != tt.want {
				t.Fatalf("message\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestOneWordPerState fails when a reminder (which is also the in-app
// notification and the webhook text) calls a step anything but what the
// pages call it: for every language, state and level, a reminder about the
// step names it with State — the key pages show through te "state" — and
// no reminder carries another state's word or a raw state key.
func TestOneWordPerState(t *testing.T) {
	c, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 11, 24, 2, 30, 0, 0, time.UTC)
	platform := due.Add(6 * time.Hour)
	now := map[cases.ReminderLevel]time.Time{
		cases.LevelOverdue:        due.Add(time.Minute),
		cases.LevelEscalation:     due.Add(2 * time.Hour),
		cases.LevelPlatformSoon:   platform.Add(-time.Hour),
		cases.LevelPlatformPassed: platform.Add(time.Minute),
	}
	// The words the reminders used before they came from the catalogue.
	retired := []string{"回应", "跟进", "in step"}
	for _, lang := range cases.Languages() {
		for _, st := range cases.States() {
			for _, level := range cases.ReminderLevels() {
				rc := cases.ReminderCase{ID: 1, Ref: "C-000001", State: st, DueAt: &due, PlatformDueAt: &platform}
				msg := c.Reminder(cases.Notice{Case: rc, Level: level, Now: now[level]}, cases.Reader{Language: lang, Location: time.UTC})
				word := c.State(lang, st)
				if !level.Platform() && !strings.Contains(msg, word) {
					t.Errorf("%s %s %s: %q does not say %q", lang, st, level, msg, word)
				}
				for _, other := range cases.States() {
					if w := c.State(lang, other); other != st && strings.Contains(msg, w) {
						t.Errorf("%s %s %s: %q says %q, another state's word", lang, st, level, msg, w)
					}
					if strings.Contains(msg, string(other)) {
						t.Errorf("%s %s %s: %q carries the state key %q", lang, st, level, msg, other)
					}
				}
				for _, w := range retired {
					if strings.Contains(msg, w) {
						t.Errorf("%s %s %s: %q still says %q", lang, st, level, msg, w)
					}
				}
			}
		}
	}
}
