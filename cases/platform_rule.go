package cases

import (
	"strings"
	"time"
)

// PlatformRule is a marketplace's default external deadline for a kind of
// dispute: a case of that platform and kind created without a platform
// deadline gets one DueHours after its creation, named by Name. Source
// says where the rule comes from. Admins change the rules.
type PlatformRule struct {
	Platform  Platform  `json:"platform" db:"platform"`
	Kind      Kind      `json:"kind" db:"kind"`
	Name      string    `json:"name" db:"name"`
	DueHours  int       `json:"due_hours" db:"due_hours"`
	Source    string    `json:"source" db:"source"`
	UpdatedBy *int64    `json:"updated_by" db:"updated_by"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
}

// MaxRuleHours bounds a platform rule's deadline: a year.
const MaxRuleHours = 24 * 366

// Check validates a rule as an admin sends it and returns it trimmed.
func (r PlatformRule) Check() (PlatformRule, error) {
	r.Name, r.Source = strings.TrimSpace(r.Name), strings.TrimSpace(r.Source)
	switch {
	case !r.Platform.Valid():
		return r, FieldError("platform", "%q is not a platform: one of %s", r.Platform, list(Platforms()))
	case !r.Kind.Valid():
		return r, FieldError("kind", "%q is not a kind: one of %s", r.Kind, list(Kinds()))
	case r.DueHours <= 0 || r.DueHours > MaxRuleHours:
		return r, FieldError("due_hours", "due_hours must be between 1 and %d", MaxRuleHours)
	}
	if err := CheckText("name", r.Name, MaxShortText, true); err != nil {
		return r, err
	}
	if err := CheckText("source", r.Source, 500, false); err != nil {
		return r, err
	}
	return r, nil
}
