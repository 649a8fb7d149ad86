package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/chat"
	"redress/server/auth"
	"redress/server/request"
	"redress/server/upload"
)

// evidenceView is one item of the case page's evidence list.
type evidenceView struct {
	cases.Evidence
	Image    bool
	URL      string
	AddedBy  string
	VoidedBy string
	SizeText string
	// A chat excerpt's text as stored, and its lines when the layout was
	// recognised (the parse is a view, made on every read).
	ChatLines []chat.Line
	ChatText  string
	ShortHash string
	Form      *formState // the void form, when it was refused
}

func (h *CasePages) evidenceView(v *view, e cases.Evidence, dir directory, posted *formState) evidenceView {
	mt, _, _ := mime.ParseMediaType(e.ContentType)
	uid := e.AddedBy
	ev := evidenceView{Evidence: e, Image: strings.HasPrefix(mt, "image/") && e.Kind != cases.EvidenceChatExcerpt,
		URL: "/api/v1/evidence/" + strconv.FormatInt(e.ID, 10) + "/content", AddedBy: dir.name(&uid),
		VoidedBy: dir.name(e.VoidedBy), SizeText: humanSize(e.Size), Form: posted, ShortHash: e.SHA256}
	if len(ev.ShortHash) > 12 {
		ev.ShortHash = ev.ShortHash[:12]
	}
	if e.Parsed != nil && *e.Parsed && e.Lines != nil {
		ev.ChatLines = *e.Lines
	}
	if e.Text != nil {
		ev.ChatText = *e.Text
	}
	return ev
}

// humanSize writes a size for people.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// evidenceFields are the inputs of the upload and chat forms.
func evidenceFields() []string {
	return []string{"kind", "file", "file_name", "text", "roles", "note", "captured_at", "courier", "waybill", "signed_by",
		"signed_at", "status_lines"}
}

// AddEvidence handles POST /cases/{id}/evidence: a file uploaded from the
// case page (multipart, streamed into the store as it arrives), or a
// pasted chat excerpt (a plain form) — previewed first when the agent
// asks for it.
func (h *CasePages) AddEvidence(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	if auth.IsMultipart(c) {
		loc := h.location(auth.CurrentUser(c).TimeZone, h.cfg.Location)
		_, values, err := upload.Evidence(c, h.store, id, upload.Options{MaxFile: h.cfg.MaxUploadBytes, Timeout: h.cfg.UploadTimeout, Form: true, Location: loc})
		if err != nil {
			return h.refuse(c, id, "evidence", values, evidenceFields(), err)
		}
		return redirect(c, caseURL(id, "evidence_added")+"#evidence")
	}
	if err := c.Request().ParseForm(); err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	values := c.Request().PostForm
	if values.Get("preview") != "" {
		return h.page(c, http.StatusOK, id, &formState{Name: "chat", Values: values})
	}
	roles, err := confirmedRoles(values, h.cfg.Location)
	if err != nil {
		return h.refuse(c, id, "chat", values, evidenceFields(), err)
	}
	in := cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: values.Get("text"), Note: values.Get("note"), Roles: roles}
	if _, err := h.store.AddEvidence(c.Request().Context(), id, in); err != nil {
		return h.refuse(c, id, "chat", values, evidenceFields(), err)
	}
	return redirect(c, caseURL(id, "evidence_added")+"#evidence")
}

// confirmedRoles reads the sides the agent chose in the preview: the form
// posts a "speaker" and a "role" input for each speaker, in order. A
// recognised transcript is saved from the page only once every speaker's
// side is confirmed (the preview asks for it), so that an excerpt's
// attribution is never the parser's guess alone.
func confirmedRoles(values url.Values, loc *time.Location) (cases.ChatRoles, error) {
	names, sides := values["speaker"], values["role"]
	if len(names) != len(sides) {
		return nil, cases.FieldError("roles", "every speaker needs a side: buyer, shop or system")
	}
	roles := cases.ChatRoles{}
	for i, name := range names {
		if sides[i] != "" {
			roles[name] = chat.Role(sides[i])
		}
	}
	p := cases.PreviewChat(values.Get("text"), loc)
	for _, sp := range p.Speakers {
		if _, ok := roles[sp.Name]; !ok {
			return nil, cases.FieldError("roles", "confirm who %q is (buyer, shop or system) in the preview before adding the excerpt", sp.Name)
		}
	}
	if len(roles) == 0 {
		return nil, nil
	}
	return roles, nil
}

// chatPreview is the preview of the chat form's text, each speaker's side
// as the agent chose it, else as the parser guesses it.
func (h *CasePages) chatPreview(v *view, values url.Values) *chatPreview {
	p := cases.PreviewChat(values.Get("text"), h.cfg.Location)
	chosen := map[string]string{}
	for i, name := range values["speaker"] {
		if i < len(values["role"]) {
			chosen[name] = values["role"][i]
		}
	}
	cp := &chatPreview{Transcript: p.Transcript}
	for _, sp := range p.Speakers {
		role := string(sp.Role)
		if c, ok := chosen[sp.Name]; ok {
			role = c
		}
		choice := speakerChoice{Name: sp.Name, Role: chat.Role(role)}
		for _, r := range []chat.Role{chat.RoleBuyer, chat.RoleShop, chat.RoleSystem} {
			choice.Options = append(choice.Options, option{Value: string(r), Label: h.t(v, "chat_role."+string(r)), Selected: string(r) == role})
		}
		cp.Speakers = append(cp.Speakers, choice)
	}
	return cp
}

// Void handles POST /evidence/{id}/void (supervisors): the item stays
// on record, marked void with the reason.
func (h *CasePages) Void(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ev, err := h.store.GetEvidence(ctx, id)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	if _, err := h.store.VoidEvidence(ctx, id, values.Get("reason")); err != nil {
		return h.refuse(c, ev.CaseID, "void-"+strconv.FormatInt(id, 10), values, []string{"reason"}, err)
	}
	return redirect(c, caseURL(ev.CaseID, "evidence_voided")+"#evidence-"+strconv.FormatInt(id, 10))
}

// caseURL is a case page's URL with a note of what was just done.
func caseURL(id int64, done string) string {
	u := "/cases/" + strconv.FormatInt(id, 10)
	if done != "" {
		u += "?done=" + done
	}
	return u
}
