package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
)

// TestCasePageContactIsRevealedOnRecord: the case page shows the buyer's
// contact masked, as lists do; asking to see it whole (a POST with the
// form's CSRF token) records a contact_viewed event, who and when, before
// the page shows it, and the timeline says so. In both languages.
func TestCasePageContactIsRevealedOnRecord(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		lang           cases.Language
		reveal, viewed string
	}{
		{cases.LanguageEnglish, ">Show<", "Buyer&#39;s contact viewed"},
		{cases.LanguageChinese, ">查看<", "查看了买家联系方式"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			u, b := e.signedIn(cases.RoleAgent, tc.lang)
			cs := e.caseAs(u, &u.ID, nil)
			path := "/cases/" + strconv.FormatInt(cs.ID, 10)
			body := wantHTML(t, e.page(b, "GET", path, nil), http.StatusOK, "138****5678", tc.reveal,
				`action="`+path+`/contact"`)
			if strings.Contains(body, "13812345678") {
				t.Fatal("the case page shows the contact whole before anyone asked")
			}
			before := e.events(cs.ID)

			t.Run("WithoutTheCSRFTokenNothingIsShownOrRecorded", func(t *testing.T) {
				rec := e.page(b, "POST", path+"/contact", url.Values{"csrf_token": {"forged"}})
				if rec.Code != http.StatusForbidden || strings.Contains(rec.Body.String(), "13812345678") {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				if e.events(cs.ID) != before {
					t.Error("a forged reveal was recorded")
				}
			})
			t.Run("RevealRecordsWhoAndWhen", func(t *testing.T) {
				start := time.Now().Add(-time.Minute)
				wantHTML(t, e.page(b, "POST", path+"/contact", url.Values{}), http.StatusOK, "13812345678", `id="buyer-contact-value"`)
				var ev struct {
					Kind  string    `db:"kind"`
					Actor *int64    `db:"actor_id"`
					At    time.Time `db:"at"`
				}
				if err := e.db.Get(&ev, `SELECT kind, actor_id, at FROM case_events WHERE case_id = $1 ORDER BY seq DESC LIMIT 1`, cs.ID); err != nil {
					t.Fatal(err)
				}
				if ev.Kind != "contact_viewed" || ev.Actor == nil || *ev.Actor != u.ID || ev.At.Before(start) {
					t.Fatalf("last event %+v", ev)
				}
				if got, err := store.New(e.db).Get(context.Background(), cs.ID); err != nil || got.Version != cs.Version {
					t.Errorf("a look changed the case's version: %d → %d (%v)", cs.Version, got.Version, err)
				}
				body := wantHTML(t, e.page(b, "GET", path, nil), http.StatusOK, "138****5678", tc.viewed)
				if strings.Contains(body, "13812345678") {
					t.Error("the contact stays shown after the page is opened again")
				}
			})
			t.Run("NoContactIsRefusedAndNotRecorded", func(t *testing.T) {
				bare := e.caseAs(u, &u.ID, func(in *cases.CaseInput) { in.BuyerContact = "" })
				n := e.events(bare.ID)
				wantHTML(t, e.page(b, "POST", "/cases/"+strconv.FormatInt(bare.ID, 10)+"/contact", url.Values{}), http.StatusUnprocessableEntity)
				if e.events(bare.ID) != n {
					t.Error("a refused reveal was recorded")
				}
			})
			t.Run("UnknownCase", func(t *testing.T) {
				wantHTML(t, e.page(b, "POST", "/cases/999999/contact", url.Values{}), http.StatusNotFound)
			})
		})
	}
}

