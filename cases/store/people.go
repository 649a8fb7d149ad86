package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"redress/cases"
)

// People keeps users, their sessions and API tokens, and the failed
// sign-ins that throttle password guessing. Its exported methods each own
// one transaction; password hashing happens outside it.
type People struct {
	db        *sqlx.DB
	policy    cases.AccessPolicy
	passwords *cases.Passwords
	// The credential look-ups every authenticated request runs.
	resolveSession, resolveToken *lazyStmt
}

// NewPeople returns the people store on db under policy.
func NewPeople(db *sqlx.DB, policy cases.AccessPolicy) *People {
	return &People{
		db:             db,
		policy:         policy,
		passwords:      cases.NewPasswords(policy.Password),
		resolveSession: &lazyStmt{query: resolveSessionSQL},
		resolveToken:   &lazyStmt{query: resolveTokenSQL},
	}
}

const userColumns = `u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at`

// userFields returns scan destinations for a row of the given leading
// columns followed by userColumns. The hot credential look-ups scan by
// position: sqlx's reflection costs more there than the rest of the Go side.
func userFields(u *cases.User, leading ...any) []any {
	return append(leading, &u.ID, &u.Email, &u.DisplayName, &u.Role, &u.Language, &u.TimeZone, &u.Active, &u.CreatedAt, &u.UpdatedAt)
}

// CreateUser adds a user. A taken email (in any letter case) is a Conflict
// on field email.
func (p *People) CreateUser(ctx context.Context, n cases.NewUser) (cases.User, error) {
	n, err := n.Normalize()
	if err != nil {
		return cases.User{}, err
	}
	hash, err := p.passwords.Hash(ctx, n.Password)
	if err != nil {
		return cases.User{}, err
	}
	var u cases.User
	err = inTx(ctx, p.db, nil, "user", func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, &u, `
			INSERT INTO users AS u (email, display_name, role, language, time_zone, password_hash)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING `+userColumns,
			n.Email, n.DisplayName, n.Role, n.Language, n.TimeZone, hash)
	})
	return u, emailConflict(err)
}

