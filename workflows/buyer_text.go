package workflows

import (
	"fmt"
	"slices"
	"strings"

	"redress/cases"
	"redress/workflows/tone"
)

// BuyerText is a text recorded as sent to a buyer: the request field it
// came in, the tone check's stage for it, and the text as it will be stored.
type BuyerText struct {
	Field string
	Stage string
	Text  string
}

// BuyerTexts are the texts an event's payload records as sent to the
// buyer: the first response, the apology, a remedy's offer note and the
// follow-up's outcome note. Reading them from the payload checks exactly
// what is recorded, whatever else a request carried.
func BuyerTexts(payload map[string]any) []BuyerText {
	var out []BuyerText
	add := func(field, stage string, v any) {
		if t, ok := v.(string); ok && strings.TrimSpace(t) != "" {
			out = append(out, BuyerText{Field: field, Stage: stage, Text: t})
		}
	}
	add("first_response", tone.StageFirstResponse, payload["first_response"])
	add("apology", tone.StageApology, payload["apology"])
	if r, ok := payload["remedy"].(map[string]any); ok {
		add("remedy.note", tone.StageRemedyOffer, r["note"])
	}
	if o, ok := payload["outcome"].(map[string]any); ok {
		add("outcome.note", tone.StageFollowUp, o["note"])
	}
	return out
}

// ToneFinding is a tone warning about one field's text, as the ledger
// stores it (payload "tone_warnings").
type ToneFinding struct {
	Field string `json:"field"`
	tone.Warning
}

// ToneReview is what the tone check found in the texts of one write.
type ToneReview struct {
	Findings []ToneFinding
	// Flagged lists the fields whose text ties a remedy to a review.
	Flagged []string
	rules   []string
}

// ReviewTone checks texts with checker for a case on platform. When the
// texts are sent to the buyer (sent), one that still holds an unfilled
// reply variable is refused (Invalid, naming its field), as is one a rule
// blocks on the platform; the refusal carries the findings as
// "tone_warnings". Otherwise the findings are returned, to be recorded
// with the write. A nil checker finds nothing.
func ReviewTone(checker *tone.Checker, platform cases.Platform, texts []BuyerText, sent bool) (ToneReview, error) {
	var r ToneReview
	for _, t := range texts {
		if vars := UnfilledVariables(t.Text); sent && len(vars) > 0 {
			return ToneReview{}, &cases.Error{Code: cases.Invalid, Field: t.Field,
				Message: fmt.Sprintf("the text still holds {%s}: replace it with the value for this case before saving", strings.Join(vars, "}, {")),
				Extra:   map[string]any{"unfilled_variables": vars}}
		}
		ws := checker.Check(t.Text, tone.Context{Platform: string(platform), Stage: t.Stage})
		tied := false
		for _, w := range ws {
			r.Findings = append(r.Findings, ToneFinding{Field: t.Field, Warning: w})
			if w.Category == tone.CategoryReviewTiedRemedy {
				tied = true
				if !slices.Contains(r.rules, w.Rule) {
					r.rules = append(r.rules, w.Rule)
				}
			}
		}
		if tied {
			r.Flagged = append(r.Flagged, t.Field)
		}
		if sent && tone.Blocking(ws) {
			var b tone.Warning
			for _, w := range ws {
				if w.Severity == tone.SeverityBlock {
					b = w
					break
				}
			}
			return ToneReview{}, &cases.Error{Code: cases.Invalid, Field: t.Field,
				Message: fmt.Sprintf("this text cannot be sent on %s: %q — %s %s", platform, b.Match, b.Message, b.Suggestion),
				Extra:   map[string]any{"tone_warnings": findingsOf(t.Field, ws)}}
		}
	}
	return r, nil
}

// Record adds the findings to the payload of the write's event and, when a
// text ties a remedy to a review, a "flagged" event after it that marks
// the case for audit.
func (r ToneReview) Record(events []cases.NewEvent, payload map[string]any) []cases.NewEvent {
	if len(r.Findings) > 0 {
		payload["tone_warnings"] = r.Findings
	}
	if len(r.Flagged) == 0 {
		return events
	}
	return append(events, cases.NewEvent{Kind: cases.EventFlagged, Payload: map[string]any{
		"reason": cases.FlagReviewTiedRemedy,
		"fields": r.Flagged,
		"rules":  r.rules,
	}})
}

func findingsOf(field string, ws []tone.Warning) []ToneFinding {
	out := make([]ToneFinding, len(ws))
	for i, w := range ws {
		out[i] = ToneFinding{Field: field, Warning: w}
	}
	return out
}

// ReviewComment checks a comment: it is not sent to the buyer, so nothing
// blocks it, but its findings are recorded and a remedy tied to a review
// flags the case like any other text.
func ReviewComment(checker *tone.Checker, platform cases.Platform, body string) (ToneReview, error) {
	return ReviewTone(checker, platform, []BuyerText{{Field: "body", Text: body}}, false)
}
