// Package demo loads the demo data set: users of every role and cases walked
// through the real protocol, so a first run has something to look at.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// User is a demo account; the passwords are fixed so the README and the
// start-up banner can name them.
type User struct {
	Email, Name, Password string
	Role                  cases.Role
	Language              cases.Language
}

// Users returns the demo accounts, one or more per role.
func Users() []User {
	return []User{
		{"admin@redress.demo", "管理员 Admin", "redress-demo-admin", cases.RoleAdmin, cases.LanguageEnglish},
		{"lead@redress.demo", "主管 刘婷", "redress-demo-lead", cases.RoleSupervisor, cases.LanguageChinese},
		{"wang@redress.demo", "客服 小王", "redress-demo-agent", cases.RoleAgent, cases.LanguageChinese},
		{"amy@redress.demo", "Amy Chen", "redress-demo-agent", cases.RoleAgent, cases.LanguageEnglish},
		{"li@redress.demo", "客服 阿李", "redress-demo-agent", cases.RoleAgent, cases.LanguageChinese},
	}
}

// Load fills an empty database with a realistic data set: the demo
// users and a few hundred cases across platforms, kinds and states, walked
// through the protocol so that their ledgers are real. It returns false
// without changing anything when the demo users exist already.
func Load(ctx context.Context, db *sqlx.DB, people *store.People, policy workflows.Policy, n int, out io.Writer) (bool, error) {
	var exists bool
	if err := db.GetContext(ctx, &exists, `SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = $1)`, Users()[0].Email); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if exists {
		return false, nil
	}
	var users []cases.User
	for _, du := range Users() {
		u, err := people.CreateUser(ctx, cases.NewUser{Email: du.Email, DisplayName: du.Name, Role: du.Role,
			Language: du.Language, TimeZone: "Asia/Shanghai", Password: du.Password})
		if err != nil {
			return false, fmt.Errorf("demo: user %s: %w", du.Email, err)
		}
		users = append(users, u)
	}
	agents := users[2:]
	sup := users[1]
	store := store.New(db)
	rng := rand.New(rand.NewPCG(20261124, 7))
	for i := range n {
		d := demoCase(rng, i)
		actor := agents[rng.IntN(len(agents))]
		if rng.IntN(5) > 0 {
			id := actor.ID
			d.AssigneeID = &id
		}
		within, _ := policy.Deadlines.Within(d.Kind, d.Severity, cases.StateRespond)
		ctxA := cases.WithActor(ctx, actor.Actor())
		c, err := store.Create(ctxA, d, within)
		if err != nil {
			return false, fmt.Errorf("demo: case %d: %w", i, err)
		}
		if err := walkDemoCase(ctxA, cases.WithActor(ctx, sup.Actor()), store, policy, rng, c); err != nil {
			return false, fmt.Errorf("demo: case %s: %w", c.Ref, err)
		}
	}
	// Spread due times so the queues show overdue work and work due later;
	// the ledger keeps the protocol's own times.
	if _, err := db.ExecContext(ctx, `UPDATE cases SET due_at = now() + (random() * 30 - 12) * interval '1 hour',
		created_at = created_at - random() * interval '3 days' WHERE state <> 'closed'`); err != nil {
		return false, fmt.Errorf("demo: spread due times: %w", err)
	}
	fmt.Fprintf(out, "demo: loaded %d users and %d cases\n", len(users), n)
	return true, nil
}

// PrintUsers writes the demo accounts for the start-up banner.
func PrintUsers(out io.Writer) {
	fmt.Fprintln(out, "demo accounts (email / password / role):")
	for _, u := range Users() {
		fmt.Fprintf(out, "  %-22s %-20s %s\n", u.Email, u.Password, u.Role)
	}
}

