package api

import (
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/intake"
	"redress/server/actions"
	"redress/server/upload"
)

// importOptions reads what an import request says besides its body: the
// charset of its Content-Type, and ?mapping= (a saved mapping's name, or a
// mapping as a JSON object) and ?save_as= (save that mapping under a name).
func (h *Intake) importOptions(c echo.Context) (actions.ImportOptions, error) {
	mt, params, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || (mt != "text/csv" && mt != "application/csv" && mt != "text/tab-separated-values") {
		return actions.ImportOptions{}, cases.Errorf(cases.Unsupported, "send the export as Content-Type: text/csv")
	}
	opts := actions.ImportOptions{Charset: params["charset"], Location: h.cfg.Location, Stop: h.draining,
		SaveAs: strings.TrimSpace(c.QueryParam("save_as"))}
	if m := strings.TrimSpace(c.QueryParam("mapping")); strings.HasPrefix(m, "{") {
		var inline intake.Mapping
		dec := json.NewDecoder(strings.NewReader(m))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&inline); err != nil {
			return opts, &cases.Error{Code: cases.Malformed, Field: "mapping", Err: err,
				Message: `mapping must be a saved mapping's name or a JSON object {"columns":{"field":"column",…},"fixed":{…}}`}
		}
		opts.Mapping = &inline
	} else {
		opts.MappingName = m
	}
	if opts.SaveAs != "" && opts.Mapping == nil {
		return opts, cases.FieldError("save_as", "save_as saves a mapping given as JSON in mapping=")
	}
	return opts, nil
}

// Import handles POST /api/v1/cases/import[?mapping=][&save_as=]: a
// platform's export (Redress's columns, a native export recognised by its
// header, or any file with a mapping), UTF-8 or (with charset=gb18030 or
// gbk, as Chinese spreadsheet tools write) GB 18030.
func (h *Intake) Import(c echo.Context) error {
	opts, err := h.importOptions(c)
	if err != nil {
		return err
	}
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(h.cfg.UploadTimeout))
	rep, err := h.imports.Import(c.Request().Context(), http.MaxBytesReader(c.Response(), c.Request().Body, upload.MaxCSVBytes), opts)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}

// PreviewImport handles POST /api/v1/cases/import/preview[?mapping=]: how
// an export would be read — the profile its header matches, else a
// suggested mapping — with its header and first rows; imports nothing.
func (h *Intake) PreviewImport(c echo.Context) error {
	opts, err := h.importOptions(c)
	if err != nil {
		return err
	}
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(h.cfg.UploadTimeout))
	p, err := h.imports.Preview(c.Request().Context(), http.MaxBytesReader(c.Response(), c.Request().Body, upload.MaxCSVBytes), opts)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p)
}

// Mappings handles GET /api/v1/import/mappings: the saved column mappings.
func (h *Intake) Mappings(c echo.Context) error {
	ms, err := h.store.Intake().Mappings(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"items": ms})
}

// SaveMapping handles POST /api/v1/import/mappings {"name","mapping"}.
func (h *Intake) SaveMapping(c echo.Context) error {
	var in struct {
		Name    string          `json:"name"`
		Mapping *intake.Mapping `json:"mapping"`
	}
	if err := bindJSON(c, &in); err != nil {
		return err
	}
	if in.Mapping == nil {
		return cases.FieldError("mapping", `mapping is required: {"columns":{"field":"column",…}}`)
	}
	if err := checkMapping(*in.Mapping); err != nil {
		return err
	}
	raw, err := json.Marshal(in.Mapping)
	if err != nil {
		return cases.Internalf(err, "encode mapping")
	}
	if err := h.store.Intake().SaveMapping(c.Request().Context(), in.Name, raw); err != nil {
		return err
	}
	saved, err := h.store.Intake().Mapping(c.Request().Context(), strings.TrimSpace(in.Name))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, saved)
}

// checkMapping refuses a mapping that names a field Redress does not read.
func checkMapping(m intake.Mapping) error {
	for f := range m.Columns {
		if !f.Valid() {
			return cases.FieldError("mapping.columns", "%q is not a field Redress reads", f)
		}
	}
	for f := range m.Fixed {
		if !f.Fixable() {
			return cases.FieldError("mapping.fixed", "%q cannot have one value for every line", f)
		}
	}
	return nil
}
