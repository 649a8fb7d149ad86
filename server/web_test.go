package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"redress/cases"
	"redress/cases/store"
)

// page sends a browser's request to a web page: the session cookie, and
// for a form its fields plus the session's csrf_token (unless the form
// sets one itself).
func (e *env) page(b browser, method, path string, form url.Values, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	h := append([]string{"Cookie", "redress_session=" + b.cookie}, headers...)
	if form == nil {
		return e.do(method, path, nil, h...)
	}
	if _, ok := form["csrf_token"]; !ok {
		form.Set("csrf_token", b.csrf)
	}
	h = append(h, "Content-Type", "application/x-www-form-urlencoded")
	return e.do(method, path, strings.NewReader(form.Encode()), h...)
}

// signedIn creates a user and signs them in as a browser.
func (e *env) signedIn(role cases.Role, lang cases.Language) (cases.User, browser) {
	e.t.Helper()
	u := e.addUser(role)
	if lang != "" && lang != u.Language {
		var err error
		if u, err = e.people.UpdateUser(context.Background(), u.ID, cases.UserChanges{Language: &lang}); err != nil {
			e.t.Fatal(err)
		}
	}
	return u, e.login(u.Email, testPassword)
}

func wantHTML(t *testing.T, rec *httptest.ResponseRecorder, status int, contains ...string) string {
	t.Helper()
	if rec.Code != status {
		t.Fatalf("status %d, want %d: %s", rec.Code, status, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("content type %q, want HTML", ct)
	}
	body := rec.Body.String()
	for _, c := range contains {
		if !strings.Contains(body, c) {
			t.Errorf("the page lacks %q", c)
		}
	}
	return body
}

func wantRedirect(t *testing.T, rec *httptest.ResponseRecorder, to string) {
	t.Helper()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != to {
		t.Fatalf("got %d to %q, want 303 to %q: %s", rec.Code, rec.Header().Get("Location"), to, rec.Body)
	}
}

// caseAs creates a case as u through the store, assigned to assignee.
func (e *env) caseAs(u cases.User, assignee *int64, edit func(*cases.CaseInput)) cases.Case {
	e.t.Helper()
	in := cases.CaseInput{Platform: "taobao", Shop: "杯具旗舰店", Kind: "bad_review", BuyerHandle: "小王",
		BuyerContact: "13812345678", Summary: "收到的杯子破损了", AssigneeID: assignee,
		OrderValue: &cases.MoneyInput{Amount: "59.90", Currency: "CNY"}}
	if edit != nil {
		edit(&in)
	}
	nc, err := in.Case()
	if err != nil {
		e.t.Fatal(err)
	}
	cs, err := store.New(e.db).Create(cases.WithActor(context.Background(), u.Actor()), nc, 30*time.Minute)
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}

func (e *env) events(id int64) int {
	e.t.Helper()
	var n int
	if err := e.db.Get(&n, `SELECT count(*) FROM case_events WHERE case_id = $1`, id); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestPagesSendVisitorsToSignIn(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ method, path, to string }{
		{"GET", "/", "/login"},
		{"GET", "/cases/7?done=moved", "/login?next=%2Fcases%2F7%3Fdone%3Dmoved"},
		{"GET", "/notifications", "/login?next=%2Fnotifications"},
		{"POST", "/cases/7/comments", "/login"},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			var body io.Reader
			if tc.method == "POST" {
				body = strings.NewReader("body=x")
			}
			wantRedirect(t, e.do(tc.method, tc.path, body, "Content-Type", "application/x-www-form-urlencoded"), tc.to)
		})
	}
	t.Run("APIStillAnswers401", func(t *testing.T) {
		wantProblem(t, e.do("GET", "/api/v1/cases", nil), http.StatusUnauthorized, "")
	})
	t.Run("UnknownPageIsAnHTMLPage", func(t *testing.T) {
		wantHTML(t, e.do("GET", "/no-such-page", nil, "Accept-Language", "en"), http.StatusNotFound, "Not found")
	})
}

