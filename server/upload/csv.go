package upload

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/auth"
)

// MaxCSVBytes bounds a CSV export; cases.MaxImportLines bounds its lines.
const MaxCSVBytes = 16 << 20

// Limits on the import form's fields other than the file.
const (
	maxCSVFields     = 100
	maxCSVFieldBytes = 4 << 10
)

// CSV streams the import form's file into importCSV, with the form's other
// fields (csrf_token first; charset, a saved mapping's name or the mapping
// step's choices) read before it. The file is the part named "file" or,
// from the mapping step, "content" (the export's text sent back). It
// returns the report and the fields read.
func CSV(c echo.Context, timeout time.Duration, importCSV func(r io.Reader, values url.Values) (cases.ImportReport, error)) (cases.ImportReport, url.Values, error) {
	req := c.Request()
	values := url.Values{}
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(timeout))
	if !auth.IsMultipart(c) {
		return cases.ImportReport{}, values, cases.Errorf(cases.Unsupported, "send the file from the import form (multipart/form-data)")
	}
	req.Body = http.MaxBytesReader(c.Response(), req.Body, MaxCSVBytes+64<<10)
	mr, err := req.MultipartReader()
	if err != nil {
		return cases.ImportReport{}, values, &cases.Error{Code: cases.Malformed, Message: "the form could not be read", Err: err}
	}
	for n := 0; ; n++ {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			if _, err := auth.CheckStreamCSRF(c, nil); err != nil {
				return cases.ImportReport{}, values, err
			}
			return cases.ImportReport{}, values, cases.FieldError("file", "choose the CSV file to import")
		}
		if err != nil {
			return cases.ImportReport{}, values, uploadError(err)
		}
		if n == 0 {
			if consumed, err := auth.CheckStreamCSRF(c, part); err != nil || consumed {
				if err != nil {
					return cases.ImportReport{}, values, err
				}
				continue
			}
		}
		switch name := part.FormName(); name {
		case "file", "content":
			if name == "file" && part.FileName() == "" {
				return cases.ImportReport{}, values, cases.FieldError("file", "choose the CSV file to import")
			}
			rep, err := importCSV(partReader{part}, values)
			return rep, values, err
		default:
			if n > maxCSVFields {
				return cases.ImportReport{}, values, cases.Errorf(cases.Malformed, "the import form has too many fields")
			}
			b, err := io.ReadAll(io.LimitReader(partReader{part}, maxCSVFieldBytes))
			if err != nil {
				return cases.ImportReport{}, values, uploadError(err)
			}
			values.Add(name, string(b))
		}
	}
}
