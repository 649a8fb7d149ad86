package cases

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Language is the language a user reads Redress in.
type Language string

// Languages Redress is translated into.
const (
	LanguageChinese Language = "zh-CN"
	LanguageEnglish Language = "en"
)

// Languages returns every language the UI speaks.
func Languages() []Language { return []Language{LanguageChinese, LanguageEnglish} }

// Valid reports whether l is a language the UI speaks.
func (l Language) Valid() bool { return slices.Contains(Languages(), l) }

// Defaults for users created without a language or time zone.
const (
	DefaultLanguage = LanguageChinese
	DefaultTimeZone = "Asia/Shanghai"
)

// Limits on user fields, shared by validation and the schema.
const (
	MaxEmailBytes       = 254 // RFC 5321's limit on a forward path
	MaxDisplayNameRunes = 100
)

// User is a person who signs in to Redress. The password hash is not part
// of it: it stays inside the store.
type User struct {
	ID          int64     `json:"id" db:"id"`
	Email       string    `json:"email" db:"email"`
	DisplayName string    `json:"display_name" db:"display_name"`
	Role        Role      `json:"role" db:"role"`
	Language    Language  `json:"language" db:"language"`
	TimeZone    string    `json:"time_zone" db:"time_zone"`
	Active      bool      `json:"active" db:"active"`
	CreatedAt   time.Time `json:"created_at" db:"created_at"`
	UpdatedAt   time.Time `json:"updated_at" db:"updated_at"`
}

// Actor returns the user as the actor of a request.
func (u User) Actor() Actor { return Actor{ID: u.ID, Role: u.Role} }

// NewUser is what it takes to create a user. Empty Language and TimeZone
// take the defaults.
type NewUser struct {
	Email       string   `json:"email"`
	DisplayName string   `json:"display_name"`
	Role        Role     `json:"role"`
	Language    Language `json:"language"`
	TimeZone    string   `json:"time_zone"`
	Password    string   `json:"password"`
}

// Normalize validates n and returns it in the form that is stored.
func (n NewUser) Normalize() (NewUser, error) {
	var err error
	if n.Email, err = NormalizeEmail(n.Email); err != nil {
		return n, err
	}
	if n.DisplayName, err = normalizeDisplayName(n.DisplayName); err != nil {
		return n, err
	}
	if !n.Role.Valid() {
		return n, FieldError("role", "must be one of agent, supervisor, admin")
	}
	if n.Language == "" {
		n.Language = DefaultLanguage
	}
	if !n.Language.Valid() {
		return n, FieldError("language", "must be zh-CN or en")
	}
	if n.TimeZone == "" {
		n.TimeZone = DefaultTimeZone
	}
	if err := ValidateTimeZone(n.TimeZone); err != nil {
		return n, err
	}
	if n.Password, err = NormalizePassword("password", n.Password); err != nil {
		return n, err
	}
	return n, nil
}

// UserChanges is a partial update of a user by an admin; nil fields stay as
// they are. Activation has its own methods because it ends sessions.
type UserChanges struct {
	Email       *string   `json:"email"`
	DisplayName *string   `json:"display_name"`
	Role        *Role     `json:"role"`
	Language    *Language `json:"language"`
	TimeZone    *string   `json:"time_zone"`
	// Password, when set, replaces the password and signs the user out
	// everywhere.
	Password *string `json:"password"`
}

// ProfileChanges is what users may change about themselves.
type ProfileChanges struct {
	DisplayName *string   `json:"display_name"`
	Language    *Language `json:"language"`
	TimeZone    *string   `json:"time_zone"`
}

