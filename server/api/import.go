package api

import (
	"mime"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/upload"
)

// Import handles POST /api/v1/cases/import: a platform's CSV export,
// UTF-8 or (with charset=gb18030 or gbk, as Chinese spreadsheet tools
// write) GB 18030.
func (h *Cases) Import(c echo.Context) error {
	mt, params, err := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	if err != nil || (mt != "text/csv" && mt != "application/csv") {
		return cases.Errorf(cases.Unsupported, "send the export as Content-Type: text/csv")
	}
	_ = http.NewResponseController(c.Response()).SetReadDeadline(time.Now().Add(h.cfg.UploadTimeout))
	rep, err := h.ops.Import(c.Request().Context(), http.MaxBytesReader(c.Response(), c.Request().Body, upload.MaxCSVBytes), params["charset"])
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, rep)
}
