package server

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/text/encoding/simplifiedchinese"

	"redress/cases"
)

// maxImportBytes bounds a CSV export; MaxImportLines bounds its lines.
const maxImportBytes = 16 << 20

// importCases handles POST /api/v1/cases/import: a platform's CSV export,
// UTF-8 or (with charset=gb18030 or gbk, as Chinese spreadsheet tools
// write) GB 18030.
func (s *Server) importCases(c echo.Context) error {
	mt, params, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || (mt != "text/csv" && mt != "application/csv") {
		return cases.Errorf(cases.Unsupported, "send the export as Content-Type: text/csv")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxImportBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return cases.Errorf(cases.TooLarge, "the file is larger than %d MiB; split it", maxImportBytes>>20)
		}
		return &cases.Error{Code: cases.Malformed, Message: "the upload was interrupted", Err: err}
	}
	switch cs := strings.ToLower(params["charset"]); cs {
	case "", "utf-8", "utf8":
	case "gb18030", "gbk", "gb2312":
		if body, err = simplifiedchinese.GB18030.NewDecoder().Bytes(body); err != nil {
			return &cases.Error{Code: cases.Invalid, Field: "body", Message: "the file is not valid " + cs}
		}
	default:
		return &cases.Error{Code: cases.Unsupported, Field: "charset", Message: "charset must be utf-8 or gb18030"}
	}
	rep, err := s.store.Import(c.Request().Context(), body, func(k cases.Kind, sev cases.Severity) time.Duration {
		d, _ := s.policy.Deadlines.Within(k, sev, cases.StateRespond)
		return d
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}
