package workflows

import (
	"fmt"
	"time"

	"redress/cases"
)

// Policy is a shop's configuration of the protocol: how long each state may
// take and when a remedy needs a supervisor's approval.
type Policy struct {
	Deadlines Deadlines
	Remedy    RemedyPolicy
	Handover  HandoverPolicy
	// Zone is the time zone of shops that name none (REDRESS_TIMEZONE).
	Zone *time.Location
}

// Calendar is the business calendar of shop under this policy.
func (p Policy) Calendar(shop cases.Shop) cases.Calendar {
	zone := p.Zone
	if zone == nil {
		zone = time.UTC
	}
	return shop.Calendar(zone)
}

// DefaultPolicy returns the SPEC's defaults.
func DefaultPolicy() Policy {
	return Policy{Deadlines: DefaultDeadlines(), Remedy: DefaultRemedyPolicy(), Handover: DefaultHandoverPolicy(), Zone: time.UTC}
}

// Validate reports the first problem with p.
func (p Policy) Validate() error {
	if err := p.Deadlines.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if err := p.Remedy.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if err := p.Handover.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	return nil
}
