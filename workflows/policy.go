package workflows

import "fmt"

// Policy is a shop's configuration of the protocol: how long each state may
// take and when a remedy needs a supervisor's approval.
type Policy struct {
	Deadlines Deadlines
	Remedy    RemedyPolicy
}

// DefaultPolicy returns the SPEC's defaults.
func DefaultPolicy() Policy {
	return Policy{Deadlines: DefaultDeadlines(), Remedy: DefaultRemedyPolicy()}
}

// Validate reports the first problem with p.
func (p Policy) Validate() error {
	if err := p.Deadlines.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	if err := p.Remedy.Validate(); err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	return nil
}
