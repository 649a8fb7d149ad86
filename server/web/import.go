package web

import (
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
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
}

// Page handles GET /import.
func (h *Import) Page(c echo.Context) error {
	v, err := h.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	v.D = &importView{Columns: cases.ImportColumns()}
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
	rep, charset, err := upload.CSV(c, h.cfg.UploadTimeout, func(r io.Reader, charset string) (cases.ImportReport, error) {
		return h.ops.Import(c.Request().Context(), r, actions.ImportOptions{Charset: charset, Location: h.cfg.Location})
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
