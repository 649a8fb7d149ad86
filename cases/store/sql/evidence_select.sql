-- Evidence items with where their file's chunks are and their void, if
-- any. Callers append the WHERE clause.
SELECT e.id, e.case_id, e.kind, e.sha256, e.size, e.content_type, e.blob_sha256, e.body,
	e.file_name, e.note, e.captured_at, e.courier, e.waybill, e.signed_by, e.signed_at, e.status_lines,
	e.parsed, e.lines, e.roles, e.added_by, e.added_at,
	b.upload_id, b.chunk_size, v.reason AS void_reason, v.voided_by, v.voided_at
FROM evidence e
LEFT JOIN evidence_blobs b ON b.sha256 = e.blob_sha256
LEFT JOIN evidence_voids v ON v.evidence_id = e.id
