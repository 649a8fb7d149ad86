package store

import (
	"database/sql"
	"fmt"
	"strings"
	"time"

	"redress/cases"
)

// caseColumns is what every case query selects, in caseRow's order.
const caseColumns = `c.id, c.ref, c.external_id, c.platform, c.shop, c.order_ref, c.order_amount, c.order_currency,
	c.buyer_handle, c.buyer_contact, c.kind, c.severity, c.summary,
	c.review_rating, c.review_text, c.review_posted_at, c.review_url,
	c.assignee_id, c.state, c.due_at, c.platform_due_at, c.suspected_abuse,
	c.first_response, c.account, c.root_cause, c.apology, c.skip_apology_reason,
	c.remedy_type, c.remedy_amount, c.remedy_currency, c.remedy_approved_by, c.remedy_approved_at,
	c.outcome_satisfied, c.outcome_review, c.outcome_note, c.close_reason, c.reopen_count,
	c.version, c.created_at, c.updated_at, c.closed_at, c.shop_id,
	(c.state <> 'closed' AND c.due_at < now()) AS overdue,
	c.review_follow_up_text, c.review_removed, c.platform_rule, c.return_courier, c.return_waybill, c.return_received_at`

// caseRow is a cases row as the database returns it.
type caseRow struct {
	ID                int64          `db:"id"`
	Ref               string         `db:"ref"`
	ExternalID        sql.NullString `db:"external_id"`
	Platform          string         `db:"platform"`
	Shop              string         `db:"shop"`
	OrderRef          string         `db:"order_ref"`
	OrderAmount       sql.NullString `db:"order_amount"`
	OrderCurrency     sql.NullString `db:"order_currency"`
	BuyerHandle       string         `db:"buyer_handle"`
	BuyerContact      string         `db:"buyer_contact"`
	Kind              string         `db:"kind"`
	Severity          string         `db:"severity"`
	Summary           string         `db:"summary"`
	ReviewRating      sql.NullInt32  `db:"review_rating"`
	ReviewText        string         `db:"review_text"`
	ReviewPostedAt    sql.NullTime   `db:"review_posted_at"`
	ReviewURL         string         `db:"review_url"`
	AssigneeID        sql.NullInt64  `db:"assignee_id"`
	State             string         `db:"state"`
	DueAt             sql.NullTime   `db:"due_at"`
	PlatformDueAt     sql.NullTime   `db:"platform_due_at"`
	SuspectedAbuse    bool           `db:"suspected_abuse"`
	FirstResponse     string         `db:"first_response"`
	Account           string         `db:"account"`
	RootCause         sql.NullString `db:"root_cause"`
	Apology           string         `db:"apology"`
	SkipApologyReason string         `db:"skip_apology_reason"`
	RemedyType        sql.NullString `db:"remedy_type"`
	RemedyAmount      sql.NullString `db:"remedy_amount"`
	RemedyCurrency    sql.NullString `db:"remedy_currency"`
	RemedyApprovedBy  sql.NullInt64  `db:"remedy_approved_by"`
	RemedyApprovedAt  sql.NullTime   `db:"remedy_approved_at"`
	OutcomeSatisfied  sql.NullBool   `db:"outcome_satisfied"`
	OutcomeReview     sql.NullString `db:"outcome_review"`
	OutcomeNote       string         `db:"outcome_note"`
	CloseReason       sql.NullString `db:"close_reason"`
	ReopenCount       int            `db:"reopen_count"`
	Version           int64          `db:"version"`
	CreatedAt         time.Time      `db:"created_at"`
	UpdatedAt         time.Time      `db:"updated_at"`
	ClosedAt          sql.NullTime   `db:"closed_at"`
	ShopID            int64          `db:"shop_id"`
	Overdue           bool           `db:"overdue"`
	ReviewFollowUp    string         `db:"review_follow_up_text"`
	ReviewRemoved     bool           `db:"review_removed"`
	PlatformRule      string         `db:"platform_rule"`
	ReturnCourier     string         `db:"return_courier"`
	ReturnWaybill     string         `db:"return_waybill"`
	ReturnReceivedAt  sql.NullTime   `db:"return_received_at"`
}

