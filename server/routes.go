package server

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"redress/server/auth"
	"redress/server/request"
)

// Access levels, as the routes table reads best.
const (
	public     = auth.Public
	signedIn   = auth.SignedIn
	supervisor = auth.Supervisor
	admin      = auth.Admin
)

// route is one line of the routes table. A route that streams its body
// (uploads and imports) reads it under a limit of its own instead of
// REDRESS_MAX_BODY_BYTES, and checks a form's CSRF token in the body's
// first part.
type route struct {
	method  string
	path    string
	access  auth.Level
	handle  echo.HandlerFunc
	streams bool
}

// streamed marks a route that streams its body.
const streamed = true

// routes is the whole HTTP surface of Redress, in one table.
func (s *Server) routes() []route {
	a, w := s.api, s.web
	return []route{
		{http.MethodGet, "/healthz", public, s.healthz, false},
		{http.MethodGet, "/readyz", public, s.readyz, false},
		{http.MethodGet, "/metrics", public, s.metrics.handler(s.cfg.MetricsAllow, s.cfg.MetricsToken), false},
		{http.MethodGet, "/api/openapi.yaml", public, a.Docs.OpenAPI, false},
		{http.MethodGet, "/api/docs", public, w.UI.APIDocs, false},

		// People and access.
		{http.MethodPost, "/api/v1/auth/login", public, a.People.Login, false},
		{http.MethodPost, "/api/v1/auth/logout", signedIn, a.People.Logout, false},
		{http.MethodGet, "/api/v1/me", signedIn, a.People.Me, false},
		{http.MethodPatch, "/api/v1/me", signedIn, a.People.UpdateMe, false},
		{http.MethodPost, "/api/v1/me/password", signedIn, a.People.ChangePassword, false},
		{http.MethodGet, "/api/v1/tokens", signedIn, a.People.ListTokens, false},
		{http.MethodPost, "/api/v1/tokens", signedIn, a.People.CreateToken, false},
		{http.MethodDelete, "/api/v1/tokens/:id", signedIn, a.People.RevokeToken, false},
		{http.MethodGet, "/api/v1/people", signedIn, a.People.ListPeople, false},
		{http.MethodGet, "/api/v1/users", admin, a.People.ListUsers, false},
		{http.MethodPost, "/api/v1/users", admin, a.People.CreateUser, false},
		{http.MethodGet, "/api/v1/users/:id", admin, a.People.GetUser, false},
		{http.MethodPatch, "/api/v1/users/:id", admin, a.People.UpdateUser, false},
		{http.MethodPost, "/api/v1/users/:id/deactivate", admin, a.People.DeactivateUser, false},
		{http.MethodPost, "/api/v1/users/:id/reactivate", admin, a.People.ReactivateUser, false},

		// Cases and the handling protocol.
		{http.MethodPost, "/api/v1/cases", signedIn, a.Cases.Create, false},
		{http.MethodGet, "/api/v1/cases", signedIn, a.Cases.List, false},
		{http.MethodPost, "/api/v1/cases/import", signedIn, a.Intake.Import, streamed},
		{http.MethodGet, "/api/v1/cases/:id", signedIn, a.Cases.Get, false},
		{http.MethodPatch, "/api/v1/cases/:id", signedIn, a.Cases.Patch, false},
		{http.MethodPost, "/api/v1/cases/:id/transitions", signedIn, a.Cases.Transition, false},
		{http.MethodPost, "/api/v1/cases/:id/assignment", signedIn, a.Cases.Assign, false},
		{http.MethodPost, "/api/v1/cases/:id/comments", signedIn, a.Cases.Comment, false},
		{http.MethodPost, "/api/v1/cases/:id/remedy", signedIn, a.Cases.ProposeRemedy, false},
		{http.MethodPost, "/api/v1/cases/:id/contact", signedIn, a.Cases.RevealContact, false},
		{http.MethodGet, "/api/v1/cases/:id/events", signedIn, a.Cases.Events, false},
		{http.MethodGet, "/api/v1/cases/:id/events/verify", signedIn, a.Cases.Verify, false},

		// Reports from the ledgers (agents get their own figures), and the
		// case list's export.
		{http.MethodGet, "/api/v1/reports/summary", signedIn, a.Reports.Summary, false},
		{http.MethodGet, "/api/v1/cases/export.csv", signedIn, a.Reports.ExportCases, false},
		// … and their pages: charts and tables per figure, the daily report.
		{http.MethodGet, "/reports", signedIn, w.Reports.Page, false},
		{http.MethodGet, "/reports/daily", signedIn, w.Reports.Daily, false},

		// Supervisor's desk: remedy approvals and their policy, the audit
		// queue, the scorecard, verdicts and disputes.
		{http.MethodGet, "/api/v1/approvals", supervisor, a.Desk.Approvals, false},
		{http.MethodPost, "/api/v1/cases/:id/approvals", supervisor, a.Desk.Decide, false},
		{http.MethodGet, "/api/v1/cases/:id/remedies", signedIn, a.Desk.Remedies, false},
		{http.MethodGet, "/api/v1/remedy-policies", supervisor, a.DeskPolicy.RemedyPolicy, false},
		{http.MethodPost, "/api/v1/remedy-policies", admin, a.DeskPolicy.SaveRemedyPolicy, false},
		{http.MethodPost, "/api/v1/exchange-rates", admin, a.DeskPolicy.SaveExchangeRate, false},
		{http.MethodGet, "/api/v1/audits/queue", supervisor, a.Desk.AuditQueue, false},
		{http.MethodGet, "/api/v1/audits/checklist", signedIn, a.DeskPolicy.Checklist, false},
		{http.MethodPost, "/api/v1/audits/checklist", admin, a.DeskPolicy.SaveChecklistItem, false},
		{http.MethodDelete, "/api/v1/audits/checklist/:key", admin, a.DeskPolicy.RetireChecklistItem, false},
		{http.MethodGet, "/api/v1/audits/calibration", supervisor, a.Desk.Calibration, false},
		{http.MethodGet, "/api/v1/desk-settings", supervisor, a.DeskPolicy.DeskSettings, false},
		{http.MethodPut, "/api/v1/desk-settings", admin, a.DeskPolicy.SaveDeskSettings, false},
		{http.MethodGet, "/api/v1/cases/:id/verdicts", signedIn, a.Desk.Verdicts, false},
		{http.MethodPost, "/api/v1/cases/:id/verdicts", supervisor, a.Desk.GiveVerdict, false},
		{http.MethodPost, "/api/v1/verdicts/:id/dispute", signedIn, a.Desk.Dispute, false},
		// Intake: native exports and saved column mappings, platform rules.
		{http.MethodPost, "/api/v1/cases/import/preview", signedIn, a.Intake.PreviewImport, streamed},
		{http.MethodGet, "/api/v1/import/mappings", signedIn, a.Intake.Mappings, false},
		{http.MethodPost, "/api/v1/import/mappings", signedIn, a.Intake.SaveMapping, false},
		{http.MethodGet, "/api/v1/platform-rules", signedIn, a.Intake.PlatformRules, false},
		{http.MethodPut, "/api/v1/platform-rules/:platform/:kind", admin, a.Intake.SetPlatformRule, false},
		{http.MethodPost, "/api/v1/cases/:id/return-received", signedIn, a.Cases.ReturnReceived, false},

		// Reminders: my notification inbox; webhooks (admins).
		{http.MethodGet, "/api/v1/notifications", signedIn, a.Notifications.List, false},
		{http.MethodGet, "/api/v1/notifications/unread-count", signedIn, a.Notifications.Unread, false},
		{http.MethodPost, "/api/v1/notifications/read-all", signedIn, a.Notifications.ReadAll, false},
		{http.MethodPost, "/api/v1/notifications/:id/read", signedIn, a.Notifications.Read, false},
		{http.MethodGet, "/api/v1/webhooks", admin, a.Webhooks.List, false},
		{http.MethodPost, "/api/v1/webhooks", admin, a.Webhooks.Create, false},
		{http.MethodGet, "/api/v1/webhooks/:id", admin, a.Webhooks.Get, false},
		{http.MethodPatch, "/api/v1/webhooks/:id", admin, a.Webhooks.Patch, false},
		{http.MethodDelete, "/api/v1/webhooks/:id", admin, a.Webhooks.Delete, false},
		{http.MethodGet, "/api/v1/webhooks/:id/deliveries", admin, a.Webhooks.Deliveries, false},

		// Evidence: immutable, hashed, voided only by a supervisor.
		{http.MethodPost, "/api/v1/cases/:id/evidence", signedIn, a.Evidence.Add, streamed},
		{http.MethodGet, "/api/v1/cases/:id/evidence", signedIn, a.Evidence.List, false},
		{http.MethodGet, "/api/v1/cases/:id/evidence.zip", signedIn, a.Evidence.Pack, false},
		{http.MethodPost, "/api/v1/evidence/parse", signedIn, a.Evidence.ParseChat, false},
		{http.MethodGet, "/api/v1/evidence/:id", signedIn, a.Evidence.Get, false},
		{http.MethodGet, "/api/v1/evidence/:id/content", signedIn, a.Evidence.Content, false},
		{http.MethodPost, "/api/v1/evidence/:id/void", supervisor, a.Evidence.Void, false},

		// Shift handover. Shops and their shifts (admins edit), the view at a
		// shift's end, handing over, acknowledging, the history.
		{http.MethodGet, "/api/v1/shops", signedIn, a.Handovers.ListShops, false},
		{http.MethodPost, "/api/v1/shops", admin, a.Handovers.CreateShop, false},
		{http.MethodGet, "/api/v1/shops/:id", signedIn, a.Handovers.GetShop, false},
		{http.MethodPatch, "/api/v1/shops/:id", admin, a.Handovers.PatchShop, false},
		{http.MethodGet, "/api/v1/handover", signedIn, a.Handovers.View, false},
		{http.MethodGet, "/api/v1/handovers", signedIn, a.Handovers.List, false},
		{http.MethodPost, "/api/v1/handovers", signedIn, a.Handovers.Create, false},
		{http.MethodGet, "/api/v1/handovers/:id", signedIn, a.Handovers.Get, false},
		{http.MethodPost, "/api/v1/handovers/:id/ack", signedIn, a.Handovers.Ack, false},
		// … and its pages: the end-of-shift page, the incoming agent's inbox.
		{http.MethodGet, "/handover", signedIn, w.HandoverPages.EndOfShift, false},
		{http.MethodPost, "/handover", signedIn, w.HandoverPages.HandOver, false},
		{http.MethodGet, "/handovers", signedIn, w.HandoverPages.Inbox, false},
		{http.MethodPost, "/handovers/:id/ack", signedIn, w.HandoverPages.Ack, false},

		// Reply library and tone.
		{http.MethodGet, "/api/v1/replies", signedIn, a.Replies.List, false},
		{http.MethodPost, "/api/v1/replies", signedIn, a.Replies.Create, false},
		{http.MethodGet, "/api/v1/replies/:id", signedIn, a.Replies.Get, false},
		{http.MethodPatch, "/api/v1/replies/:id", signedIn, a.Replies.Patch, false},
		{http.MethodDelete, "/api/v1/replies/:id", signedIn, a.Replies.Delete, false},
		{http.MethodPost, "/api/v1/replies/:id/approval", supervisor, a.Replies.Approve, false},
		{http.MethodPost, "/api/v1/replies/:id/uses", signedIn, a.Replies.Use, false},
		{http.MethodPost, "/api/v1/tone/check", signedIn, a.Tone.Check, false},
		{http.MethodGet, "/api/v1/tone/rules", admin, a.Tone.Rules, false},
		{http.MethodPost, "/api/v1/tone/rules", admin, a.Tone.CreateRule, false},
		{http.MethodPatch, "/api/v1/tone/rules/:id", admin, a.Tone.PatchRule, false},
		{http.MethodDelete, "/api/v1/tone/rules/:id", admin, a.Tone.DeleteRule, false},
		{http.MethodGet, "/replies", signedIn, w.Replies.Page, false},
		{http.MethodPost, "/replies", signedIn, w.Replies.Create, false},
		{http.MethodPost, "/replies/:id", signedIn, w.Replies.Update, false},
		{http.MethodPost, "/replies/:id/approval", supervisor, w.Replies.Approve, false},
		{http.MethodPost, "/replies/:id/delete", signedIn, w.Replies.Delete, false},

		// The web workspace: pages and their forms, under the same access
		// levels. A visitor is sent to /login instead of a 401.
		{http.MethodGet, "/static/:name", public, w.UI.Static, false},
		{http.MethodGet, "/login", public, w.Sessions.LoginPage, false},
		{http.MethodPost, "/login", public, w.Sessions.Login, false},
		{http.MethodPost, "/logout", signedIn, w.Sessions.Logout, false},
		{http.MethodPost, "/settings/language", signedIn, w.Sessions.Language, false},
		{http.MethodGet, "/", signedIn, w.Queue.Mine, false},
		{http.MethodGet, "/cases", supervisor, w.Queue.All, false},
		{http.MethodGet, "/cases/new", signedIn, w.NewCase.Page, false},
		{http.MethodPost, "/cases", signedIn, w.NewCase.Create, false},
		{http.MethodGet, "/cases/:id", signedIn, w.CasePages.Show, false},
		{http.MethodPost, "/cases/:id/transitions", signedIn, w.CasePages.Transition, false},
		{http.MethodPost, "/cases/:id/assignment", signedIn, w.CasePages.Assign, false},
		{http.MethodPost, "/cases/:id/comments", signedIn, w.CasePages.Comment, false},
		{http.MethodPost, "/cases/:id/remedy", signedIn, w.CasePages.Remedy, false},
		{http.MethodPost, "/cases/:id/contact", signedIn, w.CasePages.RevealContact, false},
		{http.MethodPost, "/cases/:id/return-received", signedIn, w.CasePages.ReturnReceived, false},
		{http.MethodPost, "/cases/:id/evidence", signedIn, w.CasePages.AddEvidence, streamed},
		{http.MethodPost, "/evidence/:id/void", supervisor, w.CasePages.Void, false},

		// Supervisor's desk: the approvals and audit queues, decisions on
		// remedies, audits and verdicts, disputes, the remedy policy.
		{http.MethodGet, "/desk", supervisor, w.Desk.Page, false},
		{http.MethodPost, "/cases/:id/approvals", supervisor, w.CasePages.Decide, false},
		{http.MethodGet, "/cases/:id/audit", supervisor, w.CasePages.Audit, false},
		{http.MethodPost, "/cases/:id/verdicts", supervisor, w.CasePages.Verdict, false},
		{http.MethodPost, "/verdicts/:id/dispute", signedIn, w.CasePages.Dispute, false},
		{http.MethodGet, "/desk/policy", admin, w.Desk.Policy, false},
		{http.MethodPost, "/desk/policy/limits", admin, w.Desk.SaveLimits, false},
		{http.MethodPost, "/desk/policy/rates", admin, w.Desk.SaveRate, false},
		{http.MethodPost, "/desk/policy/checklist", admin, w.Desk.SaveChecklistItem, false},
		{http.MethodPost, "/desk/policy/checklist/:key/retire", admin, w.Desk.RetireChecklistItem, false},
		{http.MethodPost, "/desk/policy/settings", admin, w.Desk.SaveSettings, false},

		{http.MethodGet, "/notifications", signedIn, w.Notifications.Page, false},
		{http.MethodPost, "/notifications/read-all", signedIn, w.Notifications.ReadAll, false},
		{http.MethodPost, "/notifications/:id/read", signedIn, w.Notifications.Read, false},
		{http.MethodGet, "/import", signedIn, w.Import.Page, false},
		{http.MethodPost, "/import", signedIn, w.Import.Upload, streamed},
		{http.MethodGet, "/users", admin, w.Users.Page, false},
		{http.MethodPost, "/users", admin, w.Users.Create, false},
		{http.MethodPost, "/users/:id/deactivate", admin, w.Users.Deactivate, false},
		{http.MethodPost, "/users/:id/reactivate", admin, w.Users.Reactivate, false},
		// Rules kept as data (admins): the platforms' deadlines, tone rules.
		{http.MethodGet, "/platform-rules", admin, w.Rules.PlatformRules, false},
		{http.MethodPost, "/platform-rules", admin, w.Rules.SavePlatformRule, false},
		{http.MethodGet, "/tone-rules", admin, w.Rules.ToneRules, false},
		{http.MethodPost, "/tone-rules", admin, w.Rules.CreateToneRule, false},
		{http.MethodPost, "/tone-rules/:id", admin, w.Rules.UpdateToneRule, false},
		{http.MethodPost, "/tone-rules/:id/delete", admin, w.Rules.DeleteToneRule, false},
	}
}

