package cases

import (
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	ok := map[string]string{
		"ann@example.com":        "ann@example.com",
		"  Ann.Li@Example.COM  ": "Ann.Li@Example.COM",
		"a+tag@sub.example.cn":   "a+tag@sub.example.cn",
		"小明@例子.中国":               "小明@例子.中国",
		"e\u0301@example.com":    "\u00e9@example.com", // NFC joins e + combining acute
		"admin@localhost":        "admin@localhost",
	}
	for in, want := range ok {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{
		"", "   ", "ann", "ann@", "@example.com", "ann@@example.com", "ann@example.com.",
		"Ann <ann@example.com>", `"ann smith"@example.com`, "an n@example.com",
		"ann\u200b@example.com", "ann\u202e@example.com", "ann\u00ad@example.com", "ann\x00@example.com",
		"ann\t@example.com", "ann\xff@example.com", "ann\ufffd@example.com",
		strings.Repeat("a", 65) + "@example.com",
		"a@" + strings.Repeat("b", 250) + ".cn",
	}
	for _, in := range bad {
		if got, err := NormalizeEmail(in); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", in, got)
		} else if e, _ := err.(*Error); e == nil || e.Code != Invalid || e.Field != "email" {
			t.Errorf("NormalizeEmail(%q): %v, want Invalid on field email", in, err)
		}
	}
}

func TestValidateTimeZone(t *testing.T) {
	for _, z := range []string{"Asia/Shanghai", "UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+8"} {
		if err := ValidateTimeZone(z); err != nil {
			t.Errorf("%s: %v", z, err)
		}
	}
	for _, z := range []string{"", "Local", "Mars/Olympus", "../etc/passwd", "/etc/localtime", "Asia/Shanghai\x00", "asia shanghai"} {
		if err := ValidateTimeZone(z); err == nil {
			t.Errorf("%q accepted", z)
		}
	}
}

func TestNewUserDefaultsAndLimits(t *testing.T) {
	n, err := NewUser{Email: "a@example.com", DisplayName: " A ", Role: RoleAgent, Password: "0123456789"}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if n.Language != LanguageChinese || n.TimeZone != "Asia/Shanghai" || n.DisplayName != "A" {
		t.Fatalf("defaults %+v", n)
	}
	// Passwords are counted in characters, not bytes: ten Chinese characters are enough.
	if _, err := NormalizePassword("password", "密码密码密码密码密码"); err != nil {
		t.Fatalf("ten CJK characters refused: %v", err)
	}
	if _, err := NormalizePassword("password", "密码密码密码密码密"); err == nil {
		t.Fatal("nine characters accepted")
	}
	if _, err := NormalizePassword("password", strings.Repeat("x", 256)); err != nil {
		t.Fatalf("256 characters refused: %v", err)
	}
}
