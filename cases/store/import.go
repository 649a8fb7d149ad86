package store

import (
	"context"
	"errors"

	"redress/cases"
)

// Import creates a case for every line of a UTF-8 CSV export (see
// ParseImport), each line in a transaction of its own: a bad line is
// reported and never stops the good ones. A line whose platform and
// external id already exist is skipped, so importing the same export twice
// creates nothing the second time. A file whose header is wrong or whose
// bytes are not UTF-8 is refused whole.
func (s *Store) Import(ctx context.Context, body []byte, due cases.DueIn) (cases.ImportReport, error) {
	if _, err := cases.RequireActor(ctx); err != nil {
		return cases.ImportReport{}, err
	}
	lines, err := cases.ParseImport(body)
	if err != nil {
		return cases.ImportReport{}, err
	}
	rep := cases.ImportReport{Errors: []cases.ImportError{}}
	for l := range lines {
		if l.Err != nil {
			rep.Errors = append(rep.Errors, *l.Err)
			continue
		}
		if _, err := s.Create(ctx, l.Case, due(l.Case.Kind, l.Case.Severity)); err != nil {
			var e *cases.Error
			switch {
			case errors.As(err, &e) && e.Code == cases.Conflict:
				rep.Skipped++
			case errors.As(err, &e) && e.Code != cases.Internal && e.Code != cases.Unavailable:
				rep.Errors = append(rep.Errors, cases.NewImportError(l.Line, err))
			default:
				return rep, err
			}
			continue
		}
		rep.Created++
	}
	return rep, nil
}
