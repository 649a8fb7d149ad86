package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"redress/cases"
)

// cursor is the position after the last row of a page.
type cursor struct {
	Sort string     `json:"s"`
	At   *time.Time `json:"t"`
	ID   int64      `json:"i"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string) (cursor, error) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 || c.Sort != sort {
		return c, &cases.Error{Code: cases.Malformed, Field: "cursor", Message: "cursor is not one this list gave out; start again without it"}
	}
	return c, nil
}

// List returns one page of cases matching f. A search shaped like an
// identifier (parseIdentifier) is answered by the cases that carry it,
// through the identifier indexes; when no case carries it, and for every
// other search, by the words index (searchQuery).
func (s *Store) List(ctx context.Context, f cases.Filter) (cases.Page[cases.Case], error) {
	if err := f.Validate(); err != nil {
		return cases.Page[cases.Case]{}, err
	}
	id, isID := parseIdentifier(f.Q)
	if !isID {
		if q, args, ok, err := probeStatement(f, s.terms.holds(ctx), s.common, s.probeRows); err != nil {
			return cases.Page[cases.Case]{}, err
		} else if ok {
			page, err := s.listPage(ctx, f, q, args)
			if err != nil || page.NextCursor != "" {
				return page, err // a full page, found in order
			}
		}
	}
	q, args, err := s.listStatement(ctx, f, isID)
	if err != nil {
		return cases.Page[cases.Case]{}, err
	}
	page, err := s.listPage(ctx, f, q, args)
	if err != nil || !isID || len(page.Items) > 0 {
		return page, err
	}
	// An empty page of an identifier: its cases are filtered out (or paged
	// past), or no case carries it and it was a word after all.
	var named bool
	nb := &listSQL{}
	if err := s.db.GetContext(ctx, &named, "SELECT EXISTS ("+id.idsQuery(nb.arg)+")", nb.args...); err != nil {
		return cases.Page[cases.Case]{}, formatError(err, "cases")
	}
	if named {
		return page, nil
	}
	if q, args, err = s.listStatement(ctx, f, false); err != nil {
		return cases.Page[cases.Case]{}, err
	}
	return s.listPage(ctx, f, q, args)
}

// ListStatement returns the statement List runs first for f (a valid
// filter) and its arguments, so that the benchmark gives pgbench the same
// SQL.
func (s *Store) ListStatement(ctx context.Context, f cases.Filter) (string, []any, error) {
	if err := f.Validate(); err != nil {
		return "", nil, err
	}
	_, isID := parseIdentifier(f.Q)
	if !isID {
		if q, args, ok, err := probeStatement(f, s.terms.holds(ctx), s.common, s.probeRows); err != nil || ok {
			return q, args, err
		}
	}
	return s.listStatement(ctx, f, isID)
}

// searchProbeRows is how many cases of a list an in-order probe reads
// (probeStatement).
const searchProbeRows = 2000

// probeStatement is, for a search of common words (held by common of the
// cases, or less for a small page: see share; held reports it from the
// statistics) in one state, or overdue, in due order, a statement that reads the first
// rows (searchProbeRows) cases of that list in its order through its btree
// (cases_state_due_idx, cases_open_due_idx) and keeps those with the
// words: bounded work, whatever the planner guesses. When it fills a page
// that page is the answer (the first matches among the first cases are
// the first matches); when not (the words are rarer among these cases than
// among all), List counts as for any search. Counting first cost 100–175
// ms for 客服 in closed cases: the words index cannot stop early, and its
// bitmap held 228,000 cases. ok is false when the search is not such.
func probeStatement(f cases.Filter, held func(tsq string, share float64) bool, common float64, rows int) (q string, args []any, ok bool, err error) {
	onlyStateOrOverdue := (len(f.States) == 1) != f.Overdue && f.AssigneeID == nil && !f.Unassigned &&
		f.Kind == "" && f.Platform == "" && f.Shop == "" && f.PendingApproval == nil
	// Words held by at least this share of cases are expected to fill a
	// page half again over within the probe (4% for a page of 50: 发错,
	// a middle word, probes too).
	share := min(common, 1.5*float64(f.Limit+1)/float64(rows))
	tsq := SearchQuery(f.Q)
	if tsq == "" || f.Sort != cases.SortDue || !onlyStateOrOverdue || !held(tsq, share) {
		return "", nil, false, nil
	}
	b, err := newListSQL(f)
	if err != nil {
		return "", nil, false, err
	}
	tq := "to_tsquery('simple', " + b.arg(tsq) + ")"
	walk := `SELECT c.id, c.due_at, c.search FROM cases c WHERE ` + strings.Join(b.where, " AND ") +
		` ORDER BY ` + b.order + ` LIMIT ` + b.arg(rows)
	pick := `SELECT x.id FROM (` + walk + `) x WHERE ts_match_vq(x.search, ` + tq + `)
		ORDER BY x.due_at ASC NULLS LAST, x.id ASC LIMIT ` + b.arg(f.Limit+1)
	q = `SELECT ` + caseColumns + ` FROM cases c WHERE c.id IN (` + pick + `) ORDER BY ` + b.order
	return flagBuyers(q, b.order), b.args, true, nil
}

// listStatement is f's list query: of the cases carrying the identifier
// f.Q when asIdentifier, else of f.Q's words (or of every case).
func (s *Store) listStatement(ctx context.Context, f cases.Filter, asIdentifier bool) (string, []any, error) {
	b, err := newListSQL(f)
	if err != nil {
		return "", nil, err
	}
	if asIdentifier {
		id, _ := parseIdentifier(f.Q)
		// ARRAY(…) is computed once, before the list is read: the list then
		// fetches those few cases by primary key, whatever the planner
		// would have guessed of the identifier's frequency.
		b.where = append(b.where, "c.id = ANY(ARRAY("+id.idsQuery(b.arg)+"))")
		return flagBuyers(listQuery(b.where, b.order, b.arg(f.Limit+1), false, ""), b.order), b.args, nil
	}
	// Lists of every state in due order (searches, mostly) read open and
	// closed cases apart; see listQuery.
	split := f.Sort == cases.SortDue && len(f.States) == 0 && !f.Overdue
	if tsq := SearchQuery(f.Q); tsq != "" {
		filtered := len(f.States) > 0 || f.AssigneeID != nil || f.Unassigned || f.Kind != "" || f.Platform != "" ||
			f.Shop != "" || f.Overdue
		// Common words, no filter: read in list order, each case's words
		// tested. Not with a filter: the statistics know nothing of how
		// the two go together, and 客服 (29% of cases) with platform =
		// amazon (English texts only) matched nothing, after reading every
		// case (30 s at a million); the count finds that out at once.
		if !filtered && s.terms.common(ctx, tsq, s.common) {
			b.where = append(b.where, "ts_match_vq(c.search, to_tsquery('simple', "+b.arg(tsq)+"))")
			return flagBuyers(listQuery(b.where, b.order, b.arg(f.Limit+1), split, b.openAfter), b.order), b.args, nil
		}
		return flagBuyers(searchQuery(b, tsq, s.fewMax, f.Limit+1, split), b.order), b.args, nil
	}
	return flagBuyers(listQuery(b.where, b.order, b.arg(f.Limit+1), split, b.openAfter), b.order), b.args, nil
}

// flagBuyers wraps a list statement so that each case of the page says
// whether its buyer has another case on the same platform flagged as
// suspected abuse (buyer_flagged_abuse): a known extortionist does not
// look new in a queue. The EXISTS runs once per row of the page (at most
// limit+1 rows, each a probe of cases_abuse_buyer_idx, which holds only
// the flagged cases), after the inner statement picked them, so it changes
// nothing of how the page is found; the outer ORDER BY keeps the list's
// order (the planner sees the rows come sorted and adds no sort).
func flagBuyers(q, order string) string {
	return `SELECT l.*, (l.buyer_handle <> '' AND EXISTS (SELECT 1 FROM cases o
		WHERE o.platform = l.platform AND o.buyer_handle = l.buyer_handle AND o.buyer_handle <> ''
		AND o.id <> l.id AND (o.suspected_abuse OR o.root_cause = 'suspected_abuse'))) AS buyer_flagged_abuse
		FROM (` + q + `) l ORDER BY ` + strings.ReplaceAll(order, "c.", "")
}

// listSQL is a list's conditions (filters and cursor, not the search) and
// their bound arguments, in the order of f.Sort.
type listSQL struct {
	where     []string
	args      []any
	order     string
	openAfter string // the cursor's condition for open cases, when simpler than for all
}

func (b *listSQL) arg(v any) string {
	b.args = append(b.args, v)
	return "$" + strconv.Itoa(len(b.args))
}

// newListSQL turns f's filters and cursor into conditions.
func newListSQL(f cases.Filter) (*listSQL, error) {
	b := &listSQL{}
	onlyOpen := len(f.States) > 0
	if len(f.States) == 1 {
		b.where = append(b.where, "c.state = "+b.arg(string(f.States[0])))
	} else if len(f.States) > 1 {
		ss := make([]string, len(f.States))
		for i, st := range f.States {
			ss[i] = b.arg(string(st))
		}
		b.where = append(b.where, "c.state IN ("+strings.Join(ss, ", ")+")")
	}
	for _, st := range f.States {
		onlyOpen = onlyOpen && st.Open()
	}
	if f.AssigneeID != nil {
		b.where = append(b.where, "c.assignee_id = "+b.arg(*f.AssigneeID))
	} else if f.Unassigned {
		b.where = append(b.where, "c.assignee_id IS NULL")
	}
	if f.Kind != "" {
		b.where = append(b.where, "c.kind = "+b.arg(string(f.Kind)))
	}
	if f.Platform != "" {
		b.where = append(b.where, "c.platform = "+b.arg(string(f.Platform)))
	}
	if f.Shop != "" {
		b.where = append(b.where, "c.shop = "+b.arg(f.Shop))
	}
	if f.Overdue {
		b.where = append(b.where, "c.state <> 'closed' AND c.due_at < now()")
		onlyOpen = true
	}
	if f.PendingApproval != nil {
		pending := "EXISTS (SELECT 1 FROM remedies r WHERE r.case_id = c.id AND r.status = 'pending')"
		if !*f.PendingApproval {
			pending = "NOT " + pending
		}
		b.where = append(b.where, pending)
	}
	if f.Cursor != "" {
		cur, err := decodeCursor(f.Cursor, f.Sort)
		if err != nil {
			return nil, err
		}
		switch {
		case f.Sort == cases.SortCreated && cur.At != nil:
			b.where = append(b.where, "(c.created_at, c.id) < ("+b.arg(*cur.At)+", "+b.arg(cur.ID)+")")
		case f.Sort == cases.SortDue && cur.At != nil && onlyOpen:
			b.where = append(b.where, "(c.due_at, c.id) > ("+b.arg(*cur.At)+", "+b.arg(cur.ID)+")")
		case f.Sort == cases.SortDue && cur.At != nil:
			after := "(c.due_at, c.id) > (" + b.arg(*cur.At) + ", " + b.arg(cur.ID) + ")"
			b.where = append(b.where, "("+after+" OR c.due_at IS NULL)")
			// Open cases always have a due time: for them the condition
			// is the row comparison alone, which an index walk can start
			// from instead of filtering every row before the cursor.
			b.openAfter = after
		case f.Sort == cases.SortDue:
			b.where = append(b.where, "c.due_at IS NULL AND c.id > "+b.arg(cur.ID))
		default:
			return nil, &cases.Error{Code: cases.Malformed, Field: "cursor", Message: "cursor is not one this list gave out"}
		}
	}
	switch f.Sort {
	case cases.SortCreated:
		b.order = "c.created_at DESC, c.id DESC"
	default:
		b.order = "c.due_at ASC NULLS LAST, c.id ASC"
	}
	return b, nil
}

// listPage runs a list's query and reads one page of f.Limit cases from
// it (the query asks for one more, to know whether a next page exists).
func (s *Store) listPage(ctx context.Context, f cases.Filter, q string, args []any) (cases.Page[cases.Case], error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return cases.Page[cases.Case]{}, formatError(err, "cases")
	}
	defer rows.Close()
	page := cases.Page[cases.Case]{Items: make([]cases.Case, 0, f.Limit)}
	for rows.Next() {
		if len(page.Items) == f.Limit {
			last := page.Items[len(page.Items)-1]
			c := cursor{Sort: f.Sort, ID: last.ID}
			if f.Sort == cases.SortCreated {
				c.At = &last.CreatedAt
			} else {
				c.At = last.DueAt
			}
			page.NextCursor = encodeCursor(c)
			break
		}
		var r caseRow
		var flagged bool
		if err := rows.Scan(append(r.dest(), &flagged)...); err != nil {
			return cases.Page[cases.Case]{}, formatError(err, "cases")
		}
		c, err := r.toCase()
		if err != nil {
			return cases.Page[cases.Case]{}, cases.Internalf(err, "read case")
		}
		c.BuyerFlaggedAbuse = &flagged
		page.Items = append(page.Items, c)
	}
	if err := rows.Err(); err != nil {
		return cases.Page[cases.Case]{}, formatError(err, "cases")
	}
	return page, nil
}

// listQuery is a list's SELECT of the conditions where, in order, cut at
// limit. split reads every state in due order as two parts — open cases,
// then closed ones — merged in the same order: each part is read in order
// through an index of its own (cases_open_due_idx or cases_open_search_filters_idx
// for open cases, cases_state_due_idx for closed ones) and stops at the
// page's end. Without it PostgreSQL fetched and sorted every match of a
// search across a million cases (about 12,000 rows for 破损) for each page;
// with it, it reads a few hundred. The parts partition the rows and each
// keeps its first limit rows, so the page is the same.
func listQuery(where []string, order, limit string, split bool, openAfter string) string {
	part := func(extra ...string) string {
		conds := append(slices.Clip(where), extra...)
		q := `SELECT ` + caseColumns + ` FROM cases c`
		if len(conds) > 0 {
			q += ` WHERE ` + strings.Join(conds, " AND ")
		}
		return q + ` ORDER BY ` + order + ` LIMIT ` + limit
	}
	if !split {
		return part()
	}
	open := []string{"c.state <> 'closed'"}
	if openAfter != "" {
		open = append(open, openAfter)
	}
	return `(` + part(open...) + `) UNION ALL (` + part("c.state = 'closed'") +
		`) ORDER BY due_at ASC NULLS LAST, id ASC LIMIT ` + limit
}
