package web

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/store"
	"redress/server/actions"
	"redress/server/problem"
	"redress/server/upload"
)

// importView is the CSV import page: the form, and the report of the last
// import.
type importView struct {
	Report  *cases.ImportReport
	Error   *fieldErr
	Charset string
	Columns []string
	// Mappings are the saved column mappings; Mapping the one chosen.
	Mappings []store.SavedMapping
	Mapping  string
}

// Page handles GET /import.
func (h *Import) Page(c echo.Context) error {
	v, err := h.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	iv := &importView{Columns: cases.ImportColumns()}
	if iv.Mappings, err = h.store.Mappings(c.Request().Context()); err != nil {
		return err
	}
	v.D = iv
	return h.render(c, http.StatusOK, "import", v)
}

// Upload handles POST /import: a platform's CSV export uploaded from
// the page (fields csrf_token, charset, then file), imported as
// POST /api/v1/cases/import does, and the report shown: created, skipped,
// and each refused line with its reason. Importing the same file again
// creates nothing, so a reload that posts again is harmless.
func (h *Import) Upload(c echo.Context) error {
	v, err := h.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	iv := &importView{Columns: cases.ImportColumns()}
	v.D = iv
	if iv.Mappings, err = h.store.Mappings(c.Request().Context()); err != nil {
		return err
	}
	rep, charset, err := upload.CSV(c, h.cfg.UploadTimeout, func(r io.Reader, charset, mapping string) (cases.ImportReport, error) {
		iv.Mapping = mapping
		return h.ops.Import(c.Request().Context(), r, actions.ImportOptions{Charset: charset, MappingName: mapping, Location: h.cfg.Location})
	})
	iv.Charset = charset
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.TooLarge, cases.Unsupported:
		default:
			return err
		}
		de := problem.From(err)
		iv.Error = &fieldErr{Message: h.errorMessage(v, de), Detail: de.Message}
		return h.render(c, problem.Status(de), "import", v)
	}
	iv.Report = &rep
	return h.render(c, http.StatusOK, "import", v)
}
