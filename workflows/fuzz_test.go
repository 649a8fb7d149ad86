package workflows

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"redress/cases"
)

// chooser turns fuzz bytes into choices; when the bytes run out every choice
// is the first option and the sequence ends.
type chooser struct{ b []byte }

func (c *chooser) more() bool { return len(c.b) > 0 }

func (c *chooser) intn(n int) int {
	if len(c.b) == 0 {
		return 0
	}
	v := int(c.b[0]) % n
	c.b = c.b[1:]
	return v
}

func oneOf[T any](c *chooser, opts ...T) T { return opts[c.intn(len(opts))] }

// text is a stage text, valid about two times in three.
func (c *chooser) text() string {
	switch c.intn(16) {
	case 0:
		return ""
	case 1:
		return " \t\n"
	case 2:
		return strings.Repeat("长", MaxTextRunes+1)
	case 3:
		return "nul\x00inside"
	case 4:
		return "bad \xff utf-8"
	}
	return oneOf(c, "We are sorry.", "  padded text  ", "买家签收了快递。", "<b>&amp;</b> \"quoted\"")
}

func (c *chooser) remedy() RemedyInput {
	return RemedyInput{
		Type: oneOf[cases.RemedyType](c, "refund", "partial_refund", "reship", "replace", "coupon", "gift", "explanation", "", "cash"),
		MoneyInput: cases.MoneyInput{
			Amount:   oneOf(c, "0", "12.50", "99.99", "150.00", "600", "20000", "1.234", "-1", ""),
			Currency: oneOf(c, "CNY", "CNY", "CNY", "USD", "JPY", "SGD", "cny", ""),
		},
	}
}

// move is a random transition request, aimed at a move the stepper offers
// three times in four so that sequences get somewhere.
func (c *chooser) move(cs cases.Case, evidence bool) Move {
	var m Move
	if offered := NextMoves(cs, evidence); len(offered) > 0 && c.intn(5) > 0 {
		s := offered[0] // the way forward, mostly, as agents take it
		if c.intn(3) == 0 {
			s = oneOf(c, offered...)
		}
		m.To = s.To
		if s.Move == MoveCloseEarly {
			m.CloseReason = oneOf[cases.CloseReason](c, "duplicate", "withdrawn_by_buyer", "invalid", "bored")
		}
	} else {
		m.To = oneOf(c, append(cases.States(), "", "escalated")...)
		if c.intn(6) == 0 {
			m.CloseReason = oneOf[cases.CloseReason](c, "duplicate", "")
		}
	}
	m.FirstResponse, m.Account, m.Apology = c.text(), c.text(), c.text()
	m.SkipApologyReason, m.Reason, m.ReopenReason = c.text(), c.text(), c.text()
	if c.intn(3) > 0 {
		m.Note = c.text()
	}
	m.RootCause = oneOf[cases.RootCause](c, "product", "logistics", "service", "buyer_misunderstanding",
		"suspected_abuse", "suspected_abuse", "suspected_abuse", "", "weather")
	switch {
	case cs.Remedy != nil && c.intn(2) == 0:
		// Leave with the remedy proposed (and perhaps approved), as the UI
		// offers it.
		m.Remedy = &RemedyInput{Type: cs.Remedy.Type, MoneyInput: cases.MoneyInput{
			Amount: cs.Remedy.Amount.Amount(), Currency: cs.Remedy.Amount.Currency}}
	case c.intn(10) > 0:
		r := c.remedy()
		m.Remedy = &r
	}
	if c.intn(10) > 0 {
		m.Outcome = &OutcomeInput{
			BuyerSatisfied: oneOf(c, ptr(true), ptr(false), ptr(true), nil),
			Review:         oneOf[cases.ReviewOutcome](c, "upgraded", "removed", "unchanged", "not_applicable", "", "deleted"),
			Note:           c.text(),
		}
	}
	return m
}

// seqStats counts what a sequence did, so that the property test can show
// it reached every state and move rather than passing vacuously.
type seqStats struct {
	moves          map[MoveKind]int
	states         map[cases.State]int
	approvedLeaves int // leaving remedy with a remedy that needed approval
	proposals      int
	approvals      int
	conflicts      int
	refusals       int
}

func newStats() *seqStats {
	return &seqStats{moves: map[MoveKind]int{}, states: map[cases.State]int{}}
}

type recorded struct {
	ev    cases.NewEvent
	at    time.Time
	actor int64
}

