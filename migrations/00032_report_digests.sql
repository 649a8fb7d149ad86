-- +goose Up
-- Scheduled summaries of the reports (issue 17): a daily and a weekly
-- report sent to the webhooks that subscribe to report_daily or
-- report_weekly. A summary is claimed once per event and period in
-- report_digests, in the transaction that queues its deliveries: the
-- primary key, not any lock, makes it go out once however many instances
-- run the schedule.
CREATE TABLE report_digests (
    event        text        NOT NULL CONSTRAINT report_digests_event_check CHECK (event IN ('report_daily', 'report_weekly')),
    period_start date        NOT NULL,
    period_end   date        NOT NULL,
    deliveries   integer     NOT NULL DEFAULT 0 CONSTRAINT report_digests_deliveries_check CHECK (deliveries >= 0),
    sent_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT report_digests_pkey PRIMARY KEY (event, period_start),
    CONSTRAINT report_digests_period_check CHECK (period_end > period_start)
);

-- Webhooks may subscribe to them: both constraints list every event.
-- (00050_handover_teams, which a new database applies after this file,
-- lists the same events.)
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated', 'approval_requested', 'handover_reminded',
        'report_daily', 'report_weekly']);
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('reminded', 'escalated', 'approval_requested', 'handover_reminded', 'report_daily', 'report_weekly'));

-- +goose Down
DELETE FROM webhook_attempts WHERE delivery_id IN
    (SELECT id FROM webhook_deliveries WHERE event IN ('report_daily', 'report_weekly'));
DELETE FROM webhook_deliveries WHERE event IN ('report_daily', 'report_weekly');
UPDATE webhooks SET events = array_remove(array_remove(events, 'report_daily'), 'report_weekly');
UPDATE webhooks SET deleted_at = now(), active = false, events = ARRAY['reminded']
    WHERE cardinality(events) = 0;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_event_check;
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_check
    CHECK (event IN ('reminded', 'escalated', 'approval_requested', 'handover_reminded'));
ALTER TABLE webhooks DROP CONSTRAINT webhooks_events_check;
ALTER TABLE webhooks ADD CONSTRAINT webhooks_events_check
    CHECK (cardinality(events) > 0 AND events <@ ARRAY['reminded', 'escalated', 'approval_requested', 'handover_reminded']);
DROP TABLE report_digests;
