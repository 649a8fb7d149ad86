package server_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"redress/cases"
	"redress/server/api"
)

// TestOpenAPIMoveExamplesAreAccepted holds the transition body's schema to
// the server: every example of the request body validates against the
// Move schema and is accepted by the server from its state (reached by
// the other examples), and the same body with a member no move knows is
// refused by both, the schema and the server (400).
func TestOpenAPIMoveExamplesAreAccepted(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	body := doc.Paths.Value("/api/v1/cases/{id}/transitions").Post.RequestBody.Value.Content.Get("application/json")
	schema := body.Schema.Value
	examples := map[string]map[string]any{}
	for name, ex := range body.Examples {
		// Through JSON, as a client sends it: numbers become float64.
		b, err := json.Marshal(ex.Value.Value)
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		examples[name] = v
	}
	// The path to each example's state from respond, as examples, and what
	// the case needs besides.
	forward := []string{"respondToListen", "listenToApologise", "apologiseToRemedy", "remedyToFollowUp"}
	walks := map[string]struct {
		before []string
		chat   bool // a chat excerpt with the buyer's line, for a skip of the apology
		offer  bool // a remedy proposed on the case
	}{
		"respondToListen":          {},
		"listenToApologise":        {before: forward[:1]},
		"listenToRemedySkip":       {before: forward[:1], chat: true},
		"apologiseToRemedy":        {before: forward[:2]},
		"remedyToFollowUp":         {before: forward[:3]},
		"remedyToFollowUpProposed": {before: forward[:3], offer: true},
		"followUpToRemedy":         {before: forward[:4]},
		"followUpToClosed":         {before: forward[:4]},
		"closeEarly":               {},
		"reopen":                   {before: []string{"closeEarly"}},
	}
	if got, want := slices.Sorted(maps.Keys(examples)), slices.Sorted(maps.Keys(walks)); !slices.Equal(got, want) {
		t.Fatalf("the transition's examples are %v; this test walks %v", got, want)
	}

	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	for name, walk := range walks {
		t.Run(name, func(t *testing.T) {
			move := examples[name]
			if err := schema.VisitJSON(move); err != nil {
				t.Fatalf("the example does not validate against Move: %v", err)
			}
			c := evidenceCase(t, agent) // a case of its own external_id
			path := fmt.Sprintf("/api/v1/cases/%d", c.ID)
			tag := agent.call(http.MethodGet, path, nil).Header().Get("ETag")
			for _, step := range walk.before {
				tag = moveByAPI(t, agent, c.ID, tag, examples[step])
			}
			if walk.chat {
				agent.addEvidence(c.ID, map[string]any{"kind": "chat_excerpt", "text": "[10:01] 小王: 不全额退款就给差评\n[10:02] 客服: 亲，我们核实一下"})
			}
			if walk.offer {
				rec := agent.call(http.MethodPost, path+"/remedy", map[string]string{"type": "coupon", "amount": "10.00", "currency": "CNY"})
				if rec.Code != http.StatusOK {
					t.Fatalf("propose: %d %s", rec.Code, rec.Body)
				}
			}
			tag = agent.call(http.MethodGet, path, nil).Header().Get("ETag")

			unknown := maps.Clone(move)
			unknown["colour"] = "red"
			if err := schema.VisitJSON(unknown); err == nil {
				t.Error("the Move schema accepts a member no move knows")
			}
			wantProblem(t, agent.call(http.MethodPost, path+"/transitions", unknown, "If-Match", tag), http.StatusBadRequest, "")

			rec := agent.call(http.MethodPost, path+"/transitions", move, "If-Match", tag)
			if rec.Code != http.StatusOK {
				t.Fatalf("the server refused the example %v: %d %s", move, rec.Code, rec.Body)
			}
			if got := decodeAs[cases.Case](t, rec); string(got.State) != move["to"] {
				t.Errorf("the case is in %s after the example; want %s", got.State, move["to"])
			}
		})
	}
}