// walkDemoCase moves a case a random number of steps along the protocol.
func walkDemoCase(agentCtx, supCtx context.Context, store *store.Store, policy workflows.Policy, rng *rand.Rand, c cases.Case) error {
	steps := rng.IntN(7) // 0..6: how far this case got
	zh := rng.IntN(3) > 0
	t := func(zhText, enText string) string {
		if zh {
			return zhText
		}
		return enText
	}
	moves := []workflows.Move{
		{To: cases.StateListen, FirstResponse: t("亲，非常抱歉给您带来不好的体验，我马上为您核实。", "Hello, we are sorry for the trouble. Let me look into it right away.")},
		{To: cases.StateApologise, Account: t("买家反映收到的商品有问题，已要求提供照片。", "Buyer reports a problem with the item and sent photos."),
			RootCause: []cases.RootCause{"product", "logistics", "service", "buyer_misunderstanding"}[rng.IntN(4)]},
		{To: cases.StateRemedy, Apology: t("真诚地向您道歉，这是我们的疏忽。", "We sincerely apologise; this was our mistake.")},
		{To: cases.StateFollowUp, Remedy: &workflows.RemedyInput{Type: "partial_refund", MoneyInput: cases.MoneyInput{Amount: fmt.Sprintf("%d.00", 5+rng.IntN(30)), Currency: "CNY"}}},
	}
	if c.OrderValue != nil && c.OrderValue.Currency != "CNY" {
		moves[3].Remedy.Currency = c.OrderValue.Currency
	}
	satisfied := rng.IntN(4) > 0
	review := cases.ReviewOutcome("not_applicable")
	if c.Kind.IsReview() {
		review = []cases.ReviewOutcome{"upgraded", "removed", "unchanged"}[rng.IntN(3)]
	}
	moves = append(moves, workflows.Move{To: cases.StateClosed, Outcome: &workflows.OutcomeInput{
		BuyerSatisfied: &satisfied, Review: review, Note: t("已回访，买家表示满意。", "Followed up; the buyer is happy.")}})
	if steps == 6 {
		// Some cases close early.
		moves = []workflows.Move{{To: cases.StateClosed, CloseReason: []cases.CloseReason{"duplicate", "withdrawn_by_buyer", "invalid"}[rng.IntN(3)]}}
	}
	for i, m := range moves {
		if i >= steps && steps != 6 {
			break
		}
		_, err := store.Change(agentCtx, c.ID, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
			res, err := workflows.Transition(cur, m, workflows.Facts{Now: f.Now, ActorID: f.Actor.ID, HasAbuseEvidence: f.HasAbuseEvidence}, policy)
			return cases.Change{Case: res.Case, Events: res.Events}, err
		})
		var e *cases.Error
		if errors.As(err, &e) && e.Field == "remedy" {
			// Above the remedy limit: propose, have the supervisor approve, move on.
			if err := demoApprove(agentCtx, supCtx, store, policy, c.ID, *m.Remedy); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if rng.IntN(4) == 0 {
			_, err := store.Change(agentCtx, c.ID, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
				return cases.Change{Case: cur, KeepVersion: true, Events: []cases.NewEvent{{Kind: cases.EventCommented,
					Payload: map[string]any{"body": t("已电话联系买家。", "Called the buyer.")}}}}, nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func demoApprove(agentCtx, supCtx context.Context, store *store.Store, policy workflows.Policy, id int64, r workflows.RemedyInput) error {
	facts := func(f cases.Facts) workflows.Facts {
		return workflows.Facts{Now: f.Now, ActorID: f.Actor.ID}
	}
	if _, err := store.Change(agentCtx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ProposeRemedy(cur, r, facts(f), policy)
		return cases.Change{Case: res.Case, Events: res.Events}, err
	}); err != nil {
		return err
	}
	if _, err := store.Change(supCtx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ApproveRemedy(cur, facts(f))
		return cases.Change{Case: res.Case, Events: res.Events}, err
	}); err != nil {
		return err
	}
	_, err := store.Change(agentCtx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.Transition(cur, workflows.Move{To: cases.StateFollowUp, Remedy: &r}, facts(f), policy)
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
	return err
}

type demoReview struct {
	kind      cases.Kind
	rating    int
	zh, en    string
	summaryZH string
	summaryEN string
}

func demoReviews() []demoReview {
	return []demoReview{
		{"bad_review", 1, "收到的杯子破损了，包装太简陋，非常失望。", "The mug arrived broken; the packaging was flimsy.", "杯子破损差评", "Broken mug, bad review"},
		{"bad_review", 1, "耳机用了两天就没声音了，质量太差。", "The earphones stopped working after two days.", "耳机质量问题", "Earphones failed"},
		{"medium_review", 3, "衣服颜色和图片有色差，尺码偏小。", "The colour differs from the photos and it runs small.", "色差中评", "Colour mismatch, medium review"},
		{"medium_review", 3, "物流太慢了，等了一个星期。", "Shipping was slow, it took a week.", "物流慢中评", "Slow delivery, medium review"},
		{"lost_parcel", 0, "物流显示已签收，但我没有收到包裹。", "Tracking says delivered but I never got the parcel.", "包裹丢失", "Parcel lost"},
		{"missing_item", 0, "少发了一件，订单是两件只收到一件。", "I ordered two but only one arrived.", "少件", "Item missing"},
		{"damaged", 0, "外箱压坏了，里面的玻璃瓶碎了。", "The box was crushed and the glass bottle broke.", "商品破损", "Damaged in transit"},
		{"wrong_item", 0, "发错货了，我买的是黑色的，收到白色。", "Wrong colour sent: ordered black, got white.", "发错货", "Wrong item"},
		{"quality", 0, "鞋子穿了一次就开胶了。", "The shoe sole came off after one wear.", "质量投诉", "Quality complaint"},
		{"refund_dispute", 0, "申请退款被拒绝，要求平台介入。", "My refund was refused; I escalated to the platform.", "退款纠纷", "Refund dispute"},
		{"complaint", 0, "客服态度不好，回复太慢。", "Customer service was slow and rude.", "服务投诉", "Service complaint"},
		{"logistics_query", 0, "请问我的快递到哪里了？三天没更新了。", "Where is my parcel? No update for three days.", "查物流", "Where is my parcel"},
	}
}

// demoCase invents case number i.
func demoCase(rng *rand.Rand, i int) cases.Case {
	r := demoReviews()[rng.IntN(len(demoReviews()))]
	type shop struct {
		platform cases.Platform
		name     string
		currency string
	}
	shops := []shop{{"taobao", "杯具生活旗舰店", "CNY"}, {"tmall", "优品家居天猫店", "CNY"}, {"jd", "京选数码专营店", "CNY"},
		{"pinduoduo", "拼好货百货店", "CNY"}, {"douyin", "抖音好物小店", "CNY"}, {"shopify", "Lumen Home", "USD"}, {"amazon", "Lumen Home US", "USD"}}
	sh := shops[rng.IntN(len(shops))]
	english := sh.currency == "USD"
	c := cases.Case{
		ExternalID:   fmt.Sprintf("%s-%08d", sh.platform, 10000000+i),
		Platform:     sh.platform,
		Shop:         sh.name,
		OrderRef:     fmt.Sprintf("%d%06d", 2026112, rng.IntN(1000000)),
		OrderValue:   &cases.Money{Minor: int64(2000 + rng.IntN(50000)), Currency: sh.currency},
		BuyerHandle:  []string{"小王", "tb_lily88", "快乐的小熊", "jd_张先生", "mike.r", "sarah_k", "平安喜乐", "buyer_2291"}[rng.IntN(8)],
		BuyerContact: fmt.Sprintf("1%d%09d", 3+rng.IntN(6), rng.IntN(1000000000)),
		Kind:         r.kind,
		Severity:     []cases.Severity{"low", "normal", "normal", "normal", "high", "urgent"}[rng.IntN(6)],
		Summary:      r.summaryZH,
		State:        cases.StateRespond,
	}
	text := r.zh
	if english {
		text, c.Summary = r.en, r.summaryEN
		c.BuyerContact = fmt.Sprintf("+1 (555) %03d-%04d", rng.IntN(1000), rng.IntN(10000))
	}
	if r.rating > 0 {
		rating := r.rating
		posted := time.Now().Add(-time.Duration(rng.IntN(72)) * time.Hour).Truncate(time.Minute)
		c.Review = cases.Review{Rating: &rating, Text: text, PostedAt: &posted}
	} else {
		c.Summary += "：" + text
		if english {
			c.Summary = r.summaryEN + ": " + text
		}
	}
	if rng.IntN(6) == 0 {
		due := time.Now().Add(time.Duration(24+rng.IntN(48)) * time.Hour).Truncate(time.Minute)
		c.PlatformDueAt = &due
	}
	return c
}
