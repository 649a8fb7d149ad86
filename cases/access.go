package cases

import "time"

// AccessPolicy holds the costs and limits of signing in.
type AccessPolicy struct {
	Password PasswordParams
	// SessionIdle ends a session nobody used for this long: one long shift.
	SessionIdle time.Duration
	// SessionMax ends a session this long after sign-in, used or not.
	SessionMax time.Duration
	// AccountFailures failed sign-ins to one email within FailureWindow
	// lock that email out until the oldest of them leaves the window.
	AccountFailures int
	// AddressFailures does the same per client address (IPv4, IPv6 /64).
	AddressFailures int
	FailureWindow   time.Duration
}

// DefaultAccessPolicy is the production policy.
func DefaultAccessPolicy() AccessPolicy {
	return AccessPolicy{
		Password:        DefaultPasswordParams(),
		SessionIdle:     12 * time.Hour,
		SessionMax:      7 * 24 * time.Hour,
		AccountFailures: 5,
		AddressFailures: 20,
		FailureWindow:   15 * time.Minute,
	}
}
