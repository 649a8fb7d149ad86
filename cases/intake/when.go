package intake

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

var (
	zhDate      = regexp.MustCompile(`([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?`)
	zhClock     = regexp.MustCompile(`([0-9]{1,2})\s*[时点]\s*([0-9]{1,2})\s*分(?:\s*([0-9]{1,2})\s*秒)?`)
	zhMorning   = regexp.MustCompile(`(?:上午|早上|凌晨)\s*([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)`)
	zhAfternoon = regexp.MustCompile(`(?:下午|晚上|中午)\s*([0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)`)
	numericDate = regexp.MustCompile(`^([0-9]{1,4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,4})(?:[ T]+(.*))?$`)
	clock       = regexp.MustCompile(`(?i)^([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,9}))?)?\s*(am|pm|a\.m\.|p\.m\.)?$`)
	gluedZone   = regexp.MustCompile(`^(.*[0-9])(Z|[+-][0-9]{2}:?[0-9]{2})$`)
	zoneToken   = regexp.MustCompile(`^(?:[+-][0-9]{2}:?[0-9]{2}|[A-Z]{3,4})$`)
	excelSerial = regexp.MustCompile(`^[0-9]{5}(\.[0-9]+)?$`)
)

// zoneAbbreviations are the zone names English exports append to times.
// CST is left out on purpose: China Standard Time or US Central.
var zoneAbbreviations = map[string]int{
	"UTC": 0, "GMT": 0, "Z": 0, "PST": -8, "PDT": -7, "MST": -7, "MDT": -6, "EST": -5, "EDT": -4,
	"CET": 1, "CEST": 2, "BST": 1, "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "AEST": 10, "AEDT": 11,
}

// monthLayouts are the dates with month names of English exports.
var monthLayouts = []string{
	"Jan 2, 2006", "Jan 2, 2006 3:04 PM", "Jan 2, 2006 3:04:05 PM", "Jan 2, 2006 15:04", "Jan 2, 2006 15:04:05",
	"January 2, 2006", "January 2, 2006 3:04 PM", "January 2, 2006 15:04", "Jan 2 2006", "2 Jan 2006",
	"2 January 2006", "2-Jan-2006", "2 Jan 2006 15:04", "2 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04:05",
	"Mon Jan 2 15:04:05 2006",
}

// ParseTime reads a date and time as exports write them: 2026/11/20 16:10,
// 2026-11-20 16:10:05, 2026年11月20日 16:10, 2026年11月20日 下午4:10,
// 11/20/2026 4:10 PM, Nov 20, 2026, 2026-11-20T16:10:05+08:00,
// 2026-11-20 16:10:05 -0800; full-width digits are read as digits. A time
// without a zone is in loc, the shop's zone. Of a day and a month written
// d/m/yyyy or m/d/yyyy, a number above 12 is the day; when both could be
// the month, the first is (as in US exports).
func ParseTime(s string, loc *time.Location) (time.Time, error) { return parseTime(s, loc, false) }

func parseTime(s string, loc *time.Location, dayFirst bool) (time.Time, error) {
	v := compact(s)
	if v == "" {
		return time.Time{}, fmt.Errorf("time is empty")
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if !isASCII(v) {
		v = zhDate.ReplaceAllString(v, "$1-$2-$3 ")
		v = zhClock.ReplaceAllStringFunc(v, func(m string) string {
			p := zhClock.FindStringSubmatch(m)
			h, _ := strconv.Atoi(p[1])
			mi, _ := strconv.Atoi(p[2])
			sec, _ := strconv.Atoi(p[3])
			return fmt.Sprintf("%d:%02d:%02d", h, mi, sec)
		})
		v = zhMorning.ReplaceAllString(v, "$1 AM")
		v = zhAfternoon.ReplaceAllString(v, "$1 PM")
		v = strings.Join(strings.Fields(v), " ")
	}
	rest, zone, err := splitZone(v)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q: %v", s, err)
	}
	if zone == nil {
		zone = loc
	}
	t, err := numericTime(rest, zone, dayFirst)
	if err != nil && strings.IndexFunc(rest, unicode.IsLetter) >= 0 { // a month's name
		for _, layout := range monthLayouts {
			if t, err := time.ParseInLocation(layout, rest, zone); err == nil {
				return t, nil
			}
		}
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q %v; write it as 2026-11-20 16:10 or 2026-11-20T16:10:00+08:00", s, err)
	}
	return t, nil
}

