package actions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"

	"redress/cases"
	"redress/cases/store"
	"redress/workflows/tone"
)

// Tone is the tone check over the rules kept in the database: the shipped
// rules (workflows/tone's rules.json) are seeded on first use, and the
// checker is compiled once per revision of the rule set, so that an
// admin's change reaches every instance at its next check.
type Tone struct {
	rules *store.ToneRules

	mu       sync.Mutex
	checker  *tone.Checker
	revision int64
	loaded   bool
}

// NewTone returns the tone check over rules.
func NewTone(rules *store.ToneRules) *Tone { return &Tone{rules: rules} }

// Checker returns the checker compiled from the current rules.
func (t *Tone) Checker(ctx context.Context) (*tone.Checker, error) {
	rev, seeded, err := t.rules.Revision(ctx)
	if err != nil {
		return nil, err
	}
	if !seeded {
		if err := t.seed(ctx); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	if t.loaded && t.revision == rev && seeded {
		c := t.checker
		t.mu.Unlock()
		return c, nil
	}
	t.mu.Unlock()
	records, rev, err := t.rules.List(ctx)
	if err != nil {
		return nil, err
	}
	var rules []tone.Rule
	for _, rec := range records {
		if !rec.Enabled {
			continue
		}
		r, err := decodeRule(rec.Rule)
		if err != nil || r.Validate() != nil {
			// A rule the code no longer accepts is left out rather than
			// stopping every check; the rules list shows it as invalid.
			continue
		}
		rules = append(rules, r)
	}
	c, err := tone.Compile(rules)
	if err != nil {
		return nil, cases.Internalf(err, "compile tone rules")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.loaded || rev >= t.revision {
		t.checker, t.revision, t.loaded = c, rev, true
	}
	return c, nil
}

// seed adds the shipped rules that are not kept yet.
func (t *Tone) seed(ctx context.Context) error {
	var seeds []store.SeedRule
	for _, r := range tone.DefaultRules() {
		raw, err := json.Marshal(r)
		if err != nil {
			return cases.Internalf(err, "encode tone rule %s", r.ID)
		}
		seeds = append(seeds, store.SeedRule{ID: r.ID, Rule: raw})
	}
	return t.rules.Seed(ctx, seeds)
}

// Check checks one text against the current rules.
func (t *Tone) Check(ctx context.Context, text string, tc tone.Context) ([]tone.Warning, error) {
	c, err := t.Checker(ctx)
	if err != nil {
		return nil, err
	}
	if ws := c.Check(text, tc); ws != nil {
		return ws, nil
	}
	return []tone.Warning{}, nil
}

// Rules lists the kept rules, the shipped ones included.
func (t *Tone) Rules(ctx context.Context) ([]cases.ToneRuleRecord, error) {
	if _, err := t.Checker(ctx); err != nil { // seeds on first use
		return nil, err
	}
	recs, _, err := t.rules.List(ctx)
	return recs, err
}

// CreateRule validates a rule (tone.Rule.Validate) and adds it.
func (t *Tone) CreateRule(ctx context.Context, raw json.RawMessage) (cases.ToneRuleRecord, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.ToneRuleRecord{}, err
	}
	if _, err := t.Checker(ctx); err != nil { // the shipped ids are taken
		return cases.ToneRuleRecord{}, err
	}
	r, err := parseRule(raw)
	if err != nil {
		return cases.ToneRuleRecord{}, err
	}
	canon, _ := json.Marshal(r)
	return t.rules.Create(ctx, r.ID, canon, actor.ID)
}

// UpdateRule replaces a rule (when raw is given) and turns it on or off
// (when enabled is given). The id is the rule's for good.
func (t *Tone) UpdateRule(ctx context.Context, id string, raw json.RawMessage, enabled *bool) (cases.ToneRuleRecord, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.ToneRuleRecord{}, err
	}
	if _, err := t.Checker(ctx); err != nil {
		return cases.ToneRuleRecord{}, err
	}
	cur, err := t.rules.Get(ctx, id)
	if err != nil {
		return cases.ToneRuleRecord{}, err
	}
	rule, on := cur.Rule, cur.Enabled
	if enabled != nil {
		on = *enabled
	}
	if len(raw) > 0 && string(raw) != "null" {
		r, err := parseRule(raw)
		if err != nil {
			return cases.ToneRuleRecord{}, err
		}
		if r.ID != id {
			return cases.ToneRuleRecord{}, cases.FieldError("rule.id", "a rule keeps its id: this is %q, not %q", id, r.ID)
		}
		rule, _ = json.Marshal(r)
	} else if enabled == nil {
		return cases.ToneRuleRecord{}, cases.FieldError("rule", "send the rule, enabled, or both")
	}
	return t.rules.Update(ctx, id, rule, on, actor.ID)
}

// DeleteRule removes an admin's rule, or disables a shipped one.
func (t *Tone) DeleteRule(ctx context.Context, id string) error {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return err
	}
	return t.rules.Delete(ctx, id, actor.ID)
}

// parseRule reads and validates one rule, naming the field at fault as
// "rule.<field>".
func parseRule(raw json.RawMessage) (tone.Rule, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return tone.Rule{}, cases.FieldError("rule", "send the rule as a JSON object")
	}
	r, err := decodeRule(raw)
	if err != nil {
		return tone.Rule{}, &cases.Error{Code: cases.Malformed, Field: "rule", Message: "the rule is not a tone rule: " + err.Error()}
	}
	if err := r.Validate(); err != nil {
		var re *tone.RuleError
		if errors.As(err, &re) {
			return tone.Rule{}, cases.FieldError("rule."+re.Field, "%v", re.Err)
		}
		return tone.Rule{}, cases.FieldError("rule", "%v", err)
	}
	return r, nil
}

func decodeRule(raw []byte) (tone.Rule, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var r tone.Rule
	err := dec.Decode(&r)
	return r, err
}
