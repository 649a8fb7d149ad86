package auth

import (
	"encoding/hex"
	"errors"
	"log/slog"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/store"
)

// Sign-in throttling lives in the store (counters in PostgreSQL, shared by
// every instance); this file makes its outcomes visible to operators.
//
// The client address comes from echo's IPExtractor, which trusts
// X-Forwarded-For only from loopback and private-network peers (a reverse
// proxy), so a client on the internet cannot pick its own address.

// logLoginFailure records a refused sign-in. It logs the email's throttle
// key (a SHA-256 prefix that correlates attempts without storing addresses
// people mistype passwords into), never the email or the password.
func (g *Gate) logLoginFailure(c echo.Context, email string, err error) {
	var de *cases.Error
	if !errors.As(err, &de) {
		return
	}
	attrs := []any{
		slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)),
		slog.String("account", accountTag(email)),
		slog.String("remote_ip", c.RealIP()),
	}
	ctx := c.Request().Context()
	switch de.Code {
	case cases.Unauthorized:
		reason := "rejected"
		if de.Err != nil {
			reason = de.Err.Error()
		}
		g.log.WarnContext(ctx, "sign-in failed", append(attrs, slog.String("reason", reason))...)
	case cases.TooMany:
		reason := "throttled"
		if de.Err != nil {
			reason = de.Err.Error()
		}
		g.log.WarnContext(ctx, "sign-in locked out",
			append(attrs, slog.String("reason", reason), slog.Any("retry_after", de.Extra["retry_after"]))...)
	}
}

// accountTag identifies an email in logs without revealing it.
func accountTag(email string) string {
	norm, err := cases.NormalizeEmail(email)
	if err != nil {
		return "invalid"
	}
	return hex.EncodeToString(store.AccountKey(norm)[:8])
}
