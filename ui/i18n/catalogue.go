// Package i18n is Redress's one translation catalogue: every word a person
// reads — pages, notifications, reminders, webhook texts — in every language.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"

	"golang.org/x/text/language"

	"redress/cases"
)

//go:embed en.json zh-CN.json
var files embed.FS

// CookieName is the cookie that remembers the language a visitor chose
// before signing in.
const CookieName = "redress_lang"

// Catalogue holds one set of messages per language Redress speaks, read
// from JSON files (<language>.json: a flat object of key → text, with
// {name} placeholders). Every language has exactly the same keys. A
// Catalogue is read-only once loaded and safe for concurrent use.
type Catalogue struct {
	byLang  map[cases.Language]map[string]string
	matcher language.Matcher
	tags    []cases.Language // in the matcher's order
}

// New loads the catalogue embedded in the binary.
func New() (*Catalogue, error) { return Load(files) }

// Load reads every language's messages from fsys and refuses a set in
// which one language lacks a key another has, so that a missing
// translation stops the server at start instead of showing a key.
func Load(fsys fs.FS) (*Catalogue, error) {
	c := &Catalogue{byLang: map[cases.Language]map[string]string{}}
	var tags []language.Tag
	for _, lang := range cases.Languages() {
		b, err := fs.ReadFile(fsys, string(lang)+".json")
		if err != nil {
			return nil, fmt.Errorf("i18n: %w", err)
		}
		msgs := map[string]string{}
		if err := json.Unmarshal(b, &msgs); err != nil {
			return nil, fmt.Errorf("i18n: %s.json: %w", lang, err)
		}
		c.byLang[lang] = msgs
		c.tags = append(c.tags, lang)
		tags = append(tags, language.MustParse(string(lang)))
	}
	c.matcher = language.NewMatcher(tags)
	for _, a := range c.tags {
		for _, b := range c.tags {
			if missing := missingKeys(c.byLang[a], c.byLang[b]); len(missing) > 0 {
				return nil, fmt.Errorf("i18n: %s.json lacks %s, which %s.json has", b, strings.Join(missing, ", "), a)
			}
		}
	}
	return c, nil
}

// missingKeys lists, sorted, the keys of have that want lacks.
func missingKeys(have, want map[string]string) []string {
	var out []string
	for k := range have {
		if _, ok := want[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// T returns the message key in lang with its {name} placeholders replaced
// by args given as name, value pairs. A key missing from the catalogue
// (which the catalogue's tests prevent) shows as the key itself.
func (c *Catalogue) T(lang cases.Language, key string, args ...any) string {
	msg, ok := c.byLang[lang][key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return msg
}

// Has reports whether key is in the catalogue (in every language: Load
// made sure they agree).
func (c *Catalogue) Has(key string) bool {
	_, ok := c.byLang[cases.LanguageEnglish][key]
	return ok
}

// Negotiate picks the language for a visitor who is not signed in: a
// language chosen on the sign-in page (the CookieName cookie), else the
// browser's Accept-Language, else the product's default.
func (c *Catalogue) Negotiate(r *http.Request) cases.Language {
	if ck, err := r.Cookie(CookieName); err == nil && cases.Language(ck.Value).Valid() {
		return cases.Language(ck.Value)
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		prefs, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(prefs) > 0 {
			_, i, conf := c.matcher.Match(prefs...)
			if conf != language.No {
				return c.tags[i]
			}
		}
	}
	return cases.DefaultLanguage
}

// State is how a state is called in lang: the same word on pages, in
// notifications, in reminders and in webhook texts.
func (c *Catalogue) State(lang cases.Language, s cases.State) string {
	return c.T(lang, "state."+string(s))
}
