package web

import (
	"slices"
	"strconv"
	"strings"

	"redress/cases"
	"redress/workflows"
	"redress/workflows/tone"
)

// stepView is one state of the protocol's stepper.
type stepView struct {
	State  cases.State
	Label  string
	Status string // done, current or todo
}

// steps is the protocol drawn as a stepper with c's state marked.
func (h *CasePages) steps(v *view, c cases.Case) []stepView {
	cur := slices.Index(cases.States(), c.State)
	var out []stepView
	for i, st := range cases.States() {
		status := "todo"
		switch {
		case i < cur:
			status = "done"
		case i == cur:
			status = "current"
		}
		out = append(out, stepView{State: st, Label: h.t(v, "state."+string(st)), Status: status})
	}
	return out
}

// moveView is the form of one move the case may make now.
type moveView struct {
	Move    workflows.MoveKind
	To      cases.State
	ID      string
	Title   string
	Fields  []fieldView
	Blocked string
	Primary bool
	Form    *formState
	// Propose offers, beside the move, to ask a supervisor to approve the
	// remedy typed into it: shown once the remedy was found to need the
	// approval (or the request itself was refused), so that the remedy is
	// typed once, in the move that applies it.
	Propose bool
}

// fieldView is one input of a generated form.
type fieldView struct {
	Name, ID, Label, Help string
	Type                  string // textarea, text, select or hidden
	Value                 string
	Options               []option
	Required              bool
	Fixed                 string // the label of a value the move fixes
	InputMode             string
	Err                   *fieldErr
	// ToneStage, when set, has the page check the text's tone as it is
	// typed (POST /api/v1/tone/check); ReplyStage offers the library's
	// replies of that stage for insertion with / or ::.
	ToneStage  string
	ReplyStage cases.State
	ReplyID    string
}

// moves builds the forms of the moves NextMoves offers; the posted form,
// when it was refused, comes back with what was typed and its errors.
func (h *CasePages) moves(v *view, c cases.Case, hasAbuseEvidence bool, posted *formState) []moveView {
	var out []moveView
	for i, spec := range workflows.NextMoves(c, hasAbuseEvidence) {
		mv := moveView{Move: spec.Move, To: spec.To, ID: "move-" + string(spec.Move), Primary: i == 0 && c.State.Open(),
			Title: h.t(v, "move."+string(spec.Move)) + " → " + h.t(v, "state."+string(spec.To))}
		if posted != nil && posted.Name == mv.ID {
			mv.Form = posted
			mv.Propose = slices.Contains(spec.Needs, "remedy") && (posted.NeedsApproval || posted.Get("propose") != "")
		}
		if spec.Blocked != "" {
			mv.Blocked = h.t(v, "moves.blocked_evidence")
		}
		for _, name := range append(slices.Clone(spec.Needs), spec.Optional...) {
			mv.Fields = append(mv.Fields, h.stageInputs(v, c, mv, spec, name, slices.Contains(spec.Needs, name))...)
		}
		out = append(out, mv)
	}
	return out
}

