package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"redress/cases"
	"redress/workflows"
)

// The case actions below are shared by the JSON API (cases.go, import.go)
// and the web pages (web_case*.go): each decides through workflows and
// writes through the store, so that both surfaces follow the same rules.

// newCase validates a new case and creates it, due by the policy's deadline
// for its first step.
func (s *Server) newCase(ctx context.Context, in cases.CaseInput) (cases.Case, error) {
	nc, err := in.Case()
	if err != nil {
		return cases.Case{}, err
	}
	within, _ := s.policy.Deadlines.Within(nc.Kind, nc.Severity, cases.StateRespond)
	return s.store.Create(ctx, nc, within)
}

// transition moves a case along the protocol, conditional on version.
func (s *Server) transition(ctx context.Context, id int64, version *int64, m workflows.Move) (cases.Case, error) {
	return s.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.Transition(cur, m, s.facts(f), s.policy)
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// assign gives a case to assignee (nil: the unassigned queue). Agents may
// only take unassigned cases for themselves.
func (s *Server) assign(ctx context.Context, id int64, version *int64, assignee *int64) (cases.Case, error) {
	return s.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		if !f.Actor.Role.Supervises() && assignee != nil && *assignee != f.Actor.ID && cur.AssigneeID == nil {
			return cases.Change{}, cases.Errorf(cases.Forbidden, "agents take unassigned cases for themselves; a supervisor assigns them to others")
		}
		if sameAssignee(cur.AssigneeID, assignee) {
			return cases.Change{Case: cur, KeepVersion: true}, nil
		}
		next := cur
		next.AssigneeID = assignee
		return cases.Change{Case: next, Events: []cases.NewEvent{{Kind: cases.EventAssigned,
			Payload: map[string]any{"from": cur.AssigneeID, "to": assignee}}}}, nil
	})
}

func sameAssignee(a, b *int64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && *a == *b)
}

// comment appends a comment to a case's ledger and returns its event. A
// comment does not change the case's version.
func (s *Server) comment(ctx context.Context, id int64, body string) (cases.Event, error) {
	body = strings.TrimSpace(body)
	if err := cases.CheckText("body", body, cases.MaxLongText, true); err != nil {
		return cases.Event{}, err
	}
	_, err := s.store.Change(ctx, id, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		event := cases.NewEvent{Kind: cases.EventCommented, Payload: map[string]any{"body": body}}
		return cases.Change{Case: cur, Events: []cases.NewEvent{event}, KeepVersion: true}, nil
	})
	if err != nil {
		return cases.Event{}, err
	}
	evs, err := s.store.Events(ctx, id)
	if err != nil {
		return cases.Event{}, err
	}
	return evs[len(evs)-1], nil
}

// proposeRemedyFor records the remedy an agent intends while the case is in
// remedy.
func (s *Server) proposeRemedyFor(ctx context.Context, id int64, version *int64, in workflows.RemedyInput) (cases.Case, error) {
	return s.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ProposeRemedy(cur, in, s.facts(f), s.policy)
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// approveRemedyOf records a supervisor's approval of the proposed remedy.
func (s *Server) approveRemedyOf(ctx context.Context, id int64, version *int64) (cases.Case, error) {
	return s.store.Change(ctx, id, version, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		res, err := workflows.ApproveRemedy(cur, s.facts(f))
		return cases.Change{Case: res.Case, Events: res.Events}, err
	})
}

// importCSV imports a platform's CSV export in charset ("" or utf-8, or
// gb18030/gbk/gb2312 as Chinese spreadsheet tools write).
func (s *Server) importCSV(ctx context.Context, r io.Reader, charset string) (cases.ImportReport, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return cases.ImportReport{}, cases.Errorf(cases.TooLarge, "the file is larger than %d MiB; split it", tooBig.Limit>>20)
		}
		return cases.ImportReport{}, &cases.Error{Code: cases.Malformed, Message: "the upload was interrupted", Err: err}
	}
	switch cs := strings.ToLower(charset); cs {
	case "", "utf-8", "utf8":
	case "gb18030", "gbk", "gb2312":
		if body, err = simplifiedchinese.GB18030.NewDecoder().Bytes(body); err != nil {
			return cases.ImportReport{}, &cases.Error{Code: cases.Invalid, Field: "body", Message: "the file is not valid " + cs}
		}
	default:
		return cases.ImportReport{}, &cases.Error{Code: cases.Unsupported, Field: "charset", Message: "charset must be utf-8 or gb18030"}
	}
	return s.store.Import(ctx, body, func(k cases.Kind, sev cases.Severity) time.Duration {
		d, _ := s.policy.Deadlines.Within(k, sev, cases.StateRespond)
		return d
	})
}
