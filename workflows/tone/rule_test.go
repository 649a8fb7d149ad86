package tone

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"redress/cases"
)

// validRule is a rule that validates; tests break one field at a time.
func validRule() Rule {
	return Rule{
		ID: "test_rule", Language: LanguageChinese, Pattern: "保证", Severity: SeverityWarning,
		Category:   CategoryAbsolutePromise,
		Message:    map[string]string{LanguageChinese: "绝对承诺", LanguageEnglish: "absolute promise"},
		Suggestion: map[string]string{LanguageChinese: "我们会尽力", LanguageEnglish: "we will do our best"},
	}
}

func TestRuleValidate(t *testing.T) {
	if err := validRule().Validate(); err != nil {
		t.Fatalf("valid rule: %v", err)
	}
	for _, tc := range []struct {
		name   string
		break_ func(*Rule)
		field  string
		says   string
	}{
		{"MissingID", func(r *Rule) { r.ID = "" }, "id", "missing"},
		{"BadID", func(r *Rule) { r.ID = "Bad Id" }, "id", "lower-case"},
		{"UnknownLanguage", func(r *Rule) { r.Language = "fr" }, "language", `"fr"`},
		{"UnknownPlatform", func(r *Rule) { r.Platforms = []string{"ebay"} }, "platforms", `"ebay"`},
		{"UnknownStage", func(r *Rule) { r.Stages = []string{"respond"} }, "stages", `"respond"`},
		{"MissingPattern", func(r *Rule) { r.Pattern = " " }, "pattern", "missing"},
		{"BadRegexp", func(r *Rule) { r.Pattern = "保证(" }, "pattern", "missing closing )"},
		{"PerlOnlyRegexp", func(r *Rule) { r.Pattern = "保证(?!金)" }, "pattern", "invalid or unsupported"},
		{"PatternMatchesEmpty", func(r *Rule) { r.Pattern = "(保证)?" }, "pattern", "empty text"},
		{"CapitalLiteral", func(r *Rule) { r.Pattern = "Refund" }, "pattern", `"R" never matches`},
		{"FullWidthLiteral", func(r *Rule) { r.Pattern = "５星" }, "pattern", `"５" never matches`},
		{"TraditionalLiteral", func(r *Rule) { r.Pattern = "好評" }, "pattern", `"評" never matches`},
		{"HugePattern", func(r *Rule) { r.Pattern = strings.Repeat("a", maxPatternBytes+1) }, "pattern", "longer than"},
		{"BadExcept", func(r *Rule) { r.Except = "[不能" }, "except", "missing closing ]"},
		{"UnknownSeverity", func(r *Rule) { r.Severity = "error" }, "severity", `"error"`},
		{"MissingSeverity", func(r *Rule) { r.Severity = "" }, "severity", `""`},
		{"UnknownPlatformSeverityKey", func(r *Rule) { r.PlatformSeverity = map[string]string{"ebay": "block"} }, "platform_severity", `"ebay"`},
		{"UnknownPlatformSeverity", func(r *Rule) { r.PlatformSeverity = map[string]string{"amazon": "fatal"} }, "platform_severity.amazon", `"fatal"`},
		{"MissingCategory", func(r *Rule) { r.Category = "" }, "category", `""`},
		{"MissingChineseMessage", func(r *Rule) { delete(r.Message, LanguageChinese) }, "message.zh-CN", "missing"},
		{"BlankEnglishMessage", func(r *Rule) { r.Message[LanguageEnglish] = "  " }, "message.en", "missing"},
		{"UnknownMessageLanguage", func(r *Rule) { r.Message["fr"] = "promesse" }, "message", `"fr"`},
		{"MissingSuggestion", func(r *Rule) { r.Suggestion = nil }, "suggestion.zh-CN", "missing"},
		{"ReviewTiedBelowWarning", func(r *Rule) {
			r.Category, r.Severity, r.Source = CategoryReviewTiedRemedy, SeverityInfo, "law"
		}, "severity", "at least warning"},
		{"ReviewTiedBelowWarningOnAPlatform", func(r *Rule) {
			r.Category, r.Source, r.PlatformSeverity = CategoryReviewTiedRemedy, "law", map[string]string{"jd": "info"}
		}, "platform_severity.jd", "at least warning"},
		{"PolicyWithoutSource", func(r *Rule) { r.Category = CategoryReviewChangeRequest }, "source", "cites"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := validRule()
			tc.break_(&r)
			err := r.Validate()
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("Validate() = %v, want a *RuleError", err)
			}
			if re.Field != tc.field || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("Validate() = %v (field %q), want field %q saying %q", err, re.Field, tc.field, tc.says)
			}
			if r.ID != "" && !strings.Contains(err.Error(), fmt.Sprintf("%q", r.ID)) {
				t.Errorf("Validate() = %v, want it to name the rule", err)
			}
		})
	}
}

