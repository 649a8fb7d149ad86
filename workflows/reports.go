package workflows

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"redress/cases"
)

// Summary computes a report from the facts of case ledgers (CaseFacts;
// the README's "Reports" section defines every figure): from ledgers read
// one at a time (Add), from facts (AddFact), or from the database's day
// roll-ups of kept facts (AddAggregate), as many of each as the range has. Each figure is attributed to the period of the
// event it counts, and to the group the case was in at that event.
type Summary struct {
	q      cases.ReportQuery
	starts []time.Time
	rows   map[rowKey]*tally
	groups map[string]bool
}

type rowKey struct {
	group  string
	period int
}

// NewSummary returns an empty summary of q (a validated query).
func NewSummary(q cases.ReportQuery) *Summary {
	return &Summary{q: q, starts: PeriodStarts(q), rows: map[rowKey]*tally{}, groups: map[string]bool{}}
}

// PeriodStarts returns where each period of q begins: From, then every
// start of a day, week (Monday) or month in q.Location before To.
func PeriodStarts(q cases.ReportQuery) []time.Time {
	starts := []time.Time{q.From}
	if q.Series == cases.SeriesNone {
		return starts
	}
	t := q.From.In(q.Location)
	y, m, d := t.Date()
	var next func(y int, m time.Month, d int) time.Time
	switch q.Series {
	case cases.SeriesDay:
		next = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d+1, 0, 0, 0, 0, q.Location) }
	case cases.SeriesWeek:
		d -= (int(t.Weekday()) + 6) % 7 // back to Monday
		next = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d+7, 0, 0, 0, 0, q.Location) }
	case cases.SeriesMonth:
		d = 1
		next = func(y int, m time.Month, _ int) time.Time { return time.Date(y, m+1, 1, 0, 0, 0, 0, q.Location) }
	}
	for s := next(y, m, d); s.Before(q.To); s = next(s.Date()) {
		starts = append(starts, s)
	}
	return starts
}

// tally is what one group's period has collected.
type tally struct {
	opened, closed, reopened int
	early                    map[cases.CloseReason]int
	first, res, cycle, ack   durs
	breaches                 map[cases.State]int
	platformMisses           int
	applied                  int
	total                    map[string]int64
	remedied                 map[string][][]int64 // cases with a remedy, per currency, maybe more than once
	byType                   map[cases.RemedyType]map[string]int64
	approvals, declines      int
	reviewClosed             int
	agentClaim, platformWord int
	closings, reworks        int
	audits                   [3]struct{ n, passed int } // random, risk, other
	breachNote, breachBare   int
}

// durs are durations of one figure, on the wall clock and in business
// hours, in seconds: one chunk of values a day roll-up (a year of them
// is joined once, at the end), and one of values added one at a time.
type durs struct {
	wall, biz       [][]int32 // day roll-ups' values
	oneWall, oneBiz []int32   // values added one at a time
}

// add adds one duration, clamped to int32 as the day roll-ups keep them
// (68 years).
func (d *durs) add(wall, biz *int64) {
	if wall != nil && biz != nil {
		d.oneWall, d.oneBiz = append(d.oneWall, clamp32(*wall)), append(d.oneBiz, clamp32(*biz))
	}
}

// addAll adds a day roll-up's durations, wall and business in pairs.
func (d *durs) addAll(wall, biz []int32) {
	d.wall, d.biz = append(d.wall, wall), append(d.biz, biz)
}

func clamp32(v int64) int32 {
	return int32(min(max(v, math.MinInt32), math.MaxInt32))
}

func (d durs) figure() cases.DurationFigure {
	return cases.DurationFigure{Wall: Percentiles(slices.Concat(append(d.wall, d.oneWall)...)),
		Business: Percentiles(slices.Concat(append(d.biz, d.oneBiz)...))}
}

// caseWalk is a case as its ledger has been read so far.
type caseWalk struct {
	l            cases.ReportLedger
	state        cases.State
	kind         cases.Kind
	shop         string
	platform     cases.Platform
	assignee     *int64
	created      time.Time
	cycleStart   time.Time
	responded    bool
	stepBreached bool
	handover     *bool // the newest handover of the open case: had it a note?
	handedAt     map[int64]time.Time
	platformUp   bool
	facts        []cases.ReportFact
}

