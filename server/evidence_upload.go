package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/store"
)

// Limits of a multipart evidence upload beyond the file itself.
const (
	// uploadOverhead is what the body may hold besides the file: the other
	// parts (a chat excerpt's text at most) and the multipart framing.
	uploadOverhead = cases.MaxChatBytes + 1<<20
	maxUploadParts = 32
	maxFieldBytes  = 8 << 10
	maxStatusBytes = 256 << 10
)

// uploadEvidence reads a multipart evidence upload part by part, in the
// order the client sent them: the small fields into memory, the file
// streamed into the store as it arrives (hashed, sniffed and size-checked
// on the way), so that memory stays flat whatever the file's size. The
// draft's transaction holds everything until the fields check out; any
// failure, a client that disconnects included, rolls it all back.
func (s *Server) uploadEvidence(c echo.Context, caseID int64) (cases.Evidence, error) {
	req := c.Request()
	ctx := req.Context()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxUploadBytes+uploadOverhead)
	mr, err := req.MultipartReader()
	if err != nil {
		return cases.Evidence{}, &cases.Error{Code: cases.Malformed, Err: err,
			Message: "the body must be multipart/form-data with a boundary"}
	}
	draft, err := s.store.BeginEvidence(ctx, caseID)
	if err != nil {
		return cases.Evidence{}, err
	}
	defer draft.Rollback()
	var in cases.EvidenceInput
	seen := map[string]bool{}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				if _, err := checkStreamCSRF(c, nil); err != nil {
					return cases.Evidence{}, err
				}
			}
			break
		}
		if err != nil {
			return cases.Evidence{}, uploadError(err)
		}
		if n == 0 {
			consumed, err := checkStreamCSRF(c, part)
			if err != nil {
				return cases.Evidence{}, err
			}
			if consumed {
				continue
			}
		}
		name := part.FormName()
		switch {
		case n >= maxUploadParts:
			return cases.Evidence{}, cases.Errorf(cases.Malformed, "the upload has more than %d parts", maxUploadParts)
		case name == csrfField:
			continue // checked by authorize from the header
		case seen[name]:
			return cases.Evidence{}, &cases.Error{Code: cases.Malformed, Field: name, Message: name + " is sent twice"}
		}
		seen[name] = true
		if name == "file" {
			if err := s.receiveFile(c, draft, &in, part); err != nil {
				return cases.Evidence{}, err
			}
			continue
		}
		if err := readEvidenceField(&in, name, part); err != nil {
			return cases.Evidence{}, err
		}
	}
	return draft.Commit(ctx, in)
}

// receiveFile streams the file part into the draft. A kind sent before the
// file is checked first, so that a file the kind cannot take is refused
// before it is read.
func (s *Server) receiveFile(c echo.Context, draft *store.EvidenceDraft, in *cases.EvidenceInput, part *multipart.Part) error {
	if in.Kind != "" {
		if err := in.Kind.AcceptsFile(); err != nil {
			return err
		}
	}
	// Part.FileName strips directories silently; a name that holds them is
	// refused instead, so that what is kept is what the client sent.
	_, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	in.FileName = params["filename"]
	if err := cases.CheckFileName(in.FileName); err != nil {
		return err
	}
	return draft.WriteFile(c.Request().Context(), partReader{part}, s.cfg.MaxUploadBytes)
}

// readEvidenceField sets one field of the input from its part.
func readEvidenceField(in *cases.EvidenceInput, name string, part *multipart.Part) error {
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
		in.CapturedAt, err = parseTime(name, v)
	case "signed_at":
		in.SignedAt, err = parseTime(name, v)
	case "status_lines":
		var lines []statusLineJSON
		if jerr := json.Unmarshal(b, &lines); jerr != nil {
			return &cases.Error{Code: cases.Invalid, Field: name, Err: jerr,
				Message: `status_lines must be a JSON array of {"at","status","location"}`}
		}
		in.StatusLines, err = evidenceJSON{StatusLines: lines}.statusLines()
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
