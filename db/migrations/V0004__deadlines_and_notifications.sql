-- Statutory deadlines (issue 5), court closures added as data, and the in-app notification
-- inbox that reminders (and later hearing alerts) go to.

CREATE TABLE deadlines (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  prosecution_id  uuid NOT NULL REFERENCES prosecutions(id),
  rule_id         text NOT NULL,
  citation        text NOT NULL,
  count_unit      text NOT NULL CHECK (count_unit IN ('court_days','calendar_days','hours')),
  trigger         text NOT NULL,
  trigger_date    date NOT NULL,
  trigger_at      timestamptz,
  due_date        date NOT NULL,
  due_at          timestamptz,
  status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open','met','missed','waived','tolled','superseded')),
  met_on_time     boolean,
  resolved_on     date,
  note            text NOT NULL DEFAULT '',
  waived_by       uuid REFERENCES users(id),
  waive_reason    text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX deadlines_prosecution_idx ON deadlines (prosecution_id);
CREATE INDEX deadlines_open_due_idx ON deadlines (due_date) WHERE status = 'open';

CREATE TABLE court_closures (
  date        date PRIMARY KEY,
  reason      text NOT NULL,
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL
);

-- One row per thing a user should know. dedupe_key makes every producer idempotent: two
-- server processes sweeping at once insert each reminder exactly once (ON CONFLICT).
CREATE TABLE notifications (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users(id),
  kind          text NOT NULL CHECK (kind IN ('hearing_scheduled','hearing_changed','hearing_cancelled',
                  'hearing_reminder','deadline_due','deadline_missed','custody_released','warrant_issued',
                  'warrant_cleared','protective_order_expiring')),
  subject_id    text NOT NULL,
  dedupe_key    text NOT NULL,
  payload       text NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL,
  read_at       timestamptz,
  delivered_at  timestamptz,
  UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);
