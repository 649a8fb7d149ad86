package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
	"redress/server/upload"
)

// Add handles POST /api/v1/cases/{id}/evidence: a multipart upload
// (a file and its fields as parts), or JSON for evidence without a file (a
// chat excerpt, a delivery signature or tracking record typed in).
func (h *Evidence) Add(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	mt, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	var ev cases.Evidence
	if mt == "multipart/form-data" {
		ev, _, err = upload.Evidence(c, h.store, id, upload.Options{MaxFile: h.cfg.MaxUploadBytes, Timeout: h.cfg.UploadTimeout})
	} else {
		ev, err = h.addJSON(c, id)
	}
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, "/api/v1/evidence/"+strconv.FormatInt(ev.ID, 10))
	return c.JSON(http.StatusCreated, ev)
}

func (h *Evidence) addJSON(c echo.Context, caseID int64) (cases.Evidence, error) {
	// The route skips the server-wide body limit for its uploads; JSON
	// keeps it.
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, h.cfg.MaxBodyBytes)
	var body upload.Fields
	if err := bindJSON(c, &body); err != nil {
		if cases.ErrorCode(err) == cases.Unsupported {
			return cases.Evidence{}, cases.Errorf(cases.Unsupported,
				"send evidence as multipart/form-data (a file and its fields) or as application/json (without a file)")
		}
		return cases.Evidence{}, err
	}
	in, err := body.Input()
	if err != nil {
		return cases.Evidence{}, err
	}
	return h.store.AddEvidence(req.Context(), caseID, in)
}

// List handles GET /api/v1/cases/{id}/evidence.
func (h *Evidence) List(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	items, err := h.store.ListEvidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items})
}

// Get handles GET /api/v1/evidence/{id}.
func (h *Evidence) Get(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ev, err := h.store.GetEvidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

// Void handles POST /api/v1/evidence/{id}/void (supervisors).
func (h *Evidence) Void(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	ev, err := h.store.VoidEvidence(c.Request().Context(), id, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ev)
}

// ParseChat handles POST /api/v1/evidence/parse: a preview of how a pasted
// chat excerpt will be read, without storing anything. Dated times are read
// in the shop's time zone, as the stored excerpt's will be.
func (h *Evidence) ParseChat(c echo.Context) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if len(in.Text) > cases.MaxChatBytes {
		return cases.FieldError("text", "text is %d bytes long; the limit is %d", len(in.Text), cases.MaxChatBytes)
	}
	return c.JSON(http.StatusOK, cases.PreviewChat(in.Text, h.cfg.Location))
}
