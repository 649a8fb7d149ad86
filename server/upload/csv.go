package upload

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
)

// MaxCSVBytes bounds a CSV export; cases.MaxImportLines bounds its lines.
const MaxCSVBytes = 16 << 20

// CSV streams the import form's file (fields csrf_token, charset, an
// optional saved mapping's name, then file) into importCSV, and returns its
// report and the charset chosen.
func CSV(c echo.Context, timeout time.Duration, importCSV func(r io.Reader, charset, mapping string) (cases.ImportReport, error)) (cases.ImportReport, string, error) {
	req := c.Request()
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(timeout))
	if !auth.IsMultipart(c) {
		return cases.ImportReport{}, "", cases.Errorf(cases.Unsupported, "send the file from the import form (multipart/form-data)")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, MaxCSVBytes+64<<10)
	mr, err := req.MultipartReader()
	if err != nil {
		return cases.ImportReport{}, "", &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	charset, mapping := "", ""
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if _, err := auth.CheckStreamCSRF(c, nil); err != nil {
				return cases.ImportReport{}, charset, err
			}
			return cases.ImportReport{}, charset, cases.FieldError("file", "choose the CSV file to import")
		}
		if err != nil {
			return cases.ImportReport{}, charset, uploadError(err)
		}
		if n == 0 {
			if consumed, err := auth.CheckStreamCSRF(c, part); err != nil || consumed {
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
		case "mapping":
			b, err := io.ReadAll(io.LimitReader(part, 128))
			if err != nil {
				return cases.ImportReport{}, charset, uploadError(err)
			}
			mapping = string(b)
		case "file":
			if part.FileName() == "" {
				return cases.ImportReport{}, charset, cases.FieldError("file", "choose the CSV file to import")
			}
			rep, err := importCSV(partReader{part}, charset, mapping)
			return rep, charset, err
		}
	}
}
