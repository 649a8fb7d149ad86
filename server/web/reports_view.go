package web

import (
	"fmt"
	"html/template"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"redress/cases"
	"redress/server/web/chart"
)

// reportsPage is the reports page's data: the form, and per figure a
// chart over time with its numbers in a table.
type reportsPage struct {
	Values    url.Values
	Periods   []option
	Groupings []option
	Form      *formState
	Own       bool // an agent's page: their own figures only
	Version   string
	From, To  string
	GroupBy   string
	Figures   []figure
	Groups    groupTable
	Downloads []download
}

// download is one CSV link.
type download struct{ Key, URL string }

// figure is one figure of the reports page: what it means, its chart, and
// the numbers of the whole period per group.
type figure struct {
	ID      string
	Title   string
	Explain string
	Chart   template.HTML
	Head    []string
	Rows    [][]string // the first cell names the group
}

// groupTable is the table per group: a row per group with its figures
// over the period and a sparkline of its closings per period.
type groupTable struct {
	Head []string
	Rows []groupRow
}

type groupRow struct {
	Cells     []string
	Sparkline template.HTML
}

// reportBuilder turns a report per period (series) and over the whole
// range (total) into the page's figures.
type reportBuilder struct {
	h      *UI
	v      *view
	dir    directory
	loc    *time.Location
	series cases.Report
	total  cases.Report
	// from and to are the range as the form gave it, for the charts'
	// descriptions.
	from, to string
}

func (b reportBuilder) t(key string, args ...any) string { return b.h.t(b.v, key, args...) }