// Normalize validates c and returns it in the form that is stored.
func (c UserChanges) Normalize() (UserChanges, error) {
	if c.Email != nil {
		e, err := NormalizeEmail(*c.Email)
		if err != nil {
			return c, err
		}
		c.Email = &e
	}
	if c.Role != nil && !c.Role.Valid() {
		return c, FieldError("role", "must be one of agent, supervisor, admin")
	}
	p, err := ProfileChanges{DisplayName: c.DisplayName, Language: c.Language, TimeZone: c.TimeZone}.Normalize()
	if err != nil {
		return c, err
	}
	c.DisplayName = p.DisplayName
	if c.Password != nil {
		pw, err := NormalizePassword("password", *c.Password)
		if err != nil {
			return c, err
		}
		c.Password = &pw
	}
	return c, nil
}

// Normalize validates p and returns it in the form that is stored.
func (p ProfileChanges) Normalize() (ProfileChanges, error) {
	if p.DisplayName != nil {
		n, err := normalizeDisplayName(*p.DisplayName)
		if err != nil {
			return p, err
		}
		p.DisplayName = &n
	}
	if p.Language != nil && !p.Language.Valid() {
		return p, FieldError("language", "must be zh-CN or en")
	}
	if p.TimeZone != nil {
		if err := ValidateTimeZone(*p.TimeZone); err != nil {
			return p, err
		}
	}
	return p, nil
}

// NormalizeEmail validates an email address and returns it in NFC with
// surrounding space removed. It refuses what net/mail refuses, display-name
// forms ("Ann <ann@example.com>"), quoted local parts, control and format
// characters (zero-width and bidi controls make look-alike addresses),
// invalid UTF-8 and anything over 254 bytes.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", FieldError("email", "is required")
	}
	if !utf8.ValidString(s) {
		return "", FieldError("email", "is not valid UTF-8")
	}
	s = norm.NFC.String(s)
	if len(s) > MaxEmailBytes {
		return "", FieldError("email", "is longer than %d bytes", MaxEmailBytes)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) ||
			r == utf8.RuneError || r == '"' || r == '<' || r == '>' {
			return "", FieldError("email", "contains a character an email address cannot hold (%U)", r)
		}
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", FieldError("email", "is not an email address")
	}
	local, domain, _ := strings.Cut(s, "@")
	if len(local) > 64 || domain == "" || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", FieldError("email", "is not an email address")
	}
	return s, nil
}

// normalizeDisplayName trims and checks a display name.
func normalizeDisplayName(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldError("display_name", "is not valid UTF-8")
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	if s == "" {
		return "", FieldError("display_name", "is required")
	}
	if n := utf8.RuneCountInString(s); n > MaxDisplayNameRunes {
		return "", FieldError("display_name", "is longer than %d characters", MaxDisplayNameRunes)
	}
	for _, r := range s {
		if unicode.IsControl(r) || (unicode.Is(unicode.Cf, r) && r != '\u200d') { // ZWJ joins emoji
			return "", FieldError("display_name", "contains a control character (%U)", r)
		}
	}
	return s, nil
}

// ValidateTimeZone checks that name is an IANA time zone this machine
// knows. "Local" is refused: it would mean the server's zone, not the user's.
func ValidateTimeZone(name string) error {
	if name == "" || name == "Local" || len(name) > 64 {
		return FieldError("time_zone", "must be an IANA time zone such as Asia/Shanghai")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/_+-", r)) {
			return FieldError("time_zone", "must be an IANA time zone such as Asia/Shanghai")
		}
	}
	if _, err := time.LoadLocation(name); err != nil {
		return FieldError("time_zone", "%q is not an IANA time zone", name)
	}
	return nil
}

// UserFilter selects a page of users in id order.
type UserFilter struct {
	Active *bool  // nil for all
	Limit  int    // 1 to 200; 0 means 50
	Cursor string // from the previous page's NextCursor
}

// Person is a colleague as every signed-in user may see them: enough to
// assign a case or hand work over, nothing more.
type Person struct {
	ID          int64  `json:"id" db:"id"`
	DisplayName string `json:"display_name" db:"display_name"`
	Role        Role   `json:"role" db:"role"`
}
