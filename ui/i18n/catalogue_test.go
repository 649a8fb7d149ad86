package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"redress/cases"
)

// keyGaps reads every language's file in fsys as plain JSON and lists, as
// "<file> lacks <key>", each key one language has and another lacks. It is
// the test's own check, independent of Load's.
func keyGaps(fsys fs.FS) ([]string, error) {
	byLang := map[cases.Language]map[string]string{}
	for _, lang := range cases.Languages() {
		b, err := fs.ReadFile(fsys, string(lang)+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s.json: %w", lang, err)
		}
		byLang[lang] = m
	}
	var gaps []string
	for _, a := range cases.Languages() {
		for _, b := range cases.Languages() {
			for key := range byLang[a] {
				if _, ok := byLang[b][key]; !ok {
					gaps = append(gaps, fmt.Sprintf("%s.json lacks %s", b, key))
				}
			}
		}
	}
	sort.Strings(gaps)
	return gaps, nil
}

// TestEveryKeyInEveryLanguage fails when a language lacks a key another
// has, and shows on an in-memory catalogue that it would.
func TestEveryKeyInEveryLanguage(t *testing.T) {
	t.Run("TheEmbeddedCatalogue", func(t *testing.T) {
		gaps, err := keyGaps(files)
		if err != nil {
			t.Fatal(err)
		}
		if len(gaps) > 0 {
			t.Fatalf("keys missing from a language:\n%s", strings.Join(gaps, "\n"))
		}
		if _, err := New(); err != nil {
			t.Fatalf("New: %v", err)
		}
	})
	t.Run("FailsOnAMissingKey", func(t *testing.T) {
		fsys := fstest.MapFS{
			"en.json":    {Data: []byte(`{"a":"A","b":"B"}`)},
			"zh-CN.json": {Data: []byte(`{"a":"甲","c":"丙"}`)},
		}
		gaps, err := keyGaps(fsys)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"en.json lacks c", "zh-CN.json lacks b"}; !slices.Equal(gaps, want) {
			t.Fatalf("gaps %q, want %q", gaps, want)
		}
		_, err = Load(fsys)
		if err == nil || !strings.Contains(err.Error(), "lacks") {
			t.Fatalf("Load accepted a catalogue with a missing key: %v", err)
		}
	})
	t.Run("FailsOnAMissingLanguage", func(t *testing.T) {
		if _, err := Load(fstest.MapFS{"en.json": {Data: []byte(`{"a":"A"}`)}}); err == nil {
			t.Fatal("Load accepted a catalogue without zh-CN.json")
		}
	})
	t.Run("FailsOnAFileThatIsNotJSON", func(t *testing.T) {
		fsys := fstest.MapFS{"en.json": {Data: []byte(`{"a":"A"}`)}, "zh-CN.json": {Data: []byte(`{"a":`)}}
		if _, err := Load(fsys); err == nil || !strings.Contains(err.Error(), "zh-CN.json") {
			t.Fatalf("Load = %v, want an error naming zh-CN.json", err)
		}
	})
}

// TestEveryMessageIsTranslated fails on an empty message and on a message
// whose placeholders differ between languages (a {name} one language
// forgets would show to its readers as "{name}").
func TestEveryMessageIsTranslated(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	for key, en := range c.byLang[cases.LanguageEnglish] {
		zh := c.byLang[cases.LanguageChinese][key]
		if key != "dur.separator" && (strings.TrimSpace(en) == "" || strings.TrimSpace(zh) == "") {
			t.Errorf("%s is empty in a language", key)
		}
		pe, pz := placeholder.FindAllString(en, -1), placeholder.FindAllString(zh, -1)
		sort.Strings(pe)
		sort.Strings(pz)
		if !slices.Equal(pe, pz) {
			t.Errorf("%s has placeholders %v in en and %v in zh-CN", key, pe, pz)
		}
	}
}

func TestT(t *testing.T) {
	c, err := Load(fstest.MapFS{
		"en.json":    {Data: []byte(`{"hello":"Hello {name}, {name}!","plain":"Plain"}`)},
		"zh-CN.json": {Data: []byte(`{"hello":"你好，{name}！","plain":"普通"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		lang cases.Language
		key  string
		args []any
		want string
	}{
		{"FillsEveryPlaceholder", cases.LanguageEnglish, "hello", []any{"name", "Li"}, "Hello Li, Li!"},
		{"InTheLanguageAsked", cases.LanguageChinese, "hello", []any{"name", 7}, "你好，7！"},
		{"LeavesAnUnpairedArgument", cases.LanguageEnglish, "hello", []any{"name"}, "Hello {name}, {name}!"},
		{"IgnoresArgumentsItHasNoPlaceFor", cases.LanguageEnglish, "plain", []any{"n", 1}, "Plain"},
		{"ShowsAnUnknownKeyAsItself", cases.LanguageEnglish, "nope", nil, "nope"},
		{"ShowsTheKeyInAnUnknownLanguage", cases.Language("fr"), "plain", nil, "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Fatalf("T(%s, %q, %v) = %q, want %q", tt.lang, tt.key, tt.args, got, tt.want)
			}
		})
	}
	if !c.Has("plain") || c.Has("nope") {
		t.Fatal("Has does not follow the catalogue")
	}
}

// TestNegotiate pins how the sign-in page picks a language: the visitor's
// choice (cookie) first, then the browser's Accept-Language, then the
// product's default.
func TestNegotiate(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		cookie string
		accept string
		want   cases.Language
	}{
		{"DefaultWithNothing", "", "", cases.DefaultLanguage},
		{"BrowserEnglish", "", "en-US,en;q=0.9", cases.LanguageEnglish},
		{"BrowserChinese", "", "zh-CN,zh;q=0.9,en;q=0.8", cases.LanguageChinese},
		{"BrowserPlainChinese", "", "zh", cases.LanguageChinese},
		{"FirstLanguageSpokenWins", "", "de-DE,de;q=0.9,en;q=0.5", cases.LanguageEnglish},
		{"DefaultWhenNoneIsSpoken", "", "fr-FR,fr;q=0.9", cases.DefaultLanguage},
		{"DefaultOnAMalformedHeader", "", ";;;q=x", cases.DefaultLanguage},
		{"CookieBeatsBrowser", "en", "zh-CN", cases.LanguageEnglish},
		{"CookieChinese", "zh-CN", "en", cases.LanguageChinese},
		{"UnknownCookieIsIgnored", "fr", "en", cases.LanguageEnglish},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/login", nil)
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: CookieName, Value: tt.cookie})
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := c.Negotiate(r); got != tt.want {
				t.Fatalf("Negotiate = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestState pins the words agents know the steps by (README: 待响应, 倾听,
// 致歉, 补救, 回访, 已结案). Pages show te "state" s, the same key.
func TestState(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	want := map[cases.Language][]string{
		cases.LanguageChinese: {"待响应", "倾听", "致歉", "补救", "回访", "已结案"},
		cases.LanguageEnglish: {"Respond", "Listen", "Apologise", "Remedy", "Follow up", "Closed"},
	}
	for lang, words := range want {
		for i, s := range cases.States() {
			if got := c.State(lang, s); got != words[i] || got != c.T(lang, "state."+string(s)) {
				t.Errorf("State(%s, %s) = %q, want %q, the pages' word", lang, s, got, words[i])
			}
		}
	}
}
