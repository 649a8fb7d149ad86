package workflows

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"redress/cases"
)

// Summary computes a report from case ledgers read one at a time (the
// README's "Reports" section defines every figure). Each figure is
// attributed to the period of the event it counts, and to the group the
// case was in at that event.
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
	firstWall, firstBiz      []int64
	resWall, resBiz          []int64
	cycleWall, cycleBiz      []int64
	breaches                 map[cases.State]int
	platformMisses           int
	applied                  int
	total                    map[string]int64
	remedyCases              map[string]map[int64]bool
	byType                   map[cases.RemedyType]map[string]int64
	approvals, declines      int
	reviewClosed             int
	agentClaim, platformWord int
	closings, reworks        int
	audits                   [3]struct{ n, passed int } // random, risk, other
	ackWall, ackBiz          []int64
	breachNote, breachBare   int
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
}

// Add reads one case's ledger (events oldest first, none at or after the
// report's end).
func (s *Summary) Add(l cases.ReportLedger) {
	w := &caseWalk{l: l, state: cases.StateRespond, handedAt: map[int64]time.Time{}}
	for _, e := range l.Events {
		// The platform's word counts whenever it came before the report's end.
		w.platformUp = w.platformUp || e.ReviewUp
	}
	for _, e := range l.Events {
		s.step(w, e)
	}
}

func (s *Summary) step(w *caseWalk, e cases.ReportEvent) {
	switch e.Kind {
	case cases.EventCreated:
		w.kind, w.shop, w.platform, w.assignee = e.CaseKind, e.Shop, e.Platform, e.Assignee
		if e.To != "" {
			w.state = e.To
		}
		w.created, w.cycleStart = e.At, e.At
		s.at(w, e.At, nil, func(t *tally) { t.opened++ })
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
			wall, biz := s.durations(w, from, e.At)
			s.at(w, e.At, e.Assignee, func(t *tally) {
				t.ackWall, t.ackBiz = append(t.ackWall, wall), append(t.ackBiz, biz)
			})
		}
	case cases.EventReminded, cases.EventEscalated:
		switch {
		case e.Level.Platform():
			if e.Level == cases.LevelPlatformPassed {
				s.at(w, e.At, nil, func(t *tally) { t.platformMisses++ })
			}
		case e.StepState == w.state:
			s.breach(w, w.state, e.At)
		}
	case cases.EventTransitioned:
		s.transition(w, e)
	case cases.EventRemedyApproved:
		s.at(w, e.At, nil, func(t *tally) { t.approvals++ })
	case cases.EventRemedyDeclined:
		s.at(w, e.At, nil, func(t *tally) { t.declines++ })
	case cases.EventAudited:
		if e.Round > 1 {
			return // a calibration's or a dispute's second verdict
		}
		class := auditClass(e.AuditReasons)
		s.at(w, e.At, nil, func(t *tally) {
			t.audits[class].n++
			if e.Verdict == cases.VerdictApproved {
				t.audits[class].passed++
			}
		})
	}
}

func (s *Summary) transition(w *caseWalk, e cases.ReportEvent) {
	if e.WasOverdue {
		s.breach(w, e.From, e.At)
	}
	if e.From == cases.StateRespond && !w.responded && e.To != cases.StateClosed {
		w.responded = true
		wall, biz := s.durations(w, w.created, e.At)
		s.at(w, e.At, nil, func(t *tally) {
			t.firstWall, t.firstBiz = append(t.firstWall, wall), append(t.firstBiz, biz)
		})
	}
	switch {
	case e.To == cases.StateClosed && e.Move == string(MoveCloseEarly):
		s.at(w, e.At, nil, func(t *tally) {
			if t.early == nil {
				t.early = map[cases.CloseReason]int{}
			}
			t.early[e.CloseReason]++
			t.closings++
		})
	case e.To == cases.StateClosed:
		wall, biz := s.durations(w, w.created, e.At)
		cwall, cbiz := s.durations(w, w.cycleStart, e.At)
		review := w.kind.IsReview()
		claim := e.Review == "upgraded" || e.Review == "removed"
		s.at(w, e.At, nil, func(t *tally) {
			t.closed++
			t.closings++
			t.resWall, t.resBiz = append(t.resWall, wall), append(t.resBiz, biz)
			t.cycleWall, t.cycleBiz = append(t.cycleWall, cwall), append(t.cycleBiz, cbiz)
			if review {
				t.reviewClosed++
				if claim {
					t.agentClaim++
				}
				if w.platformUp {
					t.platformWord++
				}
			}
		})
	case e.Move == string(MoveReopen):
		w.cycleStart = e.At
		s.at(w, e.At, nil, func(t *tally) { t.reopened++ })
	case e.Move == string(MoveRework):
		s.at(w, e.At, nil, func(t *tally) { t.reworks++ })
	}
	if e.From == cases.StateRemedy && e.RemedyType != "" {
		s.at(w, e.At, nil, func(t *tally) {
			t.applied++
			if t.total == nil {
				t.total, t.remedyCases, t.byType = map[string]int64{}, map[string]map[int64]bool{}, map[cases.RemedyType]map[string]int64{}
			}
			cur := e.Remedy.Currency
			t.total[cur] += e.Remedy.Minor
			if t.remedyCases[cur] == nil {
				t.remedyCases[cur] = map[int64]bool{}
			}
			t.remedyCases[cur][w.l.CaseID] = true
			if t.byType[e.RemedyType] == nil {
				t.byType[e.RemedyType] = map[string]int64{}
			}
			t.byType[e.RemedyType][cur] += e.Remedy.Minor
		})
	}
	w.state, w.stepBreached = e.To, false
	if e.To == cases.StateClosed {
		w.handover = nil
	}
}

