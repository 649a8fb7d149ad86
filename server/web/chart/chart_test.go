package chart

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"
)

// element is one element of a rendered SVG, with its attributes and text.
type element struct {
	name  string
	attrs map[string]string
	text  string
}

// parse reads svg as XML, failing the test when it is not well-formed,
// and returns its elements in document order.
func parse(t *testing.T, svg string) []element {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	d.Strict = true
	var out []element
	var open []int
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			e := element{name: tk.Name.Local, attrs: map[string]string{}}
			for _, a := range tk.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
			open = append(open, len(out)-1)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				out[open[len(open)-1]].text += string(tk)
			}
		}
	}
	if len(out) == 0 || out[0].name != "svg" {
		t.Fatalf("no svg root: %s", svg)
	}
	return out
}

func find(els []element, name string) []element {
	var out []element
	for _, e := range els {
		if e.name == name {
			out = append(out, e)
		}
	}
	return out
}

func pts(vs ...float64) []Point {
	out := make([]Point, len(vs))
	for i, v := range vs {
		out[i] = Point{Value: v}
	}
	return out
}

func TestChartIsAccessibleWellFormedSVG(t *testing.T) {
	for _, kind := range []Kind{Line, Bar} {
		t.Run(string(kind), func(t *testing.T) {
			c := Chart{ID: "fig-opened", Kind: kind, Title: "Cases opened", Desc: "Cases opened per day, 3 days",
				Labels: []string{"11-23", "11-24", "11-25"}, Series: []Series{{Name: "opened", Points: pts(2, 5, 3)}}}
			els := parse(t, string(c.SVG()))
			root := els[0]
			if root.attrs["role"] != "img" || root.attrs["aria-labelledby"] != "fig-opened-title fig-opened-desc" {
				t.Errorf("root attributes: %v", root.attrs)
			}
			title, desc := find(els, "title"), find(els, "desc")
			if len(title) == 0 || title[0].text != "Cases opened" || title[0].attrs["id"] != "fig-opened-title" ||
				len(desc) != 1 || desc[0].text != "Cases opened per day, 3 days" {
				t.Errorf("title %v desc %v", title, desc)
			}
			var labels []string
			for _, e := range find(els, "text") {
				labels = append(labels, e.text)
			}
			got := strings.Join(labels, "|")
			for _, want := range []string{"11-23", "11-24", "11-25", "0", "6"} {
				if !strings.Contains("|"+got+"|", "|"+want+"|") {
					t.Errorf("axis labels %q lack %q", got, want)
				}
			}
			marks := find(els, "circle")
			if kind == Bar {
				marks = find(els, "rect")
			}
			if len(marks) != 3 {
				t.Fatalf("%d marks, want one per point", len(marks))
			}
		})
	}
}

func TestScale(t *testing.T) {
	for _, tt := range []struct {
		lo, hi   float64
		min, max float64
		ticks    int
	}{
		{0, 5, 0, 6, 4}, // a quarter of 5 is 1.25: steps of 2
		{0, 100, 0, 100, 5},
		{3, 3, 0, 3, 4},          // a flat series still starts at zero
		{0, 0, 0, 1, 5},          // all zeros
		{-3, 7, -5, 7.5, 6},      // negative values go below zero
		{0, 0.37, 0, 0.4, 5},     // fractions (rates)
		{0, 86400, 0, 100000, 5}, // a day in seconds
	} {
		s := NewScale(tt.lo, tt.hi)
		if math.Abs(s.Min-tt.min) > 1e-9 || math.Abs(s.Max-tt.max) > 1e-9 || len(s.Ticks) != tt.ticks {
			t.Errorf("NewScale(%v, %v) = %+v, want %v..%v in %d ticks", tt.lo, tt.hi, s, tt.min, tt.max, tt.ticks)
		}
		if s.Min > tt.lo || s.Max < tt.hi || s.Ticks[0] != s.Min || s.Ticks[len(s.Ticks)-1] != s.Max {
			t.Errorf("NewScale(%v, %v) = %+v does not hold the values", tt.lo, tt.hi, s)
		}
	}
}

// TestValuesLandOnTheScale checks the positions: zero on the x axis, the
// axis's top at the plot's top, and bars as tall as their values.
func TestValuesLandOnTheScale(t *testing.T) {
	c := Chart{ID: "c", Kind: Bar, Labels: []string{"a", "b"}, Series: []Series{{Points: pts(0, 10)}}}
	els := parse(t, string(c.SVG()))
	rects := find(els, "rect")
	if len(rects) != 2 {
		t.Fatalf("%d bars", len(rects))
	}
	bottom := float64(defaultHeight - padBottom)
	if rects[0].attrs["height"] != "0" || rects[0].attrs["y"] != num(bottom) {
		t.Errorf("a zero bar: %v", rects[0].attrs)
	}
	// 10 is the scale's top (steps of 5 → 0..10): the bar fills the plot.
	if rects[1].attrs["y"] != num(padTop) || rects[1].attrs["height"] != num(bottom-padTop) {
		t.Errorf("the tallest bar: %v", rects[1].attrs)
	}
	line := Chart{ID: "l", Kind: Line, Labels: []string{"a", "b", "c"}, Series: []Series{{Points: pts(0, 5, 10)}}}
	els = parse(t, string(line.SVG()))
	poly := find(els, "polyline")
	if len(poly) != 1 {
		t.Fatalf("%d polylines", len(poly))
	}
	plotW := float64(defaultWidth - padLeft - padRight)
	want := num(padLeft+plotW/6) + "," + num(bottom) + " " + num(padLeft+plotW/2) + "," + num((bottom+padTop)/2) + " " +
		num(padLeft+plotW*5/6) + "," + num(padTop)
	if poly[0].attrs["points"] != want {
		t.Errorf("points %q, want %q", poly[0].attrs["points"], want)
	}
}

