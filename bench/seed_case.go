package main

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows"
)

// seedCase is one generated case as it is copied into the database: the
// case after its walk through the protocol, and its ledger.
type seedCase struct {
	c         cases.Case
	createdBy int64
	events    []cases.Event
	search    string // the search column in tsvector input syntax
}

// seedPlan is what every generated case draws from.
type seedPlan struct {
	n        int
	now      time.Time // the seed's clock: newest cases are created just before it
	span     time.Duration
	agents   []int64
	policy   workflows.Policy
	platform weighted[cases.Platform]
	kind     weighted[cases.Kind]
	severity weighted[cases.Severity]
}

// weighted picks values with integer weights.
type weighted[T any] struct {
	vals  []T
	cum   []int
	total int
}

func newWeighted[T any](vals []T, weights ...int) weighted[T] {
	w := weighted[T]{vals: vals}
	for _, n := range weights {
		w.total += n
		w.cum = append(w.cum, w.total)
	}
	return w
}

func (w weighted[T]) pick(rng *rand.Rand) T {
	r := rng.IntN(w.total)
	for i, c := range w.cum {
		if r < c {
			return w.vals[i]
		}
	}
	return w.vals[len(w.vals)-1]
}

func newSeedPlan(n int, now time.Time, agents []int64) seedPlan {
	return seedPlan{
		n: n, now: now, span: 365 * 24 * time.Hour, agents: agents, policy: workflows.DefaultPolicy(),
		platform: newWeighted([]cases.Platform{"taobao", "tmall", "jd", "pinduoduo", "douyin", "shopify", "amazon", "other"}, 30, 20, 15, 12, 10, 6, 5, 2),
		kind:     newWeighted([]cases.Kind{"bad_review", "medium_review", "logistics_query", "lost_parcel", "missing_item", "damaged", "wrong_item", "quality", "refund_dispute", "complaint"}, 25, 15, 12, 5, 6, 10, 7, 10, 6, 4),
		severity: newWeighted([]cases.Severity{"low", "normal", "high", "urgent"}, 15, 60, 20, 5),
	}
}

var shopsZH = []string{"优品家居旗舰店", "小米生态专营店", "森林茶叶铺", "北极绒服饰", "乐活数码", "好孩子母婴",
	"美妆小铺", "厨房好物", "运动先锋", "书香文具", "萌宠乐园", "江南丝绸", "潮玩工坊", "一号零食铺"}
var shopsEN = []string{"Acme Home US", "Bright Gadgets", "Lotus Tea Co", "Northwind Apparel", "Panda Kitchen EU"}

// states a case may end its walk in, with weights that depend on its age:
// recent cases are mostly open, old ones mostly closed.
var (
	recentStates = newWeighted([]cases.State{"respond", "listen", "apologise", "remedy", "follow_up", "closed"}, 30, 25, 10, 15, 12, 8)
	monthStates  = newWeighted([]cases.State{"respond", "listen", "apologise", "remedy", "follow_up", "closed"}, 6, 5, 2, 4, 8, 75)
	oldStates    = newWeighted([]cases.State{"respond", "listen", "apologise", "remedy", "follow_up", "closed"}, 1, 1, 1, 1, 1, 195)
)

