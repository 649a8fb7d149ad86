package intake

import (
	"fmt"
	"strings"
	"time"

	"redress/cases"
)

// plan is how the lines of one file are read.
type plan struct {
	name, title string
	profile     *Profile
	header      []string
	cols        map[Field]int
	platform    cases.Platform
	shop        string
	kind        cases.Kind
	severity    cases.Severity
	currency    string
	loc         *time.Location
	dayFirst    bool
}

// findHeader finds the header among the first records and the plan that
// reads the lines after it.
func findHeader(recs []record, opts Options) (*plan, int, error) {
	// When no line fits, the refusal is about the widest line: the header
	// more likely than a title above it.
	var refusal error
	widest := 0
	for h := 0; h < len(recs) && h < maxPreamble; h++ {
		if recs[h].err != nil || isBlank(recs[h].fields) {
			continue
		}
		header := recs[h].fields
		p, err := planFor(header, recs[h+1:], opts)
		if err == nil {
			return p, h, nil
		}
		if n := len(nonEmpty(header)); n > widest {
			refusal, widest = err, n
		}
	}
	if refusal == nil {
		refusal = &cases.Error{Code: cases.Invalid, Field: "body", Message: "the file has no header line"}
	}
	return nil, 0, refusal
}

func planFor(header []string, data []record, opts Options) (*plan, error) {
	m := opts.Mapping
	var prof *Profile
	if m == nil {
		pr, err := pickProfile(header, data, opts.Platform)
		if err != nil {
			return nil, err
		}
		pm := pr.Mapping(header)
		m, prof = &pm, &pr
	} else if m.Profile != "" {
		if pr, ok := ProfileNamed(m.Profile); ok {
			prof = &pr
		}
	}
	if prof != nil && prof.Platform != "" && opts.Platform != "" && opts.Platform != prof.Platform &&
		!(sameFamily(prof.Platform) && sameFamily(opts.Platform)) {
		return nil, &cases.Error{Code: cases.Invalid, Field: "platform", Message: fmt.Sprintf(
			"the file is a %s, which platform %s does not export", prof.Title, opts.Platform)}
	}
	extra := map[Field]string{FieldPlatform: string(opts.Platform), FieldShop: opts.Shop}
	cols, err := m.columns(header, extra)
	if err != nil {
		return nil, err
	}
	p := &plan{header: header, cols: cols, profile: prof, loc: opts.Location, dayFirst: opts.DayFirst}
	if p.loc == nil {
		p.loc = shanghai()
	}
	if prof != nil {
		p.name, p.title = prof.Name, prof.Title
	}
	// The fixed values were validated by columns; options come first.
	if v := firstOf(string(opts.Platform), m.Fixed[FieldPlatform]); v != "" {
		if p.platform, err = ParsePlatform(v); err != nil {
			return nil, &cases.Error{Code: cases.Invalid, Field: "platform", Message: err.Error()}
		}
	}
	p.shop = firstOf(opts.Shop, m.Fixed[FieldShop])
	if v := m.Fixed[FieldKind]; v != "" {
		p.kind, _ = ParseKind(v)
	}
	if v := m.Fixed[FieldSeverity]; v != "" {
		p.severity, _ = ParseSeverity(v)
	}
	if v := m.Fixed[FieldOrderCurrency]; v != "" {
		p.currency, _ = ParseCurrency(v)
	}
	return p, nil
}

// pickProfile recognises the header; of exports that look alike it takes
// the one of the platform option, else the one whose order numbers the
// first lines have.
func pickProfile(header []string, data []record, platform cases.Platform) (Profile, error) {
	cs := candidates(header)
	if len(cs) == 0 {
		return Profile{}, unrecognised(header)
	}
	var tied []Profile
	for _, c := range cs {
		if c.score == cs[0].score {
			tied = append(tied, c.profile)
		}
	}
	if len(tied) == 1 {
		return tied[0], nil
	}
	for _, pr := range tied {
		if pr.Platform == platform {
			return pr, nil
		}
	}
	var fits []Profile
	for _, pr := range tied {
		col, ok := pr.resolve(headerKeys(header))[FieldOrderRef]
		if !ok {
			continue
		}
		var orders []string
		for _, r := range data[:min(len(data), 20)] {
			if r.err == nil && col < len(r.fields) {
				id, _ := ParseID(r.fields[col])
				orders = append(orders, id)
			}
		}
		if pr.ordersLookLike(orders) {
			fits = append(fits, pr)
		}
	}
	if len(fits) == 1 {
		return fits[0], nil
	}
	var names []string
	for _, pr := range tied {
		names = append(names, fmt.Sprintf("%s (%s)", pr.Title, pr.Platform))
	}
	return Profile{}, &cases.Error{Code: cases.Invalid, Field: "platform", Message: fmt.Sprintf(
		"the columns fit more than one export: %s; choose the platform the file comes from", strings.Join(names, ", "))}
}

// unrecognised refuses a header that is neither Redress's own nor a known
// export, naming the missing template column when it looks like the
// template, and carrying a suggested mapping.
func unrecognised(header []string) error {
	own, _ := ProfileNamed(OwnProfile)
	keys := headerKeys(header)
	if cols := own.resolve(keys); len(cols) >= 2 {
		for _, f := range own.Require {
			if _, ok := cols[f]; !ok {
				return &cases.Error{Code: cases.Invalid, Field: "columns", Message: fmt.Sprintf(
					"column %q is missing; required are %s", f, join(own.Require)),
					Extra: map[string]any{"suggested_mapping": Suggest(header)}}
			}
		}
	}
	return &cases.Error{Code: cases.Invalid, Field: "columns", Message: fmt.Sprintf(
		"the columns are neither Redress's own (%s …) nor an export Redress knows (%s); send a mapping that names the columns",
		join(own.Require), strings.Join(profileNames(), ", ")),
		Extra: map[string]any{"suggested_mapping": Suggest(header)}}
}

// sameFamily reports whether p is Taobao or Tmall, which share their
// seller tools and exports.
func sameFamily(p cases.Platform) bool { return p == "taobao" || p == "tmall" }

func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

func (p *plan) continuation() bool { return p.profile != nil && p.profile.Continuation }

func (p *plan) column(f Field) string {
	if i, ok := p.cols[f]; ok {
		return clean(p.header[i])
	}
	return ""
}

// cell is the value of f on a line, "" for the placeholders exports write
// in empty cells ("-", "--", "N/A").
func (p *plan) cell(rec []string, f Field) string {
	i, ok := p.cols[f]
	if !ok || i >= len(rec) {
		return ""
	}
	v := clean(rec[i])
	switch v {
	case "-", "--", "—", "N/A", "n/a", "null", "NULL", `\N`:
		return ""
	}
	return v
}

// addItem adds the item of a continuation line to the summary of the
// order's row.
func (p *plan) addItem(r *Row, rec []string) {
	if item := p.cell(rec, FieldItem); item != "" && !strings.Contains(r.Case.Summary, item) {
		r.Case.Summary = joinNonEmpty("; ", r.Case.Summary, item)
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, sep)
}
