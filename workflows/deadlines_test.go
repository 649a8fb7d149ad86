package workflows

import (
	"testing"
	"time"

	"redress/cases"
)

func TestDeadlinesDefaults(t *testing.T) {
	d := DefaultPolicy().Deadlines
	for state, want := range defaultDue {
		t.Run("DefaultFor_"+string(state), func(t *testing.T) {
			got := d.DueAt("complaint", "normal", state, t0)
			if got == nil || !got.Equal(t0.Add(want)) {
				t.Errorf("due %v, want %v", got, t0.Add(want))
			}
		})
	}
	t.Run("ClosedHasNoDeadline", func(t *testing.T) {
		if got := d.DueAt("complaint", "normal", cases.StateClosed, t0); got != nil {
			t.Errorf("closed due at %v", got)
		}
	})
	t.Run("UnknownStateHasNoDeadline", func(t *testing.T) {
		if got := d.DueAt("complaint", "normal", "limbo", t0); got != nil {
			t.Errorf("unknown state due at %v", got)
		}
	})
	t.Run("MissingStateFallsBackToSpecDefault", func(t *testing.T) {
		d := Deadlines{Default: map[cases.State]time.Duration{cases.StateRespond: time.Minute}}
		if got := d.DueAt("complaint", "normal", cases.StateRemedy, t0); got == nil || !got.Equal(t0.Add(24*time.Hour)) {
			t.Errorf("due %v, want the SPEC's 24h", got)
		}
	})
}

func TestDeadlinesOverrides(t *testing.T) {
	d := DefaultDeadlines()
	d.Overrides = []DeadlineOverride{
		{Severity: "urgent", State: cases.StateRespond, Within: 10 * time.Minute},
		{Kind: "lost_parcel", State: cases.StateRespond, Within: 20 * time.Minute},
		{Kind: "lost_parcel", Severity: "urgent", State: cases.StateRespond, Within: 5 * time.Minute},
		{Kind: "bad_review", State: cases.StateFollowUp, Within: 7 * 24 * time.Hour},
	}
	tests := []struct {
		name     string
		kind     cases.Kind
		severity cases.Severity
		state    cases.State
		want     time.Duration
	}{
		{"KindAndSeverityBeatKind", "lost_parcel", "urgent", cases.StateRespond, 5 * time.Minute},
		{"KindBeatsSeverity", "lost_parcel", "high", cases.StateRespond, 20 * time.Minute},
		{"SeverityBeatsDefault", "complaint", "urgent", cases.StateRespond, 10 * time.Minute},
		{"DefaultWhenNothingMatches", "complaint", "low", cases.StateRespond, 30 * time.Minute},
		{"OverrideOnlyForItsState", "lost_parcel", "urgent", cases.StateListen, 4 * time.Hour},
		{"KindOverrideForFollowUp", "bad_review", "low", cases.StateFollowUp, 7 * 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := d.DueAt(tc.kind, tc.severity, tc.state, t0)
			if got == nil || !got.Equal(t0.Add(tc.want)) {
				t.Errorf("due %v, want %v", got, t0.Add(tc.want))
			}
		})
	}
	t.Run("OrderOfOverridesDoesNotMatter", func(t *testing.T) {
		r := d
		r.Overrides = []DeadlineOverride{d.Overrides[2], d.Overrides[1], d.Overrides[0]}
		if got := r.DueAt("lost_parcel", "urgent", cases.StateRespond, t0); !got.Equal(t0.Add(5 * time.Minute)) {
			t.Errorf("due %v, want 5 minutes", got)
		}
	})
	if err := d.Validate(); err != nil {
		t.Errorf("valid overrides refused: %v", err)
	}
}

func TestDeadlinesValidate(t *testing.T) {
	if err := DefaultPolicy().Validate(); err != nil {
		t.Fatalf("the default policy is invalid: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(*Deadlines)
		field string
	}{
		{"RefusesZeroDefault", func(d *Deadlines) { d.Default[cases.StateListen] = 0 }, "deadlines.default.listen"},
		{"RefusesNegativeDefault", func(d *Deadlines) { d.Default[cases.StateRemedy] = -time.Hour }, "deadlines.default.remedy"},
		{"RefusesMissingDefault", func(d *Deadlines) { delete(d.Default, cases.StateFollowUp) }, "deadlines.default.follow_up"},
		{"RefusesDefaultForClosed", func(d *Deadlines) { d.Default[cases.StateClosed] = time.Hour }, "deadlines.default"},
		{"RefusesAbsurdlyLongDeadline", func(d *Deadlines) { d.Default[cases.StateRespond] = 400 * 24 * time.Hour }, "deadlines.default.respond"},
		{"RefusesOverrideForClosed", func(d *Deadlines) {
			d.Overrides = []DeadlineOverride{{State: cases.StateClosed, Within: time.Hour}}
		}, "deadlines.overrides[0].state"},
		{"RefusesOverrideForUnknownKind", func(d *Deadlines) {
			d.Overrides = []DeadlineOverride{{Kind: "gossip", State: cases.StateListen, Within: time.Hour}}
		}, "deadlines.overrides[0].kind"},
		{"RefusesOverrideForUnknownSeverity", func(d *Deadlines) {
			d.Overrides = []DeadlineOverride{{Severity: "meh", State: cases.StateListen, Within: time.Hour}}
		}, "deadlines.overrides[0].severity"},
		{"RefusesNonPositiveOverride", func(d *Deadlines) {
			d.Overrides = []DeadlineOverride{{Kind: "damaged", State: cases.StateListen}}
		}, "deadlines.overrides[0].within"},
		{"RefusesDuplicateOverride", func(d *Deadlines) {
			d.Overrides = []DeadlineOverride{
				{Kind: "damaged", State: cases.StateListen, Within: time.Hour},
				{Kind: "damaged", State: cases.StateListen, Within: 2 * time.Hour},
			}
		}, "deadlines.overrides[1]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultPolicy()
			tc.edit(&p.Deadlines)
			wantRefusal(t, p.Validate(), tc.field)
		})
	}
}

func TestOverdue(t *testing.T) {
	c := caseIn(t, cases.StateListen)
	due := *c.DueAt
	tests := []struct {
		name  string
		state cases.State
		now   time.Time
		want  bool
	}{
		{"NotOverdueBeforeDue", cases.StateListen, due.Add(-time.Second), false},
		{"NotOverdueAtDue", cases.StateListen, due, false},
		{"OverdueAfterDue", cases.StateListen, due.Add(time.Nanosecond), true},
		{"ClosedIsNeverOverdue", cases.StateClosed, due.Add(time.Hour), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := c
			c.State = tc.state
			if got := Overdue(c, tc.now); got != tc.want {
				t.Errorf("overdue %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("NoDueTimeIsNotOverdue", func(t *testing.T) {
		c := c
		c.DueAt = nil
		if Overdue(c, due.Add(time.Hour)) {
			t.Error("a case without a due time is overdue")
		}
	})
}