// runSequence plays the moves data encodes on a new case and checks the
// protocol's invariants after each, then chains the events into a ledger.
func runSequence(t testing.TB, data []byte, st *seqStats) {
	t.Helper()
	ch := &chooser{b: data}
	p := DefaultPolicy()
	now := t0
	c := cases.Case{
		ID: 1 + int64(ch.intn(200)), Ref: "C-000001", Platform: "tmall", Shop: "north",
		OrderValue: oneOf(ch, moneyPtr(t, "100.00", "CNY"), moneyPtr(t, "20.00", "USD"), moneyPtr(t, "3000", "JPY"), moneyPtr(t, "50.00", "SGD"), nil),
		Kind:       oneOf(ch, cases.Kinds()...),
		Severity:   oneOf(ch, cases.Severities()...),
		State:      cases.StateRespond, Version: 1, CreatedAt: now, UpdatedAt: now,
	}
	c.DueAt = p.Deadlines.DueAt(c.Kind, c.Severity, c.State, now)
	var log []recorded
	transitions := 0
	for step := 0; ch.more() && step < 64; step++ {
		now = now.Add(time.Duration(ch.intn(256)) * 3 * time.Minute)
		f := Facts{Now: now, ActorID: int64(1 + ch.intn(3)), HasAbuseEvidence: ch.intn(3) > 0}
		before := dump(t, c)
		var (
			m    Move
			res  Result
			err  error
			want cases.EventKind
		)
		switch op := ch.intn(10); {
		case op < 8:
			m, want = ch.move(c, f.HasAbuseEvidence), cases.EventTransitioned
			res, err = Transition(c, m, f, p)
		case op == 8:
			want = cases.EventRemedyProposed
			res, err = ProposeRemedy(c, ch.remedy(), f, p)
		default:
			want = cases.EventRemedyApproved
			res, err = ApproveRemedy(c, f)
		}
		if dump(t, c) != before {
			t.Fatalf("step %d changed its input case", step)
		}
		if err != nil {
			checkRefusal(t, c, m, err, want, st)
			continue
		}
		checkAccepted(t, c, res, f, p, want, st)
		if want == cases.EventTransitioned {
			transitions++
		}
		for _, ev := range res.Events {
			log = append(log, recorded{ev: ev, at: now, actor: f.ActorID})
		}
		c = res.Case
	}
	checkLedger(t, c.ID, log, transitions)
}

func checkRefusal(t testing.TB, c cases.Case, m Move, err error, op cases.EventKind, st *seqStats) {
	t.Helper()
	var e *cases.Error
	if !errors.As(err, &e) {
		t.Fatalf("refusal %v is not a *cases.Error", err)
	}
	st.refusals++
	switch {
	case e.Code == cases.Conflict && op == cases.EventRemedyApproved:
		st.conflicts++
		return
	case e.Code != cases.Invalid || e.Field == "" || e.Message == "":
		t.Fatalf("refusal %v must be Invalid and name a field", err)
	}
	if op == cases.EventTransitioned && e.Field == "to" {
		for _, s := range NextMoves(c, true) {
			if s.To == m.To {
				t.Fatalf("move from %s to %s refused as impossible, but NextMoves offers %+v", c.State, m.To, s)
			}
		}
	}
}

