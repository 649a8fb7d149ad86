package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"redress/cases"
)

// asset is one static file, served under a name that carries a hash of its
// content (app.3f2a1c9d.js), so that it may be cached forever: a changed
// file gets a new name, and pages link the new name.
type asset struct {
	url         string // /static/app.3f2a1c9d.js
	contentType string
	body        []byte
}

// assets are the static files by their hashed name, and the URL of each by
// its plain name.
type assets struct {
	byHashed map[string]*asset
	urls     map[string]string
}

// loadAssets reads every static file and names it by its content hash.
func loadAssets(fsys fs.FS) (*assets, error) {
	a := &assets{byHashed: map[string]*asset{}, urls: map[string]string{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		// A file in a folder (vendor/redoc.standalone.js) is served flat,
		// its slashes made dashes: /static/{name} is one path segment.
		hashed := strings.ReplaceAll(strings.TrimSuffix(name, ext), "/", "-") + "." + hex.EncodeToString(sum[:])[:10] + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			return fmt.Errorf("static file %s: no content type for %q", name, ext)
		}
		as := &asset{url: "/static/" + hashed, contentType: ct, body: body}
		a.byHashed[hashed], a.urls[name] = as, as.url
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static files: %w", err)
	}
	return a, nil
}

// url returns the hashed URL of a static file, failing when there is no
// such file: templates call it while being checked at start.
func (a *assets) url(name string) (string, error) {
	u, ok := a.urls[name]
	if !ok {
		return "", fmt.Errorf("no static file %q", name)
	}
	return u, nil
}

// Static serves GET /static/{name} with a year-long immutable cache.
func (h *UI) Static(c echo.Context) error {
	name := c.Param("name")
	as, ok := h.assets.byHashed[name]
	if !ok {
		return cases.Errorf(cases.NotFound, "no static file %s", name)
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderCacheControl, "public, max-age=31536000, immutable")
	hdr.Set(echo.HeaderXContentTypeOptions, "nosniff")
	hdr.Set(echo.HeaderContentType, as.contentType)
	http.ServeContent(c.Response(), c.Request(), "", time.Time{}, bytes.NewReader(as.body))
	return nil
}
