// Package request reads what both surfaces take from a request the same
// way: path ids.
package request

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// PathID reads a positive numeric id from the path parameter name; anything
// else is a 404, as for an id that does not exist.
func PathID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, cases.Errorf(cases.NotFound, "no such %s", strings.TrimSuffix(name, "_id"))
	}
	return id, nil
}
