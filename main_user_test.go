package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"strings"
	"testing"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

func TestUserAdd(t *testing.T) {
	db, dsn := testdb.NewWithURL(t)
	getenv := func(k string) string {
		if k == "DATABASE_URL" {
			return dsn
		}
		return ""
	}
	add := func(stdin string, args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), append([]string{"user", "add"}, args...), getenv, strings.NewReader(stdin), &out, &errOut)
		return out.String() + errOut.String(), err
	}
	const password = "s3cret password from stdin"

	t.Run("CreatesUserWithPasswordFromStdin", func(t *testing.T) {
		out, err := add(password+"\n", "--email", "Boss@Example.com", "--name", "王老板", "--role", "admin", "--language", "en", "--timezone", "Asia/Hong_Kong")
		if err != nil {
			t.Fatalf("user add: %v\n%s", err, out)
		}
		if !strings.Contains(out, "Boss@Example.com") || strings.Contains(out, password) {
			t.Fatalf("output %q", out)
		}
		var u cases.User
		if err := db.Get(&u, `SELECT id, email, display_name, role, language, time_zone, active, created_at, updated_at FROM users WHERE email = 'Boss@Example.com'`); err != nil {
			t.Fatal(err)
		}
		if u.Role != cases.RoleAdmin || u.DisplayName != "王老板" || u.Language != "en" || u.TimeZone != "Asia/Hong_Kong" || !u.Active {
			t.Fatalf("stored %+v", u)
		}
		var hash string
		db.Get(&hash, `SELECT password_hash FROM users WHERE id = $1`, u.ID)
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=4$") || strings.Contains(hash, password) {
			t.Fatalf("stored hash %q is not argon2id with the production parameters", hash)
		}
		p := store.NewPeople(db, cases.DefaultAccessPolicy())
		if _, err := p.Login(context.Background(), cases.LoginAttempt{Email: "boss@example.com", Password: password, Address: "127.0.0.1"}); err != nil {
			t.Fatalf("cannot sign in with the password given on stdin: %v", err)
		}
	})
	t.Run("DefaultsLanguageAndZone", func(t *testing.T) {
		if out, err := add("another password\r\n", "--email", "a@example.com", "--name", "A", "--role", "agent"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var lang, zone string
		db.QueryRow(`SELECT language, time_zone FROM users WHERE email = 'a@example.com'`).Scan(&lang, &zone)
		if lang != "zh-CN" || zone != "Asia/Shanghai" {
			t.Fatalf("defaults %s %s", lang, zone)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		for name, tc := range map[string]struct {
			stdin string
			args  []string
			want  string
		}{
			"NoPassword":         {"", []string{"--email", "b@example.com", "--name", "B", "--role", "agent"}, "no password"},
			"ShortPassword":      {"short\n", []string{"--email", "b@example.com", "--name", "B", "--role", "agent"}, "the password must be at least 10"},
			"BadRole":            {password + "\n", []string{"--email", "b@example.com", "--name", "B", "--role", "boss"}, "--role"},
			"BadEmail":           {password + "\n", []string{"--email", "b@", "--name", "B", "--role", "agent"}, "--email"},
			"BadZone":            {password + "\n", []string{"--email", "b@example.com", "--name", "B", "--role", "agent", "--timezone", "Moon/Base"}, "--timezone"},
			"DuplicateEmail":     {password + "\n", []string{"--email", "BOSS@example.com", "--name", "B", "--role", "agent"}, "already exists"},
			"MissingFlags":       {password + "\n", []string{"--email", "b@example.com"}, "required"},
			"PasswordAsFlag":     {"", []string{"--email", "b@example.com", "--name", "B", "--role", "agent", "--password", password}, "flag provided but not defined"},
			"PasswordAsArgument": {"", []string{"--email", "b@example.com", "--name", "B", "--role", "agent", password}, "unexpected argument"},
		} {
			t.Run(name, func(t *testing.T) {
				out, err := add(tc.stdin, tc.args...)
				if err == nil {
					t.Fatalf("accepted; output %q", out)
				}
				if !strings.Contains(err.Error()+out, tc.want) {
					t.Fatalf("error %q, output %q; want it to mention %q", err, out, tc.want)
				}
			})
		}
		var n int
		db.Get(&n, `SELECT count(*) FROM users WHERE lower(email) = 'b@example.com'`)
		if n != 0 {
			t.Fatal("a refused user add stored a user")
		}
	})
}

// TestUserAddHasNoPasswordFlag: argv is readable by every user of the
// machine, so no flag may carry a password.
func TestUserAddHasNoPasswordFlag(t *testing.T) {
	fs, _ := userAddFlags(io.Discard, "Asia/Shanghai")
	fs.VisitAll(func(f *flag.Flag) {
		if n := strings.ToLower(f.Name); strings.Contains(n, "pass") || strings.Contains(n, "secret") || strings.Contains(n, "pw") {
			t.Errorf("flag --%s could carry a password on the command line", f.Name)
		}
	})
}
