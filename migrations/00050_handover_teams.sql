-- +goose Up
-- A handover to the next shift's team (SPEC §7): no one incoming agent,
-- the shift named instead; whoever on it acknowledges a case takes it.
-- Exactly one of to_user_id and to_shift says who receives a handover.
ALTER TABLE handovers ALTER COLUMN to_user_id DROP NOT NULL;
ALTER TABLE handovers ADD COLUMN to_shift text NOT NULL DEFAULT ''
    CONSTRAINT handovers_to_shift_check CHECK (length(to_shift) <= 50);
ALTER TABLE handovers ADD CONSTRAINT handovers_receiver_check CHECK ((to_user_id IS NULL) <> (to_shift = ''));
-- The team's inbox: team handovers awaiting acknowledgement.
CREATE INDEX handovers_team_pending_idx ON handovers (id) WHERE acknowledged_at IS NULL AND to_user_id IS NULL;

-- Webhooks may subscribe to the reminders of unacknowledged handovers.
-- The lists also name the scheduled summaries of 00032_report_digests,
-- which a new database applies before this file.
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated', 'approval_requested', 'handover_reminded',
        'report_daily', 'report_weekly']);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('reminded', 'escalated', 'approval_requested', 'handover_reminded', 'report_daily', 'report_weekly'));

-- +goose Down
DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE event = 'handover_reminded');
DELETE FROM webhook_deliveries WHERE event = 'handover_reminded';
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('reminded', 'escalated', 'approval_requested'));
UPDATE webhooks SET events = array_remove(events, 'handover_reminded');
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated', 'approval_requested']);
DROP INDEX handovers_team_pending_idx;
ALTER TABLE handovers DROP CONSTRAINT handovers_receiver_check;
ALTER TABLE handovers DROP COLUMN to_shift;
DELETE FROM handover_reminders WHERE handover_id IN (SELECT id FROM handovers WHERE to_user_id IS NULL);
DELETE FROM handover_cases WHERE handover_id IN (SELECT id FROM handovers WHERE to_user_id IS NULL);
DELETE FROM handovers WHERE to_user_id IS NULL;
ALTER TABLE handovers ALTER COLUMN to_user_id SET NOT NULL;