// generate builds case id (1-based: the identity column hands ids out in
// COPY order) deterministically from the id alone.
func (p seedPlan) generate(id int64) (seedCase, error) {
	rng := rand.New(rand.NewPCG(uint64(id), 0x5eed))
	step := p.span / time.Duration(p.n)
	created := p.now.Add(-p.span + time.Duration(id-1)*step + time.Duration(rng.Int64N(int64(step)))).Truncate(time.Microsecond).UTC()
	age := p.now.Sub(created)

	c := cases.Case{ID: id, Ref: caseRef(id), Platform: p.platform.pick(rng), Kind: p.kind.pick(rng),
		Severity: p.severity.pick(rng), State: cases.StateRespond, CreatedAt: created, UpdatedAt: created}
	english := c.Platform == "shopify" || c.Platform == "amazon" || (c.Platform == "other" && rng.IntN(2) == 0)
	currency := "CNY"
	if english {
		c.Shop = pick(rng, shopsEN)
		currency = "USD"
		c.Summary, c.Review.Text = enText(rng, c.Kind, pick(rng, productsEN))
		c.BuyerHandle = fmt.Sprintf("%s%d", pick(rng, []string{"jsmith", "amy_k", "buyer", "mike", "lin.w", "sara"}), rng.IntN(10000))
		c.BuyerContact = fmt.Sprintf("+1 415 %03d %04d", rng.IntN(1000), rng.IntN(10000))
	} else {
		c.Shop = pick(rng, shopsZH)
		c.Summary, c.Review.Text = zhText(rng, c.Kind, pick(rng, productsZH))
		c.BuyerHandle = fmt.Sprintf("%s%04d", pick(rng, []string{"小明爱购物", "tb_", "jd_", "快乐的猫", "momo", "阿花"}), rng.IntN(10000))
		c.BuyerContact = fmt.Sprintf("1%d%09d", 3+rng.IntN(7), rng.IntN(1_000_000_000))
	}
	if rng.IntN(10) < 7 {
		c.ExternalID = strings.ToUpper(string(c.Platform[:2])) + strconv.FormatInt(100_000_000_000+id, 10)
	}
	c.OrderRef = fmt.Sprintf("%d%08d", 2024+rng.IntN(2), rng.IntN(100_000_000))
	order := cases.Money{Minor: int64(1000 + rng.IntN(60000)), Currency: currency}
	c.OrderValue = &order
	if c.Kind.IsReview() {
		rating := 1 + rng.IntN(2)
		if c.Kind == "medium_review" {
			rating = 3
		}
		posted := created.Add(-time.Duration(rng.IntN(48)) * time.Hour)
		c.Review.Rating, c.Review.PostedAt = &rating, &posted
		c.Review.URL = "https://review.example.com/r/" + strconv.FormatInt(id, 36)
	}
	if c.Platform == "tmall" || c.Platform == "jd" {
		pd := created.Add(48 * time.Hour)
		c.PlatformDueAt = &pd
	}
	var assignee *int64
	if rng.IntN(10) < 9 {
		a := p.agents[rng.IntN(len(p.agents))]
		assignee = &a
	}
	c.AssigneeID = assignee
	within, _ := p.policy.Deadlines.Within(c.Kind, c.Severity, cases.StateRespond)
	due := created.Add(within)
	c.DueAt = &due

	actor := p.agents[rng.IntN(len(p.agents))]
	if assignee != nil {
		actor = *assignee
	}
	target := oldStates
	switch {
	case age < 3*24*time.Hour:
		target = recentStates
	case age < 30*24*time.Hour:
		target = monthStates
	}
	s := seedCase{createdBy: actor}
	l := seedLedger{caseID: id}
	if err := l.append(actor, created, cases.EventCreated, cases.CreatedPayload(c)); err != nil {
		return s, err
	}
	moves := walk(rng, c, english, target.pick(rng))
	now := created
	version := int64(1)
	for _, m := range moves {
		now = now.Add(time.Duration(5+rng.IntN(120)) * time.Minute)
		if now.After(p.now) {
			break // the newest cases had no time to get further
		}
		res, err := workflows.Transition(c, m, workflows.Facts{Now: now, ActorID: actor}, p.policy)
		if err != nil {
			return s, fmt.Errorf("case %d: move to %s: %w", id, m.To, err)
		}
		c = res.Case
		version++
		for _, e := range res.Events {
			if err := l.append(actor, now, e.Kind, e.Payload); err != nil {
				return s, err
			}
		}
	}
	c.Version = version
	s.c, s.events = c, l.events
	s.search = tsvectorLiteral(store.SearchDocument(c))
	return s, nil
}

// caseRef is the ref the database generates from an id.
func caseRef(id int64) string {
	if id < 1_000_000 {
		return fmt.Sprintf("C-%06d", id)
	}
	return "C-" + strconv.FormatInt(id, 10)
}

// walk returns the moves that take a new case to target.
func walk(rng *rand.Rand, c cases.Case, english bool, target cases.State) []workflows.Move {
	t := func(zh, en []string) string {
		if english {
			return pick(rng, en)
		}
		return pick(rng, zh)
	}
	if target == cases.StateClosed && rng.IntN(10) == 0 {
		return []workflows.Move{{To: cases.StateClosed,
			CloseReason: pick(rng, []cases.CloseReason{"duplicate", "withdrawn_by_buyer", "invalid"})}}
	}
	amount := c.OrderValue.Minor * int64(10+rng.IntN(60)) / 100
	amount = min(amount, 9_000) // under every fixed limit: no approval needed
	satisfied := rng.IntN(5) > 0
	review := cases.ReviewOutcome("not_applicable")
	if c.Kind.IsReview() {
		review = pick(rng, []cases.ReviewOutcome{"upgraded", "removed", "unchanged"})
	}
	all := []workflows.Move{
		{To: cases.StateListen, FirstResponse: t(firstResponsesZH, firstResponsesEN)},
		{To: cases.StateApologise, Account: t(accountsZH, accountsEN),
			RootCause: pick(rng, []cases.RootCause{"product", "product", "logistics", "service", "buyer_misunderstanding"})},
		{To: cases.StateRemedy, Apology: t(apologiesZH, apologiesEN)},
		{To: cases.StateFollowUp, Remedy: &workflows.RemedyInput{
			Type:       pick(rng, []cases.RemedyType{"refund", "partial_refund", "reship", "coupon"}),
			MoneyInput: cases.MoneyInput{Amount: cases.Money{Minor: amount, Currency: c.OrderValue.Currency}.Amount(), Currency: c.OrderValue.Currency}}},
		{To: cases.StateClosed, Outcome: &workflows.OutcomeInput{BuyerSatisfied: &satisfied, Review: review,
			Note: t(outcomeNotesZH, outcomeNotesEN)}},
	}
	for i, st := range cases.States() {
		if st == target {
			return all[:i]
		}
	}
	return nil
}

// seedLedger chains a generated case's events exactly as the store does:
// canonical JSON payloads, times at microsecond precision, cases.EventHash.
type seedLedger struct {
	caseID int64
	events []cases.Event
}

func (l *seedLedger) append(actor int64, at time.Time, kind cases.EventKind, payload map[string]any) error {
	// json.Marshal sorts map keys, so for these payloads (strings, numbers,
	// booleans, maps) its output is canonical already; the seed's check
	// recomputes a sample with the store's own code.
	raw, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	prev := ""
	if n := len(l.events); n > 0 {
		prev = l.events[n-1].Hash
	}
	a := actor
	e := cases.Event{CaseID: l.caseID, Seq: int64(len(l.events) + 1), Kind: kind, ActorID: &a,
		At: at.UTC().Truncate(time.Microsecond), Payload: raw, PrevHash: prev}
	if e.Hash, err = cases.EventHash(prev, e); err != nil {
		return err
	}
	l.events = append(l.events, e)
	return nil
}

// tsvectorLiteral is to_tsvector('simple', doc) in tsvector input syntax:
// the document's terms (letters and digits only, so they need no escaping)
// with their positions. The seed checks a sample against PostgreSQL.
func tsvectorLiteral(doc string) string {
	type termPos struct {
		term string
		pos  int
	}
	var terms []termPos
	for i, t := range strings.Fields(doc) {
		terms = append(terms, termPos{t, i + 1})
	}
	slices.SortStableFunc(terms, func(a, b termPos) int { return strings.Compare(a.term, b.term) })
	var b strings.Builder
	b.Grow(len(doc) + 4*len(terms))
	for i, t := range terms {
		if i > 0 && terms[i-1].term == t.term {
			b.WriteByte(',')
		} else {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteByte('\'')
			b.WriteString(t.term)
			b.WriteString("':")
		}
		b.WriteString(strconv.Itoa(t.pos))
	}
	return b.String()
}
