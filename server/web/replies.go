package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/actions"
	"redress/server/request"
	"redress/workflows"
	"redress/workflows/tone"
)

// repliesView is the reply library's page: the ranked library, the
// proposals waiting for approval, and the form to add or propose a reply.
type repliesView struct {
	Items     []replyRow
	Proposals []replyRow
	Filters   []fieldView
	Sort      string
	Fields    []fieldView
	Form      *formState
	Variables []string
	// Editing is the reply the form changes (?edit=<id>), 0 for a new one.
	Editing int64
}

// replyRow is one reply as the page shows it.
type replyRow struct {
	workflows.RankedReply
	Author   string
	Warnings []tone.Warning
	CanEdit  bool
}

// replyInputs are the add form's inputs, as the API names them.
func replyInputs() []string { return []string{"stage", "kind", "lang", "title", "body"} }

// Page handles GET /replies.
func (h *Replies) Page(c echo.Context) error {
	v, err := h.view(c, "replies", "replies.title")
	if err != nil {
		return err
	}
	values := url.Values{"lang": {string(v.Lang)}, "stage": {string(cases.StateApologise)}}
	var editing int64
	if id, err := strconv.ParseInt(c.QueryParam("edit"), 10, 64); err == nil && id > 0 {
		// The edit link fills the form with the reply as it is; one the
		// viewer may not see is not found.
		r, err := h.replies.Get(c.Request().Context(), id)
		if err != nil {
			return err
		}
		kind := ""
		if r.Kind != nil {
			kind = string(*r.Kind)
		}
		values = url.Values{"stage": {string(r.Stage)}, "kind": {kind}, "lang": {string(r.Lang)}, "title": {r.Title}, "body": {r.Body}}
		editing = id
	}
	return h.page(c, http.StatusOK, v, values, nil, editing)
}

func (h *Replies) page(c echo.Context, status int, v *view, values url.Values, f *formState, editing int64) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	filter := cases.ReplyFilter{Stage: cases.State(q.Get("stage")), Kind: cases.Kind(q.Get("kind")),
		Lang: cases.Language(q.Get("lang")), Q: q.Get("q")}
	items, err := h.replies.List(ctx, filter, q.Get("sort"))
	if err != nil {
		return err
	}
	dir, err := h.directory(c)
	if err != nil {
		return err
	}
	rv := &repliesView{Form: f, Sort: q.Get("sort"), Variables: workflows.ReplyVariables(), Editing: editing}
	actor := v.User.Actor()
	rows := func(rs []workflows.RankedReply) []replyRow {
		var out []replyRow
		for _, r := range rs {
			row := replyRow{RankedReply: r, Author: dir.name(&r.CreatedBy),
				CanEdit: actor.Role.Supervises() || (r.CreatedBy == actor.ID && r.Status == cases.ReplyProposed)}
			_ = json.Unmarshal(r.ToneWarnings, &row.Warnings)
			out = append(out, row)
		}
		return out
	}
	rv.Items = rows(items)
	proposals, err := h.replies.List(ctx, cases.ReplyFilter{Status: cases.ReplyProposed}, "")
	if err != nil {
		return err
	}
	rv.Proposals = rows(proposals)
	stage := fieldView{Name: "stage", ID: "filter-stage", Type: "select", Label: h.t(v, "replies.stage"), Value: q.Get("stage")}
	stage.Options = enumOptions(h.UI, v, "state", workflows.ReplyStages(), stage.Value, h.t(v, "replies.any"))
	lang := fieldView{Name: "lang", ID: "filter-lang", Type: "select", Label: h.t(v, "replies.lang"), Value: q.Get("lang")}
	lang.Options = enumOptions(h.UI, v, "lang", cases.Languages(), lang.Value, h.t(v, "replies.any"))
	sort := fieldView{Name: "sort", ID: "filter-sort", Type: "select", Label: h.t(v, "replies.sort"), Value: q.Get("sort")}
	sort.Options = []option{{Value: workflows.ReplySortOutcome, Label: h.t(v, "replies.sort_outcome"), Selected: sort.Value != workflows.ReplySortUses},
		{Value: workflows.ReplySortUses, Label: h.t(v, "replies.sort_uses"), Selected: sort.Value == workflows.ReplySortUses}}
	search := fieldView{Name: "q", ID: "filter-q", Type: "search", Label: h.t(v, "replies.search"), Value: q.Get("q")}
	rv.Filters = []fieldView{stage, lang, sort, search}
	for _, name := range replyInputs() {
		fv := fieldView{Name: name, ID: "reply-" + name, Type: "text", Label: h.t(v, "replies.field."+name),
			Value: values.Get(name), Err: f.Err(name), Required: name != "kind"}
		switch name {
		case "stage":
			fv.Type, fv.Options = "select", enumOptions(h.UI, v, "state", workflows.ReplyStages(), fv.Value, "")
		case "kind":
			fv.Type, fv.Options = "select", enumOptions(h.UI, v, "kind", cases.Kinds(), fv.Value, h.t(v, "replies.any_kind"))
		case "lang":
			fv.Type, fv.Options = "select", enumOptions(h.UI, v, "lang", cases.Languages(), fv.Value, "")
		case "body":
			fv.Type, fv.ToneStage, fv.Help = "textarea", tone.StageReply, h.t(v, "replies.body_help")
		}
		rv.Fields = append(rv.Fields, fv)
	}
	v.D = rv
	return h.render(c, status, "replies", v)
}

