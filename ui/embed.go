// Package ui holds Redress's web workspace as files: the html/template
// pages and partials and the static CSS and JavaScript. The translation
// catalogue is package ui/i18n.
package ui

import (
	"embed"
	"io/fs"
)

//go:embed templates static
var files embed.FS

// Templates returns the page templates and their partials.
func Templates() fs.FS { return sub("templates") }

// Static returns the files served under /static/.
func Static() fs.FS { return sub("static") }

func sub(dir string) fs.FS {
	f, err := fs.Sub(files, dir)
	if err != nil {
		panic(err) // the directories are embedded above: a build error, not a run-time one
	}
	return f
}
