package cases_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"redress/cases"
)

func TestParseImport(t *testing.T) {
	t.Run("LinesInOrderWithTheirErrors", func(t *testing.T) {
		body := "\xef\xbb\xbfplatform,external_id,shop,kind,review_rating\n" +
			"Taobao,TB-1,旗舰店,bad_review,1\n" +
			"jd,JD-1,京东店,nonsense,\n" + // unknown kind
			",,,,\n" + // blank: left out
			"taobao,TB-1,旗舰店,damaged,\n" + // repeats line 2
			"taobao,TB-2,旗舰店,damaged\n" + // a field short
			"taobao,TB-3,旗舰店,damaged,6\n" // rating out of range
		lines, err := cases.ParseImport([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for l := range lines {
			if l.Err != nil {
				if l.Err.Line != l.Line {
					t.Errorf("line %d carries an error about line %d", l.Line, l.Err.Line)
				}
				got = append(got, fmt.Sprintf("%d:error:%s", l.Line, l.Err.Field))
				continue
			}
			got = append(got, fmt.Sprintf("%d:%s/%s/%s", l.Line, l.Case.Platform, l.Case.ExternalID, l.Case.State))
		}
		want := []string{"2:taobao/TB-1/respond", "3:error:kind", "5:error:external_id", "6:error:", "7:error:review_rating"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("lines\n got %v\nwant %v", got, want)
		}
	})

	t.Run("EndsAfterMaxImportLines", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("platform,external_id,shop,kind\n")
		for i := range cases.MaxImportLines + 5 {
			fmt.Fprintf(&b, "taobao,TB-%d,旗舰店,damaged\n", i)
		}
		lines, err := cases.ParseImport([]byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		n, last := 0, cases.ImportLine{}
		for l := range lines {
			n, last = n+1, l
		}
		if n != cases.MaxImportLines+1 || last.Err == nil || !strings.Contains(last.Err.Detail, "split the file") {
			t.Fatalf("%d lines, the last %+v; want %d cases and then the limit", n, last, cases.MaxImportLines)
		}
	})

	t.Run("StopsWhenTheCallerStops", func(t *testing.T) {
		lines, err := cases.ParseImport([]byte("platform,external_id,shop,kind\ntaobao,A,s,damaged\ntaobao,B,s,nonsense\ntaobao,C,s,damaged\n"))
		if err != nil {
			t.Fatal(err)
		}
		for l := range lines {
			if l.Line != 2 {
				t.Fatalf("read on to line %d", l.Line)
			}
			break
		}
	})

	t.Run("RefusesABadHeaderWhole", func(t *testing.T) {
		_, err := cases.ParseImport([]byte("platform,external_id,shop\ntaobao,A,s\n"))
		var e *cases.Error
		if !errors.As(err, &e) || e.Code != cases.Invalid || e.Field != "columns" {
			t.Fatalf("got %v, want invalid columns", err)
		}
	})
}
