package server

import (
	"errors"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// importView is the CSV import page: the form, and the report of the last
// import.
type importView struct {
	Report  *cases.ImportReport
	Error   *fieldErr
	Charset string
	Columns []string
}

// importPage handles GET /import.
func (s *Server) importPage(c echo.Context) error {
	v, err := s.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	v.D = &importView{Columns: cases.ImportColumns()}
	return s.web.render(c, http.StatusOK, "import", v)
}

// importForm handles POST /import: a platform's CSV export uploaded from
// the page (fields csrf_token, charset, then file), imported as
// POST /api/v1/cases/import does, and the report shown: created, skipped,
// and each refused line with its reason. Importing the same file again
// creates nothing, so a reload that posts again is harmless.
func (s *Server) importForm(c echo.Context) error {
	v, err := s.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	iv := &importView{Columns: cases.ImportColumns()}
	v.D = iv
	rep, charset, err := s.importUpload(c)
	iv.Charset = charset
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.TooLarge, cases.Unsupported:
		default:
			return err
		}
		de := toDomain(err)
		iv.Error = &fieldErr{Message: s.errorMessage(v, de), Detail: de.Message}
		return s.web.render(c, statusOf[de.Code], "import", v)
	}
	iv.Report = &rep
	return s.web.render(c, http.StatusOK, "import", v)
}

// importUpload streams the form's file into the import.
func (s *Server) importUpload(c echo.Context) (cases.ImportReport, string, error) {
	req := c.Request()
	if !isMultipart(c) {
		return cases.ImportReport{}, "", cases.Errorf(cases.Unsupported, "send the file from the import form (multipart/form-data)")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxImportBytes+64<<10)
	mr, err := req.MultipartReader()
	if err != nil {
		return cases.ImportReport{}, "", &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	charset := ""
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if _, err := checkStreamCSRF(c, nil); err != nil {
				return cases.ImportReport{}, charset, err
			}
			return cases.ImportReport{}, charset, cases.FieldError("file", "choose the CSV file to import")
		}
		if err != nil {
			return cases.ImportReport{}, charset, uploadError(err)
		}
		if n == 0 {
			if consumed, err := checkStreamCSRF(c, part); err != nil || consumed {
				if err != nil {
					return cases.ImportReport{}, charset, err
				}
				continue
			}
		}
		switch part.FormName() {
		case "charset":
			b, err := io.ReadAll(io.LimitReader(part, 32))
			if err != nil {
				return cases.ImportReport{}, charset, uploadError(err)
			}
			charset = string(b)
		case "file":
			if part.FileName() == "" {
				return cases.ImportReport{}, charset, cases.FieldError("file", "choose the CSV file to import")
			}
			rep, err := s.importCSV(req.Context(), partReader{part}, charset)
			return rep, charset, err
		}
	}
}
