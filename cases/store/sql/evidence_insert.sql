-- One evidence item, named parameters from evidenceRow.
INSERT INTO evidence (id, case_id, kind, sha256, size, content_type,
	blob_sha256, body, file_name, note, captured_at, courier, waybill, signed_by, signed_at, status_lines,
	parsed, lines, roles, added_by)
VALUES (:id, :case_id, :kind, :sha256, :size, :content_type, :blob_sha256, :body, :file_name, :note,
	:captured_at, :courier, :waybill, :signed_by, :signed_at, :status_lines, :parsed, :lines, :roles, :added_by)
