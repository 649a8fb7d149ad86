// Package api is Redress's JSON surface (SPEC §11): thin handlers, one file
// per resource, that bind and check a request, call the case actions or the
// stores, and answer JSON. Errors go to the server's one error handler.
package api

import (
	"log/slog"

	"redress/cases/store"
	"redress/server/actions"
	"redress/server/auth"
	"redress/server/config"
	"redress/server/webhook"
	"redress/workflows"
)

// Deps is what the API's handlers work with.
type Deps struct {
	Config  config.Config
	Log     *slog.Logger
	Store   *store.Store
	People  *store.People
	Inbox   *store.Notifications
	Hooks   *store.Webhooks
	Actions *actions.Cases
	// Imports and DeskPolicy are the import and the desk policy's
	// operations.
	Imports    *actions.Imports
	DeskPolicy *actions.DeskPolicy
	// Handovers are the shift handover's operations.
	Handovers *actions.Handovers
	Gate      *auth.Gate
	Sender    *webhook.Sender
	Policy    workflows.Policy
	Replies   *actions.Replies
	Tone      *actions.Tone
	// Reports are the figures and the case export.
	Reports *actions.Reports
	// Draining is closed when the server shuts down.
	Draining <-chan struct{}
}

// deps is Deps under the short names the handlers use.
type deps struct {
	cfg    config.Config
	log    *slog.Logger
	store  *store.Store
	people *store.People
	inbox  *store.Notifications
	hooks  *store.Webhooks
	ops    *actions.Cases
	// imports and deskPolicy are the import and the desk policy's
	// operations.
	imports    *actions.Imports
	deskPolicy *actions.DeskPolicy
	gate       *auth.Gate
	// handovers are the shift handover's operations.
	handovers *actions.Handovers
	sender    *webhook.Sender
	policy    workflows.Policy
	replies   *actions.Replies
	tone      *actions.Tone
	reports   *actions.Reports
	draining  <-chan struct{}
}

// API is the JSON surface, one handler group per resource.
type API struct {
	Cases         *Cases
	Evidence      *Evidence
	People        *People
	Notifications *Notifications
	Webhooks      *Webhooks
	Desk          *Desk
	DeskPolicy    *DeskPolicy
	Intake        *Intake
	Handovers     *Handovers
	Replies       *Replies
	Tone          *Tone
	Reports       *Reports
	Docs          *Docs
}

// Handovers handles the shift handover and the shops whose shifts it
// follows.
type Handovers struct{ *deps }

// Cases handles /api/v1/cases and its sub-resources but evidence.
type Cases struct{ *deps }

// Intake handles imports of exports, their saved mappings and the
// platforms' deadline rules.
type Intake struct{ *deps }

// DeskPolicy handles what admins set of the desk: remedy limits, exchange
// rates, the audit checklist, the desk's settings (supervisors read).
type DeskPolicy struct{ *deps }

// Evidence handles evidence uploads, downloads, packs and voids.
type Evidence struct{ *deps }

// People handles sign-in, the signed-in user, tokens and the user directory.
type People struct{ *deps }

// Notifications handles the signed-in user's inbox.
type Notifications struct{ *deps }

// Webhooks handles the admins' webhook targets and their deliveries.
type Webhooks struct{ *deps }

// Replies handles the team's reply library.
type Replies struct{ *deps }

// Tone handles the tone check and (admins) its rules.
type Tone struct{ *deps }

// Docs serves the API's own description.
type Docs struct{}

// New returns the API over d.
func New(d Deps) *API {
	dd := &deps{cfg: d.Config, log: d.Log, store: d.Store, people: d.People, inbox: d.Inbox, hooks: d.Hooks,
		ops: d.Actions, imports: d.Imports, deskPolicy: d.DeskPolicy, gate: d.Gate, sender: d.Sender, policy: d.Policy, handovers: d.Handovers, replies: d.Replies, tone: d.Tone, reports: d.Reports, draining: d.Draining}
	return &API{Cases: &Cases{dd}, Evidence: &Evidence{dd}, People: &People{dd},
		Notifications: &Notifications{dd}, Webhooks: &Webhooks{dd}, Desk: &Desk{dd}, DeskPolicy: &DeskPolicy{dd}, Intake: &Intake{dd}, Handovers: &Handovers{dd},
		Replies: &Replies{dd}, Tone: &Tone{dd}, Reports: &Reports{dd}, Docs: &Docs{}}
}
