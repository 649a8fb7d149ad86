package chat

import (
	"strings"
	"time"
	"unicode"
)

// dateKind says how much of a date a time stamp gives.
type dateKind uint8

const (
	noDate   dateKind = iota
	dateFull          // year, month and day
	dateMD            // month and day, no year
	dateRel           // 今天, 昨天, Today, a weekday: no calendar date
)

// stamp is a time stamp found in a line, at runes [a, b).
type stamp struct {
	a, b     int
	kind     dateKind
	y, mo, d int
	// numeric is set for an all-numeric date with the year last
	// (11/20/2026): whether the first number is the month or the day is
	// decided for the whole paste.
	numeric bool
	hasTime bool
	h, mi   int
	sec     int
	hasSec  bool
	twelve  bool           // AM/PM or 上午/下午
	zone    *time.Location // an explicit offset or UTC
	named   bool           // a zone abbreviation that cannot be resolved (PST, CST)
	shape   string         // the format, for consistency between headers
}

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
	"oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

var weekdayNames = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true,
	"wed": true, "wednesday": true, "thu": true, "thur": true, "thurs": true,
	"thursday": true, "fri": true, "friday": true, "sat": true, "saturday": true,
	"sun": true, "sunday": true,
}

var relativeDays = []string{"今天", "昨天", "前天", "today", "yesterday"}

// zoneAbbrevs are the zone abbreviations tools print after a time; only
// UTC and GMT can be resolved, the others are ambiguous (CST is China or
// US Central), so a stamp carrying one gets no instant.
var zoneAbbrevs = []string{"UTC", "GMT", "PST", "PDT", "MST", "MDT", "CST", "CDT", "EST", "EDT",
	"BST", "CET", "CEST", "JST", "KST", "HKT", "SGT", "AEST", "AEDT", "IST", "AKST", "AKDT", "HST"}

// chinesePeriods are the parts of the day Chinese tools print before a
// 12-hour time, with whether they are after noon.
var chinesePeriods = []struct {
	word string
	pm   bool
}{
	{"凌晨", false}, {"早上", false}, {"早晨", false}, {"清晨", false}, {"上午", false},
	{"中午", true}, {"下午", true}, {"傍晚", true}, {"晚上", true}, {"夜里", true}, {"夜间", true},
}

// digits reads up to max ASCII digits at i and returns their value and
// count.
func digits(s []rune, i, n, max int) (v, k int) {
	for k < max && i+k < n && isDigit(s[i+k]) {
		v = v*10 + int(s[i+k]-'0')
		k++
	}
	return v, k
}

// hasWord reports whether s[i:n] starts with word (case-insensitive for
// ASCII letters).
func hasWord(s []rune, i, n int, word string) bool {
	for _, w := range word {
		if i >= n || unicode.ToLower(s[i]) != w {
			return false
		}
		i++
	}
	return true
}

// letters reads a run of ASCII letters at i.
func letters(s []rune, i, n int) string {
	j := i
	for j < n && isASCIILetter(s[j]) {
		j++
	}
	return strings.ToLower(string(s[i:j]))
}

// wordEnd reports whether position i ends a word: no letter or digit
// follows.
func wordEnd(s []rune, i, n int) bool {
	return i >= n || !(isASCIILetter(s[i]) || isDigit(s[i]))
}

func skipSpaces(s []rune, i, n int) int {
	for i < n && s[i] == ' ' {
		i++
	}
	return i
}

