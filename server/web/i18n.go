package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
	"time"

	"golang.org/x/text/language"

	"redress/cases"
)

// translations holds one catalogue of messages per language the UI speaks,
// read from the embedded JSON files (ui/i18n/<language>.json: a flat object
// of key → text, with {name} placeholders). Every catalogue must have
// exactly the same keys; a test also fails on keys no page uses.
type translations struct {
	byLang  map[cases.Language]map[string]string
	matcher language.Matcher
	tags    []cases.Language // in the matcher's order
}

// loadTranslations reads every language's catalogue and refuses a set in
// which one catalogue lacks a key another has.
func loadTranslations(fsys fs.FS) (*translations, error) {
	tr := &translations{byLang: map[cases.Language]map[string]string{}}
	var tags []language.Tag
	for _, lang := range cases.Languages() {
		b, err := fs.ReadFile(fsys, string(lang)+".json")
		if err != nil {
			return nil, fmt.Errorf("translations: %w", err)
		}
		msgs := map[string]string{}
		if err := json.Unmarshal(b, &msgs); err != nil {
			return nil, fmt.Errorf("translations: %s.json: %w", lang, err)
		}
		tr.byLang[lang] = msgs
		tr.tags = append(tr.tags, lang)
		tags = append(tags, language.MustParse(string(lang)))
	}
	tr.matcher = language.NewMatcher(tags)
	for _, a := range tr.tags {
		for _, b := range tr.tags {
			if missing := missingKeys(tr.byLang[a], tr.byLang[b]); len(missing) > 0 {
				return nil, fmt.Errorf("translations: %s.json lacks %s, which %s.json has", b, strings.Join(missing, ", "), a)
			}
		}
	}
	return tr, nil
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

// t returns the message key in lang with its {name} placeholders replaced
// by args given as name, value pairs. A key missing from the catalogue
// (which the catalogue test prevents) shows as the key itself.
func (tr *translations) t(lang cases.Language, key string, args ...any) string {
	msg, ok := tr.byLang[lang][key]
	if !ok {
		return key
	}
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return msg
}

// has reports whether key is in the catalogues.
func (tr *translations) has(key string) bool {
	_, ok := tr.byLang[cases.LanguageEnglish][key]
	return ok
}

// negotiate picks the UI language for a visitor who is not signed in: a
// language chosen on the sign-in page (the redress_lang cookie), else the
// browser's Accept-Language, else the product's default.
func (tr *translations) negotiate(r *http.Request) cases.Language {
	if ck, err := r.Cookie(langCookieName); err == nil && cases.Language(ck.Value).Valid() {
		return cases.Language(ck.Value)
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		prefs, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(prefs) > 0 {
			_, i, conf := tr.matcher.Match(prefs...)
			if conf != language.No {
				return tr.tags[i]
			}
		}
	}
	return cases.DefaultLanguage
}

// langCookieName remembers the language a visitor chose before signing in.
const langCookieName = "redress_lang"

// duration renders d (rounded to minutes) as at most two units: "2 h 5 min",
// "3 d 4 h", "<1 min".
func (tr *translations) duration(lang cases.Language, d time.Duration) string {
	if d < 0 {
		d = -d
	}
	mins := int(d / time.Minute)
	if mins < 1 {
		return tr.t(lang, "dur.under_minute")
	}
	days, hours, minutes := mins/(24*60), mins/60%24, mins%60
	var parts []string
	if days > 0 {
		parts = append(parts, tr.t(lang, "dur.days", "n", days))
	}
	if hours > 0 && len(parts) < 2 {
		parts = append(parts, tr.t(lang, "dur.hours", "n", hours))
	}
	if minutes > 0 && days == 0 && len(parts) < 2 {
		parts = append(parts, tr.t(lang, "dur.minutes", "n", minutes))
	}
	return strings.Join(parts, tr.t(lang, "dur.separator"))
}

// enumKeys are the catalogue key prefixes whose keys are built from domain
// values ("state.respond"), with every value each must cover; the
// catalogue test checks them, and t("state", s) style look-ups use them.
func enumKeys() map[string][]string {
	return map[string][]string{
		"state":          strs(cases.States()),
		"kind":           strs(cases.Kinds()),
		"platform":       strs(cases.Platforms()),
		"severity":       strs(cases.Severities()),
		"root_cause":     strs(cases.RootCauses()),
		"remedy_type":    strs(cases.RemedyTypes()),
		"review_outcome": strs(cases.ReviewOutcomes()),
		"close_reason":   strs(cases.CloseReasons()),
		"evidence_kind":  strs(cases.EvidenceKinds()),
		"role":           strs(cases.Roles()),
		"lang":           strs(cases.Languages()),
		"event":          strs(eventKinds()),
		"move":           strs(moveKinds()),
		"stage":          stageFields(),
		"err.code":       errorCodes(),
		"status":         httpStatusKeys(),
		"need":           stageFields(),
		"flash":          flashes(),
		"reminder_level": strs(cases.ReminderLevels()),
		"field":          append(caseFields(), newCaseInputs()...),
		"queue.title":    {"mine", "unassigned", "all"},
		"users":          userInputs(),
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