// dest returns scan destinations for caseColumns, in order. The hot case
// queries (lists, the case page, every change) scan by position: sqlx's
// reflection allocated a new row per row and grew the page by reflection,
// a third of a list's allocations.
func (r *caseRow) dest() []any {
	return []any{&r.ID, &r.Ref, &r.ExternalID, &r.Platform, &r.Shop, &r.OrderRef, &r.OrderAmount, &r.OrderCurrency,
		&r.BuyerHandle, &r.BuyerContact, &r.Kind, &r.Severity, &r.Summary,
		&r.ReviewRating, &r.ReviewText, &r.ReviewPostedAt, &r.ReviewURL,
		&r.AssigneeID, &r.State, &r.DueAt, &r.PlatformDueAt, &r.SuspectedAbuse,
		&r.FirstResponse, &r.Account, &r.RootCause, &r.Apology, &r.SkipApologyReason,
		&r.RemedyType, &r.RemedyAmount, &r.RemedyCurrency, &r.RemedyApprovedBy, &r.RemedyApprovedAt,
		&r.OutcomeSatisfied, &r.OutcomeReview, &r.OutcomeNote, &r.CloseReason, &r.ReopenCount,
		&r.Version, &r.CreatedAt, &r.UpdatedAt, &r.ClosedAt, &r.ShopID,
		&r.Overdue,
		&r.ReviewFollowUp, &r.ReviewRemoved, &r.PlatformRule, &r.ReturnCourier, &r.ReturnWaybill, &r.ReturnReceivedAt}
}

func (r caseRow) toCase() (cases.Case, error) {
	c := cases.Case{
		ID: r.ID, Ref: r.Ref, ExternalID: r.ExternalID.String, Platform: cases.Platform(r.Platform), Shop: r.Shop, ShopID: r.ShopID,
		OrderRef: r.OrderRef, BuyerHandle: r.BuyerHandle, BuyerContact: r.BuyerContact,
		Kind: cases.Kind(r.Kind), Severity: cases.Severity(r.Severity), Summary: r.Summary,
		Review: cases.Review{Text: r.ReviewText, URL: r.ReviewURL, PostedAt: timePtr(r.ReviewPostedAt)},
		State:  cases.State(r.State),
		DueAt:  timePtr(r.DueAt), PlatformDueAt: timePtr(r.PlatformDueAt),
		SuspectedAbuse: r.SuspectedAbuse, Overdue: r.Overdue,
		FirstResponse: r.FirstResponse, Account: r.Account, RootCause: cases.RootCause(r.RootCause.String),
		Apology: r.Apology, SkipReason: r.SkipApologyReason, CloseReason: cases.CloseReason(r.CloseReason.String),
		ReopenCount: r.ReopenCount, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		ClosedAt: timePtr(r.ClosedAt),
	}
	c.Review.FollowUpText, c.Review.Removed, c.PlatformRule = r.ReviewFollowUp, r.ReviewRemoved, r.PlatformRule
	if r.ReturnCourier != "" || r.ReturnWaybill != "" || r.ReturnReceivedAt.Valid {
		c.Return = &cases.Return{Courier: r.ReturnCourier, Waybill: r.ReturnWaybill, ReceivedAt: timePtr(r.ReturnReceivedAt)}
	}
	if r.ReviewRating.Valid {
		n := int(r.ReviewRating.Int32)
		c.Review.Rating = &n
	}
	if r.AssigneeID.Valid {
		c.AssigneeID = &r.AssigneeID.Int64
	}
	if r.OrderAmount.Valid {
		m, err := moneyFromDB(r.OrderAmount.String, r.OrderCurrency.String)
		if err != nil {
			return c, err
		}
		c.OrderValue = &m
	}
	if r.RemedyType.Valid {
		m, err := moneyFromDB(r.RemedyAmount.String, r.RemedyCurrency.String)
		if err != nil {
			return c, err
		}
		c.Remedy = &cases.Remedy{Type: cases.RemedyType(r.RemedyType.String), Amount: m, ApprovedAt: timePtr(r.RemedyApprovedAt)}
		if r.RemedyApprovedBy.Valid {
			c.Remedy.ApprovedBy = &r.RemedyApprovedBy.Int64
		}
	}
	if r.OutcomeReview.Valid {
		c.Outcome = &cases.Outcome{BuyerSatisfied: r.OutcomeSatisfied.Bool, Review: cases.ReviewOutcome(r.OutcomeReview.String), Note: r.OutcomeNote}
	}
	return c, nil
}

// moneyFromDB reads a numeric column, whose scale may exceed the currency's
// (numeric(18,3) gives "12.500" for CNY).
func moneyFromDB(amount, currency string) (cases.Money, error) {
	if whole, frac, ok := strings.Cut(amount, "."); ok {
		frac = strings.TrimRight(frac, "0")
		amount = whole
		if frac != "" {
			amount += "." + frac
		}
	}
	m, err := cases.ParseMoney("money", amount, strings.TrimSpace(currency))
	if err != nil {
		return cases.Money{}, fmt.Errorf("stored money %s %s: %w", amount, currency, err)
	}
	return m, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	return &t.Time
}