// parseStamp reads the longest time stamp starting at s[i] and ending by n:
// a date, a time of day, or both. The caller decides whether it needs a
// time of day.
func parseStamp(s []rune, i, n int) (stamp, bool) {
	st := stamp{a: i}
	var dateShape string
	j := i
	// A weekday first: "Thu, Nov 20, 2026", "星期四 14:03".
	if k, ok := weekday(s, j, n); ok {
		st.kind, dateShape, j = dateRel, "wd", k
		if j < n && (s[j] == ',' || s[j] == '，') {
			j++
		}
		if k2, ok := parseDate(s, skipSpaces(s, j, n), n, &st); ok {
			j, dateShape = k2, st.shape
		} else {
			// back up over the comma and spaces: they are not part of it
			j = k
		}
	} else if k, ok := parseDate(s, j, n, &st); ok {
		j, dateShape = k, st.shape
	} else {
		for _, w := range relativeDays {
			if hasWord(s, j, n, w) && wordEnd(s, j+len([]rune(w)), n) {
				st.kind, dateShape, j = dateRel, "rel", j+len([]rune(w))
				break
			}
		}
	}
	dateEnd := j
	if st.kind != noDate {
		// A weekday after the date: "2026-11-20 星期五", "2026-11-20 (周五)".
		k := skipSpaces(s, j, n)
		if k < n && s[k] == '(' {
			if k2, ok := weekday(s, k+1, n); ok && k2 < n && s[k2] == ')' {
				j, dateEnd = k2+1, k2+1
			}
		} else if k2, ok := weekday(s, k, n); ok {
			j, dateEnd = k2, k2
		}
		// The connector between date and time.
		k = skipSpaces(s, j, n)
		if k < n && (s[k] == ',' || s[k] == '，' || s[k] == 'T' && k == j) {
			k = skipSpaces(s, k+1, n)
		}
		if hasWord(s, k, n, "at") && k+2 < n && s[k+2] == ' ' {
			k = skipSpaces(s, k+2, n)
		}
		j = k
	}
	clockShape, k, ok := parseClock(s, j, n, &st)
	if !ok {
		if st.kind == noDate || st.kind == dateMD && st.numeric {
			return stamp{}, false
		}
		st.b = dateEnd
		st.shape = dateShape
		return st, wordEnd(s, st.b, n)
	}
	st.b = k
	st.shape = dateShape + "|" + clockShape
	return st, true
}

// weekday reads a weekday name at i: Mon, Monday, 星期一, 周一, 礼拜一.
func weekday(s []rune, i, n int) (int, bool) {
	for _, p := range []string{"星期", "礼拜", "周"} {
		if hasWord(s, i, n, p) {
			k := i + len([]rune(p))
			if k < n && strings.ContainsRune("一二三四五六日天", s[k]) {
				return k + 1, true
			}
		}
	}
	w := letters(s, i, n)
	if weekdayNames[w] {
		k := i + len(w)
		if k < n && s[k] == '.' {
			k++
		}
		return k, true
	}
	return i, false
}