// User returns the user with id, active or not.
func (p *People) User(ctx context.Context, id int64) (cases.User, error) {
	var u cases.User
	err := p.db.GetContext(ctx, &u, `SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return u, cases.Errorf(cases.NotFound, "no user %d", id)
	}
	return u, formatError(err, "user")
}

// Users returns a page of users in id order.
func (p *People) Users(ctx context.Context, f cases.UserFilter) (cases.Page[cases.User], error) {
	switch {
	case f.Limit == 0:
		f.Limit = 50
	case f.Limit < 1 || f.Limit > 200:
		return cases.Page[cases.User]{}, cases.FieldError("limit", "must be from 1 to 200")
	}
	after, err := decodeIDCursor(f.Cursor)
	if err != nil {
		return cases.Page[cases.User]{}, err
	}
	page := cases.Page[cases.User]{Items: []cases.User{}}
	err = p.db.SelectContext(ctx, &page.Items, `
		SELECT `+userColumns+` FROM users u
		WHERE u.id > $1 AND ($2::boolean IS NULL OR u.active = $2)
		ORDER BY u.id LIMIT $3`, after, f.Active, f.Limit+1)
	if err != nil {
		return cases.Page[cases.User]{}, formatError(err, "users")
	}
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		page.NextCursor = encodeIDCursor(page.Items[f.Limit-1].ID)
	}
	return page, nil
}

// encodeIDCursor makes the opaque cursor of a list in id order.
func encodeIDCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("id:" + strconv.FormatInt(id, 10)))
}

// decodeIDCursor reads a cursor from encodeIDCursor; "" starts at the top.
func decodeIDCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		if v, ok := strings.CutPrefix(string(b), "id:"); ok {
			if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 {
				return id, nil
			}
		}
	}
	return 0, &cases.Error{Code: cases.Malformed, Field: "cursor", Message: "cursor is not one this list gave out; start again without it"}
}

// UpdateUser changes a user's fields. Demoting the last active admin is a
// Conflict; a new password signs the user out of every session.
func (p *People) UpdateUser(ctx context.Context, id int64, c cases.UserChanges) (cases.User, error) {
	c, err := c.Normalize()
	if err != nil {
		return cases.User{}, err
	}
	var hash *string
	if c.Password != nil {
		h, err := p.passwords.Hash(ctx, *c.Password)
		if err != nil {
			return cases.User{}, err
		}
		hash = &h
	}
	var u cases.User
	err = inTx(ctx, p.db, nil, "user", func(tx *sqlx.Tx) error {
		if c.Role != nil && *c.Role != cases.RoleAdmin {
			if err := keepAnAdminTx(ctx, tx, id, "demote"); err != nil {
				return err
			}
		}
		err := tx.GetContext(ctx, &u, `
			UPDATE users AS u SET
				email = coalesce($2, email),
				display_name = coalesce($3, display_name),
				role = coalesce($4, role),
				language = coalesce($5, language),
				time_zone = coalesce($6, time_zone),
				password_hash = coalesce($7, password_hash),
				updated_at = now()
			WHERE u.id = $1
			RETURNING `+userColumns,
			id, c.Email, c.DisplayName, c.Role, c.Language, c.TimeZone, hash)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "no user %d", id)
		}
		if err != nil || hash == nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id)
		return err
	})
	return u, emailConflict(err)
}

// UpdateProfile changes what the acting user may change about themselves.
func (p *People) UpdateProfile(ctx context.Context, c cases.ProfileChanges) (cases.User, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.User{}, err
	}
	if c, err = c.Normalize(); err != nil {
		return cases.User{}, err
	}
	var u cases.User
	err = inTx(ctx, p.db, nil, "profile", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &u, `
			UPDATE users AS u SET
				display_name = coalesce($2, display_name),
				language = coalesce($3, language),
				time_zone = coalesce($4, time_zone),
				updated_at = now()
			WHERE u.id = $1 AND u.active
			RETURNING `+userColumns,
			actor.ID, c.DisplayName, c.Language, c.TimeZone)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.Unauthorized, "sign in first")
		}
		return err
	})
	return u, err
}

// ChangePassword replaces the acting user's password after checking the
// current one, and ends their other sessions (keepSession survives; 0 for
// none).
func (p *People) ChangePassword(ctx context.Context, current, next string, keepSession int64) error {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	if current == "" {
		return cases.FieldError("current_password", "is required")
	}
	if next, err = cases.NormalizePassword("new_password", next); err != nil {
		return err
	}
	var old string
	if err := p.db.GetContext(ctx, &old, `SELECT password_hash FROM users WHERE id = $1 AND active`, actor.ID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.Unauthorized, "sign in first")
		}
		return formatError(err, "user")
	}
	ok, _, err := p.passwords.Verify(ctx, old, cases.NormalizeLoginPassword(current))
	if err != nil {
		return err
	}
	if !ok {
		return cases.FieldError("current_password", "is not your current password")
	}
	hash, err := p.passwords.Hash(ctx, next)
	if err != nil {
		return err
	}
	return inTx(ctx, p.db, nil, "password", func(tx *sqlx.Tx) error {
		// Conditional on the hash read above: a concurrent change wins once.
		res, err := tx.ExecContext(ctx, `
			UPDATE users SET password_hash = $3, updated_at = now()
			WHERE id = $1 AND password_hash = $2`, actor.ID, old, hash)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cases.Errorf(cases.Conflict, "the password was changed meanwhile; sign in again")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id <> $2`, actor.ID, keepSession)
		return err
	})
}

