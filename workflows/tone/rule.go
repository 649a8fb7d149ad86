package tone

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
)

// Severities, from least to most serious. A block warning stops the text
// from being saved; the others are shown and stored with it.
const (
	SeverityInfo    = "info"
	SeverityWarning = "warning"
	SeverityBlock   = "block"
)

// Stages a text is written for: the protocol's buyer-facing texts, and
// replies kept in the team's library.
const (
	StageFirstResponse = "first_response"
	StageApology       = "apology"
	StageRemedyOffer   = "remedy_offer"
	StageFollowUp      = "follow_up"
	StageReply         = "reply"
)

// Languages rules are written in and messages are given in.
const (
	LanguageChinese = "zh-CN"
	LanguageEnglish = "en"
)

// Categories the default rules use. Admins may add others; the policy
// categories below carry extra duties (see Rule.Validate).
const (
	CategoryAbsolutePromise     = "absolute_promise"
	CategoryDismissive          = "dismissive"
	CategoryBlame               = "blame"
	CategoryPrematureAdmission  = "premature_admission"
	CategoryReviewTiedRemedy    = "review_tied_remedy"
	CategoryReviewChangeRequest = "review_change_request"
	CategoryReviewSolicitation  = "review_solicitation"
)

// Severities returns the known severities, least serious first.
func Severities() []string { return []string{SeverityInfo, SeverityWarning, SeverityBlock} }

// Stages returns the stages a rule may be limited to.
func Stages() []string {
	return []string{StageFirstResponse, StageApology, StageRemedyOffer, StageFollowUp, StageReply}
}

// Languages returns the languages rules and messages are written in.
func Languages() []string { return []string{LanguageChinese, LanguageEnglish} }

// Platforms returns the marketplaces a rule may be limited to. It is the
// list of cases.Platforms, kept as strings so that this package stands alone
// (a test holds the two together).
func Platforms() []string {
	return []string{"taobao", "tmall", "jd", "pinduoduo", "douyin", "shopify", "amazon", "other"}
}

// policyCategory reports whether a category encodes a marketplace's or a
// regulator's rule rather than a team's taste: its rules must cite a source.
func policyCategory(c string) bool {
	return c == CategoryReviewTiedRemedy || c == CategoryReviewChangeRequest || c == CategoryReviewSolicitation
}

// severityRank orders severities; unknown ones rank below info.
func severityRank(s string) int { return slices.Index(Severities(), s) }

// maxPatternBytes bounds a pattern an admin may add; the longest default
// pattern is well under it.
const maxPatternBytes = 4096

// Rule is one wording to warn about.
//
// Pattern and Except are RE2 regular expressions (Go's regexp syntax) matched
// against a normalised view of the text, not the text itself (see view.go):
// letters are lower-cased, full-width letters and digits are half-width, a
// few traditional characters are simplified, invisible characters are gone,
// and spaces and symbols between Chinese characters are squeezed out — so a
// pattern "好评返现" also finds "好 评 返 现" and "好*评返现". Chinese
// punctuation (，。！？) is kept as it is.
//
// When Pattern has a group named "hit" and the group takes part in a match,
// the warning marks that group; otherwise it marks the whole match. This lets
// a pattern require context (the start of the text, a word boundary) without
// highlighting it.
//
// Except excuses a hit: when a match of Except within 16 characters of the
// hit overlaps it, there is no warning. "不能保证" excuses the 保证 in it.
type Rule struct {
	ID       string `json:"id"`
	Language string `json:"language,omitempty"` // LanguageChinese, LanguageEnglish, or "" for any
	// Platforms limits the rule to texts for these platforms; empty means
	// all. A limited rule is not checked when the platform is not known.
	Platforms []string `json:"platforms,omitempty"`
	// Stages limits the rule to texts of these stages; empty means all. A
	// limited rule is not checked when the stage is not known.
	Stages   []string `json:"stages,omitempty"`
	Pattern  string   `json:"pattern"`
	Except   string   `json:"except,omitempty"`
	Severity string   `json:"severity"`
	// PlatformSeverity overrides Severity for texts of a platform, e.g.
	// {"amazon":"block"}.
	PlatformSeverity map[string]string `json:"platform_severity,omitempty"`
	Category         string            `json:"category"`
	// Message says what is wrong and Suggestion what to write instead, each
	// in every language of Languages.
	Message    map[string]string `json:"message"`
	Suggestion map[string]string `json:"suggestion"`
	// Source cites the marketplace rule or law a policy rule encodes.
	Source string `json:"source,omitempty"`
}

