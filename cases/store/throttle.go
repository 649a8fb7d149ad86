package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/jmoiron/sqlx"

	"redress/cases"
)

// Advisory lock classes that serialise sign-in attempts per account and per
// address, so that concurrent guesses are counted before any is checked.
const (
	lockClassAccount = 0x6c6f6731 // "log1"
	lockClassAddress = 0x6c6f6732 // "log2"
)

// AccountKey is what throttling counts failures of one email under: the
// SHA-256 of its lower-cased normal form. Unknown emails get keys too, so
// a lockout says nothing about whether an account exists.
func AccountKey(email string) []byte {
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return sum[:]
}

// AddressKey is what throttling counts failures of one client under: the
// IPv4 address, or the /64 of an IPv6 address (one host usually owns a
// whole /64, so counting single IPv6 addresses would count nothing).
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "unknown"
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return p.String()
}

// reserveAttempt counts a sign-in attempt as failed before its password is
// checked, unless the pair, the account or the address is over its limit,
// which is a TooMany error whose Extra["retry_after"] is the wait in
// seconds. The caller deletes the reservation when the attempt succeeds.
func (p *People) reserveAttempt(ctx context.Context, account []byte, address string) (int64, error) {
	var id int64
	err := inTx(ctx, p.db, nil, "sign-in attempt", func(tx *sqlx.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, $2), pg_advisory_xact_lock($3, $4)`,
			lockClassAccount, lockKey(account), lockClassAddress, lockKey([]byte(address))); err != nil {
			return err
		}
		window := p.policy.FailureWindow.Seconds()
		var wait struct {
			Pair    sql.NullInt64 `db:"pair_wait"`
			Account sql.NullInt64 `db:"account_wait"`
			Address sql.NullInt64 `db:"address_wait"`
		}
		// sql/login_failure_wait.sql
		err := tx.GetContext(ctx, &wait, loginFailureWait, account, address, window,
			p.policy.PairFailures, p.policy.AccountCeiling, p.policy.AddressCeiling, p.policy.Slowdown.Seconds())
		if err != nil {
			return err
		}
		scope, after := "", int64(0)
		for _, w := range []struct {
			scope string
			wait  sql.NullInt64
		}{{"account from this address", wait.Pair}, {"account", wait.Account}, {"address", wait.Address}} {
			if w.wait.Valid && w.wait.Int64 > after {
				scope, after = w.scope, w.wait.Int64
			}
		}
		if scope != "" {
			return &cases.Error{
				Code:    cases.TooMany,
				Message: "too many failed sign-ins; try again later",
				Extra:   map[string]any{"retry_after": after},
				Err:     fmt.Errorf("%s over its limit of failed sign-ins", scope),
			}
		}
		// Forget failures that have left the window; SKIP LOCKED keeps
		// concurrent sign-ins from waiting on each other's housekeeping.
		if _, err := tx.ExecContext(ctx, `
			DELETE FROM login_failures WHERE id IN (
			  SELECT id FROM login_failures WHERE at <= now() - make_interval(secs => $1)
			  LIMIT 100 FOR UPDATE SKIP LOCKED)`, window); err != nil {
			return err
		}
		return tx.GetContext(ctx, &id, `
			INSERT INTO login_failures (account, address) VALUES ($1, $2) RETURNING id`, account, address)
	})
	return id, err
}

// clearFailuresTx forgets the attempt that just succeeded and the
// account's failures from the same address: the person is back. Failures
// from other addresses still count, so a guesser elsewhere gains nothing
// from the real person signing in.
func clearFailuresTx(ctx context.Context, tx *sqlx.Tx, attempt int64, account []byte, address string) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE id = $1 OR (account = $2 AND address = $3)`,
		attempt, account, address)
	return err
}

// lockKey folds a key into the 32 bits of an advisory lock; collisions only
// make two attempts wait for each other.
func lockKey(key []byte) int32 {
	sum := sha256.Sum256(key)
	return int32(binary.BigEndian.Uint32(sum[:4]))
}
