package cases

import (
	"context"
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	ctx := context.Background()
	pw := NewPasswords(InsecureTestPasswordParams())
	h, err := pw.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("not a PHC argon2id string: %s", h)
	}
	if ok, stale, err := pw.Verify(ctx, h, "correct horse battery"); !ok || stale || err != nil {
		t.Fatalf("verify right password = %v, %v, %v", ok, stale, err)
	}
	if ok, _, _ := pw.Verify(ctx, h, "correct horse batterY"); ok {
		t.Fatal("wrong password verified")
	}
	h2, _ := pw.Hash(ctx, "correct horse battery")
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	t.Run("StaleWhenParametersChange", func(t *testing.T) {
		stronger := NewPasswords(PasswordParams{Memory: 128, Time: 2, Threads: 1})
		if ok, stale, _ := stronger.Verify(ctx, h, "correct horse battery"); !ok || !stale {
			t.Fatalf("old hash under new params: ok %v stale %v", ok, stale)
		}
	})
	t.Run("DefaultsAreStrong", func(t *testing.T) {
		p := DefaultPasswordParams()
		if p.Memory < 19*1024 || p.Time < 2 || p.Threads < 1 {
			t.Fatalf("defaults %+v are below OWASP's argon2id minimum", p)
		}
	})
}

func TestFullWidthPasswordMatchesHalfWidth(t *testing.T) {
	ctx := context.Background()
	pw := NewPasswords(InsecureTestPasswordParams())
	set, err := NormalizePassword("password", "Ｐａｓｓｗｏｒｄ１２３")
	if err != nil {
		t.Fatal(err)
	}
	h, _ := pw.Hash(ctx, set)
	if ok, _, _ := pw.Verify(ctx, h, NormalizeLoginPassword("Password123")); !ok {
		t.Fatal("a password typed in full-width does not match its half-width form")
	}
}

func TestDecodePHCRefusesAbuse(t *testing.T) {
	for _, s := range []string{
		"", "plain", "$2a$12$abcdefghijklmnopqrstuv",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if _, _, _, err := decodePHC(s); err == nil {
			t.Errorf("decodePHC(%q) accepted", s)
		}
	}
}
