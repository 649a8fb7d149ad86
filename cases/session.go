package cases

import (
	"errors"
	"time"
)

// Session is a signed-in browser: its user, and the CSRF token its unsafe
// requests must echo.
type Session struct {
	ID        int64
	CSRFToken string
	ExpiresAt time.Time
	User      User
}

// NewSession is a session just started. Token goes into the cookie and
// exists nowhere else: the store keeps only its SHA-256.
type NewSession struct {
	Session
	Token string
}

// LoginAttempt is one sign-in request.
type LoginAttempt struct {
	Email    string
	Password string
	// Address is the client's IP address, for throttling and the session
	// record.
	Address   string
	UserAgent string
	// PreviousToken is the session cookie the request came with, if any; a
	// successful sign-in ends that session (the new one replaces it).
	PreviousToken string
}

// Reasons a sign-in failed, carried as the cause of the Unauthorized error
// for the log; the user sees one message for all of them.
var (
	ErrUnknownEmail    = errors.New("unknown email")
	ErrWrongPassword   = errors.New("wrong password")
	ErrUserDeactivated = errors.New("user deactivated")
)
