-- Court events (hearings), the court calendar feeds they are imported from, and what each
-- import did (issue 7). A hearing is keyed by (feed_id, source_key): the court's hearing id
-- where the feed has one (or the iCalendar UID, with the RECURRENCE-ID of an instance), else
-- "normalized docket|kind|original start". A re-import updates rather than duplicates; a
-- hearing is never deleted (a record gone from a full-snapshot feed is cancelled).

CREATE TABLE feeds (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind        text NOT NULL CHECK (kind IN ('ical','csv')),
  -- The unit the feed serves (the access policy's "court feed: its unit").
  unit        text NOT NULL,
  url         text,
  -- field -> column header (CSV) or property name (iCalendar), API.md "feeds": mapping.
  mapping     jsonb NOT NULL DEFAULT '{}',
  -- snapshot: each import is the whole calendar (a future hearing missing from it is
  -- cancelled); incremental: an import only adds and changes.
  mode        text NOT NULL DEFAULT 'snapshot' CHECK (mode IN ('snapshot','incremental')),
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  version     integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX feeds_name_key ON feeds (name);

CREATE TABLE court_events (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id             uuid NOT NULL REFERENCES cases(id),
  -- NULL: the hearing concerns every prosecution of the case (a feed names a docket).
  prosecution_id      uuid REFERENCES prosecutions(id),
  kind                text NOT NULL CHECK (kind IN ('arraignment','preliminary_hearing','readiness','trial',
                        'sentencing','restitution','motion','other')),
  starts_at           timestamptz NOT NULL,
  ends_at             timestamptz,
  all_day             boolean NOT NULL DEFAULT false,
  department          text NOT NULL DEFAULT '',
  judge               text NOT NULL DEFAULT '',
  status              text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled','continued','cancelled','held')),
  result              text NOT NULL DEFAULT '',
  cancel_reason       text NOT NULL DEFAULT '',
  source              text NOT NULL CHECK (source IN ('manual','feed')),
  feed_id             uuid REFERENCES feeds(id),
  source_key          text NOT NULL,
  -- The feed's own SEQUENCE (iCalendar); a lower one never overrides a higher one.
  source_sequence     integer NOT NULL DEFAULT 0,
  docket              text NOT NULL DEFAULT '',
  -- Bumped on every change of the hearing: the exported calendar's SEQUENCE.
  sequence            integer NOT NULL DEFAULT 0,
  original_starts_at  timestamptz NOT NULL,
  cancelled_at        timestamptz,
  created_by          uuid REFERENCES users(id),
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  version             integer NOT NULL DEFAULT 1,
  CHECK ((source = 'feed') = (feed_id IS NOT NULL)),
  CHECK (ends_at IS NULL OR ends_at >= starts_at),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE UNIQUE INDEX court_events_feed_key ON court_events (feed_id, source_key);
CREATE INDEX court_events_case_idx ON court_events (case_id, starts_at);
CREATE INDEX court_events_starts_idx ON court_events (starts_at, id);
CREATE INDEX court_events_prosecution_idx ON court_events (prosecution_id) WHERE prosecution_id IS NOT NULL;
CREATE INDEX court_events_updated_idx ON court_events (updated_at);

-- The history of each hearing, oldest first: created, continued (old and new start, the
-- reason), cancelled, updated (another field changed, or a cancelled hearing set again).
-- `sequence` is the hearing's sequence after the change: (event_id, sequence) names one change.
CREATE TABLE court_event_changes (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  event_id        uuid NOT NULL REFERENCES court_events(id),
  sequence        integer NOT NULL,
  change          text NOT NULL CHECK (change IN ('created','continued','cancelled','updated')),
  old_starts_at   timestamptz,
  new_starts_at   timestamptz,
  reason          text NOT NULL DEFAULT '',
  details         jsonb NOT NULL DEFAULT '{}',
  import_id       uuid,
  at              timestamptz NOT NULL,
  by              uuid REFERENCES users(id),
  UNIQUE (event_id, sequence)
);

-- Hearing-triggered deadlines (PC 1050, PC 1203, PC 1202.4, victim notice) belong to the
-- hearing that triggered them: superseded and recomputed when it moves, superseded when it
-- is cancelled.
ALTER TABLE deadlines ADD COLUMN court_event_id uuid REFERENCES court_events(id);
CREATE INDEX deadlines_court_event_idx ON deadlines (court_event_id) WHERE court_event_id IS NOT NULL;

-- Feed records whose docket matches no case, waiting for a DDA to match them by hand.
-- `record` is the hearing as the importer read it (engine/court_events.hpp, JSON).
CREATE TABLE feed_unmatched (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  feed_id            uuid NOT NULL REFERENCES feeds(id),
  source_key         text NOT NULL,
  docket             text NOT NULL DEFAULT '',
  normalized_docket  text NOT NULL DEFAULT '',
  record             jsonb NOT NULL,
  line               integer,
  uid                text,
  first_seen         timestamptz NOT NULL,
  last_seen          timestamptz NOT NULL,
  resolved_at        timestamptz,
  resolved_case_id   uuid REFERENCES cases(id),
  resolved_by        uuid REFERENCES users(id),
  UNIQUE (feed_id, source_key)
);
CREATE INDEX feed_unmatched_open_idx ON feed_unmatched (feed_id, normalized_docket) WHERE resolved_at IS NULL;

-- A docket matched to a case by hand, remembered for every later import of the feed.
CREATE TABLE feed_docket_matches (
  feed_id            uuid NOT NULL REFERENCES feeds(id),
  normalized_docket  text NOT NULL CHECK (normalized_docket ~ '^[A-Z0-9]+$'),
  case_id            uuid NOT NULL REFERENCES cases(id),
  matched_by         uuid REFERENCES users(id),
  matched_at         timestamptz NOT NULL,
  PRIMARY KEY (feed_id, normalized_docket)
);

-- One row per successful import, with its report (API.md: created, updated, cancelled,
-- unchanged, unmatched, rejected). A failed import leaves no row: it changed nothing.
CREATE TABLE feed_imports (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  feed_id         uuid NOT NULL REFERENCES feeds(id),
  origin          text NOT NULL CHECK (origin IN ('upload','cli','poll','match')),
  mode            text NOT NULL CHECK (mode IN ('snapshot','incremental')),
  content_sha256  text NOT NULL DEFAULT '',
  bytes           bigint NOT NULL DEFAULT 0,
  records         integer NOT NULL DEFAULT 0,
  created         integer NOT NULL DEFAULT 0,
  updated         integer NOT NULL DEFAULT 0,
  cancelled       integer NOT NULL DEFAULT 0,
  unchanged       integer NOT NULL DEFAULT 0,
  unmatched       integer NOT NULL DEFAULT 0,
  rejected        integer NOT NULL DEFAULT 0,
  report          jsonb NOT NULL,
  by              uuid REFERENCES users(id),
  at              timestamptz NOT NULL
);
CREATE INDEX feed_imports_feed_idx ON feed_imports (feed_id, at);
