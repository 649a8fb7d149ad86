package i18n

import (
	"strings"
	"time"

	"redress/cases"
)

// Duration renders d, rounded down to minutes, as at most two units of the
// catalogue's words: "2 h 5 min", "3 d 4 h", "under a minute" (and
// "2小时5分钟" in Chinese). The sign is dropped: callers say "ago" or "in".
// It is the one duration format of pages, notifications and reminders.
func (c *Catalogue) Duration(lang cases.Language, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	mins := int(d / time.Minute)
	if mins < 1 {
		return c.T(lang, "dur.under_minute")
	}
	days, hours, minutes := mins/(24*60), mins/60%24, mins%60
	var parts []string
	if days > 0 {
		parts = append(parts, c.T(lang, "dur.days", "n", days))
	}
	if hours > 0 && len(parts) < 2 {
		parts = append(parts, c.T(lang, "dur.hours", "n", hours))
	}
	if minutes > 0 && days == 0 && len(parts) < 2 {
		parts = append(parts, c.T(lang, "dur.minutes", "n", minutes))
	}
	return strings.Join(parts, c.T(lang, "dur.separator"))
}