func TestLoginForm(t *testing.T) {
	e := newEnvWith(t, map[string]string{"REDRESS_BASE_URL": "http://redress.example"})
	u := e.addUser(cases.RoleAgent)
	form := func(email, password, next string) *httptest.ResponseRecorder {
		v := url.Values{"email": {email}, "password": {password}, "next": {next}}
		return e.do("POST", "/login", strings.NewReader(v.Encode()), "Content-Type", "application/x-www-form-urlencoded",
			"Origin", "http://redress.example", "Accept-Language", "en")
	}
	t.Run("StartsTheSessionTheAPIUses", func(t *testing.T) {
		rec := form(u.Email, testPassword, "/cases/3")
		wantRedirect(t, rec, "/cases/3")
		ck := sessionCookie(t, rec)
		if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie %+v", ck)
		}
		me := e.do("GET", "/api/v1/me", nil, "Cookie", "redress_session="+ck.Value)
		wantStatus(t, me, http.StatusOK)
		if decodeAs[cases.User](t, me).ID != u.ID {
			t.Error("the API sees someone else")
		}
	})
	t.Run("WrongPasswordKeepsTheEmailNeverThePassword", func(t *testing.T) {
		body := wantHTML(t, form(u.Email, "wrong password here", "/"), http.StatusUnprocessableEntity,
			"The email or the password is wrong.", `value="`+u.Email+`"`)
		if strings.Contains(body, "wrong password here") {
			t.Error("the page shows the password typed")
		}
	})
	t.Run("NextNeverLeavesTheSite", func(t *testing.T) {
		for _, next := range []string{"//evil.example/x", "https://evil.example", `/\evil.example`} {
			wantRedirect(t, form(u.Email, testPassword, next), "/")
		}
	})
	t.Run("AnotherSitesFormIsRefused", func(t *testing.T) {
		v := url.Values{"email": {u.Email}, "password": {testPassword}}
		rec := e.do("POST", "/login", strings.NewReader(v.Encode()), "Content-Type", "application/x-www-form-urlencoded",
			"Origin", "https://evil.example")
		wantHTML(t, rec, http.StatusForbidden)
		if len(rec.Result().Cookies()) != 0 {
			t.Error("a cross-site sign-in got a session")
		}
	})
	t.Run("SignOutEndsTheSession", func(t *testing.T) {
		b := e.login(u.Email, testPassword)
		wantRedirect(t, e.page(b, "POST", "/logout", url.Values{}), "/login")
		wantRedirect(t, e.page(b, "GET", "/", nil), "/login")
	})
}

