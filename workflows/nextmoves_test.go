package workflows

import (
	"slices"
	"strings"
	"testing"

	"redress/cases"
)

func TestNextMoves(t *testing.T) {
	for _, from := range cases.States() {
		t.Run("MatchesProtocolFrom_"+string(from), func(t *testing.T) {
			var got [][2]string
			for _, s := range NextMoves(caseIn(t, from), true) {
				got = append(got, [2]string{string(s.To), string(s.Move)})
				if s.Blocked != "" {
					t.Errorf("%s to %s blocked with evidence: %s", s.Move, s.To, s.Blocked)
				}
			}
			var want [][2]string
			for pair, move := range protocol {
				if pair[0] == from && move != MoveCloseEarly {
					want = append(want, [2]string{string(pair[1]), string(move)})
				}
			}
			if from.Open() {
				want = append(want, [2]string{string(cases.StateClosed), string(MoveCloseEarly)})
			}
			sortPairs(got)
			sortPairs(want)
			if !slices.Equal(got, want) {
				t.Errorf("moves %v, want %v", got, want)
			}
		})
	}
	t.Run("ForwardComesFirst", func(t *testing.T) {
		for _, from := range cases.States() {
			if m := NextMoves(caseIn(t, from), true); m[0].Move != MoveForward && from != cases.StateClosed {
				t.Errorf("from %s the first move is %s", from, m[0].Move)
			}
		}
	})
	t.Run("SkipBlockedWithoutEvidence", func(t *testing.T) {
		var skip *MoveSpec
		for _, s := range NextMoves(caseIn(t, cases.StateListen), false) {
			if s.Move == MoveSkipApology {
				skip = &s
			}
		}
		if skip == nil || !strings.Contains(skip.Blocked, "chat excerpt or delivery signature") || skip.RootCause != "suspected_abuse" {
			t.Fatalf("skip %+v", skip)
		}
	})
	t.Run("ListsStageFieldsAsJSONNames", func(t *testing.T) {
		m := NextMoves(caseIn(t, cases.StateListen), true)
		if !slices.Equal(m[0].Needs, []string{"account", "root_cause"}) {
			t.Errorf("listen → apologise needs %v", m[0].Needs)
		}
		close := m[len(m)-1]
		if close.Move != MoveCloseEarly || !slices.Equal(close.Needs, []string{"close_reason"}) || !slices.Equal(close.Optional, []string{"note"}) {
			t.Errorf("close early %+v", close)
		}
	})
	t.Run("UnknownStateOffersNothing", func(t *testing.T) {
		c := caseIn(t, cases.StateRespond)
		c.State = "limbo"
		if m := NextMoves(c, true); len(m) != 0 {
			t.Errorf("moves %v", m)
		}
	})
}

func sortPairs(p [][2]string) {
	slices.SortFunc(p, func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
}

// TestNextMovesAgreeWithTransition checks that every move NextMoves offers is
// accepted with its stage data, and refused, naming the field, without each
// field it lists as needed.
func TestNextMovesAgreeWithTransition(t *testing.T) {
	for _, from := range cases.States() {
		c := caseIn(t, from)
		for _, spec := range NextMoves(c, true) {
			m := validMove(from, spec.To)
			if spec.Move == MoveCloseEarly {
				m = closeEarly()
			}
			t.Run(string(from)+"_"+string(spec.Move)+"_to_"+string(spec.To), func(t *testing.T) {
				res, err := Transition(c, m, facts(), DefaultPolicy())
				if err != nil {
					t.Fatalf("offered move refused: %v", err)
				}
				if got := res.Events[0].Payload["move"]; got != string(spec.Move) {
					t.Errorf("made move %v, offered %s", got, spec.Move)
				}
				for _, field := range spec.Needs {
					without := m
					blank(&without, field)
					_, err := Transition(c, without, facts(), DefaultPolicy())
					if field == "close_reason" && from == cases.StateFollowUp {
						// Without its reason an early close from follow_up
						// is the forward move, which needs an outcome.
						wantRefusal(t, err, "outcome")
						continue
					}
					wantRefusal(t, err, field)
				}
			})
		}
	}
}

// blank removes the stage-data field name from m.
func blank(m *Move, name string) {
	switch name {
	case "first_response":
		m.FirstResponse = ""
	case "account":
		m.Account = ""
	case "root_cause":
		m.RootCause = ""
	case "skip_apology_reason":
		m.SkipApologyReason = ""
	case "apology":
		m.Apology = ""
	case "remedy":
		m.Remedy = nil
	case "reason":
		m.Reason = ""
	case "outcome":
		m.Outcome = nil
	case "close_reason":
		m.CloseReason = ""
	case "note":
		m.Note = ""
	case "reopen_reason":
		m.ReopenReason = ""
	default:
		panic("blank: unknown field " + name)
	}
}