func TestEmptyAndOnePointSeries(t *testing.T) {
	t.Run("NoValues", func(t *testing.T) {
		for _, c := range []Chart{
			{ID: "e", Kind: Line, Title: "t", Empty: "No data in this period"},
			{ID: "e", Kind: Bar, Labels: []string{"a", "b"}, Series: []Series{{Points: []Point{{Missing: true}, {Missing: true}}}}, Empty: "No data in this period"},
		} {
			els := parse(t, string(c.SVG()))
			if len(find(els, "polyline"))+len(find(els, "rect"))+len(find(els, "circle")) != 0 {
				t.Errorf("marks drawn without values: %s", c.SVG())
			}
			texts := find(els, "text")
			if len(texts) != 1 || texts[0].text != "No data in this period" {
				t.Errorf("empty chart says %v", texts)
			}
		}
	})
	t.Run("OnePoint", func(t *testing.T) {
		c := Chart{ID: "o", Kind: Line, Labels: []string{"11-25"}, Series: []Series{{Points: pts(42)}}}
		els := parse(t, string(c.SVG()))
		if len(find(els, "polyline")) != 0 || len(find(els, "circle")) != 1 {
			t.Errorf("one point: %s", c.SVG())
		}
		circle := find(els, "circle")[0]
		if circle.attrs["cx"] != num(padLeft+float64(defaultWidth-padLeft-padRight)/2) {
			t.Errorf("the lone point is not centred: %v", circle.attrs)
		}
	})
	t.Run("GapBreaksTheLine", func(t *testing.T) {
		c := Chart{ID: "g", Kind: Line, Labels: []string{"a", "b", "c", "d", "e"},
			Series: []Series{{Points: []Point{{Value: 1}, {Value: 2}, {Missing: true}, {Value: 3}, {Value: 4}}}}}
		els := parse(t, string(c.SVG()))
		if len(find(els, "polyline")) != 2 || len(find(els, "circle")) != 4 {
			t.Errorf("a gap: %s", c.SVG())
		}
	})
	t.Run("Sparklines", func(t *testing.T) {
		for _, values := range [][]Point{nil, pts(3), pts(1, 4, 2), {{Missing: true}, {Value: 2}}} {
			els := parse(t, string(Sparkline(`Closed "per" day <&>`, values)))
			if els[0].attrs["aria-label"] != `Closed "per" day <&>` || find(els, "title")[0].text != `Closed "per" day <&>` {
				t.Errorf("sparkline's name: %v", els[0].attrs)
			}
		}
	})
}

func TestLabelsAreEscaped(t *testing.T) {
	evil := `<script>alert("x")</script> & 'quotes'` + "\x00\x01"
	c := Chart{ID: `id"><x`, Kind: Bar, Title: evil, Desc: evil, Labels: []string{evil, "b"},
		Series: []Series{{Name: evil, Points: pts(1, 2)}, {Name: "second", Points: pts(2, 1)}},
		Format: func(v float64) string { return "<" + num(v) + ">" }}
	svg := string(c.SVG())
	if strings.Contains(svg, "<script") || strings.Contains(svg, `"><x`) {
		t.Fatalf("unescaped text in %s", svg)
	}
	els := parse(t, svg)
	clean := `<script>alert("x")</script> & 'quotes'`
	if find(els, "title")[0].text != clean || find(els, "desc")[0].text != clean {
		t.Errorf("title and desc do not read back: %q", find(els, "title")[0].text)
	}
	var found bool
	for _, e := range find(els, "text") {
		found = found || e.text == clean
	}
	if !found {
		t.Error("the label does not read back")
	}
}

func TestCountsStepByWholeNumbers(t *testing.T) {
	c := Chart{ID: "w", Kind: Bar, Whole: true, Labels: []string{"a", "b"}, Series: []Series{{Points: pts(2, 1)}}}
	var ticks []string
	for _, e := range find(parse(t, string(c.SVG())), "text") {
		ticks = append(ticks, e.text)
	}
	if got := strings.Join(ticks, " "); got != "0 1 2 a b" {
		t.Errorf("axis %q, want 0 1 2 a b", got)
	}
	c.Series[0].Points = pts(0, 0)
	ticks = nil
	for _, e := range find(parse(t, string(c.SVG())), "text") {
		ticks = append(ticks, e.text)
	}
	if got := strings.Join(ticks, " "); got != "0 1 a b" {
		t.Errorf("axis of zeros %q, want 0 1 a b", got)
	}
}
