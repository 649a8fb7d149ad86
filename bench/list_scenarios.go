package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"redress/cases"
	"redress/cases/store"
)

// listVariants is how many different requests a list scenario draws from:
// as many pgbench scripts, one per request, each of the store's own SQL
// for it (store.ListStatement) with its values written in.
const listVariants = 24

// listRequest is one list request of a scenario: its filter and who asks.
type listRequest struct {
	f     cases.Filter
	agent agent
}

// listScenario is a GET /api/v1/cases scenario: draw returns its requests.
type listScenario struct {
	name, title string
	target      target
	draw        func(ctx context.Context, e *env) ([]listRequest, string, error)
}

// identifierColumns are the identifier scenarios: what is typed, as an SQL
// expression over a random seeded case (or its evidence), and the shape.
var identifierColumns = []struct{ name, title, expr string }{
	{"ident-ref", "identifier: case reference (C-000123)", "ref"},
	{"ident-order", "identifier: order number", "order_ref"},
	{"ident-order-prefix", "identifier: order number's first 8 digits", "left(order_ref, 8)"},
	{"ident-external", "identifier: external id", "external_id"},
	{"ident-handle", "identifier: buyer handle", "buyer_handle"},
	{"ident-phone", "identifier: phone's last 4 digits", "right(buyer_contact, 4)"},
	{"ident-waybill", "identifier: waybill", ""},
}

// wordBands are the search words by how many cases they match.
var wordBands = []struct{ name, lo, hi string }{
	{"rare", "0", "0.02"}, {"middle", "0.02", "0.10"}, {"common", "0.10", "1"},
}

// searchFilters are the list filters each band is also searched with.
var searchFilters = []string{"", "state", "assignee", "kind", "platform", "shop", "overdue"}

// queueFilters are the filters added to an agent's queue.
var queueFilters = []string{"kind", "platform", "shop", "overdue"}

func listScenarios() []listScenario {
	var out []listScenario
	for _, id := range identifierColumns {
		out = append(out, listScenario{name: id.name, title: id.title, target: target{maxP99ms: 10}, draw: drawIdentifiers(id.expr)})
	}
	for _, b := range wordBands {
		for _, fl := range searchFilters {
			name, title := "search-"+b.name, "search: "+b.name+" word"
			if fl != "" {
				name += "-" + fl
				title += " + " + fl
			}
			out = append(out, listScenario{name: name, title: title, target: target{minRatio: 0.8, maxP99ms: 30},
				draw: drawSearch(b.lo, b.hi, fl)})
		}
	}
	out = append(out, listScenario{name: "search-common-page20", title: "search: common word, page 20",
		target: target{minRatio: 0.8, maxP99ms: 30}, draw: drawDeepPage})
	for _, fl := range queueFilters {
		out = append(out, listScenario{name: "queue-" + fl, title: "queue page + " + fl,
			target: target{minRatio: 0.6, maxP99ms: 20}, draw: drawQueue(fl)})
	}
	return out
}

// scenario makes a list scenario one of the table's.
func (l listScenario) scenario() scenario {
	return scenario{name: l.name, title: l.title, hitsPerOp: 1, target: l.target,
		prepare: func(ctx context.Context, e *env) (workload, error) {
			reqs, note, err := l.draw(ctx, e)
			if err != nil {
				return workload{}, err
			}
			return listWorkload(ctx, e, l.name, reqs, note)
		}}
}

// listWorkload sends the requests in random order; pgbench runs one script
// per request, picked at random for each transaction.
func listWorkload(ctx context.Context, e *env, name string, reqs []listRequest, note string) (workload, error) {
	if len(reqs) == 0 {
		return workload{}, fmt.Errorf("%s: no requests drawn", name)
	}
	tr := func(t *vegeta.Target) error {
		r := reqs[rand.IntN(len(reqs))]
		*t = vegeta.Target{Method: http.MethodGet, URL: e.baseURL + "/api/v1/cases?" + filterQuery(r.f).Encode(),
			Header: header(r.agent.token, false)}
		return nil
	}
	s := store.New(e.db) // reads the same statistics as the server's store
	var scripts []string
	for _, r := range reqs {
		q, args, err := s.ListStatement(ctx, r.f)
		if err != nil {
			return workload{}, err
		}
		scripts = append(scripts, tokenLookup+"\n"+withLiterals(q, args)+";\n")
	}
	return workload{targets: tr, vars: e.common(), note: note, scripts: scripts}, nil
}