// splitZone separates a trailing zone (+08:00, -0800, Z, UTC, PST) from a
// date and time; zone is nil when there is none.
func splitZone(v string) (string, *time.Location, error) {
	if !strings.Contains(v, ":") {
		return v, nil, nil // a date alone carries no zone
	}
	if m := gluedZone.FindStringSubmatch(v); m != nil && strings.Contains(m[1], ":") {
		loc, err := zoneNamed(m[2])
		return m[1], loc, err
	}
	i := strings.LastIndexByte(v, ' ')
	if i < 0 {
		return v, nil, nil
	}
	tok := v[i+1:]
	if up := strings.ToUpper(tok); up == "AM" || up == "PM" || !zoneToken.MatchString(tok) {
		return v, nil, nil
	}
	loc, err := zoneNamed(tok)
	return strings.TrimSpace(v[:i]), loc, err
}

func zoneNamed(z string) (*time.Location, error) {
	if h, ok := zoneAbbreviations[z]; ok {
		return time.FixedZone(z, h*3600), nil
	}
	if z == "CST" {
		return nil, fmt.Errorf("zone CST is ambiguous (China or US Central); write +08:00 or leave the zone out")
	}
	if z[0] != '+' && z[0] != '-' {
		return nil, fmt.Errorf("zone %s is not known; write it as an offset such as +08:00", z)
	}
	d := strings.ReplaceAll(z[1:], ":", "")
	h, _ := strconv.Atoi(d[:2])
	m, _ := strconv.Atoi(d[2:])
	if h > 14 || m > 59 {
		return nil, fmt.Errorf("zone %s is not an offset", z)
	}
	off := h*3600 + m*60
	if z[0] == '-' {
		off = -off
	}
	return time.FixedZone("", off), nil
}

func numericTime(v string, loc *time.Location, dayFirst bool) (time.Time, error) {
	m := numericDate.FindStringSubmatch(v)
	if m == nil {
		return time.Time{}, fmt.Errorf("is not a date")
	}
	a, _ := strconv.Atoi(m[1])
	b, _ := strconv.Atoi(m[2])
	c, _ := strconv.Atoi(m[3])
	var y, mo, d int
	switch {
	case len(m[1]) == 4 && len(m[3]) <= 2:
		y, mo, d = a, b, c
	case len(m[3]) == 4 && len(m[1]) <= 2:
		y = c
		switch {
		case a > 12 && b <= 12:
			d, mo = a, b
		case b > 12 && a <= 12, !dayFirst:
			mo, d = a, b
		default:
			d, mo = a, b
		}
	default:
		return time.Time{}, fmt.Errorf("has no four-digit year")
	}
	if mo < 1 || mo > 12 || d < 1 || d > daysIn(y, time.Month(mo)) {
		return time.Time{}, fmt.Errorf("is not a date of the calendar")
	}
	var h, mi, sec, nsec int
	if rest := m[4]; rest != "" {
		c := clock.FindStringSubmatch(rest)
		if c == nil {
			return time.Time{}, fmt.Errorf("has a time of day that is not read")
		}
		h, _ = strconv.Atoi(c[1])
		mi, _ = strconv.Atoi(c[2])
		sec, _ = strconv.Atoi(c[3])
		if c[4] != "" {
			nsec, _ = strconv.Atoi((c[4] + "00000000")[:9])
		}
		if ampm := strings.ToLower(strings.ReplaceAll(c[5], ".", "")); ampm != "" {
			if h < 1 || h > 12 {
				return time.Time{}, fmt.Errorf("has an hour that is not from 1 to 12 before AM/PM")
			}
			h %= 12
			if ampm == "pm" {
				h += 12
			}
		}
		if h > 23 || mi > 59 || sec > 59 {
			return time.Time{}, fmt.Errorf("is not a time of day")
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc), nil
}

func daysIn(y int, m time.Month) int { return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// ParseExcelSerial reads the day number Excel writes for a date cell it
// formats as a number (46346.67 is 2026-11-20 16:04:48): days since
// 1899-12-30 in loc. Only numbers that fall between 1970 and 2100 are
// read, and only a date column should be read so.
func ParseExcelSerial(s string, loc *time.Location) (time.Time, bool) {
	v := compact(s)
	if !excelSerial.MatchString(v) {
		return time.Time{}, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 25569 || f >= 73051 {
		return time.Time{}, false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	return time.Date(1899, 12, 30, 0, 0, 0, 0, loc).AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}