// Add reads one case's ledger (events oldest first, none at or after the
// report's end) and counts its facts that fall in the report.
func (s *Summary) Add(l cases.ReportLedger) {
	for _, f := range CaseFacts(l) {
		s.AddFact(f)
	}
}

// CaseFacts returns every fact of a case's ledger (events oldest first):
// what reports count, each at its event's time, for the group the case was
// in then. They are the definitions of every figure.
func CaseFacts(l cases.ReportLedger) []cases.ReportFact {
	w := &caseWalk{l: l, state: cases.StateRespond, handedAt: map[int64]time.Time{}}
	for _, e := range l.Events {
		// The platform's word counts whenever it came (before the end of
		// what was read).
		w.platformUp = w.platformUp || e.ReviewUp
	}
	for _, e := range l.Events {
		w.step(e)
	}
	return w.facts
}

// fact adds a fact of e's figure, for the case's group now; agent, when
// set, is the agent it counts for instead of the assignee.
func (w *caseWalk) fact(e cases.ReportEvent, fig cases.ReportFigure, agent *int64, set func(*cases.ReportFact)) {
	if agent == nil {
		agent = w.assignee
	}
	f := cases.ReportFact{CaseID: w.l.CaseID, Seq: e.Seq, Figure: fig, At: e.At, Agent: agent,
		Shop: w.shop, Platform: w.platform, Kind: w.kind}
	if set != nil {
		set(&f)
	}
	w.facts = append(w.facts, f)
}

func (w *caseWalk) step(e cases.ReportEvent) {
	switch e.Kind {
	case cases.EventCreated:
		w.kind, w.shop, w.platform, w.assignee = e.CaseKind, e.Shop, e.Platform, e.Assignee
		if e.To != "" {
			w.state = e.To
		}
		w.created, w.cycleStart = e.At, e.At
		w.fact(e, cases.FactOpened, nil, nil)
	case cases.EventEdited:
		if e.CaseKind != "" {
			w.kind = e.CaseKind
		}
		if e.Shop != "" {
			w.shop = e.Shop
		}
		if e.Platform != "" {
			w.platform = e.Platform
		}
	case cases.EventAssigned:
		w.assignee = e.Assignee
	case cases.EventHandedOver:
		w.handedAt[e.HandoverID] = e.At
		note := e.HandoverNote
		w.handover = &note
	case cases.EventHandoverAcknowledged:
		if from, ok := w.handedAt[e.HandoverID]; ok {
			wall, biz := w.durations(from, e.At)
			w.fact(e, cases.FactAcknowledged, e.Assignee, func(f *cases.ReportFact) { f.Wall, f.Biz = wall, biz })
		}
	case cases.EventReminded, cases.EventEscalated:
		switch {
		case e.Level.Platform():
			if e.Level == cases.LevelPlatformPassed {
				w.fact(e, cases.FactPlatformMiss, nil, nil)
			}
		case e.StepState == w.state:
			w.breach(e, w.state)
		}
	case cases.EventTransitioned:
		w.transition(e)
	case cases.EventRemedyApproved:
		w.fact(e, cases.FactApproval, nil, nil)
	case cases.EventRemedyDeclined:
		w.fact(e, cases.FactDecline, nil, nil)
	case cases.EventAudited:
		if e.Round > 1 {
			return // a calibration's or a dispute's second verdict
		}
		w.fact(e, cases.FactAudit, nil, func(f *cases.ReportFact) {
			f.Sub, f.Passed = auditClasses[auditClass(e.AuditReasons)], e.Verdict == cases.VerdictApproved
		})
	}
}

