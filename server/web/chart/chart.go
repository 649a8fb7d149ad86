// Package chart draws the reports page's pictures as server-rendered SVG:
// line and bar charts with axes, labels and an accessible title, and
// sparklines. No script runs in the browser; the numbers a chart shows are
// always in a table beside it.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is how a chart draws its series.
type Kind string

// The chart kinds: lines through the points (gaps where a value is
// missing), or bars side by side per label.
const (
	Line Kind = "line"
	Bar  Kind = "bar"
)

// Point is one value of a series; Missing says there is none (a median of
// no durations), which a line skips and a bar leaves empty.
type Point struct {
	Value   float64
	Missing bool
}

// Series is one named sequence of values, one per label of its chart.
type Series struct {
	Name   string
	Points []Point
}

// Chart is what a chart shows: Labels along the x axis, Series of values
// over them, Title and Desc for assistive technology (the SVG's <title>
// and <desc>). Format writes a value on the y axis (whole numbers when
// nil). ID must be unique in the page: the title and description are
// referenced by it.
type Chart struct {
	ID     string
	Kind   Kind
	Title  string
	Desc   string
	Labels []string
	Series []Series
	Format func(float64) string
	// Empty is the text shown when no series has a value.
	Empty string
	// Whole says the values are counts: the y axis steps by whole numbers.
	Whole bool
	// Width and Height in SVG user units; 0 takes the defaults.
	Width, Height int
}

// Geometry of the plot area inside the SVG.
const (
	defaultWidth  = 640
	defaultHeight = 240
	padLeft       = 64
	padRight      = 16
	padTop        = 16
	padBottom     = 40
	// maxXLabels is how many x labels fit; others are skipped evenly.
	maxXLabels = 10
)

// palette holds the series' colours, distinguishable in grey print too
// (each series also has its own dash pattern in line charts).
var palette = [...]string{"#1f5f99", "#c2571a", "#2e7d32", "#7b1fa2", "#6d6d6d", "#b8860b"}

// dashes are the line charts' dash patterns, by series.
var dashes = [...]string{"", "6 3", "2 3", "8 3 2 3", "4 4", "1 2"}

// SVG renders the chart as an inline <svg> element.
func (c Chart) SVG() template.HTML {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = defaultHeight
	}
	format := c.Format
	if format == nil {
		format = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	var b strings.Builder
	id := attr(c.ID)
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-%s" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-title %s-desc" preserveAspectRatio="xMidYMid meet">`,
		attr(string(c.Kind)), w, h, id, id)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, text(c.Title), id, text(c.Desc))

	lo, hi, ok := c.extent()
	plotW, plotH := float64(w-padLeft-padRight), float64(h-padTop-padBottom)
	x0, y0 := float64(padLeft), float64(padTop)+plotH
	if !ok || len(c.Labels) == 0 {
		fmt.Fprintf(&b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>`, num(x0), num(y0), num(x0+plotW), num(y0))
		fmt.Fprintf(&b, `<text class="empty" x="%s" y="%s" text-anchor="middle" fill="#555">%s</text>`, num(x0+plotW/2), num(y0-plotH/2), text(c.Empty))
		b.WriteString(`</svg>`)
		return template.HTML(b.String())
	}
	scale := NewScale(lo, hi)
	if c.Whole && scale.Ticks[1]-scale.Ticks[0] < 1 {
		scale = wholeScale(lo, hi)
	}
	y := func(v float64) float64 { return y0 - (v-scale.Min)/(scale.Max-scale.Min)*plotH }

	// The y axis: grid lines and their values.
	b.WriteString(`<g class="y-axis" font-size="11" fill="#444">`)
	for _, t := range scale.Ticks {
		yy := y(t)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ddd"/>`, num(x0), num(yy), num(x0+plotW), num(yy))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, num(x0-6), num(yy), text(format(t)))
	}
	b.WriteString(`</g>`)

	// The x axis: one band per label, its label under the band's middle.
	n := len(c.Labels)
	band := plotW / float64(n)
	mid := func(i int) float64 { return x0 + band*(float64(i)+0.5) }
	every := (n + maxXLabels - 1) / maxXLabels
	fmt.Fprintf(&b, `<g class="x-axis" font-size="11" fill="#444"><line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888"/>`, num(x0), num(y0), num(x0+plotW), num(y0))
	for i, l := range c.Labels {
		if i%every != 0 {
			continue
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(mid(i)), num(y0+16), text(l))
	}
	b.WriteString(`</g>`)

	switch c.Kind {
	case Bar:
		c.bars(&b, band, mid, y, y0)
	default:
		c.lines(&b, mid, y)
	}
	c.legend(&b, w, h)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// bars draws every series' bars side by side within each band.
func (c Chart) bars(b *strings.Builder, band float64, mid func(int) float64, y func(float64) float64, y0 float64) {
	k := float64(len(c.Series))
	bw := band * 0.8 / k
	for si, s := range c.Series {
		fmt.Fprintf(b, `<g class="series series-%d" fill="%s">`, si, palette[si%len(palette)])
		for i, p := range s.Points {
			if i >= len(c.Labels) || p.Missing {
				continue
			}
			x := mid(i) - band*0.4 + bw*float64(si)
			top := y(p.Value)
			fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
				num(x), num(top), num(bw), num(math.Max(y0-top, 0)), text(c.pointTitle(s, i, p)))
		}
		b.WriteString(`</g>`)
	}
}

