package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"redress/cases"
	"redress/cases/chat"
)

// EvidenceDraft is evidence being added to a case: one transaction, begun
// when the file is written (or at Commit), that holds the file until Commit
// stores the item with its ledger event, or Rollback (or a failed Commit)
// leaves nothing behind. A caller receiving a file from the network spools
// it first (server/upload), so that no connection of the pool waits on a
// client's upload.
type EvidenceDraft struct {
	s      *Store
	tx     *sqlx.Tx
	caseID int64
	actor  cases.Actor
	file   *storedFile
}

// BeginEvidence starts adding evidence to a case as the context's actor.
// The case must exist and the actor must be allowed to act on it, so that
// nobody streams a large file only to be refused at the end; Commit checks
// again under the case's lock.
func (s *Store) BeginEvidence(ctx context.Context, caseID int64) (*EvidenceDraft, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	cur, err := getCaseTx(ctx, s.db, caseID)
	if err != nil {
		return nil, err
	}
	if !actor.CanActOn(cur.AssigneeID) {
		return nil, cases.Errorf(cases.Forbidden, "case %s is assigned to someone else; ask a supervisor to reassign it", cur.Ref)
	}
	return &EvidenceDraft{s: s, caseID: caseID, actor: actor}, nil
}

// begin starts the draft's transaction the first time it is needed.
func (d *EvidenceDraft) begin(ctx context.Context) error {
	if d.tx != nil {
		return nil
	}
	tx, err := d.s.db.BeginTxx(ctx, nil)
	if err != nil {
		return formatError(err, "evidence")
	}
	d.tx = tx
	return nil
}

// WriteFile streams the item's file into the draft, refusing it once it
// exceeds maxBytes (TooLarge), when its sniffed content type is not allowed
// (Unsupported), when it is empty, or when r fails before its end.
func (d *EvidenceDraft) WriteFile(ctx context.Context, r io.Reader, maxBytes int64) error {
	if d.file != nil {
		return cases.FieldError("file", "send one file per evidence item")
	}
	if err := d.begin(ctx); err != nil {
		return err
	}
	f, err := writeBlobTx(ctx, d.tx, r, maxBytes)
	if err != nil {
		return err
	}
	d.file = &f
	return nil
}

// Rollback discards the draft; after Commit it does nothing.
func (d *EvidenceDraft) Rollback() {
	if d.tx != nil {
		_ = d.tx.Rollback()
	}
}

// Commit validates in against the file written (if any), records the item
// and its evidence_added event in the case's ledger in the draft's
// transaction, and commits it. Evidence does not change the case's version:
// an edit form open elsewhere stays current.
func (d *EvidenceDraft) Commit(ctx context.Context, in cases.EvidenceInput) (cases.Evidence, error) {
	defer d.Rollback()
	in, err := in.Check(d.file != nil)
	if err != nil {
		return cases.Evidence{}, err
	}
	if err := d.begin(ctx); err != nil {
		return cases.Evidence{}, err
	}
	row, err := newEvidenceRow(d.caseID, d.actor.ID, in, d.file, d.s.loc)
	if err != nil {
		return cases.Evidence{}, err
	}
	if err := d.tx.GetContext(ctx, &row.ID, `SELECT nextval(pg_get_serial_sequence('evidence', 'id'))`); err != nil {
		return cases.Evidence{}, formatError(err, "evidence")
	}
	_, _, err = d.s.ChangeTx(ctx, d.tx, d.caseID, &d.actor, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
		if err := in.CheckTimes(f.Now); err != nil {
			return cases.Change{}, err
		}
		return cases.Change{Case: cur, KeepVersion: true, Events: []cases.NewEvent{{Kind: cases.EventEvidenceAdded, Payload: row.addedPayload()}}}, nil
	})
	if err != nil {
		return cases.Evidence{}, err
	}
	if _, err := d.tx.NamedExecContext(ctx, evidenceInsert, row); err != nil {
		return cases.Evidence{}, formatError(err, "evidence")
	}
	ev, err := d.s.getEvidenceTx(ctx, d.tx, row.ID)
	if err != nil {
		return cases.Evidence{}, err
	}
	if err := d.tx.Commit(); err != nil {
		return cases.Evidence{}, formatError(err, "evidence")
	}
	return ev, nil
}

// AddEvidence adds evidence that has no file: a chat excerpt, or a delivery
// signature or tracking record typed in.
func (s *Store) AddEvidence(ctx context.Context, caseID int64, in cases.EvidenceInput) (cases.Evidence, error) {
	d, err := s.BeginEvidence(ctx, caseID)
	if err != nil {
		return cases.Evidence{}, err
	}
	return d.Commit(ctx, in)
}

