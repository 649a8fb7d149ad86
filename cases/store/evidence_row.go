package store

import (
	"database/sql"
	"encoding/json"
	"time"

	"redress/cases"
)

// evidenceRow is an evidence row as the database stores and returns it.
type evidenceRow struct {
	ID          int64          `db:"id"`
	CaseID      int64          `db:"case_id"`
	Kind        string         `db:"kind"`
	SHA256      string         `db:"sha256"`
	Size        int64          `db:"size"`
	ContentType string         `db:"content_type"`
	BlobSHA256  sql.NullString `db:"blob_sha256"`
	Body        sql.NullString `db:"body"`
	FileName    string         `db:"file_name"`
	Note        string         `db:"note"`
	CapturedAt  sql.NullTime   `db:"captured_at"`
	Courier     sql.NullString `db:"courier"`
	Waybill     sql.NullString `db:"waybill"`
	SignedBy    sql.NullString `db:"signed_by"`
	SignedAt    sql.NullTime   `db:"signed_at"`
	StatusLines []byte         `db:"status_lines"`
	Parsed      sql.NullBool   `db:"parsed"`
	Lines       []byte         `db:"lines"`
	Roles       []byte         `db:"roles"`
	AddedBy     int64          `db:"added_by"`
	AddedAt     time.Time      `db:"added_at"`

	// Joined: where a file's chunks are, and the void.
	UploadID   sql.NullInt64  `db:"upload_id"`
	ChunkSize  sql.NullInt64  `db:"chunk_size"`
	VoidReason sql.NullString `db:"void_reason"`
	VoidedBy   sql.NullInt64  `db:"voided_by"`
	VoidedAt   sql.NullTime   `db:"voided_at"`
}

// toEvidence returns the item, a chat excerpt parsed in loc (the shop's
// zone) from its stored text with its confirmed roles.
func (r evidenceRow) toEvidence(loc *time.Location) (cases.Evidence, error) {
	e := cases.Evidence{
		ID: r.ID, CaseID: r.CaseID, Kind: cases.EvidenceKind(r.Kind), SHA256: r.SHA256, Size: r.Size,
		ContentType: r.ContentType, FileName: r.FileName, Note: r.Note, CapturedAt: timePtr(r.CapturedAt),
		AddedAt: r.AddedAt, AddedBy: r.AddedBy,
		Courier: r.Courier.String, Waybill: r.Waybill.String, SignedBy: r.SignedBy.String, SignedAt: timePtr(r.SignedAt),
	}
	if r.VoidedAt.Valid {
		e.Voided, e.VoidReason, e.VoidedAt = true, r.VoidReason.String, timePtr(r.VoidedAt)
		e.VoidedBy = &r.VoidedBy.Int64
	}
	if r.Body.Valid {
		body := r.Body.String
		e.Content.Body = &body
	} else {
		e.Content.UploadID, e.Content.ChunkSize = r.UploadID.Int64, int(r.ChunkSize.Int64)
	}
	if e.Kind == cases.EvidenceChatExcerpt {
		text := r.Body.String
		e.Text = &text
		if r.Roles != nil {
			if err := json.Unmarshal(r.Roles, &e.Roles); err != nil {
				return cases.Evidence{}, cases.Internalf(err, "decode chat roles of evidence %d", r.ID)
			}
		}
		e.ReadChat(loc)
	}
	if r.StatusLines != nil {
		lines := []cases.StatusLine{}
		if err := json.Unmarshal(r.StatusLines, &lines); err != nil {
			return cases.Evidence{}, cases.Internalf(err, "decode status lines of evidence %d", r.ID)
		}
		e.StatusLines = &lines
	}
	return e, nil
}
