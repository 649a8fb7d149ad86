package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"golang.org/x/text/encoding/simplifiedchinese"

	"redress/cases"
	"redress/cases/intake"
)

// Imports read exports (native or mapped) into cases, creating them as
// the case operations do.
type Imports struct{ *Cases }

// NewImports returns the import operations beside ops.
func NewImports(ops *Cases) *Imports { return &Imports{ops} }

// ImportOptions say how to read an export.
type ImportOptions struct {
	// Charset is "" or utf-8, or gb18030/gbk/gb2312 as Chinese spreadsheet
	// tools write.
	Charset string
	// MappingName names a saved mapping; Mapping gives one inline (the
	// import page's mapping step). Neither: the header is recognised.
	MappingName string
	Mapping     *intake.Mapping
	// SaveAs saves Mapping under this name once the file reads with it.
	SaveAs string
	// Location is the shop's zone for times written without one.
	Location *time.Location
	// Progress, when set, is told after each line how many of the rows are
	// done.
	Progress func(done, total int)
	// Stop, when closed, ends the import at the next line: the server is
	// shutting down. The lines done stay done; the client is told to send
	// the file again, which resumes it (a line already imported changes
	// nothing the second time).
	Stop <-chan struct{}
}

// ReadExport reads an export's bytes in its charset, for a preview or an
// import.
func ReadExport(r io.Reader, charset string) ([]byte, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, cases.Errorf(cases.TooLarge, "the file is larger than %d MiB; split it", tooBig.Limit>>20)
		}
		return nil, &cases.Error{Code: cases.Malformed, Message: "the upload was interrupted", Err: err}
	}
	switch cs := strings.ToLower(charset); cs {
	case "", "utf-8", "utf8":
	case "gb18030", "gbk", "gb2312":
		if body, err = simplifiedchinese.GB18030.NewDecoder().Bytes(body); err != nil {
			return nil, &cases.Error{Code: cases.Invalid, Field: "body", Message: "the file is not valid " + cs}
		}
	default:
		return nil, &cases.Error{Code: cases.Unsupported, Field: "charset", Message: "charset must be utf-8 or gb18030"}
	}
	return body, nil
}

// Import imports a platform's export: Redress's own columns, a native
// export recognised by its header, or any file read with a mapping. Each
// line is applied on its own: a new key creates a case (its platform
// deadline from the platform rules when the file gives none); a known key
// whose review changed (rating, text, 追评 added, review removed) updates
// the case with a review_changed event; an unchanged one is skipped. Every
// problem of every line is reported; a bad line never stops the good ones.
func (a *Imports) Import(ctx context.Context, r io.Reader, opts ImportOptions) (cases.ImportReport, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.ImportReport{}, err
	}
	body, err := ReadExport(r, opts.Charset)
	if err != nil {
		return cases.ImportReport{}, err
	}
	m, err := a.mapping(ctx, opts)
	if err != nil {
		return cases.ImportReport{}, err
	}
	batch, err := intake.Read(bytes.NewReader(body), intake.Options{Mapping: m, Location: opts.Location})
	if err != nil {
		return cases.ImportReport{}, err
	}
	if opts.SaveAs != "" && m != nil {
		raw, err := json.Marshal(m)
		if err != nil {
			return cases.ImportReport{}, cases.Internalf(err, "encode mapping")
		}
		if err := a.store.Intake().SaveMapping(ctx, opts.SaveAs, raw); err != nil {
			return cases.ImportReport{}, err
		}
	}
	rep := cases.ImportReport{Profile: batch.Profile, IgnoredColumns: batch.Ignored,
		Errors: lineErrors(batch.Errors), Warnings: lineErrors(batch.Warnings)}
	for i, row := range batch.Rows {
		select {
		case <-opts.Stop:
			return rep, &cases.Error{Code: cases.Unavailable, Field: "body",
				Message: fmt.Sprintf("the server is restarting: %d of %d lines were imported; send the same file again to import the rest (the lines done are not imported twice)", i, len(batch.Rows)),
				Extra: map[string]any{"retry_after": 10, "lines_done": i, "lines_total": len(batch.Rows),
					"created": rep.Created, "updated": rep.Updated, "skipped": rep.Skipped}}
		default:
		}
		outcome, err := a.importRow(ctx, actor, row)
		switch {
		case err == nil:
		case cases.ErrorCode(err) == cases.Internal || cases.ErrorCode(err) == cases.Unavailable:
			return rep, err
		default:
			e := cases.NewImportError(row.Line, err)
			rep.Errors = append(rep.Errors, e)
		}
		switch outcome {
		case imported:
			rep.Created++
		case updated:
			rep.Updated++
		case skipped:
			rep.Skipped++
		}
		if opts.Progress != nil {
			opts.Progress(i+1, len(batch.Rows))
		}
	}
	sortErrors(rep.Errors)
	return rep, nil
}

// Preview reads an export without importing it: how its header is read
// (the profile recognised, or the mapping suggested), and its first rows.
func (a *Imports) Preview(ctx context.Context, r io.Reader, opts ImportOptions) (ImportPreview, error) {
	body, err := ReadExport(r, opts.Charset)
	if err != nil {
		return ImportPreview{}, err
	}
	m, err := a.mapping(ctx, opts)
	if err != nil {
		return ImportPreview{}, err
	}
	return PreviewExport(body, m, opts.Location)
}

type rowOutcome int

const (
	failed rowOutcome = iota
	imported
	updated
	skipped
)

