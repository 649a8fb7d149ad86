package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/server/request"
)

// Content handles GET /api/v1/evidence/{id}/content: the item's
// bytes as an attachment, never rendered by the browser, with range
// requests (http.ServeContent) over a reader that fetches only the chunks
// a range needs. The ETag is the SHA-256: content never changes.
func (h *Evidence) Content(c echo.Context) error {
	id, err := request.PathID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ev, err := h.store.GetEvidence(ctx, id)
	if err != nil {
		return err
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, ev.ContentType)
	hdr.Set(echo.HeaderContentDisposition, attachment(downloadName(ev)))
	hdr.Set(echo.HeaderXContentTypeOptions, "nosniff")
	hdr.Set(echo.HeaderContentSecurityPolicy, "default-src 'none'; sandbox")
	hdr.Set("Cache-Control", "private, max-age=86400")
	hdr.Set("ETag", `"`+ev.SHA256+`"`)
	r := &errReader{rs: h.store.OpenEvidence(ctx, ev)}
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, r)
	return r.err // logged by the request log; the response is already under way
}

// errReader remembers the first failure of the reader it wraps, which
// http.ServeContent would otherwise swallow.
type errReader struct {
	rs  io.ReadSeeker
	err error
}

func (r *errReader) Read(p []byte) (int, error) {
	n, err := r.rs.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && r.err == nil {
		r.err = err
	}
	return n, err
}

func (r *errReader) Seek(offset int64, whence int) (int64, error) { return r.rs.Seek(offset, whence) }

// downloadName is the name an item downloads under: the client's file
// name, or one made from the id and the content type.
func downloadName(ev cases.Evidence) string {
	if ev.FileName != "" {
		return ev.FileName
	}
	return fmt.Sprintf("evidence-%d%s", ev.ID, extension(ev.ContentType))
}

// extension is the usual file extension of an allowed content type.
func extension(contentType string) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch mt {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/webp":
		return ".webp"
	case "image/gif":
		return ".gif"
	case "application/pdf":
		return ".pdf"
	case "application/json":
		return ".json"
	case "text/plain":
		return ".txt"
	}
	return ""
}

// attachment is a Content-Disposition that any browser saves under name:
// an ASCII fallback in filename (RFC 6266) and, when the name is not plain
// ASCII, the exact name in filename* (RFC 5987), which modern browsers
// prefer, so that Chinese names survive.
func attachment(name string) string {
	fallback := asciiFileName(name)
	v := `attachment; filename="` + fallback + `"`
	if fallback != name {
		v += "; filename*=UTF-8''" + rfc5987(name)
	}
	return v
}

// asciiFileName replaces what a quoted filename cannot safely carry (non-
// ASCII, quotes, backslashes, percent signs that some browsers decode) with
// underscores, keeping the extension readable.
func asciiFileName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// rfc5987 percent-encodes every byte of s that is not an attr-char.
func rfc5987(s string) string {
	const attrChars = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChars, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
