package cases

import "time"

// AccessPolicy holds the costs and limits of signing in.
type AccessPolicy struct {
	Password PasswordParams
	// SessionIdle ends a session nobody used for this long: one long shift.
	SessionIdle time.Duration
	// SessionMax ends a session this long after sign-in, used or not.
	SessionMax time.Duration
	// PairFailures failed sign-ins to one email from one client address
	// (IPv4, IPv6 /64) within FailureWindow lock that pair out until the
	// oldest of them leaves the window. The same email from elsewhere, and
	// other emails from the same address, are not locked by it.
	PairFailures int
	// AccountCeiling failures to one email from all addresses, or
	// AddressCeiling failures from one address to all emails, within the
	// window slow that email or address down to one attempt per Slowdown:
	// a guesser with many addresses, or one spraying many accounts, is
	// slowed to a crawl, while the real person waits seconds, never hours.
	AccountCeiling int
	AddressCeiling int
	Slowdown       time.Duration
	FailureWindow  time.Duration
}

// DefaultAccessPolicy is the production policy.
func DefaultAccessPolicy() AccessPolicy {
	return AccessPolicy{
		Password:       DefaultPasswordParams(),
		SessionIdle:    12 * time.Hour,
		SessionMax:     7 * 24 * time.Hour,
		PairFailures:   5,
		AccountCeiling: 20,
		AddressCeiling: 20,
		Slowdown:       5 * time.Second,
		FailureWindow:  15 * time.Minute,
	}
}
