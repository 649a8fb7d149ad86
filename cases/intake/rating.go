package intake

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"redress/cases"
)

// Grade is the three-level verdict of a review (好评/中评/差评).
type Grade string

// The grades.
const (
	GradeGood   Grade = "good"
	GradeMedium Grade = "medium"
	GradeBad    Grade = "bad"
)

// Rating is a review's rating as an export writes it: Stars from 1 to 5 and
// the grade. Taobao's three grades become 5, 3 and 1 stars; stars become
// grades as 1–2 bad, 3 medium, 4–5 good.
type Rating struct {
	Stars int
	Grade Grade
}

// Kind is the case kind the rating calls for: bad_review, medium_review,
// or "" for a good review, which is not a case by itself.
func (r Rating) Kind() cases.Kind {
	switch r.Grade {
	case GradeBad:
		return "bad_review"
	case GradeMedium:
		return "medium_review"
	}
	return ""
}

func ratingFromStars(n int) Rating {
	switch {
	case n <= 2:
		return Rating{Stars: n, Grade: GradeBad}
	case n == 3:
		return Rating{Stars: n, Grade: GradeMedium}
	}
	return Rating{Stars: n, Grade: GradeGood}
}

var gradeWords = map[string]Grade{
	"好评": GradeGood, "好": GradeGood, "好评价": GradeGood, "positive": GradeGood, "good": GradeGood,
	"中评": GradeMedium, "中": GradeMedium, "一般": GradeMedium, "neutral": GradeMedium, "medium": GradeMedium,
	"差评": GradeBad, "差": GradeBad, "negative": GradeBad, "bad": GradeBad,
}

var chineseDigits = map[string]string{"一": "1", "二": "2", "两": "2", "三": "3", "四": "4", "五": "5"}

// starsText matches "4", "4.0", "4星", "4 颗星", "4分", "1 star", "4 stars",
// "4/5", "4 out of 5", "4.0 out of 5 stars".
var starsText = regexp.MustCompile(`^([0-9]+)(?:\.0+)?\s*(?:stars?|颗星|星|分)?\s*(?:(?:/|out of)\s*5(?:\.0+)?\s*(?:stars?)?)?$`)

// ParseRating reads a rating: 好评/中评/差评 (and positive/neutral/negative),
// 1–5 as a number, with 星/分/stars, in Chinese numerals (五星), as star
// glyphs (★★★★☆) or as "4 out of 5".
func ParseRating(s string) (Rating, error) {
	v := strings.ToLower(compact(s))
	if v == "" {
		return Rating{}, fmt.Errorf("rating is empty")
	}
	if g, ok := gradeWords[v]; ok {
		return Rating{Stars: map[Grade]int{GradeGood: 5, GradeMedium: 3, GradeBad: 1}[g], Grade: g}, nil
	}
	if filled, total, ok := starGlyphs(v); ok {
		if filled < 1 || total > 5 {
			return Rating{}, fmt.Errorf("rating %q must show 1 to 5 filled stars out of 5", s)
		}
		return ratingFromStars(filled), nil
	}
	if r, size := utf8.DecodeRuneInString(v); size < len(v) {
		if d, ok := chineseDigits[string(r)]; ok {
			v = d + v[size:]
		}
	}
	m := starsText.FindStringSubmatch(v)
	if m == nil {
		return Rating{}, fmt.Errorf("rating %q is not 好评/中评/差评 or 1 to 5 stars", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n < 1 || n > 5 {
		return Rating{}, fmt.Errorf("rating %q is not from 1 to 5", s)
	}
	return ratingFromStars(n), nil
}

// starGlyphs counts the filled and all stars of "★★★★☆" or "⭐⭐⭐"; ok is
// false when s is not made of star glyphs only.
func starGlyphs(s string) (filled, total int, ok bool) {
	for _, r := range strings.ReplaceAll(s, " ", "") {
		switch r {
		case '★', '⭐', '✭', '✮', '✯', '🌟':
			filled++
		case '☆', '✩':
		default:
			return 0, 0, false
		}
		total++
	}
	return filled, total, total > 0
}