// newEvidenceRow builds the row of a checked input: its content is the file,
// the chat excerpt's text exactly as received, or the record's canonical JSON.
func newEvidenceRow(caseID, actorID int64, in cases.EvidenceInput, file *storedFile, loc *time.Location) (evidenceRow, error) {
	r := evidenceRow{CaseID: caseID, Kind: string(in.Kind), FileName: in.FileName, Note: in.Note, AddedBy: actorID}
	r.CapturedAt = nullTime(in.CapturedAt)
	if in.Kind == cases.EvidenceDeliverySignature || in.Kind == cases.EvidenceTrackingRecord {
		r.Courier = sql.NullString{String: in.Courier, Valid: true}
		r.Waybill = sql.NullString{String: in.Waybill, Valid: true}
	}
	if in.Kind == cases.EvidenceDeliverySignature {
		r.SignedBy = sql.NullString{String: in.SignedBy, Valid: true}
		r.SignedAt = nullTime(in.SignedAt)
	}
	if in.Kind == cases.EvidenceTrackingRecord {
		lines := in.StatusLines
		if lines == nil {
			lines = []cases.StatusLine{}
		}
		for i := range lines {
			if lines[i].At != nil {
				at := lines[i].At.UTC()
				lines[i].At = &at
			}
		}
		raw, err := json.Marshal(lines)
		if err != nil {
			return r, cases.Internalf(err, "encode status lines")
		}
		r.StatusLines = raw
	}
	var body []byte
	switch {
	case file != nil:
		r.SHA256, r.Size, r.ContentType = file.sha256, file.size, file.contentType
		r.BlobSHA256 = sql.NullString{String: file.sha256, Valid: true}
		return r, nil
	case in.Kind == cases.EvidenceChatExcerpt:
		body = []byte(in.Text)
		r.ContentType = "text/plain; charset=utf-8"
		t := chat.Parse(in.Text, loc).WithRoles(in.Roles)
		r.Parsed = sql.NullBool{Bool: t.Parsed, Valid: true}
		raw, err := json.Marshal(t.Lines)
		if err != nil {
			return r, cases.Internalf(err, "encode chat lines")
		}
		r.Lines = raw
		if len(in.Roles) > 0 {
			if r.Roles, err = json.Marshal(in.Roles); err != nil {
				return r, cases.Internalf(err, "encode chat roles")
			}
		}
	default:
		raw, err := json.Marshal(r.record())
		if err == nil {
			body, err = cases.CanonicalJSON(raw)
		}
		if err != nil {
			return r, cases.Internalf(err, "encode evidence record")
		}
		r.ContentType = "application/json"
	}
	sum := sha256.Sum256(body)
	r.SHA256, r.Size = hex.EncodeToString(sum[:]), int64(len(body))
	r.Body = sql.NullString{String: string(body), Valid: true}
	return r, nil
}

// record is the content of a delivery signature or tracking record typed in
// without a file: its fields, so that its hash proves them.
func (r evidenceRow) record() map[string]any {
	m := map[string]any{"kind": r.Kind, "courier": r.Courier.String, "waybill": r.Waybill.String}
	if r.SignedAt.Valid {
		m["signed_by"], m["signed_at"] = r.SignedBy.String, r.SignedAt.Time.UTC().Format(time.RFC3339Nano)
	}
	if r.StatusLines != nil {
		m["status_lines"] = json.RawMessage(r.StatusLines)
	}
	return m
}

// addedPayload is what the ledger records of new evidence: enough to prove
// the content (its hash) and the fields that matter in a dispute.
func (r evidenceRow) addedPayload() map[string]any {
	p := map[string]any{"evidence_id": r.ID, "kind": r.Kind, "sha256": r.SHA256, "size": r.Size, "content_type": r.ContentType}
	if r.FileName != "" {
		p["file_name"] = r.FileName
	}
	if r.CapturedAt.Valid {
		p["captured_at"] = r.CapturedAt.Time.UTC().Format(time.RFC3339Nano)
	}
	if r.Courier.Valid {
		p["courier"], p["waybill"] = r.Courier.String, r.Waybill.String
	}
	if r.SignedAt.Valid {
		p["signed_by"], p["signed_at"] = r.SignedBy.String, r.SignedAt.Time.UTC().Format(time.RFC3339Nano)
	}
	if r.Roles != nil {
		p["roles"] = json.RawMessage(r.Roles)
	}
	return p
}

// GetEvidence returns one evidence item.
func (s *Store) GetEvidence(ctx context.Context, id int64) (cases.Evidence, error) {
	return s.getEvidenceTx(ctx, s.db, id)
}

func (s *Store) getEvidenceTx(ctx context.Context, q sqlx.QueryerContext, id int64) (cases.Evidence, error) {
	var r evidenceRow
	err := sqlx.GetContext(ctx, q, &r, evidenceSelect+` WHERE e.id = $1`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return cases.Evidence{}, cases.Errorf(cases.NotFound, "evidence %d not found", id)
	}
	if err != nil {
		return cases.Evidence{}, formatError(err, "evidence")
	}
	return r.toEvidence(s.loc)
}

