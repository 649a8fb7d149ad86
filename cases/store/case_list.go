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

// List returns one page of cases matching f.
func (s *Store) List(ctx context.Context, f cases.Filter) (cases.Page[cases.Case], error) {
	if err := f.Validate(); err != nil {
		return cases.Page[cases.Case]{}, err
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	onlyOpen := len(f.States) > 0
	if len(f.States) == 1 {
		where = append(where, "c.state = "+arg(string(f.States[0])))
	} else if len(f.States) > 1 {
		ss := make([]string, len(f.States))
		for i, st := range f.States {
			ss[i] = arg(string(st))
		}
		where = append(where, "c.state IN ("+strings.Join(ss, ", ")+")")
	}
	for _, st := range f.States {
		onlyOpen = onlyOpen && st.Open()
	}
	if f.AssigneeID != nil {
		where = append(where, "c.assignee_id = "+arg(*f.AssigneeID))
	} else if f.Unassigned {
		where = append(where, "c.assignee_id IS NULL")
	}
	if f.Kind != "" {
		where = append(where, "c.kind = "+arg(string(f.Kind)))
	}
	if f.Platform != "" {
		where = append(where, "c.platform = "+arg(string(f.Platform)))
	}
	if f.Shop != "" {
		where = append(where, "c.shop = "+arg(f.Shop))
	}
	if f.Overdue {
		where = append(where, "c.state <> 'closed' AND c.due_at < now()")
		onlyOpen = true
	}
	if f.PendingApproval != nil {
		pending := "EXISTS (SELECT 1 FROM remedies r WHERE r.case_id = c.id AND r.status = 'pending')"
		if !*f.PendingApproval {
			pending = "NOT " + pending
		}
		where = append(where, pending)
	}
	if q := SearchQuery(f.Q); q != "" {
		where = append(where, "c.search @@ to_tsquery('simple', "+arg(q)+")")
	}
	var order string
	if f.Cursor != "" {
		cur, err := decodeCursor(f.Cursor, f.Sort)
		if err != nil {
			return cases.Page[cases.Case]{}, err
		}
		switch {
		case f.Sort == cases.SortCreated && cur.At != nil:
			where = append(where, "(c.created_at, c.id) < ("+arg(*cur.At)+", "+arg(cur.ID)+")")
		case f.Sort == cases.SortDue && cur.At != nil && onlyOpen:
			where = append(where, "(c.due_at, c.id) > ("+arg(*cur.At)+", "+arg(cur.ID)+")")
		case f.Sort == cases.SortDue && cur.At != nil:
			where = append(where, "((c.due_at, c.id) > ("+arg(*cur.At)+", "+arg(cur.ID)+") OR c.due_at IS NULL)")
		case f.Sort == cases.SortDue:
			where = append(where, "c.due_at IS NULL AND c.id > "+arg(cur.ID))
		default:
			return cases.Page[cases.Case]{}, &cases.Error{Code: cases.Malformed, Field: "cursor", Message: "cursor is not one this list gave out"}
		}
	}
	switch f.Sort {
	case cases.SortCreated:
		order = "c.created_at DESC, c.id DESC"
	default:
		order = "c.due_at ASC NULLS LAST, c.id ASC"
	}
	// Lists of every state in due order (searches, mostly) read open and
	// closed cases apart; see listQuery.
	split := f.Sort == cases.SortDue && len(f.States) == 0 && !f.Overdue
	rows, err := s.db.QueryContext(ctx, listQuery(where, order, arg(f.Limit+1), split), args...)
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
		if err := rows.Scan(r.dest()...); err != nil {
			return cases.Page[cases.Case]{}, formatError(err, "cases")
		}
		c, err := r.toCase()
		if err != nil {
			return cases.Page[cases.Case]{}, cases.Internalf(err, "read case")
		}
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
// through an index of its own (cases_open_due_idx or cases_open_search_idx
// for open cases, cases_state_due_idx for closed ones) and stops at the
// page's end. Without it PostgreSQL fetched and sorted every match of a
// search across a million cases (about 12,000 rows for 破损) for each page;
// with it, it reads a few hundred. The parts partition the rows and each
// keeps its first limit rows, so the page is the same.
func listQuery(where []string, order, limit string, split bool) string {
	part := func(extra string) string {
		conds := where
		if extra != "" {
			conds = append(slices.Clip(where), extra)
		}
		q := `SELECT ` + caseColumns + ` FROM cases c`
		if len(conds) > 0 {
			q += ` WHERE ` + strings.Join(conds, " AND ")
		}
		return q + ` ORDER BY ` + order + ` LIMIT ` + limit
	}
	if !split {
		return part("")
	}
	return `(` + part("c.state <> 'closed'") + `) UNION ALL (` + part("c.state = 'closed'") +
		`) ORDER BY due_at ASC NULLS LAST, id ASC LIMIT ` + limit
}