func (w *caseWalk) transition(e cases.ReportEvent) {
	if e.WasOverdue {
		w.breach(e, e.From)
	}
	if e.From == cases.StateRespond && !w.responded && e.To != cases.StateClosed {
		w.responded = true
		wall, biz := w.durations(w.created, e.At)
		w.fact(e, cases.FactFirstResponse, nil, func(f *cases.ReportFact) { f.Wall, f.Biz = wall, biz })
	}
	switch {
	case e.To == cases.StateClosed && e.Move == string(MoveCloseEarly):
		w.fact(e, cases.FactClosedEarly, nil, func(f *cases.ReportFact) { f.Sub = string(e.CloseReason) })
	case e.To == cases.StateClosed:
		wall, biz := w.durations(w.created, e.At)
		cwall, cbiz := w.durations(w.cycleStart, e.At)
		w.fact(e, cases.FactClosed, nil, func(f *cases.ReportFact) {
			f.Wall, f.Biz, f.CycleWall, f.CycleBiz = wall, biz, cwall, cbiz
			f.Review = w.kind.IsReview()
			f.Claim = f.Review && (e.Review == "upgraded" || e.Review == "removed")
			f.PlatformWord = f.Review && w.platformUp
		})
	case e.Move == string(MoveReopen):
		w.cycleStart = e.At
		w.fact(e, cases.FactReopened, nil, nil)
	case e.Move == string(MoveRework):
		w.fact(e, cases.FactRework, nil, nil)
	}
	if e.From == cases.StateRemedy && e.RemedyType != "" {
		w.fact(e, cases.FactRemedy, nil, func(f *cases.ReportFact) { f.Sub, f.Amount = string(e.RemedyType), e.Remedy })
	}
	w.state, w.stepBreached = e.To, false
	if e.To == cases.StateClosed {
		w.handover = nil
	}
}

// breach counts a step of state st that went past its due time, once per
// step, at the first event that shows it.
func (w *caseWalk) breach(e cases.ReportEvent, st cases.State) {
	if w.stepBreached {
		return
	}
	w.stepBreached = true
	note := ""
	if w.handover != nil {
		note = "bare"
		if *w.handover {
			note = "note"
		}
	}
	w.fact(e, cases.FactSLABreach, nil, func(f *cases.ReportFact) { f.Sub, f.Note = string(st), note })
}

// durations returns from → to in seconds on the wall clock and in the
// case's shop's business hours.
func (w *caseWalk) durations(from, to time.Time) (wall, biz *int64) {
	wl, bz := int64(to.Sub(from)/time.Second), int64(BusinessBetween(w.l.Calendar, from, to)/time.Second)
	return &wl, &bz
}

// AddFact counts f when it is in the report's range and, for an agent's
// report, the agent's.
func (s *Summary) AddFact(f cases.ReportFact) {
	if f.At.Before(s.q.From) || !f.At.Before(s.q.To) {
		return
	}
	if s.q.AgentID != nil && (f.Agent == nil || *f.Agent != *s.q.AgentID) {
		return
	}
	var g string
	switch s.q.GroupBy {
	case cases.GroupAgent:
		g = "unassigned"
		if f.Agent != nil {
			g = strconv.FormatInt(*f.Agent, 10)
		}
	case cases.GroupShop:
		g = f.Shop
	case cases.GroupKind:
		g = string(f.Kind)
	case cases.GroupPlatform:
		g = string(f.Platform)
	}
	t := s.tally(g, sort.Search(len(s.starts), func(i int) bool { return s.starts[i].After(f.At) })-1)
	switch f.Figure {
	case cases.FactOpened:
		t.opened++
	case cases.FactClosed:
		t.closed++
		t.closings++
		t.res.add(f.Wall, f.Biz)
		t.cycle.add(f.CycleWall, f.CycleBiz)
		if f.Review {
			t.reviewClosed++
		}
		if f.Claim {
			t.agentClaim++
		}
		if f.PlatformWord {
			t.platformWord++
		}
	case cases.FactClosedEarly:
		t.closings++
		t.earlyAdd(cases.CloseReason(f.Sub), 1)
	case cases.FactReopened:
		t.reopened++
	case cases.FactRework:
		t.reworks++
	case cases.FactFirstResponse:
		t.first.add(f.Wall, f.Biz)
	case cases.FactAcknowledged:
		t.ack.add(f.Wall, f.Biz)
	case cases.FactSLABreach:
		t.breachAdd(cases.State(f.Sub), f.Note, 1)
	case cases.FactPlatformMiss:
		t.platformMisses++
	case cases.FactRemedy:
		t.remedyAdd(cases.RemedyType(f.Sub), f.Amount.Currency, f.Amount.Minor, 1)
		t.remedyCases(f.Amount.Currency, f.CaseID)
	case cases.FactApproval:
		t.approvals++
	case cases.FactDecline:
		t.declines++
	case cases.FactAudit:
		c := slices.Index(auditClasses[:], f.Sub)
		t.audits[c].n++
		if f.Passed {
			t.audits[c].passed++
		}
	}
}

