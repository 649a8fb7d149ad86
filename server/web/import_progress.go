package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// importProgress streams an import's progress to the import page's script,
// which posts the form with Accept: application/x-ndjson: a line
// {"done":N,"total":M} at every hundredth of the rows, then a last line
// {"status":S,"html":…} with the page the form would have answered (the
// report, a refusal or the mapping step). Without the script the form
// posts as ever and gets the page.
type importProgress struct {
	c       echo.Context
	started bool
	last    int
	failed  bool
}

// newImportProgress returns the stream of an import whose client asked
// for one, else nil.
func newImportProgress(c echo.Context) *importProgress {
	if !strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "application/x-ndjson") {
		return nil
	}
	return &importProgress{c: c}
}

// line writes one line of JSON and sends it at once.
func (p *importProgress) line(v any) {
	if p.failed {
		return
	}
	res := p.c.Response()
	if !p.started {
		h := res.Header()
		h.Set(echo.HeaderContentType, "application/x-ndjson; charset=utf-8")
		h.Set(echo.HeaderXContentTypeOptions, "nosniff")
		h.Set(echo.HeaderCacheControl, "no-store")
		res.WriteHeader(http.StatusOK)
		p.started = true
	}
	b, _ := json.Marshal(v)
	if _, err := res.Write(append(b, '\n')); err != nil {
		p.failed = true // the client went away; the import goes on
		return
	}
	res.Flush()
}

// progress is the import's Progress: the first row (which says how many
// there are), every hundredth, and the last.
func (p *importProgress) progress(done, total int) {
	if done != 1 && done != total && done-p.last < max(total/100, 1) {
		return
	}
	p.last = done
	p.line(map[string]int{"done": done, "total": total})
}

// page ends the stream with the page the form answers.
func (p *importProgress) page(status int, html []byte) {
	p.line(map[string]any{"status": status, "html": string(html)})
}
