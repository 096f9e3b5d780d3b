-- Evidence, its chain of custody, and disclosures to the defense (issue 8).
--
-- custody_events is append-only (like audit_log) and hash-chained per item: each row's hash
-- is the SHA-256 of its canonical text, which begins with the previous row's hash (see
-- engine/evidence.hpp and README.md, "Evidence chain of custody"). evidence_items keeps
-- the head of its chain (custody_seq, custody_head) so that deleting the last event is
-- detected as well.

CREATE TABLE evidence_items (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id           uuid NOT NULL REFERENCES cases(id),
  label             text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('physical','digital','document','online_ad',
                      'financial_record','device_extraction','other')),
  description       text NOT NULL,
  source            text NOT NULL DEFAULT '',
  collected_by      text NOT NULL,
  collected_at      timestamptz NOT NULL,
  location          text NOT NULL DEFAULT '',
  storage_location  text NOT NULL DEFAULT '',
  sha256            text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  status            text NOT NULL DEFAULT 'in_custody'
                      CHECK (status IN ('in_custody','at_lab','in_court','released','destroyed')),
  custody_seq       bigint NOT NULL DEFAULT 0,
  custody_head      text NOT NULL DEFAULT '',
  created_by        uuid REFERENCES users(id),
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL,
  version           integer NOT NULL DEFAULT 1
);
CREATE INDEX evidence_items_case_idx ON evidence_items (case_id, created_at);

CREATE TABLE custody_events (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  item_id      uuid NOT NULL REFERENCES evidence_items(id),
  seq          bigint NOT NULL CHECK (seq >= 1),
  from_party   text NOT NULL,
  to_party     text NOT NULL,
  purpose      text NOT NULL,
  at           timestamptz NOT NULL,
  at_text      text NOT NULL,   -- the exact text the hash covers (RFC 3339 UTC, microseconds)
  location     text NOT NULL DEFAULT '',
  recorded_by  text NOT NULL,   -- the recording user's username
  prev_hash    text NOT NULL,
  hash         text NOT NULL,
  UNIQUE (item_id, seq)
);

CREATE FUNCTION custody_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'custody_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER custody_events_no_update BEFORE UPDATE OR DELETE ON custody_events
  FOR EACH ROW EXECUTE FUNCTION custody_events_append_only();
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
  FOR EACH STATEMENT EXECUTE FUNCTION custody_events_append_only();

CREATE TABLE disclosures (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES cases(id),
  prosecution_id   uuid REFERENCES prosecutions(id),
  to_counsel       text NOT NULL,
  at               timestamptz NOT NULL,
  method           text NOT NULL,
  bates            text NOT NULL DEFAULT '',
  item_ids         uuid[] NOT NULL,
  override_reason  text,
  created_by       uuid REFERENCES users(id),
  created_at       timestamptz NOT NULL
);
CREATE INDEX disclosures_case_idx ON disclosures (case_id, at, id);
CREATE INDEX disclosures_prosecution_idx ON disclosures (prosecution_id);