// periods are the series' period starts, oldest first.
func (b reportBuilder) periods() []time.Time {
	seen := map[int64]bool{}
	var out []time.Time
	for _, r := range b.series.Rows {
		if !seen[r.PeriodStart.Unix()] {
			seen[r.PeriodStart.Unix()] = true
			out = append(out, r.PeriodStart)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	return out
}

func (b reportBuilder) labels() []string {
	var out []string
	for _, p := range b.periods() {
		out = append(out, p.In(b.loc).Format("01-02"))
	}
	return out
}

// groups are the groups of the whole range, by their labels.
func (b reportBuilder) groups() []string {
	var out []string
	for _, r := range b.total.Rows {
		out = append(out, r.Group)
	}
	sort.Slice(out, func(i, j int) bool { return b.groupLabel(out[i]) < b.groupLabel(out[j]) })
	return out
}

// groupLabel is a group as people read it: an agent's name, a kind or
// platform in words, a shop's name.
func (b reportBuilder) groupLabel(g string) string {
	switch b.total.GroupBy {
	case cases.GroupAgent:
		if g == "unassigned" {
			return b.t("reports.unassigned")
		}
		id, err := strconv.ParseInt(g, 10, 64)
		if err != nil {
			return g
		}
		return b.dir.name(&id)
	case cases.GroupKind:
		return b.t("kind." + g)
	case cases.GroupPlatform:
		return b.t("platform." + g)
	}
	return g
}

// byPeriod returns, per period, f of every group's row summed: counts
// add up across groups.
func (b reportBuilder) byPeriod(f func(cases.Figures) int) []chart.Point {
	ps := b.periods()
	out := make([]chart.Point, len(ps))
	for _, r := range b.series.Rows {
		i := sort.Search(len(ps), func(i int) bool { return !ps[i].Before(r.PeriodStart) })
		out[i].Value += float64(f(r.Figures))
	}
	return out
}

// rateByPeriod returns, per period, the rate of the summed numerators
// over the summed denominators (missing without a denominator).
func (b reportBuilder) rateByPeriod(f func(cases.Figures) cases.Rate) []chart.Point {
	num, den := b.byPeriod(func(x cases.Figures) int { return f(x).Num }), b.byPeriod(func(x cases.Figures) int { return f(x).Den })
	out := make([]chart.Point, len(num))
	for i := range num {
		if den[i].Value == 0 {
			out[i].Missing = true
			continue
		}
		out[i].Value = num[i].Value / den[i].Value
	}
	return out
}

// medianByGroup returns a series per group of f's median per period, in
// the unit chosen for the chart.
func (b reportBuilder) medianByGroup(f func(cases.Figures) cases.Percentiles, unit time.Duration) []chart.Series {
	ps := b.periods()
	var out []chart.Series
	for _, g := range b.groups() {
		s := chart.Series{Name: b.groupLabel(g), Points: make([]chart.Point, len(ps))}
		for i := range s.Points {
			s.Points[i].Missing = true
		}
		for _, r := range b.series.Rows {
			if r.Group != g {
				continue
			}
			i := sort.Search(len(ps), func(i int) bool { return !ps[i].Before(r.PeriodStart) })
			if m := f(r.Figures).Median; m != nil {
				s.Points[i] = chart.Point{Value: float64(*m) / unit.Seconds()}
			}
		}
		out = append(out, s)
	}
	return out
}

// durationUnit is minutes or hours, whichever reads better for the
// largest median of f.
func (b reportBuilder) durationUnit(f func(cases.Figures) cases.Percentiles) (time.Duration, string) {
	var most int64
	for _, r := range b.series.Rows {
		if m := f(r.Figures).Median; m != nil && *m > most {
			most = *m
		}
	}
	if most >= 3*3600 {
		return time.Hour, "reports.unit.hours"
	}
	return time.Minute, "reports.unit.minutes"
}

// row returns the whole range's figures of group g.
func (b reportBuilder) row(g string) cases.Figures {
	for _, r := range b.total.Rows {
		if r.Group == g {
			return r.Figures
		}
	}
	return cases.Figures{}
}

func (b reportBuilder) chart(id string, kind chart.Kind, title string, series []chart.Series, format func(float64) string) template.HTML {
	// Bars count things; lines are durations and rates.
	desc := b.t("reports.chart_desc", "figure", title, "from", b.from, "to", b.to, "n", len(b.periods()))
	return chart.Chart{ID: "chart-" + id, Kind: kind, Title: title, Desc: desc, Labels: b.labels(), Series: series,
		Format: format, Empty: b.t("reports.no_data"), Whole: kind == chart.Bar}.SVG()
}

func count(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func percent(v float64) string { return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) + "%" }

// figures builds every figure of the page.
func (b reportBuilder) figures() []figure {
	var out []figure
	add := func(id, titleKey, explainKey string, ch func(title string) template.HTML, head []string, cells func(cases.Figures) []string) {
		f := figure{ID: id, Title: b.t(titleKey), Explain: b.t(explainKey), Head: append([]string{b.t("reports.col.group")}, head...)}
		f.Chart = ch(f.Title)
		for _, g := range b.groups() {
			f.Rows = append(f.Rows, append([]string{b.groupLabel(g)}, cells(b.row(g))...))
		}
		out = append(out, f)
	}
	sumMap := func(m map[cases.CloseReason]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	breaches := func(f cases.Figures) (n int) {
		for _, v := range f.SLABreaches {
			n += v
		}
		return n
	}

	add("volume", "reports.fig.volume", "reports.def.volume", func(title string) template.HTML {
		return b.chart("volume", chart.Bar, title, []chart.Series{
			{Name: b.t("reports.col.opened"), Points: b.byPeriod(func(f cases.Figures) int { return f.Opened })},
			{Name: b.t("reports.col.closed"), Points: b.byPeriod(func(f cases.Figures) int { return f.Closed })},
		}, count)
	}, []string{b.t("reports.col.opened"), b.t("reports.col.closed"), b.t("reports.col.closed_early"), b.t("reports.col.reopened")},
		func(f cases.Figures) []string {
			return []string{strconv.Itoa(f.Opened), strconv.Itoa(f.Closed), strconv.Itoa(sumMap(f.ClosedEarly)), strconv.Itoa(f.Reopened)}
		})

	for _, d := range []struct {
		id, title, def string
		get            func(cases.Figures) cases.DurationFigure
	}{
		{"first_response", "reports.fig.first_response", "reports.def.first_response", func(f cases.Figures) cases.DurationFigure { return f.FirstResponse }},
		{"resolution", "reports.fig.resolution", "reports.def.resolution", func(f cases.Figures) cases.DurationFigure { return f.Resolution }},
	} {
		wall := func(f cases.Figures) cases.Percentiles { return d.get(f).Wall }
		unit, unitKey := b.durationUnit(wall)
		add(d.id, d.title, d.def, func(title string) template.HTML {
			return b.chart(d.id, chart.Line, title+" · "+b.t("reports.col.median"), b.medianByGroup(wall, unit), func(v float64) string {
				n := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
				return b.t(unitKey, []any{"n", n}...)
			})
		}, []string{b.t("reports.col.median"), b.t("reports.col.p90"), b.t("reports.col.n"),
			b.t("reports.col.business_median"), b.t("reports.col.business_p90")},
			func(f cases.Figures) []string {
				x := d.get(f)
				return []string{b.seconds(x.Wall.Median), b.seconds(x.Wall.P90), strconv.Itoa(x.Wall.N),
					b.seconds(x.Business.Median), b.seconds(x.Business.P90)}
			})
	}

	add("sla", "reports.fig.sla", "reports.def.sla", func(title string) template.HTML {
		return b.chart("sla", chart.Bar, title, []chart.Series{
			{Name: b.t("reports.col.sla_breaches"), Points: b.byPeriod(breaches)},
			{Name: b.t("reports.col.platform_misses"), Points: b.byPeriod(func(f cases.Figures) int { return f.PlatformDeadlineMisses })},
		}, count)
	}, []string{b.t("reports.col.sla_breaches"), b.t("reports.col.platform_misses"), b.t("reports.col.after_bare_handover")},
		func(f cases.Figures) []string {
			return []string{strconv.Itoa(breaches(f)), strconv.Itoa(f.PlatformDeadlineMisses), strconv.Itoa(f.Handovers.BreachesWithoutNote)}
		})

	add("remedies", "reports.fig.remedies", "reports.def.remedies", func(title string) template.HTML {
		return b.chart("remedies", chart.Bar, title, []chart.Series{
			{Name: b.t("reports.col.applied"), Points: b.byPeriod(func(f cases.Figures) int { return f.Remedies.Applied })},
		}, count)
	}, []string{b.t("reports.col.applied"), b.t("reports.col.total"), b.t("reports.col.per_case"),
		b.t("reports.col.approvals"), b.t("reports.col.declines")},
		func(f cases.Figures) []string {
			return []string{strconv.Itoa(f.Remedies.Applied), money(f.Remedies.Total), money(f.Remedies.PerCase),
				strconv.Itoa(f.Remedies.Approvals), strconv.Itoa(f.Remedies.Declines)}
		})

	add("reviews", "reports.fig.reviews", "reports.def.reviews", func(title string) template.HTML {
		return b.chart("reviews", chart.Line, title, []chart.Series{
			{Name: b.t("reports.col.platform_word"), Points: b.rateByPeriod(func(f cases.Figures) cases.Rate { return f.Reviews.PlatformWord })},
			{Name: b.t("reports.col.agent_claim"), Points: b.rateByPeriod(func(f cases.Figures) cases.Rate { return f.Reviews.AgentClaim })},
		}, percent)
	}, []string{b.t("reports.col.review_cases"), b.t("reports.col.platform_word"), b.t("reports.col.agent_claim")},
		func(f cases.Figures) []string {
			return []string{strconv.Itoa(f.Reviews.Closed), b.rate(f.Reviews.PlatformWord), b.rate(f.Reviews.AgentClaim)}
		})

	add("rates", "reports.fig.rates", "reports.def.rates", func(title string) template.HTML {
		return b.chart("rates", chart.Line, title, []chart.Series{
			{Name: b.t("reports.col.reopen_rate"), Points: b.rateByPeriod(func(f cases.Figures) cases.Rate { return f.ReopenRate })},
			{Name: b.t("reports.col.rework_rate"), Points: b.rateByPeriod(func(f cases.Figures) cases.Rate { return f.ReworkRate })},
		}, percent)
	}, []string{b.t("reports.col.reopen_rate"), b.t("reports.col.rework_rate")},
		func(f cases.Figures) []string { return []string{b.rate(f.ReopenRate), b.rate(f.ReworkRate)} })

	add("audits", "reports.fig.audits", "reports.def.audits", func(title string) template.HTML {
		return b.chart("audits", chart.Bar, title, []chart.Series{
			{Name: b.t("reports.col.random"), Points: b.byPeriod(func(f cases.Figures) int { return f.Audits.Random.N })},
			{Name: b.t("reports.col.risk"), Points: b.byPeriod(func(f cases.Figures) int { return f.Audits.Risk.N })},
		}, count)
	}, []string{b.t("reports.col.random"), b.t("reports.col.random_rate"), b.t("reports.col.risk"), b.t("reports.col.risk_rate")},
		func(f cases.Figures) []string {
			return []string{strconv.Itoa(f.Audits.Random.N), b.sample(f.Audits.Random, true),
				strconv.Itoa(f.Audits.Risk.N), b.sample(f.Audits.Risk, false)}
		})
	return out
}

// groupRows builds the table per group, each row with a sparkline of its
// closings per period.
func (b reportBuilder) groupRows() groupTable {
	t := groupTable{Head: []string{b.t("reports.col.group"), b.t("reports.col.opened"), b.t("reports.col.closed"),
		b.t("reports.fig.first_response") + " · " + b.t("reports.col.median"),
		b.t("reports.fig.resolution") + " · " + b.t("reports.col.median"),
		b.t("reports.col.reopen_rate"), b.t("reports.col.trend")}}
	ps := b.periods()
	for _, g := range b.groups() {
		f := b.row(g)
		points := make([]chart.Point, len(ps))
		for _, r := range b.series.Rows {
			if r.Group == g {
				i := sort.Search(len(ps), func(i int) bool { return !ps[i].Before(r.PeriodStart) })
				points[i].Value = float64(r.Closed)
			}
		}
		label := b.groupLabel(g)
		t.Rows = append(t.Rows, groupRow{
			Cells: []string{label, strconv.Itoa(f.Opened), strconv.Itoa(f.Closed), b.seconds(f.FirstResponse.Wall.Median),
				b.seconds(f.Resolution.Wall.Median), b.rate(f.ReopenRate)},
			Sparkline: chart.Sparkline(b.t("reports.sparkline", "group", label), points),
		})
	}
	return t
}

// seconds writes a duration in words; "—" when there is none.
func (b reportBuilder) seconds(s *int64) string {
	if s == nil {
		return "—"
	}
	if *s < 60 {
		return b.t("dur.under_minute")
	}
	return b.h.tr.Duration(b.v.Lang, time.Duration(*s)*time.Second)
}

// rate writes a rate with its counts: "25% (1/4)"; "—" without a
// denominator.
func (b reportBuilder) rate(r cases.Rate) string {
	if r.Value == nil {
		return "—"
	}
	return fmt.Sprintf("%s (%d/%d)", percent(*r.Value), r.Num, r.Den)
}

// sample writes an audit pass rate: "sample too small" under the minimum,
// else the rate with its counts and, for the random sample, its 95%
// confidence interval.
func (b reportBuilder) sample(s cases.SampleRate, interval bool) string {
	if s.N == 0 {
		return "—"
	}
	if s.TooSmall || s.Rate == nil {
		return b.t("reports.too_small", "n", s.N)
	}
	out := fmt.Sprintf("%s (%d/%d)", percent(*s.Rate), s.Passed, s.N)
	if interval && s.Low != nil && s.High != nil {
		out += " " + b.t("reports.ci", "low", percent(*s.Low), "high", percent(*s.High))
	}
	return out
}

// money writes amounts per currency: "12.50 CNY, 3.00 USD"; "—" for none.
func money(ms []cases.Money) string {
	if len(ms) == 0 {
		return "—"
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, ", ")
}
