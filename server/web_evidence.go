package server

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// evidenceView is one item of the case page's evidence list.
type evidenceView struct {
	cases.Evidence
	Image    bool
	URL      string
	AddedBy  string
	VoidedBy string
	SizeText string
	// A chat excerpt's lines when they were recognised, else its text.
	ChatLines []cases.ChatLine
	ChatText  string
	ShortHash string
	Form      *formState // the void form, when it was refused
}

func (s *Server) evidenceView(v *view, e cases.Evidence, dir directory, posted *formState) evidenceView {
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
	} else if e.Text != nil {
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
	return []string{"kind", "file", "file_name", "text", "note", "captured_at", "courier", "waybill", "signed_by",
		"signed_at", "status_lines"}
}

// evidenceForm handles POST /cases/{id}/evidence: a file uploaded from the
// case page (multipart, streamed into the store as it arrives), or a
// pasted chat excerpt (a plain form) — previewed first when the agent
// asks for it.
func (s *Server) evidenceForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if isMultipart(c) {
		values, err := s.uploadFromPage(c, id)
		if err != nil {
			return s.refuseCaseForm(c, id, "evidence", values, evidenceFields(), err)
		}
		return redirect(c, caseURL(id, "evidence_added")+"#evidence")
	}
	if err := c.Request().ParseForm(); err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	values := c.Request().PostForm
	if values.Get("preview") != "" {
		return s.renderCase(c, http.StatusOK, id, &formState{Name: "chat", Values: values})
	}
	in := cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: values.Get("text"), Note: values.Get("note")}
	if _, err := s.store.AddEvidence(c.Request().Context(), id, in); err != nil {
		return s.refuseCaseForm(c, id, "chat", values, evidenceFields(), err)
	}
	return redirect(c, caseURL(id, "evidence_added")+"#evidence")
}

// uploadFromPage reads the case page's upload form part by part, as the
// API's upload does (uploadEvidence), with what a browser form adds: an
// empty file part when no file was chosen, and times typed in the user's
// zone. It returns the typed values, to show them again on a refusal.
func (s *Server) uploadFromPage(c echo.Context, caseID int64) (url.Values, error) {
	req := c.Request()
	ctx := req.Context()
	values := url.Values{}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxUploadBytes+uploadOverhead)
	mr, err := req.MultipartReader()
	if err != nil {
		return values, &cases.Error{Code: cases.Malformed, Err: err, Message: "the body must be multipart/form-data"}
	}
	draft, err := s.store.BeginEvidence(ctx, caseID)
	if err != nil {
		return values, err
	}
	defer draft.Rollback()
	loc := s.web.location(currentUser(c).TimeZone, s.cfg.Location)
	var in cases.EvidenceInput
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				if _, err := checkStreamCSRF(c, nil); err != nil {
					return values, err
				}
			}
			break
		}
		if err != nil {
			return values, uploadError(err)
		}
		if n == 0 {
			if consumed, err := checkStreamCSRF(c, part); err != nil || consumed {
				if err != nil {
					return values, err
				}
				continue
			}
		}
		if n >= maxUploadParts {
			return values, cases.Errorf(cases.Malformed, "the upload has more than %d parts", maxUploadParts)
		}
		switch name := part.FormName(); name {
		case csrfField:
			continue
		case "file":
			if part.FileName() == "" {
				continue // no file chosen: a record typed in
			}
			if err := s.receiveFile(c, draft, &in, part); err != nil {
				return values, err
			}
		case "captured_at", "signed_at":
			b, err := io.ReadAll(io.LimitReader(partReader{part}, 64))
			if err != nil {
				return values, uploadError(err)
			}
			values.Set(name, string(b))
			t, err := localTime(name, string(b), loc)
			if err != nil {
				return values, err
			}
			if name == "captured_at" {
				in.CapturedAt = t
			} else {
				in.SignedAt = t
			}
		default:
			err := readEvidenceField(&in, name, part)
			typed(values, in)
			if err != nil {
				return values, err
			}
		}
	}
	_, err = draft.Commit(ctx, in)
	return values, err
}

// typed copies the text fields read so far into values.
func typed(values url.Values, in cases.EvidenceInput) {
	for k, v := range map[string]string{"kind": string(in.Kind), "note": in.Note, "courier": in.Courier,
		"waybill": in.Waybill, "signed_by": in.SignedBy} {
		if v != "" {
			values.Set(k, v)
		}
	}
}

// localTime reads a time typed into a datetime-local input, in the user's
// zone; empty is no time.
func localTime(field, v string, loc *time.Location) (*time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return &t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return &t, nil
	}
	return nil, cases.FieldError(field, "%s must be a date and time such as 2026-11-20 10:01", field)
}

// voidForm handles POST /evidence/{id}/void (supervisors): the item stays
// on record, marked void with the reason.
func (s *Server) voidForm(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ev, err := s.store.GetEvidence(ctx, id)
	if err != nil {
		return err
	}
	values, err := c.FormParams()
	if err != nil {
		return &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	if _, err := s.store.VoidEvidence(ctx, id, values.Get("reason")); err != nil {
		return s.refuseCaseForm(c, ev.CaseID, "void-"+strconv.FormatInt(id, 10), values, []string{"reason"}, err)
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
