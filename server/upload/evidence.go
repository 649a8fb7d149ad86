// Package upload reads evidence as both surfaces receive it: multipart
// uploads streamed part by part into the store (the file hashed, sniffed
// and size-checked on the way, so memory stays flat whatever its size), and
// the fields of evidence typed in without a file.
package upload

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/store"
	"redress/server/auth"
)

// Limits of a multipart evidence upload beyond the file itself.
const (
	// Overhead is what the body may hold besides the file: the other parts
	// (a chat excerpt's text at most) and the multipart framing.
	Overhead       = cases.MaxChatBytes + 1<<20
	maxUploadParts = 32
	maxFieldBytes  = 8 << 10
	maxStatusBytes = 256 << 10
)

// Options say how an upload is read.
type Options struct {
	MaxFile int64 // REDRESS_MAX_UPLOAD_BYTES
	// Timeout bounds the whole upload (REDRESS_UPLOAD_TIMEOUT): a client
	// that trickles its body is cut off there.
	Timeout time.Duration
	// Form is set for a browser's form: an empty file part means no file
	// was chosen, and times typed without a zone are in Location.
	Form     bool
	Location *time.Location
}

// Fields is evidence without a file, as a JSON client sends it. Times are
// strings here so that a malformed one is reported by its field.
type Fields struct {
	Kind        cases.EvidenceKind `json:"kind"`
	Text        string             `json:"text"`
	Roles       cases.ChatRoles    `json:"roles"`
	CapturedAt  string             `json:"captured_at"`
	Note        string             `json:"note"`
	Courier     string             `json:"courier"`
	Waybill     string             `json:"waybill"`
	SignedBy    string             `json:"signed_by"`
	SignedAt    string             `json:"signed_at"`
	StatusLines []StatusLine       `json:"status_lines"`
}

// StatusLine is one line of a tracking record as a client sends it.
type StatusLine struct {
	At       string `json:"at"`
	Status   string `json:"status"`
	Location string `json:"location"`
}

// Input checks the fields' times and returns the evidence input.
func (f Fields) Input() (cases.EvidenceInput, error) {
	in := cases.EvidenceInput{Kind: f.Kind, Text: f.Text, Roles: f.Roles, Note: f.Note, Courier: f.Courier, Waybill: f.Waybill, SignedBy: f.SignedBy}
	var err error
	if in.CapturedAt, err = ParseTime("captured_at", f.CapturedAt, nil); err != nil {
		return in, err
	}
	if in.SignedAt, err = ParseTime("signed_at", f.SignedAt, nil); err != nil {
		return in, err
	}
	in.StatusLines, err = statusLines(f.StatusLines)
	return in, err
}

func statusLines(lines []StatusLine) ([]cases.StatusLine, error) {
	var out []cases.StatusLine
	for _, l := range lines {
		at, err := ParseTime("status_lines.at", l.At, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, cases.StatusLine{At: at, Status: l.Status, Location: l.Location})
	}
	return out, nil
}

// ParseTime reads an optional time: RFC 3339, or with loc also a time
// typed into a datetime-local input, in loc. Empty is no time.
func ParseTime(field, s string, loc *time.Location) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	if loc == nil {
		return nil, cases.FieldError(field, "%s must be an RFC 3339 time such as 2026-11-20T10:01:02+08:00", field)
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return &t, nil
		}
	}
	return nil, cases.FieldError(field, "%s must be a date and time such as 2026-11-20 10:01", field)
}

// Evidence reads a multipart evidence upload part by part, in the order
// the client sent them: the small fields into memory, the file spooled to
// a temporary file (its size bounded as it arrives). Only once the whole
// body is in does it open the case's evidence draft — the transaction that
// hashes, sniffs and stores the file and records the item — so that a slow
// client holds no database connection, whatever the speed of its link.
// Any failure, a client that disconnects included, leaves nothing behind.
// It returns the text fields as typed, so a form can show them again on a
// refusal.
func Evidence(c echo.Context, st *store.Store, caseID int64, o Options) (cases.Evidence, url.Values, error) {
	req := c.Request()
	ctx := req.Context()
	values := url.Values{}
	if o.Timeout > 0 {
		// Not supported by a test's recorder; a real connection has it.
		_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(o.Timeout))
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, o.MaxFile+Overhead)
	mr, err := req.MultipartReader()
	if err != nil {
		return cases.Evidence{}, values, &cases.Error{Code: cases.Malformed, Err: err,
			Message: "the body must be multipart/form-data with a boundary"}
	}
	// Refuse a case the actor may not touch before receiving a byte.
	draft, err := st.BeginEvidence(ctx, caseID)
	if err != nil {
		return cases.Evidence{}, values, err
	}
	defer draft.Rollback()
	var in cases.EvidenceInput
	var file *os.File
	defer func() {
		if file != nil {
			file.Close()
			os.Remove(file.Name())
		}
	}()
	seen := map[string]bool{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				if _, err := auth.CheckStreamCSRF(c, nil); err != nil {
					return cases.Evidence{}, values, err
				}
			}
			break
		}
		if err != nil {
			return cases.Evidence{}, values, uploadError(err)
		}
		if n == 0 {
			consumed, err := auth.CheckStreamCSRF(c, part)
			if err != nil {
				return cases.Evidence{}, values, err
			}
			if consumed {
				continue
			}
		}
		name := part.FormName()
		switch {
		case n >= maxUploadParts:
			return cases.Evidence{}, values, cases.Errorf(cases.Malformed, "the upload has more than %d parts", maxUploadParts)
		case name == auth.CSRFField:
			continue // checked by the gate from the header
		case seen[name]:
			return cases.Evidence{}, values, &cases.Error{Code: cases.Malformed, Field: name, Message: name + " is sent twice"}
		}
		seen[name] = true
		if name == "file" {
			if o.Form && part.FileName() == "" {
				continue // no file chosen: a record typed in
			}
			if file, err = spool(&in, part, o.MaxFile); err != nil {
				return cases.Evidence{}, values, err
			}
			continue
		}
		err = readField(&in, name, part, o.Location, values)
		if err != nil {
			return cases.Evidence{}, values, err
		}
	}
	if file != nil {
		if _, err := file.Seek(0, io.SeekStart); err != nil {
			return cases.Evidence{}, values, cases.Internalf(err, "rewind the spooled upload")
		}
		if err := draft.WriteFile(ctx, file, o.MaxFile); err != nil {
			return cases.Evidence{}, values, err
		}
	}
	ev, err := draft.Commit(ctx, in)
	return ev, values, err
}