// AddAggregate counts the facts the database summed up for the report's
// query (range, agent and grouping already applied).
func (s *Summary) AddAggregate(a cases.ReportAggregate) {
	p := 0
	if a.Period != nil {
		// The period's start as a wall clock in the report's zone; the
		// first period may start at the range's start instead.
		y, m, d := a.Period.Date()
		start := time.Date(y, m, d, a.Period.Hour(), a.Period.Minute(), 0, 0, s.q.Location)
		p = max(sort.Search(len(s.starts), func(i int) bool { return s.starts[i].After(start) })-1, 0)
	}
	t := s.tally(a.Group, p)
	if a.Part == cases.PartValues {
		switch a.Figure {
		case cases.FactClosed:
			t.res.addAll(a.Wall, a.Biz)
			t.cycle.addAll(a.CycleWall, a.CycleBiz)
		case cases.FactFirstResponse:
			t.first.addAll(a.Wall, a.Biz)
		case cases.FactAcknowledged:
			t.ack.addAll(a.Wall, a.Biz)
		case cases.FactRemedy:
			t.remedyCases(a.Currency, a.CaseIDs...)
		}
		return
	}
	switch a.Figure {
	case cases.FactOpened:
		t.opened += a.N
	case cases.FactClosed:
		t.closed += a.N
		t.closings += a.N
		t.reviewClosed += a.Review
		t.agentClaim += a.Claim
		t.platformWord += a.PlatformWord
	case cases.FactClosedEarly:
		t.closings += a.N
		t.earlyAdd(cases.CloseReason(a.Sub), a.N)
	case cases.FactReopened:
		t.reopened += a.N
	case cases.FactRework:
		t.reworks += a.N
	case cases.FactSLABreach:
		t.breachAdd(cases.State(a.Sub), a.Note, a.N)
	case cases.FactPlatformMiss:
		t.platformMisses += a.N
	case cases.FactRemedy:
		t.remedyAdd(cases.RemedyType(a.Sub), a.Currency, a.Amount, a.N)
	case cases.FactApproval:
		t.approvals += a.N
	case cases.FactDecline:
		t.declines += a.N
	case cases.FactAudit:
		if c := slices.Index(auditClasses[:], a.Sub); c >= 0 {
			t.audits[c].n += a.N
			t.audits[c].passed += a.Passed
		}
	}
}

func (s *Summary) tally(g string, p int) *tally {
	k := rowKey{g, p}
	t := s.rows[k]
	if t == nil {
		t = &tally{}
		s.rows[k] = t
	}
	s.groups[g] = true
	return t
}

func (t *tally) earlyAdd(r cases.CloseReason, n int) {
	if t.early == nil {
		t.early = map[cases.CloseReason]int{}
	}
	t.early[r] += n
}

func (t *tally) breachAdd(st cases.State, note string, n int) {
	if t.breaches == nil {
		t.breaches = map[cases.State]int{}
	}
	t.breaches[st] += n
	switch note {
	case "note":
		t.breachNote += n
	case "bare":
		t.breachBare += n
	}
}

// remedyCases adds cases with a remedy in cur; figures counts each once
// however many remedies it had.
func (t *tally) remedyCases(cur string, ids ...int64) {
	if t.remedied == nil {
		t.remedied = map[string][][]int64{}
	}
	t.remedied[cur] = append(t.remedied[cur], ids)
}

// distinctCases counts the different cases among chunks of ids.
func distinctCases(chunks [][]int64) int64 {
	ids := slices.Concat(chunks...)
	slices.Sort(ids)
	return int64(len(slices.Compact(ids)))
}

