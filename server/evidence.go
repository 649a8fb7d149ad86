package server

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// addEvidence handles POST /api/v1/cases/{id}/evidence: a multipart upload
// (a file and its fields as parts), or JSON for evidence without a file (a
// chat excerpt, a delivery signature or tracking record typed in).
func (s *Server) addEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	var ev cases.Evidence
	if mt == "multipart/form-data" {
		ev, err = s.uploadEvidence(c, id)
	} else {
		ev, err = s.addEvidenceJSON(c, id)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/evidence/"+strconv.FormatInt(ev.ID, 10))
	return c.JSON(http.StatusCreated, ev)
}

// evidenceJSON is evidence without a file as a JSON client sends it. Times
// are strings here so that a malformed one is reported by its field.
type evidenceJSON struct {
	Kind        cases.EvidenceKind `json:"kind"`
	Text        string             `json:"text"`
	CapturedAt  string             `json:"captured_at"`
	Note        string             `json:"note"`
	Courier     string             `json:"courier"`
	Waybill     string             `json:"waybill"`
	SignedBy    string             `json:"signed_by"`
	SignedAt    string             `json:"signed_at"`
	StatusLines []statusLineJSON   `json:"status_lines"`
}

type statusLineJSON struct {
	At       string `json:"at"`
	Status   string `json:"status"`
	Location string `json:"location"`
}

func (s *Server) addEvidenceJSON(c echo.Context, caseID int64) (cases.Evidence, error) {
	// The route skips the server-wide body limit for its uploads; JSON
	// keeps it.
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, s.cfg.MaxBodyBytes)
	var body evidenceJSON
	if err := bindJSON(c, &body); err != nil {
		if cases.ErrorCode(err) == cases.Unsupported {
			return cases.Evidence{}, cases.Errorf(cases.Unsupported,
				"send evidence as multipart/form-data (a file and its fields) or as application/json (without a file)")
		}
		return cases.Evidence{}, err
	}
	in, err := body.input()
	if err != nil {
		return cases.Evidence{}, err
	}
	return s.store.AddEvidence(req.Context(), caseID, in)
}

func (j evidenceJSON) input() (cases.EvidenceInput, error) {
	in := cases.EvidenceInput{Kind: j.Kind, Text: j.Text, Note: j.Note, Courier: j.Courier, Waybill: j.Waybill, SignedBy: j.SignedBy}
	var err error
	if in.CapturedAt, err = parseTime("captured_at", j.CapturedAt); err != nil {
		return in, err
	}
	if in.SignedAt, err = parseTime("signed_at", j.SignedAt); err != nil {
		return in, err
	}
	in.StatusLines, err = j.statusLines()
	return in, err
}

func (j evidenceJSON) statusLines() ([]cases.StatusLine, error) {
	var out []cases.StatusLine
	for _, l := range j.StatusLines {
		at, err := parseTime("status_lines.at", l.At)
		if err != nil {
			return nil, err
		}
		out = append(out, cases.StatusLine{At: at, Status: l.Status, Location: l.Location})
	}
	return out, nil
}

// parseTime reads an optional RFC 3339 time.
func parseTime(field, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, cases.FieldError(field, "%s must be an RFC 3339 time such as 2026-11-20T10:01:02+08:00", field)
	}
	return &t, nil
}

// listEvidence handles GET /api/v1/cases/{id}/evidence.
func (s *Server) listEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	items, err := s.store.ListEvidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// getEvidence handles GET /api/v1/evidence/{id}.
func (s *Server) getEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ev, err := s.store.GetEvidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

// voidEvidence handles POST /api/v1/evidence/{id}/void (supervisors).
func (s *Server) voidEvidence(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ev, err := s.store.VoidEvidence(c.Request().Context(), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

// parseChat handles POST /api/v1/evidence/parse: a preview of how a pasted
// chat excerpt will be read, without storing anything.
func (s *Server) parseChat(c echo.Context) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, cases.ParseChat(in.Text))
}