func (a *Imports) importRow(ctx context.Context, actor cases.Actor, row intake.Row) (rowOutcome, error) {
	cur, err := a.store.Intake().CaseByExternalID(ctx, row.Key.Platform, row.Key.ExternalID)
	if cases.ErrorCode(err) == cases.NotFound {
		if row.UpdateOnly {
			return skipped, nil
		}
		nc, err := row.Case.Case()
		if err != nil {
			return failed, err
		}
		if row.Review != nil {
			nc.Review.FollowUpText, nc.Review.Removed = row.Review.FollowUpText, row.Review.Removed
		}
		if _, err := a.create(ctx, nc); cases.ErrorCode(err) != cases.Conflict {
			if err != nil {
				return failed, err
			}
			return imported, nil
		}
		// Imported meanwhile by someone else: compare with theirs.
		if cur, err = a.store.Intake().CaseByExternalID(ctx, row.Key.Platform, row.Key.ExternalID); err != nil {
			return failed, err
		}
	} else if err != nil {
		return failed, err
	}
	if row.Review == nil {
		return skipped, nil
	}
	changed := false
	err = a.store.InTx(ctx, func(tx *sqlx.Tx) error {
		_, err := a.store.Intake().RecordTx(ctx, tx, cur.ID, func(c cases.Case, _ cases.Facts) (cases.Change, error) {
			ch := ReviewChange(c, *row.Review, row.Line, actor.ID)
			changed = len(ch.Events) > 0
			return ch, nil
		})
		return err
	})
	if err != nil {
		return failed, err
	}
	if changed {
		return updated, nil
	}
	return skipped, nil
}

// ReviewChange is what a re-exported review does to a case: nothing when
// it reads the same, else the case takes the export's review (rating, text,
// follow-up, removal) with a review_changed event saying old → new.
func ReviewChange(c cases.Case, snap intake.ReviewSnapshot, line int, importedBy int64) cases.Change {
	old := intake.ReviewSnapshot{Rating: c.Review.Rating, Text: c.Review.Text, FollowUpText: c.Review.FollowUpText, Removed: c.Review.Removed}
	diff := old.Diff(snap)
	if len(diff) == 0 {
		return cases.Change{Case: c, KeepVersion: true}
	}
	changes := map[string]any{}
	for field, d := range diff {
		changes[field] = map[string]any{"old": d[0], "new": d[1]}
	}
	next := c
	if _, ok := diff["rating"]; ok {
		next.Review.Rating = snap.Rating
	}
	if _, ok := diff["text"]; ok {
		next.Review.Text = strings.TrimSpace(snap.Text)
	}
	if _, ok := diff["follow_up_text"]; ok {
		next.Review.FollowUpText = strings.TrimSpace(snap.FollowUpText)
	}
	next.Review.Removed = snap.Removed
	if snap.PostedAt != nil && next.Review.PostedAt == nil {
		next.Review.PostedAt = snap.PostedAt
	}
	return cases.Change{Case: next, Events: []cases.NewEvent{{Kind: cases.EventReviewChanged, Payload: map[string]any{
		"changes": changes, "source": "import", "line": line, "imported_by": importedBy,
	}}}}
}

// mapping returns the mapping the options name or give, or nil.
func (a *Imports) mapping(ctx context.Context, opts ImportOptions) (*intake.Mapping, error) {
	if opts.Mapping != nil {
		return opts.Mapping, nil
	}
	if opts.MappingName == "" {
		return nil, nil
	}
	saved, err := a.store.Intake().Mapping(ctx, opts.MappingName)
	if err != nil {
		return nil, err
	}
	var m intake.Mapping
	if err := json.Unmarshal(saved.Mapping, &m); err != nil {
		return nil, cases.Internalf(err, "decode mapping %q", opts.MappingName)
	}
	return &m, nil
}

func lineErrors(in []intake.LineError) []cases.ImportError {
	out := make([]cases.ImportError, 0, len(in))
	for _, e := range in {
		out = append(out, cases.ImportError{Line: e.Line, Column: e.Column, Field: e.Field, Detail: e.Detail})
	}
	return out
}

// sortErrors orders errors by line, keeping each line's in the order found.
func sortErrors(errs []cases.ImportError) {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Line < errs[j-1].Line; j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
}

// ImportPreview is how an export will be read: the profile recognised (or
// "" when a mapping is needed), the mapping in use or suggested, the
// header, and the first rows as cells.
type ImportPreview struct {
	Profile    string         `json:"profile"`
	Title      string         `json:"title,omitempty"`
	Recognised bool           `json:"recognised"`
	Mapping    intake.Mapping `json:"mapping"`
	Header     []string       `json:"header"`
	Rows       [][]string     `json:"rows"`
	Fields     []intake.Field `json:"fields"`
	Problem    string         `json:"problem,omitempty"`
}

// previewRows is how many rows a preview shows.
const previewRows = 5

// PreviewExport reads the header and first rows of body and says how they
// would be read: by the profile the header matches, by m, or — when
// neither fits — with a suggested mapping for the agent to correct.
func PreviewExport(body []byte, m *intake.Mapping, loc *time.Location) (ImportPreview, error) {
	header, rows, err := intake.Head(bytes.NewReader(body), previewRows)
	if err != nil {
		return ImportPreview{}, err
	}
	p := ImportPreview{Header: header, Rows: rows, Fields: intake.Fields()}
	if m != nil {
		p.Mapping = *m
		if err := m.Validate(header); err != nil {
			p.Problem = fmt.Sprint(err)
		}
		return p, nil
	}
	if prof, ok := intake.Recognise(header); ok {
		p.Profile, p.Title, p.Recognised, p.Mapping = prof.Name, prof.Title, true, prof.Mapping(header)
		return p, nil
	}
	p.Mapping = intake.Suggest(header)
	return p, nil
}