func checkAccepted(t testing.TB, c cases.Case, res Result, f Facts, p Policy, op cases.EventKind, st *seqStats) {
	t.Helper()
	got := res.Case
	if !got.State.Valid() {
		t.Fatalf("reached state %q", got.State)
	}
	if len(res.Events) != 1 || res.Events[0].Kind != op {
		t.Fatalf("events %+v, want one %s", res.Events, op)
	}
	if got.ID != c.ID || got.Version != c.Version || got.ReopenCount < c.ReopenCount {
		t.Fatalf("id %d→%d, version %d→%d, reopen count %d→%d", c.ID, got.ID, c.Version, got.Version, c.ReopenCount, got.ReopenCount)
	}
	if (got.State == cases.StateClosed) != (got.ClosedAt != nil) {
		t.Fatalf("state %s with closed_at %v", got.State, got.ClosedAt)
	}
	switch op {
	case cases.EventRemedyProposed:
		st.proposals++
		return
	case cases.EventRemedyApproved:
		st.approvals++
		return
	}
	pl := res.Events[0].Payload
	move := MoveKind(pl["move"].(string))
	if pl["from"] != string(c.State) || pl["to"] != string(got.State) {
		t.Fatalf("payload %v for %s → %s", pl, c.State, got.State)
	}
	if !slices.ContainsFunc(NextMoves(c, f.HasAbuseEvidence), func(s MoveSpec) bool {
		return s.Move == move && s.To == got.State && s.Blocked == ""
	}) {
		t.Fatalf("made %s from %s to %s, which NextMoves does not offer", move, c.State, got.State)
	}
	want := p.Deadlines.DueAt(got.Kind, got.Severity, got.State, f.Now)
	if (want == nil) != (got.DueAt == nil) || (want != nil && !want.Equal(*got.DueAt)) {
		t.Fatalf("due_at %v in %s, want %v", got.DueAt, got.State, want)
	}
	if c.State == cases.StateRemedy && got.State == cases.StateFollowUp {
		if got.Remedy == nil {
			t.Fatal("left remedy without a remedy")
		}
		if needs, _ := p.Remedy.NeedsApproval(got.OrderValue, got.Remedy.Amount); needs {
			if got.Remedy.ApprovedBy == nil {
				t.Fatalf("left remedy with %+v, which needs approval, unapproved", got.Remedy)
			}
			st.approvedLeaves++
		}
	}
	st.moves[move]++
	st.states[got.State]++
}

// checkLedger chains the events as the store would and verifies the chain.
func checkLedger(t testing.TB, caseID int64, log []recorded, transitions int) {
	t.Helper()
	var ledger []cases.Event
	prev, transitioned := "", 0
	for i, r := range log {
		payload, err := json.Marshal(r.ev.Payload)
		if err != nil {
			t.Fatalf("event %d payload does not marshal: %v", i+1, err)
		}
		if bytes.Contains(payload, []byte(`\u0000`)) {
			t.Fatalf("event %d payload holds a NUL, which jsonb refuses: %s", i+1, payload)
		}
		if r.ev.Kind == cases.EventTransitioned {
			transitioned++
		}
		e := cases.Event{Seq: int64(i + 1), CaseID: caseID, Kind: r.ev.Kind, ActorID: ptr(r.actor),
			At: r.at.Truncate(time.Microsecond), Payload: payload, PrevHash: prev}
		if e.Hash, err = cases.EventHash(prev, e); err != nil {
			t.Fatalf("event %d: %v", i+1, err)
		}
		prev = e.Hash
		ledger = append(ledger, e)
	}
	if broken := cases.VerifyChain(ledger); broken != 0 {
		t.Fatalf("ledger broken at %d", broken)
	}
	if transitioned != transitions {
		t.Fatalf("%d transitioned events for %d moves", transitioned, transitions)
	}
	if n := len(ledger); n > 0 {
		// The check above must be able to fail: a changed payload breaks it.
		ledger[n-1].Payload = json.RawMessage(`{"tampered":true}`)
		if broken := cases.VerifyChain(ledger); broken != int64(n) {
			t.Fatalf("tampering with event %d went unnoticed (%d)", n, broken)
		}
	}
}

func seedBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	return b
}

func FuzzTransitions(f *testing.F) {
	f.Add([]byte{})
	for seed := range uint64(8) {
		f.Add(seedBytes(seed, 400))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		runSequence(t, data, newStats())
	})
}

func TestRandomMoveSequences(t *testing.T) {
	st := newStats()
	for seed := range uint64(2000) {
		runSequence(t, seedBytes(1000+seed, 400), st)
		if t.Failed() {
			t.Fatalf("seed %d", 1000+seed)
		}
	}
	t.Logf("moves %v, states %v, approved leaves %d, proposals %d, approvals %d, conflicts %d, refusals %d",
		st.moves, st.states, st.approvedLeaves, st.proposals, st.approvals, st.conflicts, st.refusals)
	for _, k := range []MoveKind{MoveForward, MoveSkipApology, MoveRework, MoveCloseEarly, MoveReopen} {
		if st.moves[k] == 0 {
			t.Errorf("no sequence made a %s move", k)
		}
	}
	for _, s := range cases.States() {
		if s != cases.StateRespond && st.states[s] == 0 {
			t.Errorf("no sequence reached %s", s)
		}
	}
	if st.approvedLeaves == 0 || st.proposals == 0 || st.approvals == 0 || st.conflicts == 0 {
		t.Errorf("the remedy guard was not exercised: %+v", st)
	}
}
