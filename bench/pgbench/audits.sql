-- audit queue: GET /api/v1/audits/queue?limit=50[&reason=R] as a
-- supervisor, the query of store.Store.AuditQueue: closings waiting for a
-- verdict, oldest first, unfiltered or by one of four reasons (drawn as
-- Redress's load generator draws them).
\set r random(0, 4)
SELECT t.id, t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute',
	u.id, u.email, u.display_name, u.role, u.language, u.time_zone, u.active, u.created_at, u.updated_at
	FROM api_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = :token_hash AND t.revoked_at IS NULL AND u.active;
SELECT a.id, a.case_id, c.ref, a.shop, a.agent_id, a.closed_at, a.reasons, a.selected_at, a.status,
	a.calibration, a.excluded_id, a.agreement, a.withdrawn_at, a.calibrated_at, a.outcome, a.score_diff
	FROM audits a JOIN cases c ON c.id = a.case_id
	WHERE a.status IN ('queued', 'disputed') AND a.excluded_id IS DISTINCT FROM :actor
		AND NOT EXISTS (SELECT 1 FROM verdicts v WHERE v.audit_id = a.id AND v.auditor_id = :actor)
		AND ((ARRAY['', 'remedy_above_threshold', 'sla_breached', 'reopened', 'random'])[:r + 1] = ''
			OR a.reasons @> ARRAY[(ARRAY['', 'remedy_above_threshold', 'sla_breached', 'reopened', 'random'])[:r + 1]])
	ORDER BY a.closed_at, a.id LIMIT 51;
