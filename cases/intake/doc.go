// Package intake turns a shop's CSV export — Redress's own columns, a
// marketplace's native export, or any file with a saved column mapping —
// into case inputs, reporting every problem of every line.
//
// It is pure: it reads an io.Reader and returns values. It knows the
// export formats (profiles), the header synonyms, and how each cell is
// written (ratings, money, dates, ids); creating or updating cases is the
// importer's business.
package intake