// parseDate reads a calendar date at i and sets st's date fields and
// st.shape to the date's format.
func parseDate(s []rune, i, n int, st *stamp) (int, bool) {
	if i >= n {
		return i, false
	}
	// Year first: 2026-11-20, 2026/11/20, 2026.11.20, 2026年11月20日.
	if y, k := digits(s, i, n, 5); k == 4 && i+k < n && wordStart(s, i) {
		j := i + k
		sep := s[j]
		if sep == '-' || sep == '/' || sep == '.' || sep == '年' {
			mo, k2 := digits(s, j+1, n, 3)
			if k2 >= 1 && k2 <= 2 {
				j2 := j + 1 + k2
				want := sep
				if sep == '年' {
					want = '月'
				}
				if j2 < n && s[j2] == want {
					d, k3 := digits(s, j2+1, n, 3)
					if k3 >= 1 && k3 <= 2 {
						end := j2 + 1 + k3
						if sep == '年' && end < n && (s[end] == '日' || s[end] == '号') {
							end++
						}
						if validDate(y, mo, d) && (sep == '年' || !(end < n && isDigit(s[end]))) {
							st.kind, st.y, st.mo, st.d = dateFull, y, mo, d
							st.shape = "ymd" + string(sep)
							return end, true
						}
					}
				}
			}
		}
		return i, false
	}
	// Numbers with the year last: 11/20/2026, 20.11.2026, 11/20/26.
	if a, k := digits(s, i, n, 3); k >= 1 && k <= 2 && wordStart(s, i) {
		j := i + k
		if j < n && (s[j] == '/' || s[j] == '-' || s[j] == '.') {
			sep := s[j]
			b, k2 := digits(s, j+1, n, 3)
			if k2 >= 1 && k2 <= 2 {
				j2 := j + 1 + k2
				if j2 < n && s[j2] == sep {
					y, k3 := digits(s, j2+1, n, 5)
					if k3 == 4 || k3 == 2 && sep != '.' {
						end := j2 + 1 + k3
						if k3 == 2 {
							y += 2000
						}
						if a >= 1 && b >= 1 && (a <= 12 || b <= 12) && a <= 31 && b <= 31 {
							st.kind, st.y, st.numeric = dateFull, y, true
							st.mo, st.d = a, b // month first until the paste says otherwise
							st.shape = "mdy" + string(sep)
							return end, true
						}
					}
					return i, false
				}
				// Month and day only: 11-20 14:03, 11/20 14:03 (a time must follow).
				if sep != '.' && (validDate(2000, a, b) || validDate(2000, b, a)) && !(j2 < n && isDigit(s[j2])) {
					st.kind, st.mo, st.d, st.numeric = dateMD, a, b, true
					st.shape = "md" + string(sep)
					return j2, true
				}
			}
		}
		// 11月20日
		if j < n && s[j] == '月' {
			d, k2 := digits(s, j+1, n, 3)
			if k2 >= 1 && k2 <= 2 && j+1+k2 < n && (s[j+1+k2] == '日' || s[j+1+k2] == '号') && validDate(2000, a, d) {
				st.kind, st.mo, st.d = dateMD, a, d
				st.shape = "md月"
				return j + 2 + k2, true
			}
		}
		// 20 Nov 2026
		k2 := skipSpaces(s, j, n)
		if k2 > j {
			if mo, end, ok := monthName(s, k2, n); ok && a >= 1 && a <= 31 {
				st.kind, st.mo, st.d = dateMD, mo, a
				st.shape = "dmon"
				end2 := end
				if end2 < n && s[end2] == ',' {
					end2++
				}
				end2 = skipSpaces(s, end2, n)
				if y, k3 := digits(s, end2, n, 5); k3 == 4 && wordEnd(s, end2+4, n) {
					st.kind, st.y = dateFull, y
					end = end2 + 4
				}
				if st.kind == dateFull && !validDate(st.y, st.mo, st.d) || !validDate(2000, st.mo, st.d) {
					return i, false
				}
				return end, true
			}
		}
		return i, false
	}
	// Nov 20, 2026 · November 20 2026 · Nov. 20
	if mo, end, ok := monthName(s, i, n); ok {
		k := skipSpaces(s, end, n)
		d, k2 := digits(s, k, n, 3)
		if k2 < 1 || k2 > 2 || k == end && end < n && s[end] != '.' {
			return i, false
		}
		j := k + k2
		for _, suf := range []string{"st", "nd", "rd", "th"} {
			if hasWord(s, j, n, suf) && wordEnd(s, j+2, n) {
				j += 2
				break
			}
		}
		if !wordEnd(s, j, n) || !validDate(2000, mo, d) {
			return i, false
		}
		st.kind, st.mo, st.d = dateMD, mo, d
		st.shape = "mon"
		k3 := j
		if k3 < n && s[k3] == ',' {
			k3++
		}
		k3 = skipSpaces(s, k3, n)
		if y, k4 := digits(s, k3, n, 5); k4 == 4 && wordEnd(s, k3+4, n) && !(k3+4 < n && s[k3+4] == ':') {
			if !validDate(y, mo, d) {
				return i, false
			}
			st.kind, st.y = dateFull, y
			j = k3 + 4
		}
		return j, true
	}
	return i, false
}

// monthName reads an English month name at i, with an optional period.
func monthName(s []rune, i, n int) (int, int, bool) {
	if i > 0 && isASCIILetter(s[i-1]) {
		return 0, i, false
	}
	w := letters(s, i, n)
	mo, ok := monthNames[w]
	if !ok {
		return 0, i, false
	}
	end := i + len(w)
	if end < n && s[end] == '.' {
		end++
	}
	return mo, end, true
}

// wordStart reports whether a number at i is not the tail of a longer one.
func wordStart(s []rune, i int) bool {
	return i == 0 || !(isDigit(s[i-1]) || isASCIILetter(s[i-1]))
}