// registerRoutes adds every route with its access check, the body limit
// that every request but a streaming route's is held to (unmatched paths
// included), and the refusal of text PostgreSQL cannot store.
func (s *Server) registerRoutes() {
	streams := map[string]bool{}
	for _, r := range s.routes() {
		mw := []echo.MiddlewareFunc{s.gate.Require(r.access, r.streams)}
		if !r.streams {
			// Uploads and imports bound their own time by their transfer.
			mw = append([]echo.MiddlewareFunc{s.deadline}, mw...)
		}
		s.echo.Add(r.method, r.path, r.handle, mw...)
		if r.streams {
			streams[r.method+" "+r.path] = true
		}
	}
	s.echo.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   fmt.Sprintf("%dB", s.cfg.MaxBodyBytes),
		Skipper: func(c echo.Context) bool { return streams[c.Request().Method+" "+c.Path()] },
	}), request.CheckText)
}

// deadline bounds a request's work (REDRESS_REQUEST_TIMEOUT): the
// database calls under its context stop there, and the client gets a 503
// with Retry-After rather than a request that hangs.
func (s *Server) deadline(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.RequestTimeout)
		defer cancel()
		c.SetRequest(c.Request().WithContext(ctx))
		if err := next(c); err != nil {
			// Answer the error while the context lives: an error page
			// reads the database too (the header's unread count).
			c.Error(err)
		}
		return nil
	}
}

// RouteInfo is one route's method, echo path and access level
// ("public", "signed-in", "supervisor" or "admin"). Page is true for the
// web pages, which are not part of the API's OpenAPI document and send
// visitors to sign in rather than answer 401.
type RouteInfo struct {
	Method, Path, Access string
	Page                 bool
}

// RouteAccess lists the routes table's access levels, so that tests can
// check every registered route against the level it claims.
func (s *Server) RouteAccess() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Access: r.access.String(), Page: !isAPIPath(r.path)})
	}
	return out
}
