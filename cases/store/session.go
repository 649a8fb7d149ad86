package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/netip"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// sessionRow is a session and its user as one query returns them.
type sessionRow struct {
	SessionID int64     `db:"session_id"`
	CSRFToken string    `db:"csrf_token"`
	ExpiresAt time.Time `db:"expires_at"`
	cases.User
}

func (r sessionRow) session() cases.Session {
	return cases.Session{ID: r.SessionID, CSRFToken: r.CSRFToken, ExpiresAt: r.ExpiresAt, User: r.User}
}

const maxUserAgent = 512

// Login checks an email and password and starts a new session. Unknown
// emails, wrong passwords and deactivated users all give the same
// Unauthorized error after the same amount of work; its cause (one of the
// Err… reasons above) is for the log only. Too many recent failures for the
// email or the address give TooMany before the password is looked at.
func (p *People) Login(ctx context.Context, a cases.LoginAttempt) (cases.NewSession, error) {
	email, err := cases.NormalizeEmail(a.Email)
	if err != nil {
		return cases.NewSession{}, err
	}
	if a.Password == "" {
		return cases.NewSession{}, cases.FieldError("password", "is required")
	}
	password := cases.NormalizeLoginPassword(a.Password)
	account := AccountKey(email)
	address := AddressKey(a.Address)
	attempt, err := p.reserveAttempt(ctx, account, address)
	if err != nil {
		return cases.NewSession{}, err
	}

	var cred struct {
		ID     int64  `db:"id"`
		Hash   string `db:"password_hash"`
		Active bool   `db:"active"`
	}
	err = p.db.GetContext(ctx, &cred, `SELECT id, password_hash, active FROM users WHERE lower(email) = lower($1)`, email)
	reason := error(nil)
	stale := false
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if err := p.passwords.VerifyDummy(ctx, password); err != nil {
			return cases.NewSession{}, err
		}
		reason = cases.ErrUnknownEmail
	case err != nil:
		return cases.NewSession{}, formatError(err, "user")
	default:
		ok, s, err := p.passwords.Verify(ctx, cred.Hash, password)
		if err != nil {
			return cases.NewSession{}, err
		}
		stale = s
		switch {
		case !ok:
			reason = cases.ErrWrongPassword
		case !cred.Active:
			reason = cases.ErrUserDeactivated
		}
	}
	if reason != nil {
		// The reservation stays: it is the recorded failure.
		return cases.NewSession{}, &cases.Error{Code: cases.Unauthorized, Message: "the email or the password is wrong", Err: reason}
	}

	var rehash string
	if stale {
		if rehash, err = p.passwords.Hash(ctx, password); err != nil {
			return cases.NewSession{}, err
		}
	}
	var ns cases.NewSession
	err = inTx(ctx, p.db, nil, "session", func(tx *sqlx.Tx) error {
		if err := clearFailuresTx(ctx, tx, attempt, account, address); err != nil {
			return err
		}
		if rehash != "" {
			// Upgrade the hash to the current parameters, unless the
			// password changed meanwhile.
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`,
				cred.ID, cred.Hash, rehash); err != nil {
				return err
			}
		}
		if a.PreviousToken != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, tokenHash(a.PreviousToken)); err != nil {
				return err
			}
		}
		var err error
		ns, err = p.startSessionTx(ctx, tx, cred.ID, a)
		return err
	})
	return ns, err
}

// startSessionTx inserts a session for user and ends the user's expired
// ones, plus a batch of anyone's, so the table does not grow forever.
func (p *People) startSessionTx(ctx context.Context, tx *sqlx.Tx, user int64, a cases.LoginAttempt) (cases.NewSession, error) {
	idle, absolute := p.policy.SessionIdle.Seconds(), p.policy.SessionMax.Seconds()
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM sessions WHERE user_id = $1
		  AND (expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $2))`, user, idle); err != nil {
		return cases.NewSession{}, err
	}
	if _, err := tx.ExecContext(ctx, `
		DELETE FROM sessions WHERE id IN (
		  SELECT id FROM sessions WHERE expires_at <= now() LIMIT 100 FOR UPDATE SKIP LOCKED)`); err != nil {
		return cases.NewSession{}, err
	}
	token := newSecret("")
	var row sessionRow
	err := tx.GetContext(ctx, &row, `
		WITH s AS (
		  INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, user_agent, ip)
		  VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)
		  RETURNING id, user_id, csrf_token, expires_at)
		SELECT s.id AS session_id, s.csrf_token, s.expires_at, `+userColumns+`
		FROM s JOIN users u ON u.id = s.user_id`,
		tokenHash(token), user, newSecret(""), absolute, cleanUserAgent(a.UserAgent), inetOrNil(a.Address))
	if err != nil {
		return cases.NewSession{}, err
	}
	return cases.NewSession{Session: row.session(), Token: token}, nil
}

// ResolveSession returns the live session whose cookie holds token, with its
// user, in one indexed query that also checks the absolute and idle limits
// and that the user is active. Anything else is Unauthorized. last_seen_at
// is refreshed at most once a minute, not on every request.
func (p *People) ResolveSession(ctx context.Context, token string) (cases.Session, error) {
	if !wellFormedSecret(token, "") {
		return cases.Session{}, badCredentials()
	}
	stmt, err := p.resolveSession.get(ctx, p.db)
	if err != nil {
		return cases.Session{}, formatError(err, "session")
	}
	var sess cases.Session
	var stale bool
	err = stmt.QueryRowContext(ctx, tokenHash(token), p.policy.SessionIdle.Seconds()).
		Scan(userFields(&sess.User, &sess.ID, &sess.CSRFToken, &sess.ExpiresAt, &stale)...)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Session{}, badCredentials()
	}
	if err != nil {
		return cases.Session{}, formatError(err, "session")
	}
	if stale {
		if _, err := p.db.ExecContext(ctx, `
			UPDATE sessions SET last_seen_at = now()
			WHERE id = $1 AND last_seen_at < now() - interval '1 minute'`, sess.ID); err != nil {
			return cases.Session{}, formatError(err, "session")
		}
	}
	return sess, nil
}