func TestParseRules(t *testing.T) {
	t.Run("ReadsRules", func(t *testing.T) {
		rules, err := ParseRules([]byte(`[{"id":"a","pattern":"保证","severity":"info","category":"absolute_promise",
			"message":{"zh-CN":"m","en":"m"},"suggestion":{"zh-CN":"s","en":"s"},"platforms":["amazon"]}]`))
		if err != nil || len(rules) != 1 || rules[0].ID != "a" || !slices.Equal(rules[0].Platforms, []string{"amazon"}) {
			t.Fatalf("ParseRules = %+v, %v", rules, err)
		}
	})
	t.Run("ReportsEveryBadRule", func(t *testing.T) {
		_, err := ParseRules([]byte(`[
			{"id":"bad_regexp","pattern":"保证(","severity":"info","category":"blame","message":{"zh-CN":"m","en":"m"},"suggestion":{"zh-CN":"s","en":"s"}},
			{"id":"ok","pattern":"保证","severity":"info","category":"blame","message":{"zh-CN":"m","en":"m"},"suggestion":{"zh-CN":"s","en":"s"}},
			{"id":"bad_severity","pattern":"保证","severity":"fatal","category":"blame","message":{"zh-CN":"m","en":"m"},"suggestion":{"zh-CN":"s","en":"s"}},
			{"id":"no_english","pattern":"保证","severity":"info","category":"blame","message":{"zh-CN":"m"},"suggestion":{"zh-CN":"s","en":"s"}},
			{"pattern":"保证","severity":"info","category":"blame","message":{"zh-CN":"m","en":"m"},"suggestion":{"zh-CN":"s","en":"s"}},
			{"id":"ok","pattern":"绝对","severity":"info","category":"blame","message":{"zh-CN":"m","en":"m"},"suggestion":{"zh-CN":"s","en":"s"}}
		]`))
		if err == nil {
			t.Fatal("ParseRules accepted bad rules")
		}
		for _, want := range []string{
			`rule "bad_regexp": pattern:`, `rule "bad_severity": severity:`, `rule "no_english": message.en: missing`,
			`rule #5 (no id): id: missing`, `rule "ok": id: repeats the id of rule #2`,
		} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q\nlacks %q", err, want)
			}
		}
		var re *RuleError
		if !errors.As(err, &re) || re.Rule != "bad_regexp" || re.Index != 0 {
			t.Errorf("errors.As: %+v, want the first bad rule", re)
		}
	})
	for name, data := range map[string]string{
		"NotJSON":      `[{"id":`,
		"NotAnArray":   `{"id":"a"}`,
		"Null":         `null`,
		"UnknownField": `[{"id":"a","patern":"保证"}]`,
		"TrailingText": `[] []`,
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := ParseRules([]byte(data)); err == nil {
				t.Errorf("ParseRules(%s) accepted it", data)
			}
		})
	}
	t.Run("EmptyListIsAllowed", func(t *testing.T) {
		if rules, err := ParseRules([]byte(`[]`)); err != nil || len(rules) != 0 {
			t.Errorf("ParseRules([]) = %v, %v", rules, err)
		}
	})
}

func TestCompileRefusesInvalidRules(t *testing.T) {
	r := validRule()
	r.Severity = "loud"
	if _, err := Compile([]Rule{validRule(), r}); err == nil || !strings.Contains(err.Error(), "severity") {
		t.Fatalf("Compile = %v, want a severity error", err)
	}
	if _, err := Compile([]Rule{validRule(), validRule()}); err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Fatalf("Compile = %v, want a repeated-id error", err)
	}
}

func TestDefaultRules(t *testing.T) {
	rules := DefaultRules()
	if len(rules) < 30 {
		t.Fatalf("%d default rules", len(rules))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		seen[r.Category] = true
		if r.Category == CategoryReviewTiedRemedy && r.PlatformSeverity["amazon"] != SeverityBlock {
			t.Errorf("%s: amazon severity %q, want block", r.ID, r.PlatformSeverity["amazon"])
		}
		if r.Category == CategoryReviewChangeRequest && !slices.Equal(r.Platforms, []string{"amazon"}) {
			t.Errorf("%s: platforms %v, want amazon only", r.ID, r.Platforms)
		}
	}
	for _, c := range []string{CategoryAbsolutePromise, CategoryDismissive, CategoryBlame, CategoryReviewTiedRemedy, CategoryReviewChangeRequest} {
		if !seen[c] {
			t.Errorf("no default rule of category %s", c)
		}
	}
	// A fresh copy each time: a caller editing one does not edit the next.
	rules[0].Message[LanguageEnglish] = "changed"
	if DefaultRules()[0].Message[LanguageEnglish] == "changed" {
		t.Error("DefaultRules shares its maps")
	}
}

// TestVocabularyMatchesCases holds this package's plain-string lists to the
// domain's, so that a platform or language added there is not missed here.
func TestVocabularyMatchesCases(t *testing.T) {
	var platforms, languages []string
	for _, p := range cases.Platforms() {
		platforms = append(platforms, string(p))
	}
	for _, l := range cases.Languages() {
		languages = append(languages, string(l))
	}
	if !slices.Equal(Platforms(), platforms) {
		t.Errorf("Platforms() = %v, cases.Platforms() = %v", Platforms(), platforms)
	}
	if !slices.Equal(Languages(), languages) {
		t.Errorf("Languages() = %v, cases.Languages() = %v", Languages(), languages)
	}
}