// TestAPIRevealContact: POST /api/v1/cases/{id}/contact answers the
// contact whole and records the look, as the page's "show" does.
func TestAPIRevealContact(t *testing.T) {
	e := newEnv(t)
	api := e.caller(cases.RoleAgent)
	cs := e.caseAs(api.user, &api.user.ID, nil)
	before := e.events(cs.ID)
	rec := api.call(http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(cs.ID, 10)+"/contact", nil)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"buyer_contact":"13812345678"`) {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if e.events(cs.ID) != before+1 {
		t.Error("the look is not recorded")
	}
	bare := e.caseAs(api.user, &api.user.ID, func(in *cases.CaseInput) { in.BuyerContact = "" })
	wantProblem(t, api.call(http.MethodPost, "/api/v1/cases/"+strconv.FormatInt(bare.ID, 10)+"/contact", nil), 422, "buyer_contact")
	wantProblem(t, api.call(http.MethodPost, "/api/v1/cases/999999/contact", nil), 404, "")
}

// TestCasePageQuietDetails: a closed case does not count down its
// platform deadline, and a review without text shows no empty quote.
func TestCasePageQuietDetails(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		lang   cases.Language
		noText string
	}{
		{cases.LanguageEnglish, "No review text."},
		{cases.LanguageChinese, "买家未填写评价内容。"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			u, b := e.signedIn(cases.RoleAgent, tc.lang)
			platformDue := time.Now().Add(48 * time.Hour)
			rating := 1
			cs := e.caseAs(u, &u.ID, func(in *cases.CaseInput) {
				in.PlatformDueAt = &platformDue
				in.Review = &cases.ReviewInput{Rating: &rating}
			})
			path := "/cases/" + strconv.FormatInt(cs.ID, 10)
			platformDD := regexp.MustCompile(`(?s)<dd id="case-platform-due">(.*?)</dd>`)
			body := wantHTML(t, e.page(b, "GET", path, nil), http.StatusOK, `id="review-no-text"`, tc.noText)
			if strings.Contains(body, `id="review-text"`) {
				t.Error("a review without text shows a quote")
			}
			m := platformDD.FindStringSubmatch(body)
			if m == nil || !strings.Contains(m[1], `class="muted"`) {
				t.Fatalf("an open case does not count down its platform deadline: %q", m)
			}
			wantRedirect(t, e.page(b, "POST", path+"/transitions", url.Values{"move": {"close_early"}, "to": {"closed"},
				"close_reason": {"duplicate"}, "note": {"dup"}, "version": {strconv.FormatInt(cs.Version, 10)}}), path+"?done=moved")
			body = wantHTML(t, e.page(b, "GET", path, nil), http.StatusOK, `id="case-state" data-state="closed"`)
			m = platformDD.FindStringSubmatch(body)
			if m == nil || !strings.Contains(m[1], "<time") {
				t.Fatalf("a closed case no longer shows its platform deadline: %q", m)
			}
			if strings.Contains(m[1], `class="muted"`) || strings.Contains(m[1], "overdue") {
				t.Errorf("a closed case counts down its platform deadline: %s", m[1])
			}
		})
	}
}

// TestRefusalsReadInTheReadersLanguage: a form refused for a field says
// what the field needs in the reader's language, next to the field; the
// domain's English reason is shown under it in English and folded away
// in Chinese; nothing changes.
func TestRefusalsReadInTheReadersLanguage(t *testing.T) {
	e := newEnv(t)
	count := func() (n int) {
		if err := e.db.Get(&n, `SELECT count(*) FROM cases`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	folded := regexp.MustCompile(`(?s)<details class="detail"><summary>[^<]*</summary><span lang="en">[^<]*platform must be one of`)
	for _, tc := range []struct {
		lang                     cases.Language
		platform, body, assign   string
		englishReasonIsSecondary bool
	}{
		{cases.LanguageEnglish, "Choose the platform from the list.", "Write the comment", "Choose a colleague from the list.", false},
		{cases.LanguageChinese, "请从列表中选择平台。", "请填写备注内容", "请从列表中选择一位同事。", true},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			u, b := e.signedIn(cases.RoleSupervisor, tc.lang)
			before := count()
			t.Run("NewCaseWithAnUnknownPlatform", func(t *testing.T) {
				body := wantHTML(t, e.page(b, "POST", "/cases", url.Values{"platform": {"ebay"}, "shop": {"s"}, "kind": {"quality"}}),
					http.StatusUnprocessableEntity, tc.platform)
				if !regexp.MustCompile(`(?s)data-field="platform">.*?field-error`).MatchString(body) {
					t.Error("the refusal is not at platform")
				}
				if got := folded.MatchString(body); got != tc.englishReasonIsSecondary {
					t.Errorf("the English reason folded away: %v, want %v", got, tc.englishReasonIsSecondary)
				}
				if count() != before {
					t.Error("a refused form created a case")
				}
			})
			cs := e.caseAs(u, &u.ID, nil)
			path := "/cases/" + strconv.FormatInt(cs.ID, 10)
			t.Run("BlankComment", func(t *testing.T) {
				n := e.events(cs.ID)
				wantHTML(t, e.page(b, "POST", path+"/comments", url.Values{"body": {"   "}}), http.StatusUnprocessableEntity, tc.body)
				if e.events(cs.ID) != n {
					t.Error("a refused comment was recorded")
				}
			})
			t.Run("AssignToSomeoneWhoIsNotAUser", func(t *testing.T) {
				n := e.events(cs.ID)
				wantHTML(t, e.page(b, "POST", path+"/assignment", url.Values{"assignee_id": {"x"}, "version": {strconv.FormatInt(cs.Version, 10)}}),
					http.StatusBadRequest, tc.assign)
				if e.events(cs.ID) != n {
					t.Error("a refused assignment was recorded")
				}
			})
		})
	}
}