// spool receives the file part into a temporary file, refusing it as soon
// as it passes maxFile. A kind sent before the file is checked first, so
// that a file the kind cannot take is refused before it is read.
func spool(in *cases.EvidenceInput, part *multipart.Part, maxFile int64) (*os.File, error) {
	if in.Kind != "" {
		if err := in.Kind.AcceptsFile(); err != nil {
			return nil, err
		}
	}
	// Part.FileName strips directories silently; a name that holds them is
	// refused instead, so that what is kept is what the client sent.
	_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	in.FileName = params["filename"]
	if err := cases.CheckFileName(in.FileName); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp("", "redress-upload-*")
	if err != nil {
		return nil, cases.Internalf(err, "spool the upload")
	}
	n, err := io.Copy(f, io.LimitReader(partReader{part}, maxFile+1))
	if err == nil && n > maxFile {
		err = &cases.Error{Code: cases.TooLarge, Field: "file",
			Message: fmt.Sprintf("the file is larger than the limit of %d bytes", maxFile)}
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		var de *cases.Error
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, uploadError(err)
	}
	return f, nil
}

// readField sets one field of the input from its part, and records what
// was typed in values.
func readField(in *cases.EvidenceInput, name string, part *multipart.Part, loc *time.Location, values url.Values) error {
	limit := int64(maxFieldBytes)
	switch name {
	case "text":
		limit = cases.MaxChatBytes
	case "status_lines":
		limit = maxStatusBytes
	}
	b, err := io.ReadAll(io.LimitReader(partReader{part}, limit+1))
	if err != nil {
		return uploadError(err)
	}
	if int64(len(b)) > limit {
		return cases.FieldError(name, "%s is longer than %d bytes", name, limit)
	}
	v := string(b)
	if name != "text" && name != "status_lines" && name != "roles" {
		values.Set(name, v)
	}
	switch name {
	case "kind":
		in.Kind = cases.EvidenceKind(v)
	case "text":
		in.Text = v // as received, byte for byte
	case "note":
		in.Note = v
	case "courier":
		in.Courier = v
	case "waybill":
		in.Waybill = v
	case "signed_by":
		in.SignedBy = v
	case "captured_at":
		in.CapturedAt, err = ParseTime(name, v, loc)
	case "signed_at":
		in.SignedAt, err = ParseTime(name, v, loc)
	case "roles":
		if jerr := json.Unmarshal(b, &in.Roles); jerr != nil {
			return &cases.Error{Code: cases.Invalid, Field: name, Err: jerr,
				Message: `roles must be a JSON object {"speaker": "buyer"|"shop"|"system"}`}
		}
	case "status_lines":
		var lines []StatusLine
		if jerr := json.Unmarshal(b, &lines); jerr != nil {
			return &cases.Error{Code: cases.Invalid, Field: name, Err: jerr,
				Message: `status_lines must be a JSON array of {"at","status","location"}`}
		}
		in.StatusLines, err = statusLines(lines)
	default:
		return &cases.Error{Code: cases.Malformed, Field: name, Message: fmt.Sprintf("%q is not a field of evidence", name)}
	}
	return err
}

// partReader reads a part, turning a body over the request's limit into
// the problem that says so.
type partReader struct{ r io.Reader }

func (p partReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, uploadError(err)
	}
	return n, err
}

func uploadError(err error) error {
	var de *cases.Error
	var maxErr *http.MaxBytesError
	switch {
	case errors.As(err, &de):
		return de
	case errors.As(err, &maxErr):
		return &cases.Error{Code: cases.TooLarge, Field: "file", Err: err,
			Message: fmt.Sprintf("the upload is larger than the limit of %d bytes", maxErr.Limit)}
	}
	return &cases.Error{Code: cases.Malformed, Err: err, Message: "the upload was cut off or is not valid multipart"}
}