// RuleError is a rule that does not validate: which rule, which field, why.
type RuleError struct {
	Rule  string // the rule's id, "" when it has none
	Index int    // position in the list given to ParseRules or Compile, -1 when unknown
	Field string // JSON name of the field, e.g. "pattern" or "message.en"
	Err   error
}

func (e *RuleError) Error() string {
	who := fmt.Sprintf("rule %q", e.Rule)
	if e.Rule == "" {
		who = "rule without id"
		if e.Index >= 0 {
			who = fmt.Sprintf("rule #%d (no id)", e.Index+1)
		}
	}
	return fmt.Sprintf("tone: %s: %s: %v", who, e.Field, e.Err)
}

func (e *RuleError) Unwrap() error { return e.Err }

func (r Rule) fail(field, format string, args ...any) *RuleError {
	return &RuleError{Rule: r.ID, Index: -1, Field: field, Err: fmt.Errorf(format, args...)}
}

// validID is the shape of a rule id: it appears in stored warnings and URLs.
var validID = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,79}$`)

// validCategory is the shape of a category name.
var validCategory = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// Validate reports the first problem of r as a *RuleError, or nil.
func (r Rule) Validate() error {
	if r.ID == "" {
		return r.fail("id", "missing")
	}
	if !validID.MatchString(r.ID) {
		return r.fail("id", "%q is not lower-case letters, digits, '_', '.' or '-' (at most 80)", r.ID)
	}
	if r.Language != "" && !slices.Contains(Languages(), r.Language) {
		return r.fail("language", "unknown language %q (want %s, or empty for any)", r.Language, strings.Join(Languages(), ", "))
	}
	for _, p := range r.Platforms {
		if !slices.Contains(Platforms(), p) {
			return r.fail("platforms", "unknown platform %q (want %s)", p, strings.Join(Platforms(), ", "))
		}
	}
	for _, s := range r.Stages {
		if !slices.Contains(Stages(), s) {
			return r.fail("stages", "unknown stage %q (want %s)", s, strings.Join(Stages(), ", "))
		}
	}
	if err := checkPattern(r.Pattern, true); err != nil {
		return r.fail("pattern", "%w", err)
	}
	if r.Except != "" {
		if err := checkPattern(r.Except, false); err != nil {
			return r.fail("except", "%w", err)
		}
	}
	if !slices.Contains(Severities(), r.Severity) {
		return r.fail("severity", "unknown severity %q (want %s)", r.Severity, strings.Join(Severities(), ", "))
	}
	for _, p := range sortedKeys(r.PlatformSeverity) {
		if !slices.Contains(Platforms(), p) {
			return r.fail("platform_severity", "unknown platform %q", p)
		}
		if s := r.PlatformSeverity[p]; !slices.Contains(Severities(), s) {
			return r.fail("platform_severity."+p, "unknown severity %q (want %s)", s, strings.Join(Severities(), ", "))
		}
	}
	if !validCategory.MatchString(r.Category) {
		return r.fail("category", "%q is not a lower-case name such as %s", r.Category, CategoryAbsolutePromise)
	}
	if r.Category == CategoryReviewTiedRemedy {
		// Tying a remedy to a review breaks the law or the marketplace's
		// rules everywhere; it is never a mere hint.
		if severityRank(r.Severity) < severityRank(SeverityWarning) {
			return r.fail("severity", "a %s rule is at least %s", r.Category, SeverityWarning)
		}
		for _, p := range sortedKeys(r.PlatformSeverity) {
			if severityRank(r.PlatformSeverity[p]) < severityRank(SeverityWarning) {
				return r.fail("platform_severity."+p, "a %s rule is at least %s", r.Category, SeverityWarning)
			}
		}
	}
	if err := checkTexts(r, "message", r.Message); err != nil {
		return err
	}
	if err := checkTexts(r, "suggestion", r.Suggestion); err != nil {
		return err
	}
	if policyCategory(r.Category) && strings.TrimSpace(r.Source) == "" {
		return r.fail("source", "a %s rule cites the rule or law it encodes", r.Category)
	}
	return nil
}

// checkTexts requires a non-blank text in every language and no other.
func checkTexts(r Rule, field string, texts map[string]string) error {
	for _, lang := range Languages() {
		if strings.TrimSpace(texts[lang]) == "" {
			return r.fail(field+"."+lang, "missing")
		}
	}
	for _, lang := range sortedKeys(texts) {
		if !slices.Contains(Languages(), lang) {
			return r.fail(field, "unknown language %q (want %s)", lang, strings.Join(Languages(), ", "))
		}
	}
	return nil
}

// checkPattern compiles a pattern and refuses ones that cannot work on the
// normalised view: literals the view never contains, and (for a rule's main
// pattern) patterns matching the empty text, which would hit everywhere.
func checkPattern(p string, main bool) error {
	if strings.TrimSpace(p) == "" {
		return errors.New("missing")
	}
	if len(p) > maxPatternBytes {
		return fmt.Errorf("longer than %d bytes", maxPatternBytes)
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return err
	}
	if main && re.MatchString("") {
		return errors.New("matches the empty text, so it would hit everywhere")
	}
	tree, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return err
	}
	return checkLiterals(tree)
}

// checkLiterals finds literal characters that normalisation rewrites, so a
// pattern holding them never matches: "好評" never meets a 評, "Refund" never
// meets an R. Case-insensitive literals ((?i)) may hold capitals.
func checkLiterals(re *syntax.Regexp) error {
	if re.Op == syntax.OpLiteral {
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				r = lowerRune(r)
			}
			if f, ok := foldRune(r); ok {
				return fmt.Errorf("literal %q never matches: the text is normalised to %q first", string(r), f)
			}
		}
	}
	for _, sub := range re.Sub {
		if err := checkLiterals(sub); err != nil {
			return err
		}
	}
	return nil
}

// ParseRules reads a JSON array of rules and validates every one. The error,
// when there is one, joins a *RuleError per invalid rule (and per repeated
// id), so an admin sees every problem at once.
func ParseRules(data []byte) ([]Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var rules []Rule
	if err := dec.Decode(&rules); err != nil {
		return nil, fmt.Errorf("tone: rules: %w", err)
	}
	if dec.More() {
		return nil, errors.New("tone: rules: text after the JSON array")
	}
	if rules == nil {
		return nil, errors.New("tone: rules: want a JSON array of rules")
	}
	if err := validateAll(rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// validateAll validates each rule and the uniqueness of ids.
func validateAll(rules []Rule) error {
	var errs []error
	seen := make(map[string]int, len(rules))
	for i, r := range rules {
		if err := r.Validate(); err != nil {
			var re *RuleError
			if errors.As(err, &re) {
				re.Index = i
			}
			errs = append(errs, err)
			continue
		}
		if j, dup := seen[r.ID]; dup {
			errs = append(errs, &RuleError{Rule: r.ID, Index: i, Field: "id",
				Err: fmt.Errorf("repeats the id of rule #%d", j+1)})
			continue
		}
		seen[r.ID] = i
	}
	return errors.Join(errs...)
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
