package cases

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/text/unicode/norm"
)

// Password length limits, in characters after normalisation.
const (
	MinPasswordRunes = 10
	MaxPasswordRunes = 256
)

// PasswordParams are argon2id's cost parameters. Memory is in KiB.
type PasswordParams struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultPasswordParams are the production costs: RFC 9106's second
// recommended setting (64 MiB, 3 passes, 4 lanes), which is above OWASP's
// minimum and takes about 65 ms on a 2-core server.
func DefaultPasswordParams() PasswordParams {
	return PasswordParams{Memory: 64 * 1024, Time: 3, Threads: 4}
}

// InsecureTestPasswordParams are costs so low that hashing takes
// microseconds. They protect nothing: use them only in tests.
func InsecureTestPasswordParams() PasswordParams {
	return PasswordParams{Memory: 64, Time: 1, Threads: 1}
}

const (
	saltBytes = 16
	keyBytes  = 32
)

// Passwords hashes and verifies passwords with argon2id. Each hash holds
// Memory KiB for its duration, so a semaphore bounds how many run at once:
// a burst of sign-ins queues instead of exhausting the machine's memory.
type Passwords struct {
	params PasswordParams
	slots  chan struct{}
	// dummy is a hash of a random password, verified against when the email
	// is unknown so that such attempts take as long as real ones.
	dummy string
}

// NewPasswords returns a hasher that hashes new passwords under p.
func NewPasswords(p PasswordParams) *Passwords {
	pw := &Passwords{params: p, slots: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
	pw.dummy = pw.encode(randomBytes(24), randomBytes(saltBytes), p)
	return pw
}

// Hash returns the PHC string of password under the current parameters.
func (pw *Passwords) Hash(ctx context.Context, password string) (string, error) {
	if err := pw.acquire(ctx); err != nil {
		return "", err
	}
	defer pw.release()
	return pw.encode([]byte(password), randomBytes(saltBytes), pw.params), nil
}

// Verify reports whether password matches the PHC string encoded, and
// whether the hash should be replaced because the parameters changed.
func (pw *Passwords) Verify(ctx context.Context, encoded, password string) (ok, stale bool, err error) {
	p, salt, key, err := decodePHC(encoded)
	if err != nil {
		return false, false, Internalf(err, "stored password hash is unreadable")
	}
	if err := pw.acquire(ctx); err != nil {
		return false, false, err
	}
	defer pw.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, p != pw.params, nil
}

// VerifyDummy spends the time of one verification and fails: the answer to
// an unknown email takes as long as a wrong password.
func (pw *Passwords) VerifyDummy(ctx context.Context, password string) error {
	_, _, err := pw.Verify(ctx, pw.dummy, password)
	return err
}

func (pw *Passwords) acquire(ctx context.Context) error {
	select {
	case pw.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return &Error{Code: Unavailable, Message: "the server is busy; try again", Err: ctx.Err()}
	}
}

func (pw *Passwords) release() { <-pw.slots }

func (pw *Passwords) encode(password, salt []byte, p PasswordParams) string {
	key := argon2.IDKey(password, salt, p.Time, p.Memory, p.Threads, keyBytes)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decodePHC parses "$argon2id$v=19$m=…,t=…,p=…$salt$key", refusing
// parameters far outside anything Redress writes so that a corrupted row
// cannot make one sign-in take minutes or gigabytes.
func decodePHC(s string) (PasswordParams, []byte, []byte, error) {
	var p PasswordParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("not an argon2id PHC string")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("unsupported argon2 version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("bad argon2 parameters %q", parts[3])
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<20 || p.Time < 1 || p.Time > 16 || p.Threads < 1 || p.Threads > 16 {
		return p, nil, nil, fmt.Errorf("argon2 parameters out of range %q", parts[3])
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("bad argon2 salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("bad argon2 key")
	}
	return p, salt, key, nil
}

// NormalizePassword checks a new password and returns it in NFKC, the form
// in which it is hashed and later verified. NFKC makes a password typed
// with a Chinese input method's full-width characters match its half-width
// form. The field names the input at fault.
func NormalizePassword(field, s string) (string, error) {
	if s == "" {
		return "", FieldError(field, "is required")
	}
	if !utf8.ValidString(s) {
		return "", FieldError(field, "is not valid UTF-8")
	}
	s = norm.NFKC.String(s)
	n := utf8.RuneCountInString(s)
	if n < MinPasswordRunes {
		return "", FieldError(field, "must be at least %d characters", MinPasswordRunes)
	}
	if n > MaxPasswordRunes {
		return "", FieldError(field, "must be at most %d characters", MaxPasswordRunes)
	}
	return s, nil
}

// NormalizeLoginPassword puts a password typed at sign-in into the form
// new passwords are hashed in. Length rules apply only to new passwords:
// a wrong password is simply wrong.
func NormalizeLoginPassword(s string) string { return norm.NFKC.String(s) }

// randomBytes returns n bytes from the operating system's CSPRNG.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never returns an error since Go 1.24
	return b
}