func (t *tally) remedyAdd(typ cases.RemedyType, cur string, minor int64, n int) {
	if t.total == nil {
		t.total, t.byType = map[string]int64{}, map[cases.RemedyType]map[string]int64{}
	}
	t.applied += n
	t.total[cur] += minor
	if t.byType[typ] == nil {
		t.byType[typ] = map[string]int64{}
	}
	t.byType[typ][cur] += minor
}

// auditClasses name the audit classes by index.
var auditClasses = [3]string{"random", "risk", "other"}

// auditClass sorts an audit by why it was selected: 0 the random sample
// alone, 1 a risk rule, 2 otherwise (an agent's minimum, by hand).
func auditClass(reasons []cases.AuditReason) int {
	if len(reasons) == 1 && reasons[0] == cases.ReasonRandom {
		return 0
	}
	for _, r := range reasons {
		switch r {
		case cases.ReasonRandom, cases.ReasonAgentMinimum, cases.ReasonManual:
		default:
			return 1
		}
	}
	return 2
}

// Report returns the figures: every period of every group that has any,
// groups in order, periods oldest first.
func (s *Summary) Report() cases.Report {
	r := cases.Report{DefinitionVersion: cases.ReportDefinitionVersion, From: s.q.From, To: s.q.To,
		TimeZone: s.q.Location.String(), GroupBy: s.q.GroupBy, Series: s.q.Series, AgentID: s.q.AgentID,
		Rows: []cases.ReportRow{}}
	groups := make([]string, 0, len(s.groups))
	for g := range s.groups {
		groups = append(groups, g)
	}
	slices.SortFunc(groups, compareGroups)
	for _, g := range groups {
		for p, start := range s.starts {
			end := s.q.To
			if p+1 < len(s.starts) {
				end = s.starts[p+1]
			}
			t := s.rows[rowKey{g, p}]
			if t == nil {
				t = &tally{}
			}
			r.Rows = append(r.Rows, cases.ReportRow{Group: g, PeriodStart: start, PeriodEnd: end, Figures: t.figures()})
		}
	}
	return r
}