// Create handles POST /replies: a supervisor's or admin's reply joins the
// library, an agent's waits for approval.
func (h *Replies) Create(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	get := func(k string) *string { s := values.Get(k); return &s }
	in := actions.ReplyInput{Stage: get("stage"), Kind: get("kind"), Lang: get("lang"), Title: get("title"), Body: get("body")}
	r, err := h.replies.Create(c.Request().Context(), in)
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.Conflict:
		default:
			return err
		}
		v, verr := h.view(c, "replies", "replies.title")
		if verr != nil {
			return verr
		}
		f, status := h.refusal(v, "reply", values, replyInputs(), err)
		return h.page(c, status, v, values, f, 0)
	}
	if r.Status == cases.ReplyProposed {
		return redirect(c, "/replies?done=reply_proposed")
	}
	return redirect(c, "/replies?done=reply_added")
}

// Update handles POST /replies/{id}: the reply's text, stage, case kind
// and language as edited, tone-checked on save as PATCH /api/v1/replies/{id}
// does (a rule that blocks refuses it; other warnings are kept with it).
// Supervisors and admins edit any reply, an agent their own proposal.
func (h *Replies) Update(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	get := func(k string) *string { s := values.Get(k); return &s }
	in := actions.ReplyInput{Stage: get("stage"), Kind: get("kind"), Lang: get("lang"), Title: get("title"), Body: get("body")}
	if _, err := h.replies.Update(c.Request().Context(), id, in); err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.Conflict, cases.Forbidden:
		default:
			return err
		}
		v, verr := h.view(c, "replies", "replies.title")
		if verr != nil {
			return verr
		}
		f, status := h.refusal(v, "reply", values, replyInputs(), err)
		return h.page(c, status, v, values, f, id)
	}
	return redirect(c, "/replies?done=reply_saved#reply-"+strconv.FormatInt(id, 10))
}

// Approve handles POST /replies/{id}/approval (supervisors).
func (h *Replies) Approve(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := h.replies.Approve(c.Request().Context(), id); err != nil {
		return err
	}
	return redirect(c, "/replies?done=reply_approved")
}

// Delete handles POST /replies/{id}/delete.
func (h *Replies) Delete(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if err := h.replies.Delete(c.Request().Context(), id); err != nil {
		return err
	}
	return redirect(c, "/replies?done=reply_removed")
}
