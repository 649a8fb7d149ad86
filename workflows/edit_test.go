package workflows

import (
	"testing"
	"time"

	"redress/cases"
)

func TestEdit(t *testing.T) {
	pol := DefaultPolicy()
	pol.Deadlines.Overrides = []DeadlineOverride{{Severity: "urgent", State: cases.StateListen, Within: time.Hour}}
	t.Run("SeverityRebasesTheDueTime", func(t *testing.T) {
		c := caseIn(t, cases.StateListen)
		urgent := cases.Severity("urgent")
		res, err := Edit(c, cases.CasePatch{Severity: &urgent}, pol, cases.Calendar{})
		if err != nil {
			t.Fatal(err)
		}
		want := pol.Deadlines.Rebase(cases.Calendar{}, c, res.Case)
		if res.Case.DueAt == nil || !res.Case.DueAt.Equal(*want) || res.Case.DueAt.Equal(*c.DueAt) {
			t.Fatalf("due %v, want %v (was %v)", res.Case.DueAt, want, c.DueAt)
		}
		changes := res.Events[0].Payload["changes"].(map[string]any)
		if _, ok := changes["due_at"]; !ok || res.Events[0].Kind != cases.EventEdited {
			t.Fatalf("event %+v does not record the due time", res.Events[0])
		}
	})
	t.Run("ClosedCaseKeepsNoDueTime", func(t *testing.T) {
		c := caseIn(t, cases.StateClosed)
		urgent := cases.Severity("urgent")
		res, err := Edit(c, cases.CasePatch{Severity: &urgent}, pol, cases.Calendar{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := res.Events[0].Payload["changes"].(map[string]any)["due_at"]; ok {
			t.Fatal("a closed case's due time moved")
		}
	})
	t.Run("NothingChangedIsNoEvent", func(t *testing.T) {
		c := caseIn(t, cases.StateListen)
		res, err := Edit(c, cases.CasePatch{Severity: &c.Severity}, DefaultPolicy(), cases.Calendar{})
		if err != nil || len(res.Events) != 0 {
			t.Fatalf("events %v, err %v", res.Events, err)
		}
	})
}

func TestAssign(t *testing.T) {
	agent := cases.Actor{ID: 7, Role: cases.RoleAgent}
	boss := cases.Actor{ID: 9, Role: cases.RoleSupervisor}
	other := int64(8)
	self := int64(7)
	unassigned := caseIn(t, cases.StateListen)
	mine := caseIn(t, cases.StateListen)
	mine.AssigneeID = &self

	t.Run("AgentTakesUnassignedCase", func(t *testing.T) {
		res, err := Assign(unassigned, &self, agent)
		if err != nil || *res.Case.AssigneeID != 7 || res.Events[0].Kind != cases.EventAssigned {
			t.Fatalf("res %+v, err %v", res, err)
		}
	})
	t.Run("AgentCannotGiveUnassignedCaseToOthers", func(t *testing.T) {
		_, err := Assign(unassigned, &other, agent)
		if cases.ErrorCode(err) != cases.Forbidden {
			t.Fatalf("err %v, want forbidden", err)
		}
	})
	t.Run("AgentPassesOwnCaseOn", func(t *testing.T) {
		res, err := Assign(mine, &other, agent)
		if err != nil || *res.Case.AssigneeID != 8 {
			t.Fatalf("res %+v, err %v", res, err)
		}
	})
	t.Run("SupervisorAssignsAnyone", func(t *testing.T) {
		if _, err := Assign(unassigned, &other, boss); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("SameAssigneeIsNoEvent", func(t *testing.T) {
		res, err := Assign(mine, &self, agent)
		if err != nil || len(res.Events) != 0 {
			t.Fatalf("events %v, err %v", res.Events, err)
		}
	})
}

func TestNamedMoveHoldsToItsStageData(t *testing.T) {
	c := caseIn(t, cases.StateFollowUp)
	m := stageData(cases.StateClosed)
	m.Kind = MoveCloseEarly
	_, err := Transition(c, m, facts(), DefaultPolicy())
	wantRefusal(t, err, "close_reason")
	m.Kind = ""
	if _, err := Transition(c, m, facts(), DefaultPolicy()); err != nil {
		t.Fatalf("the forward move with an outcome: %v", err)
	}
}