// compareGroups orders numeric groups (agents) by number, then the rest
// by name.
func compareGroups(a, b string) int {
	na, ea := strconv.ParseInt(a, 10, 64)
	nb, eb := strconv.ParseInt(b, 10, 64)
	switch {
	case ea == nil && eb == nil:
		return int(na - nb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (t *tally) figures() cases.Figures {
	f := cases.Figures{
		Opened: t.opened, Closed: t.closed, Reopened: t.reopened,
		ClosedEarly:            map[cases.CloseReason]int{},
		FirstResponse:          t.first.figure(),
		Resolution:             t.res.figure(),
		ResolutionCycle:        t.cycle.figure(),
		SLABreaches:            map[cases.State]int{},
		PlatformDeadlineMisses: t.platformMisses,
		Remedies: cases.RemedyFigures{Applied: t.applied, Total: []cases.Money{}, PerCase: []cases.Money{},
			ByType: map[cases.RemedyType][]cases.Money{}, Approvals: t.approvals, Declines: t.declines},
		Reviews: cases.ReviewFigures{Closed: t.reviewClosed,
			AgentClaim: shareOf(t.agentClaim, t.reviewClosed), PlatformWord: shareOf(t.platformWord, t.reviewClosed)},
		ReopenRate: shareOf(t.reopened, t.closings),
		ReworkRate: shareOf(t.reworks, t.applied),
		Audits: cases.AuditFigure{Random: sampleRate(t.audits[0].n, t.audits[0].passed, true),
			Risk: sampleRate(t.audits[1].n, t.audits[1].passed, false), Other: sampleRate(t.audits[2].n, t.audits[2].passed, false)},
		Handovers: cases.HandoverFig{Acknowledge: t.ack.figure(),
			BreachesWithNote: t.breachNote, BreachesWithoutNote: t.breachBare},
	}
	for _, r := range cases.CloseReasons() {
		f.ClosedEarly[r] = t.early[r]
	}
	for _, st := range cases.OpenStates() {
		f.SLABreaches[st] = t.breaches[st]
	}
	f.Remedies.Total = moneyList(t.total)
	for _, m := range f.Remedies.Total {
		n := distinctCases(t.remedied[m.Currency])
		if n == 0 {
			continue
		}
		f.Remedies.PerCase = append(f.Remedies.PerCase, cases.Money{Minor: (2*m.Minor + n) / (2 * n), Currency: m.Currency})
	}
	for typ, byCur := range t.byType {
		f.Remedies.ByType[typ] = moneyList(byCur)
	}
	return f
}

func moneyList(byCur map[string]int64) []cases.Money {
	out := []cases.Money{}
	for cur, minor := range byCur {
		out = append(out, cases.Money{Minor: minor, Currency: cur})
	}
	slices.SortFunc(out, func(a, b cases.Money) int {
		if a.Currency < b.Currency {
			return -1
		}
		if a.Currency > b.Currency {
			return 1
		}
		return 0
	})
	return out
}

// Percentiles returns the median and 90th percentile of vs by nearest
// rank: the smallest value with at least half (nine tenths) of the values
// at or below it. The median of an even count is so the lower middle one.
// It reorders vs: a year of durations is selected in place, not sorted.
func Percentiles[T int32 | int64](vs []T) cases.Percentiles {
	p := cases.Percentiles{N: len(vs)}
	if len(vs) == 0 {
		return p
	}
	rank := func(pct int) *int64 {
		r := (pct*len(vs) + 99) / 100 // ceil(pct/100 · n)
		v := int64(nth(vs, max(r, 1)-1))
		return &v
	}
	p.Median, p.P90 = rank(50), rank(90)
	return p
}

// nth returns the k-th smallest of vs (from 0), reordering vs: a
// quickselect with three-way partitions, so that runs of equal values
// (business durations of zero) end it at once.
func nth[T int32 | int64](vs []T, k int) T {
	for len(vs) > 1 {
		a, b, c := vs[0], vs[len(vs)/2], vs[len(vs)-1]
		pivot := max(min(a, b), min(max(a, b), c)) // the median of three
		lt, i, gt := 0, 0, len(vs)
		for i < gt {
			switch {
			case vs[i] < pivot:
				vs[lt], vs[i] = vs[i], vs[lt]
				lt++
				i++
			case vs[i] > pivot:
				gt--
				vs[i], vs[gt] = vs[gt], vs[i]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			vs = vs[:lt]
		case k >= gt:
			vs, k = vs[gt:], k-gt
		default:
			return pivot
		}
	}
	return vs[0]
}

// round4 rounds a share to four decimals, the precision reports state.
func round4(x float64) *float64 {
	v := math.Round(x*10000) / 10000
	return &v
}

func shareOf(num, den int) cases.Rate {
	r := cases.Rate{Num: num, Den: den}
	if den > 0 {
		r.Value = round4(float64(num) / float64(den))
	}
	return r
}

// wilsonZ is the normal quantile of a two-sided 95% interval.
const wilsonZ = 1.959964

// Wilson returns the 95% Wilson score interval of passed out of n (n > 0).
func Wilson(passed, n int) (low, high float64) {
	p, nf, z2 := float64(passed)/float64(n), float64(n), wilsonZ*wilsonZ
	centre := (p + z2/(2*nf)) / (1 + z2/nf)
	half := wilsonZ * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / (1 + z2/nf)
	return max(0, centre-half), min(1, centre+half)
}

// sampleRate states a pass rate; a random sample (sampled) below the
// minimum is too small to state, and gets its interval otherwise.
func sampleRate(n, passed int, sampled bool) cases.SampleRate {
	r := cases.SampleRate{N: n, Passed: passed}
	switch {
	case sampled && n < cases.MinAuditSample:
		r.TooSmall = true
	case n == 0:
	default:
		r.Rate = round4(float64(passed) / float64(n))
		if sampled {
			lo, hi := Wilson(passed, n)
			r.Low, r.High = round4(lo), round4(hi)
		}
	}
	return r
}
