package workflows

import (
	"fmt"
	"strings"
	"time"

	"redress/cases"
)

// ReminderMessage writes the text of a reminder for its reader, in the
// reader's language and with times in the reader's time zone:
//
//	C-000123 is overdue in step listen (due 10:30)
//	C-000123 在「倾听」步骤已超时（应于 10:30 完成）
func ReminderMessage(n cases.Notice, r cases.Reader) string {
	loc := r.Location
	if loc == nil {
		loc = time.UTC
	}
	due, _ := n.Case.Deadline(n.Level)
	at := clockTime(due, n.Now, loc, r.Language)
	zh := r.Language == cases.LanguageChinese
	ref := n.Case.Ref
	switch n.Level {
	case cases.LevelOverdue:
		if zh {
			return fmt.Sprintf("%s 在「%s」步骤已超时（应于 %s 完成）", ref, stepName(n.Case.State, zh), at)
		}
		return fmt.Sprintf("%s is overdue in step %s (due %s)", ref, stepName(n.Case.State, zh), at)
	case cases.LevelEscalation:
		late := span(n.Now.Sub(due), zh)
		if zh {
			return fmt.Sprintf("%s 在「%s」步骤已超时 %s（应于 %s 完成），请主管跟进", ref, stepName(n.Case.State, zh), late, at)
		}
		return fmt.Sprintf("%s has been overdue in step %s for %s (due %s); please step in", ref, stepName(n.Case.State, zh), late, at)
	case cases.LevelPlatformSoon:
		left := span(due.Sub(n.Now), zh)
		if zh {
			return fmt.Sprintf("%s 的平台处理时限为 %s，还剩 %s", ref, at, left)
		}
		return fmt.Sprintf("%s: the platform deadline is %s, %s from now", ref, at, left)
	case cases.LevelPlatformPassed:
		if zh {
			return fmt.Sprintf("%s 的平台处理时限已于 %s 过期，平台可能已自动判定", ref, at)
		}
		return fmt.Sprintf("%s: the platform deadline passed at %s; the marketplace may decide without us", ref, at)
	}
	return ref
}

// stepName is how a reader calls a state.
func stepName(s cases.State, zh bool) string {
	if zh {
		switch s {
		case cases.StateRespond:
			return "回应"
		case cases.StateListen:
			return "倾听"
		case cases.StateApologise:
			return "致歉"
		case cases.StateRemedy:
			return "补救"
		case cases.StateFollowUp:
			return "跟进"
		case cases.StateClosed:
			return "已结案"
		}
		return string(s)
	}
	return strings.ReplaceAll(string(s), "_", "-")
}

// clockTime shows t in loc as briefly as is unambiguous next to now: the
// time of day on the same day, the date too on another day, the year too in
// another year.
func clockTime(t, now time.Time, loc *time.Location, lang cases.Language) string {
	t, now = t.In(loc), now.In(loc)
	zh := lang == cases.LanguageChinese
	switch {
	case t.Year() != now.Year() && zh:
		return t.Format("2006年1月2日 15:04")
	case t.Year() != now.Year():
		return t.Format("2006-01-02 15:04")
	case t.YearDay() != now.YearDay() && zh:
		return t.Format("1月2日 15:04")
	case t.YearDay() != now.YearDay():
		return t.Format("Jan 2 15:04")
	}
	return t.Format("15:04")
}

// span shows a duration to the minute: "1 h 5 min", "1 小时 5 分钟".
func span(d time.Duration, zh bool) string {
	if d < time.Minute {
		if zh {
			return "不到 1 分钟"
		}
		return "less than a minute"
	}
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	units := [3]string{"d", "h", "min"}
	if zh {
		units = [3]string{"天", "小时", "分钟"}
	}
	var parts []string
	for i, v := range []int{days, hours, mins} {
		if v > 0 && len(parts) < 2 {
			parts = append(parts, fmt.Sprintf("%d %s", v, units[i]))
		} else if len(parts) > 0 {
			break
		}
	}
	return strings.Join(parts, " ")
}