// stageInputs are the inputs of one stage-data field of a move.
func (h *CasePages) stageInputs(v *view, c cases.Case, mv moveView, spec workflows.MoveSpec, name string, required bool) []fieldView {
	val := func(field, def string) string {
		if mv.Form != nil {
			return mv.Form.Get(field)
		}
		return def
	}
	field := func(name, typ, def string) fieldView {
		f := fieldView{Name: name, ID: mv.ID + "-" + strings.ReplaceAll(name, ".", "-"), Type: typ,
			Label: h.t(v, "stage."+name), Help: h.t(v, "need."+name), Value: val(name, def), Required: required}
		f.Err = mv.Form.Err(name)
		f.ToneStage, f.ReplyStage = textStages(name)
		if f.ReplyStage != "" {
			f.ReplyID = val("reply_id", "")
		}
		return f
	}
	switch name {
	case "root_cause":
		f := field(name, "select", "")
		if spec.RootCause != "" {
			f.Type, f.Value, f.Fixed = "hidden", string(spec.RootCause), h.t(v, "root_cause."+string(spec.RootCause))
			return []fieldView{f}
		}
		f.Options = enumOptions(h.UI, v, "root_cause", cases.RootCauses(), f.Value, h.t(v, "form.choose"))
		return []fieldView{f}
	case "remedy":
		typ, amount, currency := "", "", "CNY"
		if c.OrderValue != nil {
			currency = c.OrderValue.Currency
		}
		if r := c.Remedy; r != nil && c.State == cases.StateRemedy {
			typ, amount, currency = string(r.Type), r.Amount.Amount(), r.Amount.Currency
		}
		t := field("remedy.type", "select", typ)
		t.Options = enumOptions(h.UI, v, "remedy_type", cases.RemedyTypes(), t.Value, h.t(v, "form.choose"))
		t.Err = firstErr(mv.Form, "remedy.type", "remedy")
		a := field("remedy.amount", "text", amount)
		a.InputMode = "decimal"
		cur := field("remedy.currency", "text", currency)
		note := field("remedy.note", "textarea", "")
		note.Required = false
		return []fieldView{t, a, cur, note}
	case "outcome":
		sat := field("outcome.buyer_satisfied", "select", "")
		sat.Options = []option{{Value: "", Label: h.t(v, "form.choose")},
			{Value: "true", Label: h.t(v, "form.yes"), Selected: sat.Value == "true"},
			{Value: "false", Label: h.t(v, "form.no"), Selected: sat.Value == "false"}}
		sat.Err = firstErr(mv.Form, "outcome.buyer_satisfied", "outcome")
		rev := field("outcome.review", "select", "")
		rev.Options = enumOptions(h.UI, v, "review_outcome", cases.ReviewOutcomes(), rev.Value, h.t(v, "form.choose"))
		return []fieldView{sat, rev, field("outcome.note", "textarea", "")}
	case "close_reason":
		f := field(name, "select", "")
		f.Options = enumOptions(h.UI, v, "close_reason", cases.CloseReasons(), f.Value, h.t(v, "form.choose"))
		return []fieldView{f}
	}
	return []fieldView{field(name, "textarea", "")}
}

// textStages are the tone stage and the reply stage of a stage text:
// the texts sent to the buyer are tone-checked; those and the buyer's
// account can be written from the library.
func textStages(field string) (string, cases.State) {
	switch field {
	case "first_response":
		return tone.StageFirstResponse, cases.StateRespond
	case "account":
		return "", cases.StateListen
	case "apology":
		return tone.StageApology, cases.StateApologise
	case "remedy.note":
		return tone.StageRemedyOffer, cases.StateRemedy
	case "outcome.note":
		return tone.StageFollowUp, cases.StateFollowUp
	}
	return "", ""
}

// firstErr is the first error among names.
func firstErr(f *formState, names ...string) *fieldErr {
	for _, n := range names {
		if e := f.Err(n); e != nil {
			return e
		}
	}
	return nil
}

// moveFields lists the form fields of every move, for placing refusals.
func moveFields() []string {
	return append(stageFields(), "to")
}

// moveFromForm reads a move's stage data from its posted form; fields the
// move does not use are left empty.
func moveFromForm(f map[string][]string) workflows.Move {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	m := workflows.Move{
		To:                cases.State(get("to")),
		FirstResponse:     get("first_response"),
		Account:           get("account"),
		RootCause:         cases.RootCause(get("root_cause")),
		SkipApologyReason: get("skip_apology_reason"),
		Apology:           get("apology"),
		Reason:            get("reason"),
		CloseReason:       cases.CloseReason(get("close_reason")),
		Note:              get("note"),
		ReopenReason:      get("reopen_reason"),
		ReplyID:           formReplyID(get("reply_id")),
	}
	if _, ok := f["remedy.type"]; ok {
		m.Remedy = &workflows.RemedyInput{Type: cases.RemedyType(get("remedy.type")), Note: get("remedy.note"),
			MoneyInput: cases.MoneyInput{Amount: get("remedy.amount"), Currency: strings.ToUpper(strings.TrimSpace(get("remedy.currency")))}}
	}
	if _, ok := f["outcome.review"]; ok {
		o := &workflows.OutcomeInput{Review: cases.ReviewOutcome(get("outcome.review")), Note: get("outcome.note")}
		switch get("outcome.buyer_satisfied") {
		case "true":
			t := true
			o.BuyerSatisfied = &t
		case "false":
			f := false
			o.BuyerSatisfied = &f
		}
		m.Outcome = o
	}
	return m
}

// formReplyID reads the hidden reply_id a form carries when its text was
// inserted from the library; anything but an id is no reply.
func formReplyID(s string) *int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return nil
	}
	return &n
}
