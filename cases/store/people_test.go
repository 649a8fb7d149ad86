package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"redress/cases"
	"redress/cases/store"
	"redress/cases/testdb"
)

const personPassword = "correct horse battery"

func testPolicy() cases.AccessPolicy {
	p := cases.DefaultAccessPolicy()
	p.Password = cases.InsecureTestPasswordParams()
	return p
}

func newPeople(t *testing.T) *store.People {
	t.Helper()
	return store.NewPeople(testdb.New(t), testPolicy())
}

func addPerson(t *testing.T, p *store.People, email string, role cases.Role) cases.User {
	t.Helper()
	u, err := p.CreateUser(context.Background(), cases.NewUser{Email: email, DisplayName: email, Role: role, Password: personPassword})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestConcurrentGuessesAreAllCounted: a burst of parallel guesses at one
// account gets exactly the allowed number of password checks; the rest are
// refused before any check, so parallelism buys an attacker nothing.
func TestConcurrentGuessesAreAllCounted(t *testing.T) {
	p := newPeople(t)
	u := addPerson(t, p, "target@example.com", cases.RoleAgent)
	const burst = 24
	codes := make([]cases.Code, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Go(func() {
			_, err := p.Login(context.Background(), cases.LoginAttempt{
				Email: u.Email, Password: fmt.Sprintf("guess number %d", i), Address: fmt.Sprintf("198.51.100.%d", i+1),
			})
			codes[i] = cases.ErrorCode(err)
		})
	}
	wg.Wait()
	n := map[cases.Code]int{}
	for _, c := range codes {
		n[c]++
	}
	// From many addresses, the account-wide ceiling holds: that many are
	// checked, and past it the account is slowed to one attempt per 5 s.
	if n[cases.Unauthorized] != testPolicy().AccountCeiling || n[cases.TooMany] != burst-testPolicy().AccountCeiling {
		t.Fatalf("outcomes %v; want %d checked and the rest throttled", n, testPolicy().AccountCeiling)
	}
}

func TestLoginUpgradesStaleHash(t *testing.T) {
	db := testdb.New(t)
	old := store.NewPeople(db, testPolicy())
	u := addPerson(t, old, "up@example.com", cases.RoleAgent)
	stronger := testPolicy()
	stronger.Password.Memory, stronger.Password.Time = 128, 2
	p := store.NewPeople(db, stronger)
	if _, err := p.Login(context.Background(), cases.LoginAttempt{Email: u.Email, Password: personPassword, Address: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := db.Get(&hash, `SELECT password_hash FROM users WHERE id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hash, "$m=128,t=2,p=1$") {
		t.Fatalf("hash not upgraded: %s", hash)
	}
	if _, err := p.Login(context.Background(), cases.LoginAttempt{Email: u.Email, Password: personPassword, Address: "192.0.2.1"}); err != nil {
		t.Fatalf("sign-in after the upgrade: %v", err)
	}
}

// TestTwoAdminsCannotDemoteEachOther: when the only two admins demote each
// other at the same moment, one of them stays admin.
func TestTwoAdminsCannotDemoteEachOther(t *testing.T) {
	p := newPeople(t)
	a := addPerson(t, p, "a@example.com", cases.RoleAdmin)
	b := addPerson(t, p, "b@example.com", cases.RoleAdmin)
	agent := cases.RoleAgent
	for range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, pair := range [][2]cases.User{{a, b}, {b, a}} {
			wg.Go(func() {
				ctx := cases.WithActor(context.Background(), pair[0].Actor())
				_, errs[i] = p.UpdateUser(ctx, pair[1].ID, cases.UserChanges{Role: &agent})
			})
		}
		wg.Wait()
		var admins int
		users, err := p.Users(context.Background(), cases.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users.Items {
			if u.Role == cases.RoleAdmin && u.Active {
				admins++
			}
		}
		if admins != 1 {
			t.Fatalf("%d active admins after mutual demotion (errors %v)", admins, errs)
		}
		// Restore both and try again: the race is not deterministic.
		admin := cases.RoleAdmin
		for _, u := range []cases.User{a, b} {
			if _, err := p.UpdateUser(context.Background(), u.ID, cases.UserChanges{Role: &admin}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestEmailUniqueIgnoringCase(t *testing.T) {
	p := newPeople(t)
	addPerson(t, p, "Wang.Wei@Example.com", cases.RoleAgent)
	_, err := p.CreateUser(context.Background(), cases.NewUser{Email: "wang.wei@example.COM", DisplayName: "W", Role: cases.RoleAgent, Password: personPassword})
	var e *cases.Error
	if !errors.As(err, &e) || e.Code != cases.Conflict || e.Field != "email" {
		t.Fatalf("duplicate email: %v", err)
	}
	// And the schema itself refuses it, whatever a future caller forgets.
	_, err = p.UpdateUser(context.Background(), addPerson(t, p, "other@example.com", cases.RoleAgent).ID,
		cases.UserChanges{Email: ptr("WANG.WEI@example.com")})
	if cases.ErrorCode(err) != cases.Conflict {
		t.Fatalf("renaming onto a taken email: %v", err)
	}
}

func TestTokensSecretShownOnce(t *testing.T) {
	p := newPeople(t)
	u := addPerson(t, p, "t@example.com", cases.RoleAgent)
	ctx := cases.WithActor(context.Background(), u.Actor())
	nt, err := p.CreateToken(ctx, "ci")
	if err != nil {
		t.Fatal(err)
	}
	auth, err := p.ResolveToken(context.Background(), nt.Token)
	if err != nil || auth.User.ID != u.ID || auth.TokenID != nt.ID {
		t.Fatalf("resolve: %+v, %v", auth, err)
	}
	list, err := p.Tokens(ctx, u.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v, %v", list, err)
	}
	changed := nt.Token[:len(nt.Token)-1] + "A"
	if strings.HasSuffix(nt.Token, "A") {
		changed = nt.Token[:len(nt.Token)-1] + "B"
	}
	if _, err := p.ResolveToken(context.Background(), changed); cases.ErrorCode(err) != cases.Unauthorized {
		t.Fatalf("a changed token resolves: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }
