// Package demo loads the demo data set: users of every role and cases walked
// through the real protocol, so a first run has something to look at.
package demo

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/store"
	"redress/server/actions"
	"redress/ui/i18n"
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

// Options are what a load needs besides the database: the protocol's and
// the reminders' policies the server runs with, the words of notices, and
// how many cases to walk.
type Options struct {
	Cases     int
	Policy    workflows.Policy
	Reminders workflows.ReminderPolicy
	Words     *i18n.Catalogue
	// Zone is where the demo desk works (its business hours); nil is
	// Asia/Shanghai.
	Zone *time.Location
	// End is the present the walk ends at; zero is the database's now.
	// The demo must load whatever day it is started on: tests walk other
	// days with it.
	End time.Time
}

// Fortnight is how far back the demo's cases go.
const Fortnight = 14 * 24 * time.Hour

// SeenWithin is how long a notice stays unread on the demo desk: one older
// than this, or about a case its reader has acted on since, was read.
const SeenWithin = 2 * time.Hour

// latePerAgent is how many of each agent's open cases are overdue when the
// demo starts.
const latePerAgent = 3

// sweepEvery is how often the walk sweeps for reminders: the server sweeps
// every minute, the past is walked in coarser steps.
const sweepEvery = 30 * time.Minute

// Load fills an empty database with a realistic data set: the demo users
// and o.Cases cases walked through the real operations (server/actions)
// in their own past, the last fortnight up to the database's now, with
// reminder sweeps as the walk goes; it ends with the inbox a desk that
// keeps up would have. It returns false without changing anything when
// the demo users exist already.
func Load(ctx context.Context, db *sqlx.DB, people *store.People, o Options, out io.Writer) (bool, error) {
	var exists bool
	var end time.Time
	if err := db.QueryRowxContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE lower(email) = $1), now()`, Users()[0].Email).Scan(&exists, &end); err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if exists {
		return false, nil
	}
	if !o.End.IsZero() {
		end = o.End
	}
	if o.Zone == nil {
		zone, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return false, fmt.Errorf("demo: %w", err)
		}
		o.Zone = zone
	}
	// The accounts at once: hashing each password takes argon2id a
	// good part of a second.
	users := make([]cases.User, len(Users()))
	errs := make([]error, len(users))
	var wg sync.WaitGroup
	for i, du := range Users() {
		wg.Go(func() {
			users[i], errs[i] = people.CreateUser(ctx, cases.NewUser{Email: du.Email, DisplayName: du.Name, Role: du.Role,
				Language: du.Language, TimeZone: "Asia/Shanghai", Password: du.Password})
			if errs[i] != nil {
				errs[i] = fmt.Errorf("demo: user %s: %w", du.Email, errs[i])
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return false, err
	}
	w, err := newWalk(ctx, db, o, users, end.UTC())
	if err != nil {
		return false, err
	}
	if err := w.run(); err != nil {
		return false, err
	}
	inbox := store.NewNotifications(db)
	for _, u := range users {
		if _, err := inbox.MarkSeen(cases.WithActor(ctx, u.Actor()), w.end, SeenWithin); err != nil {
			return false, fmt.Errorf("demo: inbox of %s: %w", u.Email, err)
		}
	}
	fmt.Fprintf(out, "demo: loaded %d users and %d cases, walked from %s\n", len(users), o.Cases, w.start.In(o.Zone).Format("2006-01-02 15:04 MST"))
	return true, nil
}

// PrintUsers writes the demo accounts for the start-up banner.
func PrintUsers(out io.Writer) {
	fmt.Fprintln(out, "demo accounts (email / password / role):")
	for _, u := range Users() {
		fmt.Fprintf(out, "  %-22s %-20s %s\n", u.Email, u.Password, u.Role)
	}
}

// walk runs the demo's past in time order: every case's steps and the
// reminder sweeps, each at its own time, on stores whose clock is the walk's.
type walk struct {
	ctx    context.Context
	o      Options
	rng    *rand.Rand
	ops    *actions.Cases
	rem    *store.Reminders
	plan   cases.SweepPlan
	agents []cases.User
	sup    cases.User
	open   map[int64]cases.ReminderCase // the open cases' deadlines
	fired  map[firedKey]bool            // the reminders sweeps claimed
	now    time.Time                    // the clock the stores record at
	start  time.Time                    // the first case's creation
	end    time.Time                    // the present
	queue  agenda
	seq    int
	late   map[int64]int // each agent's overdue open cases so far
	// passing scores every checklist item in full: the verdict the
	// supervisor gives the audited cases she gets to.
	passing map[string]*int
}

func newWalk(ctx context.Context, db *sqlx.DB, o Options, users []cases.User, end time.Time) (*walk, error) {
	w := &walk{ctx: ctx, o: o, rng: rand.New(rand.NewPCG(20261124, 7)), agents: users[2:], sup: users[1], end: end,
		open: map[int64]cases.ReminderCase{}, fired: map[firedKey]bool{}, late: map[int64]int{}}
	st := store.New(db)
	st.SetLocation(o.Zone)
	clocked := st.WithClock(func() time.Time { return w.now })
	w.ops = actions.NewCases(clocked, o.Policy, actions.Desk{Audit: workflows.DefaultAuditPolicy(), Location: o.Zone, Words: o.Words},
		actions.NewTone(store.NewToneRules(db)), store.NewReplies(db))
	w.rem = store.NewReminders(db).WithSweepTime()
	w.plan = o.Reminders.SweepPlan(o.Words.Reminder)
	w.plan.Location = o.Zone
	items, err := st.Desk().Checklist(ctx, false)
	if err != nil {
		return nil, fmt.Errorf("demo: audit checklist: %w", err)
	}
	full := 2
	w.passing = map[string]*int{}
	for _, it := range items {
		w.passing[it.Key] = &full
	}
	return w, nil
}

// step is one thing that happens at a time: a case's move, or a sweep.
type step struct {
	at  time.Time
	seq int // ties keep the order steps were scheduled in
	run func() error
}

// agenda is the steps still to happen, soonest first.
type agenda []step

func (a agenda) Len() int { return len(a) }
func (a agenda) Less(i, j int) bool {
	if !a[i].at.Equal(a[j].at) {
		return a[i].at.Before(a[j].at)
	}
	return a[i].seq < a[j].seq
}
func (a agenda) Swap(i, j int) { a[i], a[j] = a[j], a[i] }
func (a *agenda) Push(x any)   { *a = append(*a, x.(step)) }
func (a *agenda) Pop() any {
	old := *a
	s := old[len(old)-1]
	*a = old[:len(old)-1]
	return s
}

func (w *walk) at(t time.Time, run func() error) {
	w.seq++
	heap.Push(&w.queue, step{at: t, seq: w.seq, run: run})
}

// run plans every case, then plays the agenda in time order with a sweep
// every sweepEvery and one at the end.
func (w *walk) run() error {
	w.start = w.end
	for i := range w.o.Cases {
		p := w.planCase(i)
		if p.times[0].Before(w.start) {
			w.start = p.times[0]
		}
		w.schedule(p)
	}
	for t := w.start.Truncate(sweepEvery).Add(sweepEvery); t.Before(w.end); t = t.Add(sweepEvery) {
		w.at(t, w.tick)
	}
	w.at(w.end, w.sweep)
	for w.queue.Len() > 0 {
		s := heap.Pop(&w.queue).(step)
		w.now = s.at
		if err := s.run(); err != nil {
			return err
		}
	}
	return nil
}

// tick sweeps when a reminder may be due: the walk knows every open case's
// deadlines (from what each operation returned) and which reminders the
// sweeps claimed, and asks the reminder policy what is due now, as the
// sweep does. Ticks with nothing new to fire skip the sweep's transactions
// (most of them). A policy on business hours needs the shops' calendars:
// then every tick sweeps.
func (w *walk) tick() error {
	if w.o.Reminders.BusinessHours {
		return w.sweep()
	}
	for _, rc := range w.open {
		for _, key := range w.dueKeys(rc) {
			if !w.fired[key] {
				return w.sweep()
			}
		}
	}
	return nil
}

// firedKey names a reminder as the sweep claims it.
type firedKey struct {
	caseID int64
	state  cases.State
	due    time.Time
	level  cases.ReminderLevel
}

func (w *walk) dueKeys(rc cases.ReminderCase) []firedKey {
	var keys []firedKey
	for _, level := range w.plan.Due(rc, w.now) {
		due, ok := rc.Deadline(level)
		if !ok {
			continue
		}
		state := rc.State
		if level.Platform() {
			state = ""
		}
		keys = append(keys, firedKey{rc.ID, state, due, level})
	}
	return keys
}

// track keeps what the walk knows of a case's deadlines after an
// operation returned it.
func (w *walk) track(c cases.Case) {
	if !c.State.Open() {
		delete(w.open, c.ID)
		return
	}
	w.open[c.ID] = cases.ReminderCase{ID: c.ID, Ref: c.Ref, State: c.State, DueAt: c.DueAt, PlatformDueAt: c.PlatformDueAt, AssigneeID: c.AssigneeID}
}

// audit has the supervisor judge a case that closed at closed, an hour
// to a day later, when the audit sampling put it in her queue (most closed
// cases it did not: then there is nothing to judge). The newest closings
// stay in the queue, as on a real desk.
func (w *walk) audit(supCtx context.Context, id *int64, closed time.Time) {
	at := w.morning(closed.Add(time.Duration(60+w.rng.IntN(25*60)) * time.Minute))
	if at.After(w.end.Add(-time.Hour)) {
		return
	}
	w.at(at, func() error {
		_, err := w.ops.GiveVerdict(supCtx, *id, workflows.VerdictInput{Verdict: cases.VerdictApproved, Scores: w.passing})
		if cases.ErrorCode(err) == cases.NotFound {
			return nil // not sampled for audit
		}
		return err
	})
}

// sweep fires the reminders due at the walk's now, as the scheduler would.
func (w *walk) sweep() error {
	for _, rc := range w.open {
		for _, key := range w.dueKeys(rc) {
			w.fired[key] = true
		}
	}
	if _, err := w.rem.Sweep(w.ctx, w.now, w.plan); err != nil {
		return fmt.Errorf("demo: sweep at %s: %w", w.now.Format(time.RFC3339), err)
	}
	if err := w.ops.SweepApprovals(w.ctx, w.now); err != nil {
		return fmt.Errorf("demo: approvals sweep at %s: %w", w.now.Format(time.RFC3339), err)
	}
	return nil
}

// The steps of the protocol a demo case takes, in order.
const (
	stepCreate = iota
	stepListen
	stepApologise
	stepRemedy
	stepPropose
	stepFollowUp
	stepClose
)

// casePlan is one case's walk: its input, who works it, how far it gets
// and when each step happens.
type casePlan struct {
	in      cases.CaseInput
	agent   cases.User
	zh      bool
	last    int  // the last step taken
	early   bool // closed without the protocol (duplicate, withdrawn…)
	times   []time.Time
	comment []bool // a comment follows the step
}

// within is how long the case may stay in the state it is in after step.
func (w *walk) within(in cases.CaseInput, after int) time.Duration {
	state := []cases.State{cases.StateRespond, cases.StateListen, cases.StateApologise, cases.StateRemedy,
		cases.StateRemedy, cases.StateFollowUp}[min(after, stepFollowUp)]
	d, _ := w.o.Policy.Deadlines.Within(in.Kind, in.Severity, state)
	return d
}

// planCase invents case i and the times of its steps. Closed cases end
// anywhere in the fortnight; open ones end now, their last step a fraction
// of its deadline ago, so that only a few are overdue (latePerAgent of
// each agent's). Earlier steps lie back from the last by fractions
// of each state's deadline, now and then a little late, in the desk's
// working hours.
func (w *walk) planCase(i int) casePlan {
	rng := w.rng
	p := casePlan{in: demoCase(rng, i), zh: rng.IntN(3) > 0}
	p.agent = w.agents[rng.IntN(len(w.agents))]
	if rng.IntN(5) > 0 {
		id := p.agent.ID
		p.in.AssigneeID = &id
	}
	closed := rng.IntN(100) < 55
	var final time.Time
	switch {
	case closed && rng.IntN(7) == 0:
		p.early, p.last = true, stepClose
		final = w.working(w.end.Add(-time.Duration(3+rng.IntN(13*24)) * time.Hour))
	case closed:
		p.last = stepClose
		final = w.working(w.end.Add(-time.Duration(3+rng.IntN(11*24)) * time.Hour))
	default:
		p.last = []int{stepCreate, stepListen, stepListen, stepApologise, stepRemedy, stepRemedy, stepFollowUp, stepFollowUp}[rng.IntN(8)]
		d := w.within(p.in, p.last)
		back := time.Duration(float64(d) * (0.05 + 0.85*rng.Float64()))
		if p.in.AssigneeID != nil && w.late[p.agent.ID] < latePerAgent && rng.IntN(4) == 0 {
			// Overdue: by less than the inbox keeps a reminder unread,
			// the agent's last one by hours (its reminder read, the
			// step still waiting).
			w.late[p.agent.ID]++
			back = d + time.Duration(5+rng.IntN(105))*time.Minute
			if w.late[p.agent.ID] == latePerAgent {
				back = d + time.Duration(150+rng.IntN(150))*time.Minute
			}
		}
		final = w.end.Add(-back).Truncate(time.Second)
	}
	steps := []int{stepCreate, stepListen, stepApologise, stepRemedy, stepPropose, stepFollowUp, stepClose}[:p.last+1]
	if p.early {
		steps = []int{stepCreate, stepClose}
	}
	p.times = make([]time.Time, p.last+1)
	p.comment = make([]bool, p.last+1)
	t := final
	for k := len(steps) - 1; k >= 0; k-- {
		p.times[steps[k]] = t
		if k == 0 {
			break
		}
		d := w.within(p.in, steps[k-1])
		if steps[k] == stepPropose {
			d /= 2
		}
		gap := time.Duration(float64(d) * (0.1 + 0.7*rng.Float64()))
		if rng.IntN(12) == 0 {
			gap = time.Duration(float64(d) * (1.05 + 0.5*rng.Float64())) // late: the sweep reminds
		}
		if steps[k] == stepFollowUp {
			gap = time.Duration(15+rng.IntN(180)) * time.Minute // after the proposal (and its approval)
		}
		t = w.working(t.Add(-max(gap, 2*time.Minute)))
	}
	if p.early {
		p.times = []time.Time{t, final}
	}
	for k := range p.times {
		p.comment[k] = k > 0 && rng.IntN(4) == 0
	}
	created := p.times[0]
	if p.in.Review != nil {
		posted := created.Add(-time.Duration(30+rng.IntN(72*60)) * time.Minute).Truncate(time.Minute)
		p.in.Review.PostedAt = &posted
	}
	if p.in.PlatformDueAt != nil {
		due := created.Add(time.Duration(24+rng.IntN(48)) * time.Hour).Truncate(time.Minute)
		if !closed {
			// An open case's platform deadline is not this afternoon's
			// worry: the demo's overdue work is its protocol steps.
			due = maxTime(due, w.end.Add(w.o.Reminders.PlatformLead+time.Duration(2+rng.IntN(46))*time.Hour).Truncate(time.Minute))
		}
		p.in.PlatformDueAt = &due
	}
	return p
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// working moves a time that falls outside the desk's hours (09:00–23:00
// where it works) back to a minute of the evening before.
func (w *walk) working(t time.Time) time.Time {
	l := t.In(w.o.Zone)
	if h := l.Hour(); h < 9 || h >= 23 {
		day := l
		if h < 9 {
			day = l.AddDate(0, 0, -1)
		}
		l = time.Date(day.Year(), day.Month(), day.Day(), 22, w.rng.IntN(60), w.rng.IntN(60), 0, w.o.Zone)
	}
	return l.UTC().Truncate(time.Second)
}

// morning moves a time that falls outside the desk's hours on to a minute
// of the next morning's first hour.
func (w *walk) morning(t time.Time) time.Time {
	l := t.In(w.o.Zone)
	if h := l.Hour(); h < 9 || h >= 23 {
		day := l
		if h >= 23 {
			day = l.AddDate(0, 0, 1)
		}
		l = time.Date(day.Year(), day.Month(), day.Day(), 9, w.rng.IntN(60), w.rng.IntN(60), 0, w.o.Zone)
	}
	return l.UTC().Truncate(time.Second)
}

// schedule puts a planned case's steps on the agenda; each step finds the
// case's id through the create step, which runs first.
func (w *walk) schedule(p casePlan) {
	var id int64
	agentCtx := cases.WithActor(w.ctx, p.agent.Actor())
	supCtx := cases.WithActor(w.ctx, w.sup.Actor())
	t := func(zh, en string) string {
		if p.zh {
			return zh
		}
		return en
	}
	move := func(m workflows.Move) func() error {
		return func() error {
			c, err := w.ops.Transition(agentCtx, id, nil, m)
			w.track(c)
			return err
		}
	}
	remedy := workflows.RemedyInput{Type: "partial_refund", MoneyInput: cases.MoneyInput{Amount: fmt.Sprintf("%d.00", 5+w.rng.IntN(30)), Currency: "CNY"}}
	if p.in.OrderValue != nil {
		remedy.Currency = p.in.OrderValue.Currency
		// Now and then a refund above the agent's limit (100 USD by
		// default), which waits for the supervisor's approval.
		if v, _ := strconv.ParseFloat(p.in.OrderValue.Amount, 64); remedy.Currency == "USD" && v >= 150 && w.rng.IntN(3) == 0 {
			remedy.Amount = fmt.Sprintf("%d.00", 105+w.rng.IntN(40))
		}
	}
	satisfied := w.rng.IntN(4) > 0
	review := cases.ReviewOutcome("not_applicable")
	if p.in.Kind.IsReview() {
		review = []cases.ReviewOutcome{"upgraded", "removed", "unchanged"}[w.rng.IntN(3)]
	}
	runs := map[int]func() error{
		stepCreate: func() error {
			c, err := w.ops.Create(agentCtx, p.in)
			id = c.ID
			w.track(c)
			return err
		},
		stepListen: move(workflows.Move{To: cases.StateListen, FirstResponse: t("亲，非常抱歉给您带来不好的体验，我马上为您核实。", "Hello, we are sorry for the trouble. Let me look into it right away.")}),
		stepApologise: move(workflows.Move{To: cases.StateApologise, Account: t("买家反映收到的商品有问题，已要求提供照片。", "Buyer reports a problem with the item and sent photos."),
			RootCause: []cases.RootCause{"product", "logistics", "service", "buyer_misunderstanding"}[w.rng.IntN(4)]}),
		stepRemedy: move(workflows.Move{To: cases.StateRemedy, Apology: t("真诚地向您道歉，这是我们的疏忽。", "We sincerely apologise; this was our mistake.")}),
		stepPropose: func() error {
			c, err := w.ops.ProposeRemedy(agentCtx, id, nil, remedy)
			if err != nil {
				return err
			}
			w.track(c)
			h, err := w.ops.RemedyHistory(agentCtx, id)
			if err != nil {
				return err
			}
			for _, r := range h.Items {
				if r.Status == cases.RemedyPending {
					// Above the agent's limit: the supervisor approves
					// before the agent applies it.
					next := p.times[stepFollowUp]
					w.at(w.now.Add(time.Duration(float64(next.Sub(w.now))*(0.3+0.4*w.rng.Float64()))), func() error {
						c, err := w.ops.ApproveRemedy(supCtx, id, nil)
						w.track(c)
						return err
					})
				}
			}
			return nil
		},
		stepFollowUp: func() error {
			err := move(workflows.Move{To: cases.StateFollowUp, Remedy: &remedy})()
			var ce *cases.Error
			if !errors.As(err, &ce) || ce.Extra["needs_approval"] != true {
				return err
			}
			// The buyer's other cases took the shop's remedies for them
			// over a limit since this one was proposed: propose again,
			// the supervisor approves, the agent applies it.
			c, err := w.ops.ProposeRemedy(agentCtx, id, nil, remedy)
			if err != nil {
				return err
			}
			w.track(c)
			if c, err = w.ops.ApproveRemedy(supCtx, id, nil); err != nil {
				return err
			}
			w.track(c)
			return move(workflows.Move{To: cases.StateFollowUp, Remedy: &remedy})()
		},
		stepClose: move(workflows.Move{To: cases.StateClosed, Outcome: &workflows.OutcomeInput{
			BuyerSatisfied: &satisfied, Review: review, Note: t("已回访，买家表示满意。", "Followed up; the buyer is happy.")}}),
	}
	if p.early {
		runs[stepClose] = move(workflows.Move{To: cases.StateClosed, CloseReason: []cases.CloseReason{"duplicate", "withdrawn_by_buyer", "invalid"}[w.rng.IntN(3)]})
	}
	for k, at := range p.times {
		kind := k
		if p.early && k == 1 {
			kind = stepClose
		}
		run := runs[kind]
		w.at(at, func() error {
			if err := run(); err != nil {
				return fmt.Errorf("demo: case %s step %d at %s: %w", p.in.ExternalID, kind, w.now.Format(time.RFC3339), err)
			}
			return nil
		})
		if kind == stepClose && !p.early && w.rng.IntN(4) > 0 {
			w.audit(supCtx, &id, at)
		}
		if !p.comment[k] {
			continue
		}
		// A note a few minutes later, before whatever comes next.
		note := at.Add(time.Duration(1+w.rng.IntN(10)) * time.Minute)
		if k+1 < len(p.times) && !note.Before(p.times[k+1]) || !note.Before(w.end) {
			continue
		}
		w.at(note, func() error {
			_, err := w.ops.Comment(agentCtx, id, t("已电话联系买家。", "Called the buyer."))
			return err
		})
	}
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

// demoCase invents case number i; its review's and platform deadline's
// times are set when its creation is known (planCase).
func demoCase(rng *rand.Rand, i int) cases.CaseInput {
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
	value := 2000 + rng.IntN(50000)
	c := cases.CaseInput{
		ExternalID:   fmt.Sprintf("%s-%08d", sh.platform, 10000000+i),
		Platform:     sh.platform,
		Shop:         sh.name,
		OrderRef:     fmt.Sprintf("%d%06d", 2026112, rng.IntN(1000000)),
		OrderValue:   &cases.MoneyInput{Amount: fmt.Sprintf("%d.%02d", value/100, value%100), Currency: sh.currency},
		BuyerHandle:  []string{"小王", "tb_lily88", "快乐的小熊", "jd_张先生", "mike.r", "sarah_k", "平安喜乐", "buyer_2291"}[rng.IntN(8)],
		BuyerContact: fmt.Sprintf("1%d%09d", 3+rng.IntN(6), rng.IntN(1000000000)),
		Kind:         r.kind,
		Severity:     []cases.Severity{"low", "normal", "normal", "normal", "high", "urgent"}[rng.IntN(6)],
		Summary:      r.summaryZH,
	}
	text := r.zh
	if english {
		text, c.Summary = r.en, r.summaryEN
		c.BuyerContact = fmt.Sprintf("+1 (555) %03d-%04d", rng.IntN(1000), rng.IntN(10000))
	}
	if r.rating > 0 {
		rating := r.rating
		c.Review = &cases.ReviewInput{Rating: &rating, Text: text}
	} else {
		c.Summary += "：" + text
		if english {
			c.Summary = r.summaryEN + ": " + text
		}
	}
	if rng.IntN(6) == 0 {
		c.PlatformDueAt = &time.Time{} // set by planCase
	}
	return c
}
