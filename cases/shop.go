package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Shop is a shop on a marketplace: the cases it receives, the time zone
// its desk works in, its shifts, business hours and holidays. The shop's
// id is the key case tables are partitioned by in a distributed deployment.
type Shop struct {
	ID            int64           `json:"id"`
	Name          string          `json:"name"`
	Platform      Platform        `json:"platform"`
	TimeZone      string          `json:"time_zone"` // "" is the deployment's REDRESS_TIMEZONE
	Shifts        []Shift         `json:"shifts"`
	BusinessHours []BusinessHours `json:"business_hours"`
	Holidays      []string        `json:"holidays"` // YYYY-MM-DD in the shop's zone
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
}

// Shift is a named stretch of the shop's day, start to end in the shop's
// time zone ("HH:MM"). An end before its start runs past midnight; an end
// of "24:00" is midnight.
type Shift struct {
	Name  string `json:"name"`
	Start string `json:"start"`
	End   string `json:"end"`
}

// BusinessHours is when the desk is open on one weekday (0 Sunday … 6
// Saturday), start to end in the shop's time zone. A shop with none is
// open around the clock.
type BusinessHours struct {
	Weekday int    `json:"weekday"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

// ClockMinutes parses "HH:MM" (00:00 to 24:00) into minutes after
// midnight.
func ClockMinutes(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	var h, m int
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil {
		return 0, false
	}
	if h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// ShopInput is a new shop or, with nil meaning unchanged, an admin's edit.
type ShopInput struct {
	Name          *string          `json:"name"`
	Platform      *Platform        `json:"platform"`
	TimeZone      *string          `json:"time_zone"`
	Shifts        *[]Shift         `json:"shifts"`
	BusinessHours *[]BusinessHours `json:"business_hours"`
	Holidays      *[]string        `json:"holidays"`
}

// Apply returns s with the input's fields set, validated.
func (in ShopInput) Apply(s Shop) (Shop, error) {
	if in.Name != nil {
		s.Name = strings.TrimSpace(*in.Name)
	}
	if in.Platform != nil {
		s.Platform = *in.Platform
	}
	if in.TimeZone != nil {
		s.TimeZone = strings.TrimSpace(*in.TimeZone)
	}
	if in.Shifts != nil {
		s.Shifts = *in.Shifts
	}
	if in.BusinessHours != nil {
		s.BusinessHours = *in.BusinessHours
	}
	if in.Holidays != nil {
		s.Holidays = *in.Holidays
	}
	return s, s.Validate()
}

// Validate reports the first problem with s, naming its field.
func (s Shop) Validate() error {
	if err := CheckText("name", s.Name, MaxShortText, true); err != nil {
		return err
	}
	if !s.Platform.Valid() {
		return FieldError("platform", "platform must be one of %s", list(Platforms()))
	}
	if s.TimeZone != "" {
		if _, err := time.LoadLocation(s.TimeZone); err != nil || len(s.TimeZone) > 64 {
			return FieldError("time_zone", "%q is not a time zone (use a name such as Asia/Shanghai)", s.TimeZone)
		}
	}
	names := map[string]bool{}
	for i, sh := range s.Shifts {
		f := fmt.Sprintf("shifts[%d]", i)
		if err := CheckText(f+".name", sh.Name, 50, true); err != nil {
			return err
		}
		if names[sh.Name] {
			return FieldError(f+".name", "two shifts are named %q", sh.Name)
		}
		names[sh.Name] = true
		start, ok1 := ClockMinutes(sh.Start)
		end, ok2 := ClockMinutes(sh.End)
		switch {
		case !ok1:
			return FieldError(f+".start", "start must be a time of day such as 08:00")
		case !ok2:
			return FieldError(f+".end", "end must be a time of day such as 16:00")
		case start == end || (start == 0 && end == 24*60):
			return FieldError(f+".end", "a shift must not start and end at the same time")
		}
	}
	for i, bh := range s.BusinessHours {
		f := fmt.Sprintf("business_hours[%d]", i)
		start, ok1 := ClockMinutes(bh.Start)
		end, ok2 := ClockMinutes(bh.End)
		switch {
		case bh.Weekday < 0 || bh.Weekday > 6:
			return FieldError(f+".weekday", "weekday must be 0 (Sunday) to 6 (Saturday)")
		case !ok1:
			return FieldError(f+".start", "start must be a time of day such as 09:00")
		case !ok2 || end <= start:
			return FieldError(f+".end", "end must be a time of day after start")
		}
	}
	for i, d := range s.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return FieldError(fmt.Sprintf("holidays[%d]", i), "%q is not a date (YYYY-MM-DD)", d)
		}
	}
	if len(s.Holidays) > 1000 {
		return FieldError("holidays", "at most 1000 holidays")
	}
	return nil
}

// Calendar is when a shop's desk works, in its time zone: what a
// business-hours clock counts. Hours empty means around the clock.
type Calendar struct {
	Location *time.Location
	Hours    []BusinessHours
	Holidays []string
}

// Calendar returns the shop's calendar, its time zone falling back to def.
func (s Shop) Calendar(def *time.Location) Calendar {
	loc := def
	if s.TimeZone != "" {
		if l, err := time.LoadLocation(s.TimeZone); err == nil {
			loc = l
		}
	}
	hs := slices.Clone(s.Holidays)
	slices.Sort(hs)
	return Calendar{Location: loc, Hours: s.BusinessHours, Holidays: hs}
}