// DeactivateUser stops a user from signing in. Their sessions end and their
// API tokens are revoked in the same transaction; requests already under way
// fail too, because every request re-reads the active flag. Users cannot
// deactivate themselves, and the last active admin cannot be deactivated.
func (p *People) DeactivateUser(ctx context.Context, id int64) (cases.User, error) {
	if actor, ok := cases.ActorFrom(ctx); ok && actor.ID == id {
		return cases.User{}, cases.Errorf(cases.Invalid, "you cannot deactivate yourself; ask another admin")
	}
	var u cases.User
	err := inTx(ctx, p.db, nil, "user", func(tx *sqlx.Tx) error {
		if err := keepAnAdminTx(ctx, tx, id, "deactivate"); err != nil {
			return err
		}
		err := tx.GetContext(ctx, &u, `
			UPDATE users AS u SET active = false, updated_at = now()
			WHERE u.id = $1
			RETURNING `+userColumns, id)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "no user %d", id)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, id)
		return err
	})
	return u, err
}

// ReactivateUser lets a deactivated user sign in again. Their old sessions
// and tokens stay ended.
func (p *People) ReactivateUser(ctx context.Context, id int64) (cases.User, error) {
	var u cases.User
	err := inTx(ctx, p.db, nil, "user", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, &u, `
			UPDATE users AS u SET active = true, updated_at = CASE WHEN u.active THEN u.updated_at ELSE now() END
			WHERE u.id = $1
			RETURNING `+userColumns, id)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "no user %d", id)
		}
		return err
	})
	return u, err
}

// keepAnAdminTx refuses to take admin rights from user id when no other
// active admin would remain. It locks the active admins' rows, so two admins
// demoting each other at once cannot both succeed.
func keepAnAdminTx(ctx context.Context, tx *sqlx.Tx, id int64, verb string) error {
	var admins []int64
	if err := tx.SelectContext(ctx, &admins, `
		SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE`); err != nil {
		return err
	}
	others := 0
	target := false
	for _, a := range admins {
		if a == id {
			target = true
		} else {
			others++
		}
	}
	if target && others == 0 {
		return cases.Errorf(cases.Conflict, "cannot %s the last active admin; make another user admin first", verb)
	}
	return nil
}

// emailConflict names the field of a duplicate email: the unique index is
// on an expression, so PostgreSQL reports no column.
func emailConflict(err error) error {
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == "users_email_key" {
		return &cases.Error{Code: cases.Conflict, Field: "email", Message: "a user with this email already exists", Err: err}
	}
	return err
}

// Directory returns the active users, by name.
func (p *People) Directory(ctx context.Context) ([]cases.Person, error) {
	people := []cases.Person{}
	err := p.db.SelectContext(ctx, &people, `SELECT id, display_name, role FROM users WHERE active ORDER BY display_name, id`)
	return people, formatError(err, "users")
}

// firstAdminLock serialises instances bootstrapping the first admin
// ("redress\x03").
const firstAdminLock int64 = 0x7265647265737303

// CreateFirstAdmin creates n as an admin when nobody has an account yet, so
// that a new installation can be signed in to (REDRESS_ADMIN_EMAIL). It
// reports whether it created the account; with any user present it does
// nothing, so the bootstrap never resurrects or adds an account later.
func (p *People) CreateFirstAdmin(ctx context.Context, n cases.NewUser) (cases.User, bool, error) {
	n.Role = cases.RoleAdmin
	n, err := n.Normalize()
	if err != nil {
		return cases.User{}, false, err
	}
	hash, err := p.passwords.Hash(ctx, n.Password)
	if err != nil {
		return cases.User{}, false, err
	}
	var u cases.User
	created := false
	err = inTx(ctx, p.db, nil, "user", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, firstAdminLock); err != nil {
			return err
		}
		var any bool
		if err := tx.GetContext(ctx, &any, `SELECT EXISTS (SELECT 1 FROM users)`); err != nil || any {
			return err
		}
		created = true
		return tx.GetContext(ctx, &u, `
			INSERT INTO users AS u (email, display_name, role, language, time_zone, password_hash)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING `+userColumns,
			n.Email, n.DisplayName, n.Role, n.Language, n.TimeZone, hash)
	})
	return u, created, emailConflict(err)
}

// HasUsers reports whether anyone has an account yet.
func (p *People) HasUsers(ctx context.Context) (bool, error) {
	var any bool
	err := p.db.GetContext(ctx, &any, `SELECT EXISTS (SELECT 1 FROM users)`)
	return any, formatError(err, "users")
}
