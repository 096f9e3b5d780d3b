-- Delivery of notifications by channel (issue 6): the in-app inbox today, e-mail or SMS later
-- behind the same interface. A notification is delivered (notifications.delivered_at) when
-- every configured channel has delivered it; each channel's attempts and last error are kept.
CREATE TABLE notification_deliveries (
  notification_id  uuid NOT NULL REFERENCES notifications(id),
  channel          text NOT NULL CHECK (channel ~ '^[a-z_]+$'),
  attempts         integer NOT NULL DEFAULT 0,
  delivered_at     timestamptz,
  last_error       text,
  last_attempt_at  timestamptz NOT NULL,
  PRIMARY KEY (notification_id, channel)
);
CREATE INDEX notifications_undelivered_idx ON notifications (created_at) WHERE delivered_at IS NULL;
