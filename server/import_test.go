package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"redress/cases"
)

func exportFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../cases/intake/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func importCSV(t *testing.T, c caller, query, body string) cases.ImportReport {
	t.Helper()
	rec := c.call(http.MethodPost, "/api/v1/cases/import"+query, body, "Content-Type", "text/csv")
	if rec.Code != http.StatusOK {
		t.Fatalf("import: %d %s", rec.Code, rec.Body)
	}
	return decodeAs[cases.ImportReport](t, rec)
}

func caseByExternalID(t *testing.T, c caller, platform, id string) cases.Case {
	t.Helper()
	var caseID int64
	if err := c.e.db.Get(&caseID, `SELECT id FROM cases WHERE platform = $1 AND external_id = $2`, platform, id); err != nil {
		t.Fatalf("%s case %s: %v", platform, id, err)
	}
	return decodeAs[cases.Case](t, c.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d", caseID), nil))
}

// TestNativeExportsImport imports a Taobao review export and a JD after-sales
// export as the platforms write them, then a re-export of the reviews in
// which reviews changed.
func TestNativeExportsImport(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)

	rep := importCSV(t, agent, "", exportFile(t, "taobao-reviews.csv"))
	if rep.Profile != "taobao-reviews" || rep.Created == 0 || rep.Updated != 0 {
		t.Fatalf("taobao reviews: %+v", rep)
	}
	if !strings.Contains(strings.Join(rep.IgnoredColumns, ","), "解释内容") {
		t.Errorf("ignored columns %v: want the columns Redress does not read listed", rep.IgnoredColumns)
	}
	cup := caseByExternalID(t, agent, "taobao", "3951207746128530421/712345678901")
	if cup.Kind != "bad_review" || cup.Review.Rating == nil || cup.OrderValue == nil || cup.OrderValue.Amount() != "89.00" {
		t.Fatalf("imported case %+v", cup)
	}
	// Taobao's 30-day window to revise a bad review is the platform deadline.
	if cup.PlatformDueAt == nil || cup.PlatformRule == "" || cup.PlatformDueAt.Sub(cup.CreatedAt).Hours() != 720 {
		t.Errorf("platform deadline %v by rule %q", cup.PlatformDueAt, cup.PlatformRule)
	}

	t.Run("JDDisputes", func(t *testing.T) {
		rep := importCSV(t, agent, "", exportFile(t, "jd-after-sales.csv"))
		if !strings.HasPrefix(rep.Profile, "jd") || rep.Created == 0 {
			t.Fatalf("jd: %+v", rep)
		}
		c := caseByExternalID(t, agent, "jd", "1782034561")
		if c.Kind != "quality" || c.BuyerHandle != "jd_4f9a2c" || c.OrderRef != "298765432101" {
			t.Fatalf("jd case %+v", c)
		}
	})

	t.Run("ReimportUpdatesChangedReviews", func(t *testing.T) {
		rep := importCSV(t, agent, "", exportFile(t, "taobao-reviews-reexport.csv"))
		if rep.Updated < 3 {
			t.Fatalf("re-export: %+v; want the follow-up, the rating change and the removal as updates", rep)
		}
		c := caseByExternalID(t, agent, "taobao", "3951207746128530421/712345678901")
		if c.Review.FollowUpText != "客服很快补发了新杯子，这次完好" || c.Version != cup.Version+1 {
			t.Fatalf("after the re-export %+v", c.Review)
		}
		evs := decodeAs[struct{ Items []cases.Event }](t, agent.call(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d/events", c.ID), nil)).Items
		last := evs[len(evs)-1]
		var p struct {
			Changes map[string]struct{ Old, New any }
			Source  string
		}
		json.Unmarshal(last.Payload, &p) //nolint:errcheck
		if last.Kind != cases.EventReviewChanged || p.Source != "import" || p.Changes["follow_up_text"].New != "客服很快补发了新杯子，这次完好" {
			t.Fatalf("last event %s %s", last.Kind, last.Payload)
		}
		mug := caseByExternalID(t, agent, "taobao", "3951209983310022187/712345678902")
		if mug.Review.Rating == nil || *mug.Review.Rating != 5 {
			t.Errorf("the medium review upgraded to a good one reads %v", mug.Review.Rating)
		}
		if pot := caseByExternalID(t, agent, "taobao", "3951211120045586310/712345678903"); !pot.Review.Removed {
			t.Errorf("the removed review is not marked removed")
		}
		// The same export again changes nothing.
		again := importCSV(t, agent, "", exportFile(t, "taobao-reviews-reexport.csv"))
		if again.Updated != 0 || again.Created != 0 {
			t.Fatalf("the same export twice: %+v", again)
		}
	})
}

func TestImportReportsEveryErrorAndMappings(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	before := caseCount(t, e)

	t.Run("EveryErrorOfALine", func(t *testing.T) {
		csv := "platform,external_id,shop,kind,severity,review_rating\ntaobao,3.82746E+15,店,nonsense,loud,9\n"
		rep := importCSV(t, agent, "", csv)
		fields := map[string]bool{}
		for _, e := range rep.Errors {
			if e.Line != 2 {
				t.Errorf("error on line %d", e.Line)
			}
			fields[e.Field] = true
		}
		if !fields["external_id"] || !fields["kind"] || !fields["severity"] || !fields["review_rating"] {
			t.Fatalf("errors %+v: want each bad cell reported", rep.Errors)
		}
		if !strings.Contains(fmt.Sprint(rep.Errors), "Excel") {
			t.Errorf("the scientific-notation id's error does not say how to keep Excel from mangling it: %+v", rep.Errors)
		}
	})
	t.Run("Refusals", func(t *testing.T) {
		csv := "单号,店,问题\nA1,旗舰店,破损\n"
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/import?mapping=nosuch", csv, "Content-Type", "text/csv"), 422, "mapping")
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/import?mapping="+url.QueryEscape(`{"columns":`), csv, "Content-Type", "text/csv"), 400, "mapping")
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/cases/import?save_as=x", csv, "Content-Type", "text/csv"), 422, "save_as")
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/import/mappings", map[string]any{"name": "x", "mapping": map[string]any{"columns": map[string]string{"colour": "单号"}}}), 422, "mapping.columns")
		wantProblem(t, agent.call(http.MethodPost, "/api/v1/import/mappings", map[string]any{"name": " ", "mapping": map[string]any{"columns": map[string]string{}}}), 422, "mapping_name")
		if n := caseCount(t, e); n != before {
			t.Fatalf("refusals created %d cases", n-before)
		}
	})
	t.Run("PreviewSuggestsAMappingAndTheSavedMappingImports", func(t *testing.T) {
		csv := "单号,店铺,问题描述,买家\nA1,旗舰店,杯子破损,bob\nA2,旗舰店,少件,amy\n"
		rec := agent.call(http.MethodPost, "/api/v1/cases/import/preview", csv, "Content-Type", "text/csv")
		var p struct {
			Recognised bool
			Header     []string
			Rows       [][]string
			Mapping    struct{ Columns map[string]string }
		}
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &p) != nil || p.Recognised || len(p.Rows) != 2 || p.Mapping.Columns["shop"] != "店铺" {
			t.Fatalf("preview %d %s", rec.Code, rec.Body)
		}
		m := `{"columns":{"external_id":"单号","shop":"店铺","summary":"问题描述","buyer_handle":"买家"},"fixed":{"platform":"pinduoduo","kind":"damaged"}}`
		rep := importCSV(t, agent, "?mapping="+url.QueryEscape(m)+"&save_as=pdd-sheet", csv)
		if rep.Created != 2 {
			t.Fatalf("import with a mapping: %+v", rep)
		}
		if rep := importCSV(t, agent, "?mapping=pdd-sheet", strings.Replace(csv, "A2", "A3", 1)); rep.Created != 1 || rep.Skipped != 1 {
			t.Fatalf("import with the saved mapping: %+v", rep)
		}
		list := agent.call(http.MethodGet, "/api/v1/import/mappings", nil)
		if !strings.Contains(list.Body.String(), `"name":"pdd-sheet"`) {
			t.Fatalf("mappings %s", list.Body)
		}
	})
}

func caseCount(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM cases`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPlatformRules(t *testing.T) {
	e := newEnv(t)
	agent := e.caller(cases.RoleAgent)
	admin := e.caller(cases.RoleAdmin)
	rec := agent.call(http.MethodGet, "/api/v1/platform-rules", nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"kind":"platform_intervention"`) {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	put := map[string]any{"name": "JD complaint: answer in 24 h", "due_hours": 24, "source": "JD merchant rules"}
	wantProblem(t, agent.call(http.MethodPut, "/api/v1/platform-rules/jd/complaint", put), 403, "")
	wantProblem(t, admin.call(http.MethodPut, "/api/v1/platform-rules/jd/complaint", map[string]any{"name": "x", "due_hours": 0}), 422, "due_hours")
	wantProblem(t, admin.call(http.MethodPut, "/api/v1/platform-rules/ebay/complaint", put), 422, "platform")
	wantProblem(t, admin.call(http.MethodPut, "/api/v1/platform-rules/jd/nonsense", put), 422, "kind")
	wantProblem(t, admin.call(http.MethodPut, "/api/v1/platform-rules/jd/complaint", map[string]any{"name": " ", "due_hours": 5}), 422, "name")
	if rec := admin.call(http.MethodPut, "/api/v1/platform-rules/jd/complaint", put); rec.Code != 200 {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	body := newCaseBody()
	body["platform"], body["kind"], body["external_id"] = "jd", "complaint", "RULE-1"
	delete(body, "platform_due_at")
	c := decodeAs[cases.Case](t, agent.call(http.MethodPost, "/api/v1/cases", body))
	if c.PlatformRule != "JD complaint: answer in 24 h" || c.PlatformDueAt == nil || c.PlatformDueAt.Sub(c.CreatedAt).Hours() != 24 {
		t.Fatalf("case %+v", c)
	}
}