// breach counts a step of state st that went past its due time, once per
// step, at the first event that shows it.
func (s *Summary) breach(w *caseWalk, st cases.State, at time.Time) {
	if w.stepBreached {
		return
	}
	w.stepBreached = true
	handover := w.handover
	s.at(w, at, nil, func(t *tally) {
		if t.breaches == nil {
			t.breaches = map[cases.State]int{}
		}
		t.breaches[st]++
		switch {
		case handover == nil:
		case *handover:
			t.breachNote++
		default:
			t.breachBare++
		}
	})
}

// durations returns from → to in seconds on the wall clock and in the
// case's shop's business hours.
func (s *Summary) durations(w *caseWalk, from, to time.Time) (wall, biz int64) {
	return int64(to.Sub(from) / time.Second), int64(BusinessBetween(w.l.Calendar, from, to) / time.Second)
}

// at adds to the tally of the case's group in the period of at, when at is
// in the report's range and the figure is the report's agent's (agent
// overrides the case's assignee).
func (s *Summary) at(w *caseWalk, at time.Time, agent *int64, add func(*tally)) {
	if at.Before(s.q.From) || !at.Before(s.q.To) {
		return
	}
	if agent == nil {
		agent = w.assignee
	}
	if s.q.AgentID != nil && (agent == nil || *agent != *s.q.AgentID) {
		return
	}
	var g string
	switch s.q.GroupBy {
	case cases.GroupAgent:
		g = "unassigned"
		if agent != nil {
			g = strconv.FormatInt(*agent, 10)
		}
	case cases.GroupShop:
		g = w.shop
	case cases.GroupKind:
		g = string(w.kind)
	case cases.GroupPlatform:
		g = string(w.platform)
	}
	p := sort.Search(len(s.starts), func(i int) bool { return s.starts[i].After(at) }) - 1
	k := rowKey{g, p}
	t := s.rows[k]
	if t == nil {
		t = &tally{}
		s.rows[k] = t
	}
	s.groups[g] = true
	add(t)
}

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
		FirstResponse:          durationFigure(t.firstWall, t.firstBiz),
		Resolution:             durationFigure(t.resWall, t.resBiz),
		ResolutionCycle:        durationFigure(t.cycleWall, t.cycleBiz),
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
		Handovers: cases.HandoverFig{Acknowledge: durationFigure(t.ackWall, t.ackBiz),
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
		n := int64(len(t.remedyCases[m.Currency]))
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

func durationFigure(wall, biz []int64) cases.DurationFigure {
	return cases.DurationFigure{Wall: Percentiles(wall), Business: Percentiles(biz)}
}

// Percentiles returns the median and 90th percentile of vs by nearest
// rank: the smallest value with at least half (nine tenths) of the values
// at or below it. The median of an even count is so the lower middle one.
func Percentiles(vs []int64) cases.Percentiles {
	p := cases.Percentiles{N: len(vs)}
	if len(vs) == 0 {
		return p
	}
	sorted := slices.Clone(vs)
	slices.Sort(sorted)
	rank := func(pct int) *int64 {
		r := (pct*len(sorted) + 99) / 100 // ceil(pct/100 · n)
		v := sorted[max(r, 1)-1]
		return &v
	}
	p.Median, p.P90 = rank(50), rank(90)
	return p
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