func TestPageSecurityHeadersAndNoInlineCode(t *testing.T) {
	e := newEnv(t)
	admin, b := e.signedIn(cases.RoleAdmin, cases.LanguageEnglish)
	cs := e.caseAs(admin, nil, nil)
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>[^<]|<script>|\son[a-z]+=|\sstyle=|javascript:`)
	for _, path := range []string{"/", "/?scope=unassigned", "/cases", "/cases/new", "/cases/" + strconv.FormatInt(cs.ID, 10),
		"/notifications", "/import", "/users", "/cases/999999"} {
		t.Run(path, func(t *testing.T) {
			rec := e.page(b, "GET", path, nil)
			h := rec.Header()
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
				t.Errorf("CSP %q", csp)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" || h.Get("Cache-Control") != "no-store" {
				t.Errorf("headers %v", h)
			}
			if m := inline.FindString(rec.Body.String()); m != "" {
				t.Errorf("inline code %q on a page whose CSP forbids it", m)
			}
			if strings.Count(rec.Body.String(), `name="csrf_token"`) < strings.Count(rec.Body.String(), `method="post"`) {
				t.Error("a form lacks its csrf_token")
			}
		})
	}
	t.Run("SignInPage", func(t *testing.T) {
		rec := e.do("GET", "/login", nil)
		wantHTML(t, rec, http.StatusOK)
		if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
			t.Errorf("CSP %q", rec.Header().Get("Content-Security-Policy"))
		}
	})
}

func TestStaticFilesAreImmutableUnderHashedNames(t *testing.T) {
	e := newEnv(t)
	page := e.do("GET", "/login", nil).Body.String()
	names := regexp.MustCompile(`/static/(app)\.([0-9a-f]{10})\.(css|js)`).FindAllStringSubmatch(page, -1)
	if len(names) != 2 {
		t.Fatalf("the page links %v, want app.css and app.js under hashed names", names)
	}
	for _, n := range names {
		rec := e.do("GET", n[0], nil)
		wantStatus(t, rec, http.StatusOK)
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s Cache-Control %q", n[0], cc)
		}
		sum := sha256.Sum256(rec.Body.Bytes())
		if hex.EncodeToString(sum[:])[:10] != n[2] {
			t.Errorf("%s is not named by its content's hash", n[0])
		}
		if want := map[string]string{"css": "text/css", "js": "text/javascript"}[n[3]]; !strings.HasPrefix(rec.Header().Get("Content-Type"), want) {
			t.Errorf("%s content type %q", n[0], rec.Header().Get("Content-Type"))
		}
	}
	for _, p := range []string{"/static/app.css", "/static/app.0000000000.css", "/static/..%2fembed.go"} {
		if rec := e.do("GET", p, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
}

func TestFormsNeedTheCSRFToken(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	cs := e.caseAs(u, &u.ID, nil)
	path := "/cases/" + strconv.FormatInt(cs.ID, 10) + "/comments"
	for name, token := range map[string]string{"Missing": "", "Wrong": "not-the-token"} {
		t.Run(name, func(t *testing.T) {
			before := e.events(cs.ID)
			wantHTML(t, e.page(b, "POST", path, url.Values{"body": {"hi"}, "csrf_token": {token}}), http.StatusForbidden)
			if e.events(cs.ID) != before {
				t.Error("a comment without the token was recorded")
			}
		})
	}
	t.Run("WithTheToken", func(t *testing.T) {
		wantRedirect(t, e.page(b, "POST", path, url.Values{"body": {"hi"}}), "/cases/"+strconv.FormatInt(cs.ID, 10)+"?done=commented#timeline")
	})
}

func TestTransitionForm(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	cs := e.caseAs(u, &u.ID, nil)
	path := "/cases/" + strconv.FormatInt(cs.ID, 10) + "/transitions"
	move := func(version int64, extra url.Values) url.Values {
		v := url.Values{"move": {"forward"}, "to": {"listen"}, "version": {strconv.FormatInt(version, 10)}}
		for k, vs := range extra {
			v[k] = vs
		}
		return v
	}
	unchanged := func(t *testing.T) {
		t.Helper()
		got, err := store.New(e.db).Get(context.Background(), cs.ID)
		if err != nil || got.State != cases.StateRespond || got.Version != cs.Version || e.events(cs.ID) != 1 {
			t.Fatalf("a refused move changed the case: %+v %v", got, err)
		}
	}
	t.Run("RefusalShowsTheReasonAtTheFieldAndKeepsWhatWasTyped", func(t *testing.T) {
		rec := e.page(b, "POST", path, move(cs.Version, url.Values{"first_response": {"  "}, "note": {"kept"}}))
		body := wantHTML(t, rec, http.StatusUnprocessableEntity, "The first reply as sent to the buyer.")
		field := regexp.MustCompile(`(?s)data-field="first_response">.*?</div>`).FindString(body)
		if !strings.Contains(field, `class="field-error"`) || !strings.Contains(field, `aria-invalid="true"`) {
			t.Errorf("the error is not at its field: %s", field)
		}
		unchanged(t)
	})
	t.Run("StaleVersionSaysReloadAndKeepsTheText", func(t *testing.T) {
		rec := e.page(b, "POST", path, move(cs.Version+7, url.Values{"first_response": {"我们马上为您处理 <b>"}}))
		wantHTML(t, rec, http.StatusConflict, "Someone else changed this case", "我们马上为您处理 &lt;b&gt;")
		unchanged(t)
	})
	t.Run("MissingVersion", func(t *testing.T) {
		v := move(cs.Version, url.Values{"first_response": {"hi"}})
		v.Del("version")
		wantHTML(t, e.page(b, "POST", path, v), http.StatusPreconditionRequired)
		unchanged(t)
	})
	t.Run("CloseEarlyWithoutAReasonIsRefusedAtTheReason", func(t *testing.T) {
		rec := e.page(b, "POST", path, url.Values{"move": {"close_early"}, "to": {"closed"}, "version": {strconv.FormatInt(cs.Version, 10)}})
		body := wantHTML(t, rec, http.StatusUnprocessableEntity)
		if !regexp.MustCompile(`(?s)data-field="close_reason">.*?field-error`).MatchString(body) {
			t.Error("the refusal is not at close_reason")
		}
		unchanged(t)
	})
	t.Run("AcceptedMoveRedirects", func(t *testing.T) {
		rec := e.page(b, "POST", path, move(cs.Version, url.Values{"first_response": {"您好，马上为您核实"}}))
		wantRedirect(t, rec, "/cases/"+strconv.FormatInt(cs.ID, 10)+"?done=moved")
		got, _ := store.New(e.db).Get(context.Background(), cs.ID)
		if got.State != cases.StateListen || got.FirstResponse != "您好，马上为您核实" {
			t.Fatalf("case %+v", got)
		}
	})
	t.Run("SomeoneElsesCaseIsRefused", func(t *testing.T) {
		other := e.addUser(cases.RoleAgent)
		theirs := e.caseAs(other, &other.ID, nil)
		p := "/cases/" + strconv.FormatInt(theirs.ID, 10) + "/transitions"
		wantHTML(t, e.page(b, "POST", p, url.Values{"move": {"forward"}, "to": {"listen"}, "version": {"1"}, "first_response": {"x"}}),
			http.StatusForbidden, "assigned to someone else")
		if e.events(theirs.ID) != 1 {
			t.Error("the move was recorded")
		}
	})
}

func TestCasePageShowsTheProtocol(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	cs := e.caseAs(u, &u.ID, func(in *cases.CaseInput) { in.BuyerContact = "浙江省杭州市西湖区文三路 138 号" })
	body := wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(cs.ID, 10), nil), http.StatusOK,
		`aria-current="step"`, "Leaving Respond needs:", "First response",
		cases.MaskContact("浙江省杭州市西湖区文三路 138 号"), // masked until someone asks to see it
		`action="/cases/`+strconv.FormatInt(cs.ID, 10)+`/transitions"`)
	if strings.Contains(body, "浙江省杭州市西湖区文三路 138 号") {
		t.Error("the case page shows the contact whole before anyone asked to see it")
	}
	if strings.Contains(body, `id="move-skip_apology"`) {
		t.Error("a case in respond offers the apology skip")
	}
	t.Run("SkipIsBlockedWithoutEvidence", func(t *testing.T) {
		st := store.New(e.db)
		ctx := cases.WithActor(context.Background(), u.Actor())
		if _, err := e.db.Exec(`UPDATE cases SET state = 'listen', first_response = 'hi' WHERE id = $1`, cs.ID); err != nil {
			t.Fatal(err)
		}
		body := wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(cs.ID, 10), nil), http.StatusOK,
			`id="move-skip_apology"`, "Skipping the apology needs a delivery signature, or a chat excerpt with at least one line from the buyer")
		if strings.Contains(body, `name="skip_apology_reason"`) {
			t.Error("the blocked skip offers its form")
		}
		if _, err := st.AddEvidence(ctx, cs.ID, cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: "[10:01] 小王: 不退款就差评"}); err != nil {
			t.Fatal(err)
		}
		// Nobody has said 小王 is the buyer: no buyer line yet.
		wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(cs.ID, 10), nil), http.StatusOK, "a chat excerpt with at least one line from the buyer")
		if _, err := st.AddEvidence(ctx, cs.ID, cases.EvidenceInput{Kind: cases.EvidenceChatExcerpt, Text: "[10:01] 小王: 不退款就差评",
			Roles: cases.ChatRoles{"小王": "buyer"}}); err != nil {
			t.Fatal(err)
		}
		wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(cs.ID, 10), nil), http.StatusOK, `name="skip_apology_reason"`)
	})
	t.Run("TimesInTheUsersZone", func(t *testing.T) {
		zone := "America/New_York"
		if _, err := e.people.UpdateUser(context.Background(), u.ID, cases.UserChanges{TimeZone: &zone}); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation(zone)
		wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(cs.ID, 10), nil), http.StatusOK,
			cs.CreatedAt.In(loc).Format("2006-01-02 15:04"))
	})
}

func TestQueuePage(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageChinese)
	other := e.addUser(cases.RoleAgent)
	var mine []cases.Case
	for i := 0; i < 53; i++ {
		mine = append(mine, e.caseAs(u, &u.ID, func(in *cases.CaseInput) {
			in.Summary = fmt.Sprintf("第%d单 耳机没声音", i)
			in.BuyerContact = "13812345678"
		}))
	}
	e.caseAs(other, &other.ID, func(in *cases.CaseInput) { in.Summary = "别人的工单" })
	closed := e.caseAs(u, &u.ID, func(in *cases.CaseInput) { in.Summary = "已经结案的" })
	if _, err := e.db.Exec(`UPDATE cases SET state = 'closed', closed_at = now() WHERE id = $1`, closed.ID); err != nil {
		t.Fatal(err)
	}
	overdue := mine[40]
	if _, err := e.db.Exec(`UPDATE cases SET due_at = now() - interval '2 hours' WHERE id = $1`, overdue.ID); err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile(`<tr data-row[^>]*>\s*<td[^>]*><a class="ref" href="/cases/(\d+)"`)

	body := wantHTML(t, e.page(b, "GET", "/", nil), http.StatusOK, "我的工单", "已超时 2小时", "138****5678", "下一页")
	first := rows.FindAllStringSubmatch(body, -1)
	if len(first) != cases.DefaultPageSize {
		t.Fatalf("first page has %d rows", len(first))
	}
	if first[0][1] != strconv.FormatInt(overdue.ID, 10) {
		t.Errorf("the first row is case %s, want the overdue one", first[0][1])
	}
	for _, bad := range []string{"13812345678", "别人的工单", "已经结案的"} {
		if strings.Contains(body, bad) {
			t.Errorf("my queue shows %q", bad)
		}
	}
	next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(body)
	if next == nil {
		t.Fatal("no next page link")
	}
	body = wantHTML(t, e.page(b, "GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil), http.StatusOK, "第一页")
	if n := len(rows.FindAllString(body, -1)); n != 3 {
		t.Errorf("second page has %d rows, want 3", n)
	}
	t.Run("ChineseSearch", func(t *testing.T) {
		body := wantHTML(t, e.page(b, "GET", "/?q="+url.QueryEscape("第7单"), nil), http.StatusOK)
		if n := len(rows.FindAllString(body, -1)); n != 1 {
			t.Errorf("search 第7单 found %d cases", n)
		}
		body = wantHTML(t, e.page(b, "GET", "/?q="+url.QueryEscape("耳机")+"&state=all", nil), http.StatusOK)
		if n := len(rows.FindAllString(body, -1)); n != 50 {
			t.Errorf("search 耳机 found %d on the first page", n)
		}
	})
	t.Run("Filters", func(t *testing.T) {
		body := wantHTML(t, e.page(b, "GET", "/?state=closed", nil), http.StatusOK, "已经结案的")
		if n := len(rows.FindAllString(body, -1)); n != 1 {
			t.Errorf("state=closed lists %d", n)
		}
		body = wantHTML(t, e.page(b, "GET", "/?platform=jd", nil), http.StatusOK, "暂无工单")
		if rows.MatchString(body) {
			t.Error("platform=jd lists taobao cases")
		}
		wantHTML(t, e.page(b, "GET", "/?kind=nonsense", nil), http.StatusUnprocessableEntity, "请选择工单类型。", `<details class="detail">`)
		wantHTML(t, e.page(b, "GET", "/?cursor=garbage", nil), http.StatusBadRequest)
	})
	t.Run("AllCasesIsForSupervisors", func(t *testing.T) {
		wantHTML(t, e.page(b, "GET", "/cases", nil), http.StatusForbidden, "无权操作")
		_, sup := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
		body := wantHTML(t, e.page(sup, "GET", "/cases?state=all&assignee="+strconv.FormatInt(other.ID, 10), nil), http.StatusOK, "All cases", "别人的工单")
		if n := len(rows.FindAllString(body, -1)); n != 1 {
			t.Errorf("filtered by assignee the list has %d rows", n)
		}
		if strings.Contains(body, "13812345678") {
			t.Error("the list shows a contact unmasked")
		}
	})
}

func TestNewCaseForm(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	count := func() (n int) {
		if err := e.db.Get(&n, `SELECT count(*) FROM cases`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	form := url.Values{"platform": {"jd"}, "shop": {""}, "kind": {"lost_parcel"}, "severity": {"high"},
		"buyer_handle": {"李女士"}, "summary": {"快递显示签收但未收到"}, "order_value.amount": {"12.5"},
		"order_value.currency": {"cny"}, "platform_due_at": {"2026-12-01T18:00"}, "assign_to_me": {"on"}}
	t.Run("RefusalKeepsWhatWasTyped", func(t *testing.T) {
		body := wantHTML(t, e.page(b, "POST", "/cases", form), http.StatusUnprocessableEntity, "李女士", "快递显示签收但未收到")
		if !regexp.MustCompile(`(?s)data-field="shop">.*?field-error`).MatchString(body) {
			t.Error("the error is not at shop")
		}
		if count() != 0 {
			t.Error("a refused form created a case")
		}
	})
	t.Run("BadRatingIsAtItsField", func(t *testing.T) {
		f := url.Values{"platform": {"jd"}, "shop": {"s"}, "kind": {"quality"}, "review.rating": {"9"}}
		body := wantHTML(t, e.page(b, "POST", "/cases", f), http.StatusUnprocessableEntity)
		if !regexp.MustCompile(`(?s)data-field="review.rating">.*?field-error`).MatchString(body) {
			t.Error("the error is not at review.rating")
		}
	})
	t.Run("CreatesAndOpensTheCase", func(t *testing.T) {
		form.Set("shop", "京东自营-厨具")
		rec := e.page(b, "POST", "/cases", form)
		if rec.Code != http.StatusSeeOther || !strings.HasSuffix(rec.Header().Get("Location"), "?done=created") {
			t.Fatalf("%d %s", rec.Code, rec.Header().Get("Location"))
		}
		var cs cases.Case
		page, err := store.New(e.db).List(cases.WithActor(context.Background(), u.Actor()), cases.Filter{})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("%v %v", page, err)
		}
		cs = page.Items[0]
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		if cs.AssigneeID == nil || *cs.AssigneeID != u.ID || cs.OrderValue.Amount() != "12.50" ||
			!cs.PlatformDueAt.Equal(time.Date(2026, 12, 1, 18, 0, 0, 0, shanghai)) {
			t.Errorf("case %+v", cs)
		}
	})
}

// multipartForm builds a multipart body with fields in order; a field
// named file carries content as the file name.png.
func multipartForm(t *testing.T, fields [][2]string, file []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		if f[0] == "file" {
			fw, err := w.CreateFormFile("file", f[1])
			if err != nil {
				t.Fatal(err)
			}
			fw.Write(file)
			continue
		}
		w.WriteField(f[0], f[1])
	}
	w.Close()
	return &buf, w.FormDataContentType()
}

func TestEvidenceForms(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	cs := e.caseAs(u, &u.ID, nil)
	path := "/cases/" + strconv.FormatInt(cs.ID, 10) + "/evidence"
	png := pngBytes(t)
	upload := func(fields [][2]string) *httptest.ResponseRecorder {
		body, ct := multipartForm(t, fields, png)
		return e.do("POST", path, body, "Cookie", "redress_session="+b.cookie, "Content-Type", ct)
	}
	items := func() int {
		list, err := store.New(e.db).ListEvidence(context.Background(), cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	t.Run("PhotoUpload", func(t *testing.T) {
		rec := upload([][2]string{{"csrf_token", b.csrf}, {"kind", "photo"}, {"file", "裂纹.png"}, {"note", "箱子外观"}})
		wantRedirect(t, rec, "/cases/"+strconv.FormatInt(cs.ID, 10)+"?done=evidence_added#evidence")
		if items() != 1 {
			t.Fatal("no evidence stored")
		}
	})
	t.Run("WithoutTheTokenFirstNothingIsStored", func(t *testing.T) {
		wantHTML(t, upload([][2]string{{"kind", "photo"}, {"file", "x.png"}, {"csrf_token", b.csrf}}), http.StatusForbidden)
		if items() != 1 {
			t.Error("stored without the token")
		}
	})
	t.Run("SignatureWithoutFileTakesTheUsersZone", func(t *testing.T) {
		rec := upload([][2]string{{"csrf_token", b.csrf}, {"kind", "delivery_signature"}, {"file", ""},
			{"courier", "顺丰"}, {"waybill", "SF1234567890"}, {"signed_by", "本人"}, {"signed_at", "2026-11-20T10:01"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		list, _ := store.New(e.db).ListEvidence(context.Background(), cs.ID)
		shanghai, _ := time.LoadLocation("Asia/Shanghai")
		if got := list[len(list)-1]; got.SignedAt == nil || !got.SignedAt.Equal(time.Date(2026, 11, 20, 10, 1, 0, 0, shanghai)) {
			t.Errorf("signed at %v", got.SignedAt)
		}
	})
	t.Run("RefusalKeepsTheFields", func(t *testing.T) {
		rec := upload([][2]string{{"csrf_token", b.csrf}, {"kind", "delivery_signature"}, {"file", ""},
			{"courier", "顺丰"}, {"waybill", "SF99"}, {"signed_by", ""}, {"signed_at", "2026-11-20T10:01"}})
		wantHTML(t, rec, http.StatusUnprocessableEntity, `value="顺丰"`, `value="SF99"`)
	})
	t.Run("ChatPreviewStoresNothing", func(t *testing.T) {
		before := items()
		body := wantHTML(t, e.page(b, "POST", path, url.Values{"text": {"[10:01] 小王：杯子碎了\n[10:02] 客服：抱歉"}, "preview": {"1"}}),
			http.StatusOK, "Recognised as these messages:", "杯子碎了")
		if !strings.Contains(body, "<th scope=\"row\">小王 <span class=\"role\">Buyer</span></th>") || items() != before {
			t.Error("preview did not parse, or stored")
		}
		// Each speaker gets a side to confirm, the guess preselected.
		for _, want := range []string{`<input type="hidden" name="speaker" value="小王">`, `<option value="buyer" selected>Buyer</option>`,
			`<input type="hidden" name="speaker" value="客服">`, `<option value="shop" selected>Shop</option>`} {
			if !strings.Contains(body, want) {
				t.Errorf("preview lacks %s", want)
			}
		}
	})
	t.Run("ChatExcerptNeedsItsSpeakersConfirmed", func(t *testing.T) {
		before := items()
		body := wantHTML(t, e.page(b, "POST", path, url.Values{"text": {"[10:01] 小王：杯子碎了"}}), http.StatusUnprocessableEntity,
			"Confirm who each speaker is", `name="speaker" value="小王"`)
		if !strings.Contains(body, "in the preview before adding the excerpt") || items() != before {
			t.Error("an unconfirmed excerpt was stored, or the refusal does not say why")
		}
		wantHTML(t, e.page(b, "POST", path, url.Values{"text": {"[10:01] 小王：杯子碎了"}, "speaker": {"小王"}, "role": {"judge"}}),
			http.StatusUnprocessableEntity, "one of buyer, shop, system")
		if items() != before {
			t.Error("a refused excerpt was stored")
		}
	})
	t.Run("ChatExcerpt", func(t *testing.T) {
		wantRedirect(t, e.page(b, "POST", path, url.Values{"text": {"[10:01] 小王：杯子碎了"}, "speaker": {"小王"}, "role": {"buyer"}}),
			"/cases/"+strconv.FormatInt(cs.ID, 10)+"?done=evidence_added#evidence")
		list, _ := store.New(e.db).ListEvidence(context.Background(), cs.ID)
		if got := list[len(list)-1]; got.Roles["小王"] != "buyer" || !got.BacksAbuse() {
			t.Errorf("stored roles %v", got.Roles)
		}
		// Unrecognised text has no speakers to confirm: kept as pasted.
		wantRedirect(t, e.page(b, "POST", path, url.Values{"text": {"买家电话里说不退款就差评"}}),
			"/cases/"+strconv.FormatInt(cs.ID, 10)+"?done=evidence_added#evidence")
		page := wantHTML(t, e.page(b, "GET", "/cases/"+strconv.FormatInt(cs.ID, 10), nil), http.StatusOK, `class="chat-split"`, "As pasted")
		if !strings.Contains(page, "买家电话里说不退款就差评") {
			t.Error("the raw text is not shown")
		}
		wantHTML(t, e.page(b, "POST", path, url.Values{"text": {"   "}}), http.StatusUnprocessableEntity, "Paste the chat excerpt as copied from the chat tool.")
	})
	t.Run("VoidIsForSupervisors", func(t *testing.T) {
		list, _ := store.New(e.db).ListEvidence(context.Background(), cs.ID)
		void := "/evidence/" + strconv.FormatInt(list[0].ID, 10) + "/void"
		wantHTML(t, e.page(b, "POST", void, url.Values{"reason": {"x"}}), http.StatusForbidden)
		_, sup := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
		wantHTML(t, e.page(sup, "POST", void, url.Values{"reason": {" "}}), http.StatusUnprocessableEntity)
		wantRedirect(t, e.page(sup, "POST", void, url.Values{"reason": {"wrong parcel"}}),
			"/cases/"+strconv.FormatInt(cs.ID, 10)+"?done=evidence_voided#evidence-"+strconv.FormatInt(list[0].ID, 10))
		wantHTML(t, e.page(sup, "POST", void, url.Values{"reason": {"again"}}), http.StatusConflict)
	})
}

func TestImportPage(t *testing.T) {
	e := newEnv(t)
	_, b := e.signedIn(cases.RoleAgent, cases.LanguageChinese)
	csv := "platform,external_id,shop,kind,summary\ntaobao,TB-1,杯具旗舰店,bad_review,杯子破损\ntaobao,TB-2,杯具旗舰店,nonsense,x\n"
	send := func(fields [][2]string) *httptest.ResponseRecorder {
		body, ct := multipartForm(t, fields, []byte(csv))
		return e.do("POST", "/import", body, "Cookie", "redress_session="+b.cookie, "Content-Type", ct)
	}
	wantHTML(t, send([][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}, {"file", "export.csv"}}), http.StatusOK,
		"新建 1 条", "跳过 0 条", "失败 1 条")
	wantHTML(t, send([][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}, {"file", "export.csv"}}), http.StatusOK,
		"新建 0 条", "跳过 1 条")
	wantHTML(t, send([][2]string{{"csrf_token", b.csrf}, {"charset", "latin9"}, {"file", "export.csv"}}), http.StatusUnsupportedMediaType)
	wantHTML(t, send([][2]string{{"csrf_token", b.csrf}, {"charset", "utf-8"}}), http.StatusUnprocessableEntity)
	wantHTML(t, send([][2]string{{"charset", "utf-8"}, {"file", "export.csv"}}), http.StatusForbidden)
}

func TestUsersPage(t *testing.T) {
	e := newEnv(t)
	_, admin := e.signedIn(cases.RoleAdmin, cases.LanguageEnglish)
	_, agent := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	wantHTML(t, e.page(agent, "GET", "/users", nil), http.StatusForbidden)
	form := url.Values{"email": {"not an email"}, "display_name": {"新同事"}, "role": {"agent"}, "language": {"zh-CN"},
		"time_zone": {"Asia/Shanghai"}, "password": {"a long enough password"}}
	body := wantHTML(t, e.page(admin, "POST", "/users", form), http.StatusUnprocessableEntity, "新同事")
	if strings.Contains(body, "a long enough password") {
		t.Error("the page shows the password typed")
	}
	form.Set("email", "xin@example.com")
	wantRedirect(t, e.page(admin, "POST", "/users", form), "/users?done=user_created")
	wantHTML(t, e.page(admin, "GET", "/users", nil), http.StatusOK, "xin@example.com", "新同事")
	var id int64
	if err := e.db.Get(&id, `SELECT id FROM users WHERE email = 'xin@example.com'`); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, e.page(admin, "POST", "/users/"+strconv.FormatInt(id, 10)+"/deactivate", url.Values{}), "/users?done=user_deactivated")
	u, _ := e.people.User(context.Background(), id)
	if u.Active {
		t.Error("still active")
	}
}

func TestLanguages(t *testing.T) {
	e := newEnv(t)
	t.Run("SignInPageFollowsAcceptLanguage", func(t *testing.T) {
		wantHTML(t, e.do("GET", "/login", nil, "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5"), http.StatusOK, `<html lang="zh-CN">`, "登录")
		wantHTML(t, e.do("GET", "/login", nil, "Accept-Language", "en-GB,en;q=0.8"), http.StatusOK, `<html lang="en">`, "Sign in")
	})
	t.Run("ChosenLanguageBeatsAcceptLanguage", func(t *testing.T) {
		rec := e.do("GET", "/login?lang=en", nil, "Accept-Language", "zh-CN")
		wantHTML(t, rec, http.StatusOK, `<html lang="en">`)
		var ck *http.Cookie
		for _, c := range rec.Result().Cookies() {
			if c.Name == "redress_lang" {
				ck = c
			}
		}
		if ck == nil {
			t.Fatal("no language cookie")
		}
		wantHTML(t, e.do("GET", "/login", nil, "Accept-Language", "zh-CN", "Cookie", "redress_lang=en"), http.StatusOK, `<html lang="en">`)
		// Switching back with the cookie already set takes one click, not two.
		wantHTML(t, e.do("GET", "/login?lang=zh-CN", nil, "Accept-Language", "en", "Cookie", "redress_lang=en"), http.StatusOK, `<html lang="zh-CN">`, "登录")
	})
	t.Run("SignedInUsersPreferenceWins", func(t *testing.T) {
		u, b := e.signedIn(cases.RoleAgent, cases.LanguageChinese)
		wantHTML(t, e.page(b, "GET", "/", nil, "Accept-Language", "en"), http.StatusOK, `<html lang="zh-CN">`, "我的工单")
		wantRedirect(t, e.page(b, "POST", "/settings/language", url.Values{"language": {"en"}, "next": {"/notifications"}}), "/notifications")
		wantHTML(t, e.page(b, "GET", "/", nil), http.StatusOK, "My queue")
		got, _ := e.people.User(context.Background(), u.ID)
		if got.Language != cases.LanguageEnglish {
			t.Errorf("language %q", got.Language)
		}
		wantHTML(t, e.page(b, "POST", "/settings/language", url.Values{"language": {"fr"}}), http.StatusUnprocessableEntity)
	})
}

func TestNotificationsPage(t *testing.T) {
	e := newEnv(t)
	u, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	cs := e.caseAs(u, &u.ID, nil)
	if _, err := e.srv.Sweep(context.Background(), time.Now().Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	body := wantHTML(t, e.page(b, "GET", "/notifications", nil), http.StatusOK, cs.Ref, "1 unread")
	if !strings.Contains(body, `class="badge" data-count="1"`) {
		t.Error("the header badge does not count 1")
	}
	var id int64
	if err := e.db.Get(&id, `SELECT id FROM notifications WHERE user_id = $1`, u.ID); err != nil {
		t.Fatal(err)
	}
	wantRedirect(t, e.page(b, "POST", "/notifications/"+strconv.FormatInt(id, 10)+"/read", url.Values{"open": {"1"}}),
		"/cases/"+strconv.FormatInt(cs.ID, 10))
	wantHTML(t, e.page(b, "GET", "/", nil), http.StatusOK, `class="badge zero" data-count="0"`)
	_, other := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	wantHTML(t, e.page(other, "POST", "/notifications/"+strconv.FormatInt(id, 10)+"/read", url.Values{}), http.StatusNotFound)
}

func TestRemedyAndAssignmentForms(t *testing.T) {
	e := newEnv(t)
	agent, b := e.signedIn(cases.RoleAgent, cases.LanguageEnglish)
	_, lead := e.signedIn(cases.RoleSupervisor, cases.LanguageEnglish)
	cs := e.caseAs(agent, nil, nil)
	id := strconv.FormatInt(cs.ID, 10)
	current := func() cases.Case {
		got, err := store.New(e.db).Get(context.Background(), cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	version := func() string { return strconv.FormatInt(current().Version, 10) }

	t.Run("AgentTakesAnUnassignedCase", func(t *testing.T) {
		wantHTML(t, e.page(b, "GET", "/cases/"+id, nil), http.StatusOK, `id="take"`)
		wantRedirect(t, e.page(b, "POST", "/cases/"+id+"/assignment", url.Values{"assignee_id": {"me"}}), "/cases/"+id+"?done=assigned")
		if a := current().AssigneeID; a == nil || *a != agent.ID {
			t.Fatalf("assignee %v", a)
		}
	})
	for _, m := range []url.Values{
		{"to": {"listen"}, "first_response": {"您好"}},
		{"to": {"apologise"}, "account": {"破损"}, "root_cause": {"product"}},
		{"to": {"remedy"}, "apology": {"抱歉"}},
	} {
		m.Set("move", "forward")
		m.Set("version", version())
		wantRedirect(t, e.page(b, "POST", "/cases/"+id+"/transitions", m), "/cases/"+id+"?done=moved")
	}
	t.Run("CostlyRemedyIsProposedThenApproved", func(t *testing.T) {
		rec := e.page(b, "POST", "/cases/"+id+"/remedy", url.Values{"version": {version()}, "remedy.type": {"refund"},
			"remedy.amount": {"abc"}, "remedy.currency": {"CNY"}})
		body := wantHTML(t, rec, http.StatusUnprocessableEntity, `value="abc"`)
		if !regexp.MustCompile(`(?s)data-field="remedy.amount">.*?field-error`).MatchString(body) {
			t.Error("the error is not at remedy.amount")
		}
		wantRedirect(t, e.page(b, "POST", "/cases/"+id+"/remedy", url.Values{"version": {version()}, "remedy.type": {"refund"},
			"remedy.amount": {"500.00"}, "remedy.currency": {"cny"}}), "/cases/"+id+"?done=remedy_proposed")
		wantHTML(t, e.page(b, "GET", "/cases/"+id, nil), http.StatusOK, "needs a supervisor&#39;s approval")
		if strings.Contains(e.page(b, "GET", "/cases/"+id, nil).Body.String(), "/approvals") {
			t.Error("an agent is offered the approval")
		}
		wantHTML(t, e.page(b, "POST", "/cases/"+id+"/approvals", url.Values{"version": {version()}}), http.StatusForbidden)
		wantRedirect(t, e.page(lead, "POST", "/cases/"+id+"/approvals", url.Values{"version": {version()}}), "/cases/"+id+"?done=remedy_approved")
		if r := current().Remedy; r == nil || r.ApprovedBy == nil {
			t.Fatalf("remedy %+v", r)
		}
		m := url.Values{"move": {"forward"}, "to": {"follow_up"}, "version": {version()},
			"remedy.type": {"refund"}, "remedy.amount": {"500.00"}, "remedy.currency": {"CNY"}}
		wantRedirect(t, e.page(b, "POST", "/cases/"+id+"/transitions", m), "/cases/"+id+"?done=moved")
	})
	t.Run("SupervisorAssignsWithAStaleFormIsToldToReload", func(t *testing.T) {
		rec := e.page(lead, "POST", "/cases/"+id+"/assignment", url.Values{"assignee_id": {""}, "version": {"1"}})
		wantHTML(t, rec, http.StatusConflict, "Someone else changed this case")
		wantRedirect(t, e.page(lead, "POST", "/cases/"+id+"/assignment", url.Values{"assignee_id": {""}, "version": {version()}}),
			"/cases/"+id+"?done=assigned")
		if current().AssigneeID != nil {
			t.Error("still assigned")
		}
	})
}
