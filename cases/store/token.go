package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

const tokenColumns = `t.id, t.user_id, t.name, t.created_at, t.last_used_at`

// CreateToken creates an API token for the acting user.
func (p *People) CreateToken(ctx context.Context, name string) (cases.NewAPIToken, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.NewAPIToken{}, err
	}
	if name, err = cases.NormalizeTokenName(name); err != nil {
		return cases.NewAPIToken{}, err
	}
	secret := newSecret(cases.TokenPrefix)
	nt := cases.NewAPIToken{Token: secret}
	err = inTx(ctx, p.db, nil, "token", func(tx *sqlx.Tx) error {
		// Lock the owner so that concurrent creations count each other.
		var live int
		if err := tx.GetContext(ctx, &live, `
			SELECT (SELECT count(*) FROM api_tokens WHERE user_id = u.id AND revoked_at IS NULL)
			FROM users u WHERE u.id = $1 AND u.active FOR UPDATE`, actor.ID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return badCredentials()
			}
			return err
		}
		if live >= cases.MaxTokensPerUser {
			return cases.Errorf(cases.Conflict, "you already have %d tokens; revoke one first", cases.MaxTokensPerUser)
		}
		return tx.GetContext(ctx, &nt.APIToken, `
			INSERT INTO api_tokens AS t (user_id, name, token_hash) VALUES ($1, $2, $3)
			RETURNING `+tokenColumns, actor.ID, name, tokenHash(secret))
	})
	if err != nil {
		return cases.NewAPIToken{}, err
	}
	return nt, nil
}

// Tokens lists the live tokens of owner, oldest first. Users see their own;
// admins see anyone's.
func (p *People) Tokens(ctx context.Context, owner int64) ([]cases.APIToken, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if owner != actor.ID && actor.Role != cases.RoleAdmin {
		return nil, cases.Errorf(cases.Forbidden, "only admins see other users' tokens")
	}
	tokens := []cases.APIToken{}
	err = p.db.SelectContext(ctx, &tokens, `
		SELECT `+tokenColumns+` FROM api_tokens t
		WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.id`, owner)
	return tokens, formatError(err, "tokens")
}

// RevokeToken ends a token at once. Users revoke their own; admins any.
// A token that is already revoked, or not visible to the actor, is NotFound.
func (p *People) RevokeToken(ctx context.Context, id int64) error {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	return inTx(ctx, p.db, nil, "token", func(tx *sqlx.Tx) error {
		res, err := tx.ExecContext(ctx, `
			UPDATE api_tokens SET revoked_at = now()
			WHERE id = $1 AND revoked_at IS NULL AND (user_id = $2 OR $3)`,
			id, actor.ID, actor.Role == cases.RoleAdmin)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cases.Errorf(cases.NotFound, "no token %d", id)
		}
		return nil
	})
}

// ResolveToken returns the user a bearer token authenticates, in one indexed
// query that also checks the token is live and its user active. Anything
// else is Unauthorized. last_used_at is refreshed at most once a minute.
func (p *People) ResolveToken(ctx context.Context, token string) (cases.TokenAuth, error) {
	if !wellFormedSecret(token, cases.TokenPrefix) {
		return cases.TokenAuth{}, badCredentials()
	}
	stmt, err := p.resolveToken.get(ctx, p.db)
	if err != nil {
		return cases.TokenAuth{}, formatError(err, "token")
	}
	var auth cases.TokenAuth
	var stale bool
	err = stmt.QueryRowContext(ctx, tokenHash(token)).Scan(userFields(&auth.User, &auth.TokenID, &stale)...)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.TokenAuth{}, badCredentials()
	}
	if err != nil {
		return cases.TokenAuth{}, formatError(err, "token")
	}
	if stale {
		if _, err := p.db.ExecContext(ctx, `
			UPDATE api_tokens SET last_used_at = now()
			WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
			auth.TokenID); err != nil {
			return cases.TokenAuth{}, formatError(err, "token")
		}
	}
	return auth, nil
}

// resolveTokenSQL's columns are in the order userFields expects.
const resolveTokenSQL = `
	SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute', ` + userColumns + `
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`