// lines draws every series as a polyline broken where values are missing,
// with a dot at each point (a lone point shows as its dot).
func (c Chart) lines(b *strings.Builder, mid func(int) float64, y func(float64) float64) {
	for si, s := range c.Series {
		colour := palette[si%len(palette)]
		fmt.Fprintf(b, `<g class="series series-%d">`, si)
		var run []string
		flush := func() {
			if len(run) > 1 {
				dash := ""
				if d := dashes[si%len(dashes)]; d != "" {
					dash = ` stroke-dasharray="` + d + `"`
				}
				fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>`, colour, dash, strings.Join(run, " "))
			}
			run = run[:0]
		}
		for i, p := range s.Points {
			if i >= len(c.Labels) {
				break
			}
			if p.Missing {
				flush()
				continue
			}
			run = append(run, num(mid(i))+","+num(y(p.Value)))
		}
		flush()
		for i, p := range s.Points {
			if i >= len(c.Labels) || p.Missing {
				continue
			}
			fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s</title></circle>`,
				num(mid(i)), num(y(p.Value)), colour, text(c.pointTitle(s, i, p)))
		}
		b.WriteString(`</g>`)
	}
}

// legend names the series under the x axis when there is more than one.
func (c Chart) legend(b *strings.Builder, w, h int) {
	if len(c.Series) < 2 {
		return
	}
	b.WriteString(`<g class="legend" font-size="11" fill="#222">`)
	x := float64(padLeft)
	for si, s := range c.Series {
		fmt.Fprintf(b, `<rect x="%s" y="%d" width="10" height="10" fill="%s"/>`, num(x), h-14, palette[si%len(palette)])
		fmt.Fprintf(b, `<text x="%s" y="%d">%s</text>`, num(x+14), h-5, text(s.Name))
		x += 24 + float64(utf8.RuneCountInString(s.Name))*7
		if x > float64(w-padRight) {
			break
		}
	}
	b.WriteString(`</g>`)
}

func (c Chart) pointTitle(s Series, i int, p Point) string {
	format := c.Format
	if format == nil {
		format = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	t := c.Labels[i] + ": " + format(p.Value)
	if s.Name != "" {
		t = s.Name + " · " + t
	}
	return t
}

// extent is the smallest and largest value of every series, and whether
// there is any.
func (c Chart) extent() (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for i, p := range s.Points {
			if p.Missing || i >= len(c.Labels) || math.IsNaN(p.Value) || math.IsInf(p.Value, 0) {
				continue
			}
			lo, hi, ok = math.Min(lo, p.Value), math.Max(hi, p.Value), true
		}
	}
	return lo, hi, ok
}

// Scale is a y axis: from Min to Max, with round Ticks between.
type Scale struct {
	Min, Max float64
	Ticks    []float64
}

// NewScale returns the axis that holds lo to hi: from zero (or from below
// zero when a value is negative) to a round number at or above hi, in
// three to six steps of 1, 2, 2.5 or 5 times a power of ten.
func NewScale(lo, hi float64) Scale {
	lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	if hi == lo {
		hi = lo + 1
	}
	step := niceStep((hi - lo) / 4)
	s := Scale{Min: math.Floor(lo/step) * step, Max: math.Ceil(hi/step) * step}
	for v := s.Min; v <= s.Max+step/2; v += step {
		s.Ticks = append(s.Ticks, math.Round(v/step)*step)
	}
	return s
}

// wholeScale is the axis of counts up to hi: steps of one.
func wholeScale(lo, hi float64) Scale {
	s := Scale{Min: math.Floor(math.Min(lo, 0)), Max: math.Max(math.Ceil(hi), 1)}
	for v := s.Min; v <= s.Max; v++ {
		s.Ticks = append(s.Ticks, v)
	}
	return s
}

// niceStep is the smallest of 1, 2, 2.5, 5 times a power of ten at or
// above x.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= x*(1-1e-9) {
			return m * p
		}
	}
	return 10 * p
}

// Sparkline renders values as a small line without axes, for a table
// row; label is its accessible name. Missing values break the line.
func Sparkline(label string, values []Point) template.HTML {
	const w, h, pad = 120, 28, 3
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s"><title>%s</title>`,
		w, h, w, h, attr(label), text(label))
	lo, hi, ok := Chart{Labels: make([]string, len(values)), Series: []Series{{Points: values}}}.extent()
	if !ok {
		fmt.Fprintf(&b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#bbb"/></svg>`, h-pad, w, h-pad)
		return template.HTML(b.String())
	}
	lo = math.Min(lo, 0)
	if hi == lo {
		hi = lo + 1
	}
	step := float64(w-2*pad) / math.Max(float64(len(values)-1), 1)
	var pts []string
	last := ""
	for i, p := range values {
		if p.Missing {
			continue
		}
		x := float64(pad) + step*float64(i)
		if len(values) == 1 {
			x = float64(w) / 2
		}
		yy := float64(h-pad) - (p.Value-lo)/(hi-lo)*float64(h-2*pad)
		last = num(x) + `" cy="` + num(yy)
		pts = append(pts, num(x)+","+num(yy))
	}
	if len(pts) > 1 {
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`, palette[0], strings.Join(pts, " "))
	}
	fmt.Fprintf(&b, `<circle cx="%s" r="2" fill="%s"/></svg>`, last, palette[0])
	return template.HTML(b.String())
}

// num writes a coordinate with at most two decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

// text escapes character data for XML (and so for HTML).
// Characters XML cannot hold (controls other than tab and newlines) are
// dropped.
func text(s string) string {
	return template.HTMLEscapeString(strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError {
			return -1
		}
		return r
	}, s))
}

// attr escapes an attribute value.
func attr(s string) string { return text(s) }
