package api

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

//go:embed openapi.yaml
var openAPIDoc []byte

// OpenAPI returns the API description served at /api/openapi.yaml.
func OpenAPI() []byte { return openAPIDoc }

func (h *Docs) OpenAPI(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, "application/yaml", openAPIDoc)
}
