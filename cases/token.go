package cases

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TokenPrefix starts every API token, so that secret scanners and people
// recognise one in a log or a commit.
const TokenPrefix = "rdr_"

// MaxTokensPerUser bounds the live API tokens one user may hold, which keeps
// the list of one's tokens a single page.
const MaxTokensPerUser = 100

// APIToken is an integration's credential, as its owner sees it later: the
// secret itself is shown once, at creation, and never stored.
type APIToken struct {
	ID         int64      `json:"id" db:"id"`
	UserID     int64      `json:"user_id" db:"user_id"`
	Name       string     `json:"name" db:"name"`
	CreatedAt  time.Time  `json:"created_at" db:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at" db:"last_used_at"`
}

// NewAPIToken is a token just created, with its secret.
type NewAPIToken struct {
	APIToken
	Token string `json:"token"`
}

// TokenAuth is what a bearer token resolves to.
type TokenAuth struct {
	TokenID int64
	User    User
}

// NormalizeTokenName trims and checks the label of a token.
func NormalizeTokenName(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldError("name", "is not valid UTF-8")
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	if s == "" {
		return "", FieldError("name", "is required: say what the token is for")
	}
	if utf8.RuneCountInString(s) > 100 {
		return "", FieldError("name", "is longer than 100 characters")
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "", FieldError("name", "contains a control character")
	}
	return s, nil
}