func validDate(y, mo, d int) bool {
	if mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || y > 2200 {
		return false
	}
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

// parseClock reads a time of day at i: 14:03, 14:03:07, 2:03 PM,
// 下午2:03, with an optional zone. It returns the format's shape.
func parseClock(s []rune, i, n int, st *stamp) (string, int, bool) {
	j := i
	period := 0 // 0 none, 1 am, 2 pm
	shape := ""
	for _, p := range chinesePeriods {
		if hasWord(s, j, n, p.word) {
			j = skipSpaces(s, j+len([]rune(p.word)), n)
			period = 1
			if p.pm {
				period = 2
			}
			if p.word == "晚上" || p.word == "夜里" || p.word == "夜间" {
				period = 3 // 晚上12:30 is half past midnight
			}
			shape = "cn"
			break
		}
	}
	h, k := digits(s, j, n, 3)
	if k < 1 || k > 2 || j+k >= n || s[j+k] != ':' {
		return "", i, false
	}
	j += k + 1
	mi, k := digits(s, j, n, 3)
	if k != 2 || mi > 59 {
		return "", i, false
	}
	j += 2
	sec, hasSec := 0, false
	if j+2 < n && s[j] == ':' && isDigit(s[j+1]) {
		v, k := digits(s, j+1, n, 3)
		if k != 2 || v > 59 {
			return "", i, false
		}
		sec, hasSec = v, true
		j += 3
		if j+1 < n && s[j] == '.' && isDigit(s[j+1]) {
			_, k := digits(s, j+1, n, 9)
			j += 1 + k
		}
	}
	if j < n && isDigit(s[j]) {
		return "", i, false
	}
	// AM/PM after the time, with or without a space.
	if period == 0 {
		k := skipSpaces(s, j, n)
		for _, m := range []struct {
			w  string
			pm int
		}{{"a.m.", 1}, {"p.m.", 2}, {"am", 1}, {"pm", 2}} {
			if hasWord(s, k, n, m.w) && (strings.HasSuffix(m.w, ".") || wordEnd(s, k+len(m.w), n)) {
				period, j, shape = m.pm, k+len(m.w), "ap"
				break
			}
		}
	}
	switch period {
	case 0:
		if h > 23 {
			return "", i, false
		}
	case 1:
		if h > 12 {
			if shape == "ap" {
				return "", i, false
			}
		} else if h == 12 {
			h = 0
		}
	case 2:
		if h > 23 || shape == "ap" && (h > 12 || h == 0) {
			return "", i, false
		}
		if h < 12 {
			h += 12
		}
	case 3:
		if h > 23 {
			return "", i, false
		}
		if h == 12 {
			h = 0
		} else if h < 12 && h >= 5 {
			h += 12
		}
	}
	st.hasTime, st.h, st.mi, st.sec, st.hasSec = true, h, mi, sec, hasSec
	st.twelve = period != 0
	// A zone: Z, +08:00, UTC, GMT+8, PST.
	j = parseZone(s, j, n, st)
	clock := "hm"
	if hasSec {
		clock = "hms"
	}
	return clock + shape, j, true
}

func parseZone(s []rune, j, n int, st *stamp) int {
	if j < n && s[j] == 'Z' && wordEnd(s, j+1, n) {
		st.zone = time.UTC
		return j + 1
	}
	if off, k, ok := offset(s, j, n); ok && st.hasSec {
		st.zone = time.FixedZone("", off)
		return k
	}
	k := skipSpaces(s, j, n)
	if k == j {
		return j
	}
	paren := k < n && s[k] == '('
	if paren {
		k++
	}
	for _, z := range zoneAbbrevs {
		if !hasExact(s, k, n, z) {
			continue
		}
		e := k + len(z)
		if z == "UTC" || z == "GMT" {
			st.zone = time.UTC
			if off, k2, ok := offset(s, e, n); ok {
				st.zone = time.FixedZone("", off)
				e = k2
			}
		} else if wordEnd(s, e, n) {
			st.named = true
		} else {
			return j
		}
		if !wordEnd(s, e, n) {
			st.zone, st.named = nil, false
			return j
		}
		if paren {
			if e < n && s[e] == ')' {
				return e + 1
			}
			st.zone, st.named = nil, false
			return j
		}
		return e
	}
	return j
}

// hasExact reports whether s[i:] starts with word, case-sensitively.
func hasExact(s []rune, i, n int, word string) bool {
	for _, w := range word {
		if i >= n || s[i] != w {
			return false
		}
		i++
	}
	return true
}

// offset reads +08:00, +0800, +8 or -5 at j.
func offset(s []rune, j, n int) (int, int, bool) {
	if j >= n || s[j] != '+' && s[j] != '-' {
		return 0, j, false
	}
	sign := 1
	if s[j] == '-' {
		sign = -1
	}
	h, k := digits(s, j+1, n, 5)
	if k == 0 {
		return 0, j, false
	}
	e := j + 1 + k
	m := 0
	switch k {
	case 1, 2:
		if e+2 < n && s[e] == ':' && isDigit(s[e+1]) {
			v, k2 := digits(s, e+1, n, 3)
			if k2 != 2 {
				return 0, j, false
			}
			m, e = v, e+3
		}
	case 4:
		h, m = h/100, h%100
	default:
		return 0, j, false
	}
	if h > 14 || m > 59 || !wordEnd(s, e, n) {
		return 0, j, false
	}
	return sign * (h*3600 + m*60), e, true
}

// clockShape is the part of the shape that says how the time of day is
// written; headers of one paste agree on it.
func (st *stamp) clockShape() string {
	if i := strings.IndexByte(st.shape, '|'); i >= 0 {
		return st.shape[i+1:]
	}
	return ""
}

// instant returns the instant the stamp names when it gives a full date,
// or when ctx (a date line above it) does; nil otherwise.
func (st *stamp) instant(ctx *stamp, dayFirst int, loc *time.Location) *time.Time {
	if !st.hasTime || st.named {
		return nil
	}
	y, mo, d := st.y, st.mo, st.d
	switch {
	case st.kind == dateFull && st.numeric:
		switch {
		case mo > 12:
			mo, d = d, mo
		case d > 12:
		case dayFirst == 1:
			mo, d = d, mo
		case dayFirst == -1:
		default:
			return nil
		}
	case st.kind == dateFull:
	case st.kind == noDate && ctx != nil && ctx.kind == dateFull:
		y, mo, d = ctx.y, ctx.mo, ctx.d
		if ctx.numeric {
			switch {
			case mo > 12:
				mo, d = d, mo
			case d > 12:
			case dayFirst == 1:
				mo, d = d, mo
			case dayFirst == -1:
			default:
				return nil
			}
		}
	default:
		return nil
	}
	if !validDate(y, mo, d) {
		return nil
	}
	z := loc
	if st.zone != nil {
		z = st.zone
	}
	if z == nil {
		z = time.UTC
	}
	t := time.Date(y, time.Month(mo), d, st.h, st.mi, st.sec, 0, z)
	return &t
}

// dayFirst decides, for a whole paste, whether all-numeric dates with the
// year last are day-first (1), month-first (-1) or cannot be told (0).
func dayFirst(stamps []*stamp) int {
	dm, md := false, false
	for _, st := range stamps {
		if st == nil || !st.numeric {
			continue
		}
		if st.mo > 12 {
			dm = true
		}
		if st.d > 12 {
			md = true
		}
	}
	switch {
	case dm && !md:
		return 1
	case md && !dm:
		return -1
	}
	return 0
}

// order returns numbers that order the stamps of one paste: minutes since
// the epoch when the date is full (full is then true), and minutes of the
// day; ok is false when the stamp has no time of day.
func (st *stamp) order() (abs int64, day int, full, ok bool) {
	if !st.hasTime {
		return 0, 0, false, false
	}
	day = st.h*60 + st.mi
	mo, d := st.mo, st.d
	if st.numeric && mo > 12 {
		mo, d = d, mo
	}
	if st.kind == dateFull && (!st.numeric || mo != d && (d > 12 || st.mo > 12)) {
		days := time.Date(st.y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		return days*1440 + int64(day), day, true, true
	}
	return int64(day), day, false, true
}