// caseArgs are a case's writable columns as statement arguments, in the
// order of caseWriteColumns.
func caseArgs(c cases.Case) []any {
	var orderAmount, orderCurrency, remedyType, remedyAmount, remedyCurrency, remedyApprovedBy, remedyApprovedAt any
	if c.OrderValue != nil {
		orderAmount, orderCurrency = c.OrderValue.Amount(), c.OrderValue.Currency
	}
	if r := c.Remedy; r != nil {
		remedyType, remedyAmount, remedyCurrency = string(r.Type), r.Amount.Amount(), r.Amount.Currency
		if r.ApprovedBy != nil {
			remedyApprovedBy, remedyApprovedAt = *r.ApprovedBy, r.ApprovedAt
		}
	}
	var ret cases.Return
	if c.Return != nil {
		ret = *c.Return
	}
	var outcomeSatisfied, outcomeReview any
	outcomeNote := ""
	if o := c.Outcome; o != nil {
		outcomeSatisfied, outcomeReview, outcomeNote = o.BuyerSatisfied, string(o.Review), o.Note
	}
	return []any{
		nullIfEmpty(c.ExternalID), string(c.Platform), c.Shop, c.OrderRef, orderAmount, orderCurrency,
		c.BuyerHandle, c.BuyerContact, string(c.Kind), string(c.Severity), c.Summary,
		c.Review.Rating, c.Review.Text, c.Review.PostedAt, c.Review.URL,
		c.AssigneeID, string(c.State), c.DueAt, c.PlatformDueAt, c.SuspectedAbuse,
		c.FirstResponse, c.Account, nullIfEmpty(string(c.RootCause)), c.Apology, c.SkipReason,
		remedyType, remedyAmount, remedyCurrency, remedyApprovedBy, remedyApprovedAt,
		outcomeSatisfied, outcomeReview, outcomeNote, nullIfEmpty(string(c.CloseReason)), c.ReopenCount,
		c.ClosedAt,
		c.Review.FollowUpText, c.Review.Removed, c.PlatformRule, ret.Courier, ret.Waybill, ret.ReceivedAt,
		SearchDocument(c),
	}
}

// caseWriteColumns are the columns caseArgs fills; search is a tsvector
// built from the last argument.
func caseWriteColumns() []string {
	return []string{
		"external_id", "platform", "shop", "order_ref", "order_amount", "order_currency",
		"buyer_handle", "buyer_contact", "kind", "severity", "summary",
		"review_rating", "review_text", "review_posted_at", "review_url",
		"assignee_id", "state", "due_at", "platform_due_at", "suspected_abuse",
		"first_response", "account", "root_cause", "apology", "skip_apology_reason",
		"remedy_type", "remedy_amount", "remedy_currency", "remedy_approved_by", "remedy_approved_at",
		"outcome_satisfied", "outcome_review", "outcome_note", "close_reason", "reopen_count",
		"closed_at",
		"review_follow_up_text", "review_removed", "platform_rule", "return_courier", "return_waybill", "return_received_at",
		"search",
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// dueAtArg is the position of due_at among caseArgs.
const dueAtArg = 17

// statements are the case statements built once from the column list.
type statements struct {
	insertCase string
	updateCase string
}

func buildStatements() statements {
	cols := caseWriteColumns()
	n := len(cols)
	ins := make([]string, n)
	set := make([]string, n)
	for i, col := range cols {
		p := fmt.Sprintf("$%d", i+1)
		switch col {
		case "search":
			p = fmt.Sprintf("to_tsvector('simple', $%d)", i+1)
		}
		ins[i], set[i] = p, col+" = "+p
		if col == "due_at" {
			// On creation the argument is the time allowed, in microseconds,
			// and the clock is the database's unless a seeding clock is given.
			ins[i] = fmt.Sprintf("coalesce($%d::timestamptz, now()) + $%d::bigint * interval '1 microsecond'", n+2, i+1)
		}
	}
	// $n+2 is the time of creation: NULL for the database's clock (see
	// Store.WithClock).
	insert := fmt.Sprintf(`INSERT INTO cases (%s, created_by, created_at, updated_at)
		VALUES (%s, $%d, coalesce($%d::timestamptz, now()), coalesce($%d::timestamptz, now())) RETURNING id, created_at`,
		strings.Join(cols, ", "), strings.Join(ins, ", "), n+1, n+2, n+2)
	// The update returns the case as written: no second read. updated_at
	// is the change's time, the one its events carry.
	update := fmt.Sprintf(`UPDATE cases AS c SET %s, version = version + $%d, ledger_seq = $%d, ledger_head = $%d, updated_at = $%d
		WHERE id = $%d AND version = $%d RETURNING `+caseColumns, strings.Join(set, ", "), n+3, n+4, n+5, n+6, n+1, n+2)
	return statements{insertCase: insert, updateCase: update}
}