// ListEvidence returns a case's evidence, voided items included, oldest
// first.
func (s *Store) ListEvidence(ctx context.Context, caseID int64) ([]cases.Evidence, error) {
	if err := s.caseExists(ctx, caseID); err != nil {
		return nil, err
	}
	return s.listEvidenceTx(ctx, s.db, caseID)
}

func (s *Store) listEvidenceTx(ctx context.Context, q sqlx.QueryerContext, caseID int64) ([]cases.Evidence, error) {
	var rows []evidenceRow
	if err := sqlx.SelectContext(ctx, q, &rows, evidenceSelect+` WHERE e.case_id = $1 ORDER BY e.id`, caseID); err != nil {
		return nil, formatError(err, "evidence")
	}
	out := make([]cases.Evidence, 0, len(rows))
	for _, r := range rows {
		ev, err := r.toEvidence(s.loc)
		if err != nil {
			return nil, err
		}
		out = append(out, ev)
	}
	return out, nil
}

// OpenEvidence returns a reader over an item's content that fetches a
// stored file's chunks only as reads reach them.
func (s *Store) OpenEvidence(ctx context.Context, ev cases.Evidence) io.ReadSeeker {
	if ev.Content.Body != nil {
		return strings.NewReader(*ev.Content.Body)
	}
	return newBlobReader(ctx, s.db, ev.Content, ev.Size)
}

// VoidEvidence marks an item void with a reason, as the context's actor (a
// supervisor), and records the void in the case's ledger. The item stays.
func (s *Store) VoidEvidence(ctx context.Context, id int64, reason string) (cases.Evidence, error) {
	actor, err := cases.RequireActor(ctx)
	if err != nil {
		return cases.Evidence{}, err
	}
	if !actor.Role.Supervises() {
		return cases.Evidence{}, cases.Errorf(cases.Forbidden, "only a supervisor may void evidence")
	}
	reason = strings.TrimSpace(reason)
	if err := cases.CheckText("reason", reason, 2000, true); err != nil {
		return cases.Evidence{}, err
	}
	ev, err := s.GetEvidence(ctx, id)
	if err != nil {
		return cases.Evidence{}, err
	}
	var voided cases.Evidence
	err = inTx(ctx, s.db, nil, "evidence", func(tx *sqlx.Tx) error {
		_, _, err := s.ChangeTx(ctx, tx, ev.CaseID, &actor, nil, func(cur cases.Case, f cases.Facts) (cases.Change, error) {
			return cases.Change{Case: cur, KeepVersion: true, Events: []cases.NewEvent{{Kind: cases.EventEvidenceVoided, Payload: map[string]any{
				"evidence_id": ev.ID, "kind": ev.Kind, "sha256": ev.SHA256, "reason": reason,
			}}}}, nil
		})
		if err != nil {
			return err
		}
		// Under the case's lock: a concurrent void of the same item waits
		// here and then finds the row.
		res, err := tx.ExecContext(ctx, `INSERT INTO evidence_voids (evidence_id, reason, voided_by) VALUES ($1, $2, $3)
			ON CONFLICT (evidence_id) DO NOTHING`, id, reason, actor.ID)
		if err != nil {
			return formatError(err, "evidence void")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return cases.Errorf(cases.Conflict, "evidence %d is void already", id)
		}
		voided, err = s.getEvidenceTx(ctx, tx, id)
		return err
	})
	if err != nil {
		return cases.Evidence{}, err
	}
	return voided, nil
}

// EvidencePack returns a case's evidence and ledger head read in one
// snapshot, so that the head covers every item listed.
func (s *Store) EvidencePack(ctx context.Context, caseID int64) (cases.EvidencePack, error) {
	p := cases.EvidencePack{CaseID: caseID}
	err := inTx(ctx, s.db, snapshot, "evidence", func(tx *sqlx.Tx) error {
		err := tx.QueryRowxContext(ctx, `SELECT ref, ledger_seq, ledger_head FROM cases WHERE id = $1`, caseID).
			Scan(&p.CaseRef, &p.LedgerSeq, &p.LedgerHead)
		if errors.Is(err, sql.ErrNoRows) {
			return cases.Errorf(cases.NotFound, "case %d not found", caseID)
		}
		if err != nil {
			return formatError(err, "case")
		}
		p.Items, err = s.listEvidenceTx(ctx, tx, caseID)
		return err
	})
	if err != nil {
		return cases.EvidencePack{}, err
	}
	return p, nil
}

// snapshot is a read-only transaction that sees one consistent state of
// the database for all its statements.
var snapshot = &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}