// resolveSessionSQL's columns are in the order userFields expects.
const resolveSessionSQL = `
	SELECT s.id, s.csrf_token, s.expires_at, s.last_seen_at < now() - interval '1 minute', ` + userColumns + `
	FROM sessions s JOIN users u ON u.id = s.user_id
	WHERE s.token_hash = $1 AND s.expires_at > now()
	  AND s.last_seen_at > now() - make_interval(secs => $2) AND u.active`

// EndSession signs a session out. Ending one that is already gone is not an
// error: the outcome is the same.
func (p *People) EndSession(ctx context.Context, id int64) error {
	return inTx(ctx, p.db, nil, "session", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id = $1`, id)
		return err
	})
}

// badCredentials is the answer to a cookie or token that opens nothing.
func badCredentials() *cases.Error {
	return &cases.Error{Code: cases.Unauthorized, Message: "sign in first: the credentials are missing, expired or revoked"}
}

// newSecret returns prefix followed by 32 random bytes in unpadded base64url.
func newSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b) //nolint:errcheck // crypto/rand.Read never returns an error since Go 1.24
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// wellFormedSecret reports whether s could have come from newSecret(prefix),
// so that garbage is refused without a database round trip.
func wellFormedSecret(s, prefix string) bool {
	if len(s) != len(prefix)+43 || s[:len(prefix)] != prefix {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s[len(prefix):])
	return err == nil
}

// tokenHash is what the database keeps of a session or API token. The
// tokens carry 256 random bits, so a fast hash is as strong as a slow one.
func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func inetOrNil(ip string) any {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	return a.WithZone("").String()
}

// cleanUserAgent makes a User-Agent header storable as text: valid UTF-8,
// no NUL, at most maxUserAgent bytes.
func cleanUserAgent(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\x00", "")
	if len(s) <= maxUserAgent {
		return s
	}
	s = s[:maxUserAgent]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}