// tokenLookup is the bearer token's look-up every request makes
// (store.People.ResolveToken; a prepared statement in Redress).
const tokenLookup = `SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;`

var placeholder = regexp.MustCompile(`\$[0-9]+`)

// withLiterals writes args into q as untyped literals ('…'), which the
// server types from their context as it types lib/pq's untyped parameters.
func withLiterals(q string, args []any) string {
	return placeholder.ReplaceAllStringFunc(q, func(m string) string {
		n, _ := strconv.Atoi(m[1:])
		var s string
		switch v := args[n-1].(type) {
		case nil:
			return "NULL"
		case time.Time:
			s = v.Format(time.RFC3339Nano)
		default:
			s = fmt.Sprint(v)
		}
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	})
}

// writeScripts writes a scenario's pgbench scripts into dir.
func writeScripts(dir, name string, scripts []string) ([]string, error) {
	var paths []string
	for i, s := range scripts {
		p := filepath.Join(dir, fmt.Sprintf("pgbench-%s-%02d.sql", name, i))
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// filterQuery is f as the list API's query parameters.
func filterQuery(f cases.Filter) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	for _, st := range f.States {
		v.Add("state", string(st))
	}
	if f.AssigneeID != nil {
		v.Set("assignee_id", strconv.FormatInt(*f.AssigneeID, 10))
	} else if f.Unassigned {
		v.Set("assignee_id", "none")
	}
	set("kind", string(f.Kind))
	set("platform", string(f.Platform))
	set("shop", f.Shop)
	if f.Overdue {
		v.Set("overdue", "true")
	}
	set("q", f.Q)
	set("sort", f.Sort)
	set("cursor", f.Cursor)
	if f.Limit != 0 {
		v.Set("limit", strconv.Itoa(f.Limit))
	}
	return v
}

// drawIdentifiers types an identifier of random seeded cases.
func drawIdentifiers(expr string) func(context.Context, *env) ([]listRequest, string, error) {
	return func(ctx context.Context, e *env) ([]listRequest, string, error) {
		var typed []string
		if expr == "" {
			var err error
			if typed, err = ensureWaybills(ctx, e); err != nil {
				return nil, "", err
			}
		} else {
			ids := make([]int64, 4*listVariants)
			for i := range ids {
				ids[i] = 1 + rand.Int64N(e.seeded)
			}
			if err := e.db.SelectContext(ctx, &typed, `SELECT `+expr+` FROM cases
				WHERE id = ANY($1) AND `+expr+` IS NOT NULL LIMIT $2`,
				int64Array(ids), listVariants); err != nil {
				return nil, "", err
			}
		}
		var reqs []listRequest
		for _, q := range typed {
			reqs = append(reqs, listRequest{f: cases.Filter{Q: q, Limit: 50}, agent: e.randomAgent()})
		}
		return reqs, "typed: " + strings.Join(typed[:min(5, len(typed))], " ") + " …", nil
	}
}

// ensureWaybills gives random seeded cases a delivery signature with a
// waybill (the seed has no evidence), written directly: these rows are the
// benchmark's, outside the cases' ledgers, and never read but by the
// waybill look-ups. It returns the waybills.
func ensureWaybills(ctx context.Context, e *env) ([]string, error) {
	var have []string
	if err := e.db.SelectContext(ctx, &have, `SELECT waybill FROM evidence WHERE waybill LIKE 'SFB%' LIMIT $1`, listVariants); err != nil {
		return nil, err
	}
	if len(have) >= listVariants {
		return have, nil
	}
	if _, err := e.db.ExecContext(ctx, `INSERT INTO evidence (case_id, kind, sha256, size, content_type, body, courier, waybill,
			signed_by, signed_at, added_by)
		SELECT c.id, 'delivery_signature', encode(sha256(convert_to(b.body, 'UTF8')), 'hex'), octet_length(b.body),
			'application/json', b.body, 'SF', b.waybill, '本人', c.created_at, $2
		FROM cases c, LATERAL (SELECT 'SFB' || lpad(c.id::text, 10, '0') AS waybill) w,
			LATERAL (SELECT json_build_object('courier', 'SF', 'waybill', w.waybill)::text AS body, w.waybill) b
		WHERE c.id IN (SELECT 1 + (random() * ($1 - 1))::bigint FROM generate_series(1, 500))`,
		e.seeded, e.agents[0].id); err != nil {
		return nil, fmt.Errorf("add waybills: %w", err)
	}
	if _, err := e.db.ExecContext(ctx, `ANALYZE evidence`); err != nil {
		return nil, err
	}
	return ensureWaybills(ctx, e)
}

// drawSearch searches words of one frequency band, with one filter.
func drawSearch(lo, hi, filter string) func(context.Context, *env) ([]listRequest, string, error) {
	return func(ctx context.Context, e *env) ([]listRequest, string, error) {
		var words []string
		if err := e.db.SelectContext(ctx, &words, `SELECT word FROM bench.words
			WHERE cases > $1 * $2::numeric AND cases <= $1 * $3::numeric ORDER BY word`, e.seeded, lo, hi); err != nil {
			return nil, "", err
		}
		if len(words) == 0 {
			return nil, "", fmt.Errorf("no search word matches %s-%s of the cases", lo, hi)
		}
		var reqs []listRequest
		for range listVariants {
			a := e.randomAgent()
			f := cases.Filter{Q: words[rand.IntN(len(words))], Limit: 50}
			addFilter(&f, filter, a)
			reqs = append(reqs, listRequest{f: f, agent: a})
		}
		return reqs, "words: " + strings.Join(words, " "), nil
	}
}

var (
	benchKinds     = []cases.Kind{"bad_review", "medium_review", "logistics_query", "lost_parcel", "missing_item", "damaged", "wrong_item", "quality", "refund_dispute", "complaint"}
	benchPlatforms = []cases.Platform{"taobao", "tmall", "jd", "pinduoduo", "douyin", "shopify", "amazon", "other"}
)

// addFilter adds one list filter with a random value.
func addFilter(f *cases.Filter, filter string, a agent) {
	switch filter {
	case "state":
		f.States = []cases.State{cases.States()[rand.IntN(len(cases.States()))]}
	case "assignee":
		f.AssigneeID = &a.id
	case "kind":
		f.Kind = benchKinds[rand.IntN(len(benchKinds))]
	case "platform":
		f.Platform = benchPlatforms[rand.IntN(len(benchPlatforms))]
	case "shop":
		shops := append(append([]string{}, shopsZH...), shopsEN...)
		f.Shop = shops[rand.IntN(len(shops))]
	case "overdue":
		f.Overdue = true
	}
}

// drawDeepPage asks for page 20 (rows 951-1,000) of a common word: the
// cursor is that of row 950 in the list's order.
func drawDeepPage(ctx context.Context, e *env) ([]listRequest, string, error) {
	var words []string
	if err := e.db.SelectContext(ctx, &words, `SELECT word FROM bench.words WHERE cases > $1 * 0.10 ORDER BY word`, e.seeded); err != nil {
		return nil, "", err
	}
	var reqs []listRequest
	for _, w := range words {
		var at struct {
			Due *time.Time `db:"due_at"`
			ID  int64      `db:"id"`
		}
		if err := e.db.GetContext(ctx, &at, `SELECT due_at, id FROM cases WHERE search @@ to_tsquery('simple', $1)
			ORDER BY due_at ASC NULLS LAST, id ASC OFFSET 949 LIMIT 1`, store.SearchQuery(w)); err != nil {
			return nil, "", err
		}
		b, _ := json.Marshal(cursor{Sort: cases.SortDue, At: at.Due, ID: at.ID})
		for range listVariants / len(words) {
			reqs = append(reqs, listRequest{f: cases.Filter{Q: w, Limit: 50, Cursor: base64.RawURLEncoding.EncodeToString(b)},
				agent: e.randomAgent()})
		}
	}
	return reqs, "words: " + strings.Join(words, " "), nil
}

// drawQueue reads an agent's queue of one open state with one more filter.
func drawQueue(filter string) func(context.Context, *env) ([]listRequest, string, error) {
	return func(_ context.Context, e *env) ([]listRequest, string, error) {
		open := cases.OpenStates()
		var reqs []listRequest
		for range listVariants {
			a := e.randomAgent()
			f := cases.Filter{States: []cases.State{open[rand.IntN(len(open))]}, AssigneeID: &a.id, Limit: 50}
			addFilter(&f, filter, a)
			reqs = append(reqs, listRequest{f: f, agent: a})
		}
		return reqs, "", nil
	}
}

// int64Array is ids as a PostgreSQL array literal.
func int64Array(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return "{" + strings.Join(s, ",") + "}"
}
