package web

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"redress/cases"
	"redress/cases/intake"
	"redress/cases/store"
	"redress/server/actions"
	"redress/server/problem"
	"redress/server/upload"
)

// importView is the CSV import page: the form, the mapping step when a
// file's header is not recognised, and the report of the last import.
type importView struct {
	Report  *cases.ImportReport
	Error   *fieldErr
	Charset string
	Columns []string
	// Mappings are the saved column mappings; Mapping the one chosen.
	Mappings []store.SavedMapping
	Mapping  string
	Step     *mappingStep
}

// mappingStep asks which column holds which field, for a file no profile
// recognises: a preview of its first rows, a choice of column per field
// with the suggestion preselected, values for every line, and a name to
// save the mapping under. The file's text comes back with the form.
type mappingStep struct {
	Header  []string
	Rows    [][]string
	Fields  []fieldChoice
	Fixed   []fieldChoice
	Content string
	// Resend asks for the file again with the choices: it is larger than
	// the page sends back (maxMappingContent).
	Resend bool
	SaveAs string
}

// fieldChoice is one field of the mapping step and its options.
type fieldChoice struct {
	Field     string
	Suggested bool
	Options   []option
}

// maxMappingContent bounds the text the mapping step sends back through
// the page; a larger file is mapped from its first rows all the same and
// sent again with the choices.
const maxMappingContent = 4 << 20

// Page handles GET /import.
func (h *Import) Page(c echo.Context) error {
	v, err := h.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	iv := &importView{Columns: cases.ImportColumns()}
	if iv.Mappings, err = h.store.Intake().Mappings(c.Request().Context()); err != nil {
		return err
	}
	v.D = iv
	return h.render(c, http.StatusOK, "import", v)
}

// Upload handles POST /import: a platform's CSV export uploaded from the
// page (fields csrf_token, charset, an optional saved mapping, then file),
// imported as POST /api/v1/cases/import does, and the report shown. A file
// whose header is neither recognised nor fits the mapping leads to the
// mapping step; its form posts the choices (col.<field>, fixed.<field>,
// save_as) with the file's text (content).
func (h *Import) Upload(c echo.Context) error {
	v, err := h.view(c, "import", "import.title")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	iv := &importView{Columns: cases.ImportColumns()}
	v.D = iv
	if iv.Mappings, err = h.store.Intake().Mappings(ctx); err != nil {
		return err
	}
	var body []byte
	var chosen *intake.Mapping
	prog := newImportProgress(c)
	rep, values, err := upload.CSV(c, h.cfg.UploadTimeout, func(r io.Reader, values url.Values) (cases.ImportReport, error) {
		iv.Mapping = values.Get("mapping")
		charset := values.Get("charset")
		if values.Has("step") && !values.Has("resend") {
			charset = "" // the text came back from the page, as UTF-8
		}
		var err error
		if body, err = actions.ReadExport(r, charset); err != nil {
			return cases.ImportReport{}, err
		}
		opts := actions.ImportOptions{MappingName: iv.Mapping, Location: h.cfg.Location, Stop: h.draining}
		if prog != nil {
			opts.Progress = prog.progress
		}
		if values.Has("step") {
			chosen = mappingFromForm(values)
			opts.Mapping, opts.SaveAs = chosen, strings.TrimSpace(values.Get("save_as"))
		}
		return h.imports.Import(ctx, bytes.NewReader(body), opts)
	})
	iv.Charset = values.Get("charset")
	if err != nil {
		switch cases.ErrorCode(err) {
		case cases.Invalid, cases.Malformed, cases.TooLarge, cases.Unsupported:
		default:
			if prog != nil && prog.started {
				// The page's script reads the rest of the stream: tell it
				// there, as the error handler cannot write a page now.
				de := problem.From(err)
				if de.Code == cases.Internal {
					h.log.Error("import", "err", err)
				}
				fe := h.refusalOf(v, "import", de)
				msg := fe.Message
				if !fe.Folded && fe.Detail != "" {
					msg += " " + fe.Detail
				}
				prog.line(map[string]any{"status": problem.Status(de), "error": msg})
				return nil
			}
			return err
		}
		de := problem.From(err)
		iv.Error = h.refusalOf(v, "import", de)
		if body != nil && (de.Field == "columns" || de.Field == "mapping" || de.Field == "save_as" || de.Field == "mapping_name") {
			if iv.Step, err = h.mappingStep(body, chosen, values); err != nil {
				return err
			}
		}
		return h.answerImport(c, problem.Status(de), v, prog)
	}
	iv.Report = &rep
	return h.answerImport(c, http.StatusOK, v, prog)
}

// answerImport answers the import form with the page, or ends the
// progress stream with it.
func (h *Import) answerImport(c echo.Context, status int, v *view, prog *importProgress) error {
	if prog == nil {
		return h.render(c, status, "import", v)
	}
	b, err := h.renderBytes("import", v)
	if err != nil {
		return err
	}
	prog.page(status, b)
	return nil
}

// mappingStep builds the mapping step for body: the choices posted, else
// the suggestions from the header's words.
func (h *Import) mappingStep(body []byte, chosen *intake.Mapping, values url.Values) (*mappingStep, error) {
	p, err := actions.PreviewExport(body, chosen, h.cfg.Location)
	if err != nil {
		return nil, err
	}
	if chosen == nil {
		p.Mapping = intake.Suggest(p.Header)
	}
	st := &mappingStep{Header: p.Header, Rows: p.Rows, SaveAs: values.Get("save_as")}
	if len(body) <= maxMappingContent {
		st.Content = string(body)
	} else {
		// Too large to send back through the page: the preview is of the
		// first rows (all it reads), and the file is chosen again with the
		// choices (the page's script sends it by itself).
		st.Resend = true
	}
	for _, f := range intake.Fields() {
		col := p.Mapping.Columns[f]
		fc := fieldChoice{Field: string(f), Suggested: col != "" && chosen == nil}
		fc.Options = append(fc.Options, option{Value: "", Label: "—", Selected: col == ""})
		for _, hd := range p.Header {
			if hd != "" {
				fc.Options = append(fc.Options, option{Value: hd, Label: hd, Selected: hd == col})
			}
		}
		st.Fields = append(st.Fields, fc)
	}
	fixed := func(f intake.Field, vals []string) {
		cur := p.Mapping.Fixed[f]
		fc := fieldChoice{Field: string(f)}
		fc.Options = append(fc.Options, option{Value: "", Label: "—", Selected: cur == ""})
		for _, v := range vals {
			fc.Options = append(fc.Options, option{Value: v, Label: v, Selected: v == cur})
		}
		st.Fixed = append(st.Fixed, fc)
	}
	fixed(intake.FieldPlatform, strs(cases.Platforms()))
	fixed(intake.FieldKind, strs(cases.Kinds()))
	fixed(intake.FieldSeverity, strs(cases.Severities()))
	return st, nil
}

// mappingFromForm reads the mapping step's choices.
func mappingFromForm(values url.Values) *intake.Mapping {
	m := &intake.Mapping{Columns: map[intake.Field]string{}, Fixed: map[intake.Field]string{}}
	for k, vs := range values {
		if len(vs) == 0 || strings.TrimSpace(vs[0]) == "" {
			continue
		}
		switch {
		case strings.HasPrefix(k, "col."):
			m.Columns[intake.Field(strings.TrimPrefix(k, "col."))] = vs[0]
		case strings.HasPrefix(k, "fixed."):
			m.Fixed[intake.Field(strings.TrimPrefix(k, "fixed."))] = strings.TrimSpace(vs[0])
		}
	}
	return m
}
