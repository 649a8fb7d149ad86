package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
	"redress/server/upload"
)

// newCaseView is the new case form.
type newCaseView struct {
	Fields []fieldView
	Form   *formState
}

// newCaseInputs lists the form's inputs in order, as the API names them.
func newCaseInputs() []string {
	return []string{"platform", "shop", "kind", "severity", "external_id", "order_ref", "order_value.amount",
		"order_value.currency", "buyer_handle", "buyer_contact", "summary", "review.rating", "review.text",
		"review.url", "review.posted_at", "platform_due_at", "suspected_abuse", "assign_to_me"}
}

// Page handles GET /cases/new.
func (h *NewCase) Page(c echo.Context) error {
	v, err := h.view(c, "new", "new_case.title")
	if err != nil {
		return err
	}
	defaults := url.Values{"severity": {"normal"}, "order_value.currency": {"CNY"}, "assign_to_me": {"on"}}
	v.D = &newCaseView{Fields: h.fields(v, defaults, nil)}
	return h.render(c, http.StatusOK, "new_case", v)
}

// Create handles POST /cases: creates the case (as POST /api/v1/cases
// does) and opens it.
func (h *NewCase) Create(c echo.Context) error {
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	u := auth.CurrentUser(c)
	in, err := h.input(values, h.location(u.TimeZone, h.cfg.Location), u.ID)
	var created cases.Case
	if err == nil {
		created, err = h.ops.Create(c.Request().Context(), in)
	}
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.Conflict, cases.Forbidden:
		default:
			return err
		}
		v, verr := h.view(c, "new", "new_case.title")
		if verr != nil {
			return verr
		}
		f, status := h.refusal(v, "new_case", values, newCaseInputs(), err)
		v.D = &newCaseView{Fields: h.fields(v, values, f), Form: f}
		return h.render(c, status, "new_case", v)
	}
	return redirect(c, caseURL(created.ID, "created"))
}

// input reads the new case form into the API's input.
func (h *NewCase) input(f url.Values, l *time.Location, me int64) (cases.CaseInput, error) {
	in := cases.CaseInput{
		ExternalID: f.Get("external_id"), Platform: cases.Platform(f.Get("platform")), Shop: f.Get("shop"),
		OrderRef: f.Get("order_ref"), BuyerHandle: f.Get("buyer_handle"), BuyerContact: f.Get("buyer_contact"),
		Kind: cases.Kind(f.Get("kind")), Severity: cases.Severity(f.Get("severity")), Summary: f.Get("summary"),
		SuspectedAbuse: f.Get("suspected_abuse") != "",
	}
	if f.Get("assign_to_me") != "" {
		in.AssigneeID = &me
	}
	if a := strings.TrimSpace(f.Get("order_value.amount")); a != "" {
		in.OrderValue = &cases.MoneyInput{Amount: a, Currency: strings.ToUpper(strings.TrimSpace(f.Get("order_value.currency")))}
	}
	var err error
	if in.PlatformDueAt, err = upload.ParseTime("platform_due_at", f.Get("platform_due_at"), l); err != nil {
		return in, err
	}
	r := &cases.ReviewInput{Text: f.Get("review.text"), URL: f.Get("review.url")}
	if v := f.Get("review.rating"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return in, cases.FieldError("review.rating", "rating must be from 1 to 5")
		}
		r.Rating = &n
	}
	if r.PostedAt, err = upload.ParseTime("review.posted_at", f.Get("review.posted_at"), l); err != nil {
		return in, err
	}
	if r.Rating != nil || strings.TrimSpace(r.Text) != "" || strings.TrimSpace(r.URL) != "" || r.PostedAt != nil {
		in.Review = r
	}
	return in, nil
}

// fields are the form's inputs with values and errors.
func (h *NewCase) fields(v *view, values url.Values, f *formState) []fieldView {
	var out []fieldView
	for _, name := range newCaseInputs() {
		fv := fieldView{Name: name, ID: "nc-" + strings.ReplaceAll(name, ".", "-"), Type: "text",
			Label: h.t(v, "field."+name), Value: values.Get(name), Err: f.Err(name)}
		switch name {
		case "platform":
			fv.Type, fv.Required = "select", true
			fv.Options = enumOptions(h.UI, v, "platform", cases.Platforms(), fv.Value, h.t(v, "form.choose"))
		case "kind":
			fv.Type, fv.Required = "select", true
			fv.Options = enumOptions(h.UI, v, "kind", cases.Kinds(), fv.Value, h.t(v, "form.choose"))
		case "severity":
			fv.Type = "select"
			fv.Options = enumOptions(h.UI, v, "severity", cases.Severities(), fv.Value, "")
		case "review.rating":
			fv.Type = "select"
			fv.Options = []option{{Value: "", Label: "—", Selected: fv.Value == ""}}
			for i := 1; i <= 5; i++ {
				n := strconv.Itoa(i)
				fv.Options = append(fv.Options, option{Value: n, Label: n + " ★", Selected: fv.Value == n})
			}
		case "shop":
			fv.Required = true
		case "summary", "review.text":
			fv.Type = "textarea"
		case "review.posted_at", "platform_due_at":
			fv.Type = "datetime-local"
		case "suspected_abuse", "assign_to_me":
			fv.Type = "checkbox"
		case "order_value.amount":
			fv.InputMode = "decimal"
		case "review.url":
			fv.Type = "url"
		}
		out = append(out, fv)
	}
	return out
}
