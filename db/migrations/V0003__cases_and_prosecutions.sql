-- Cases, defendants (persons), prosecutions, charges, the prosecution transition log and
-- stored Idempotency-Key responses (issue 4). The transition log is the source of truth; the
-- stage, custody, warrant and clock columns of prosecutions (and the dispositions of charges)
-- are a projection of it, updated in the same transaction as the row appended to the log.

CREATE TABLE persons (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  dob         date,
  aliases     text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL
);
CREATE INDEX persons_name_idx ON persons (lower(name));

CREATE TABLE cases (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  da_number         text NOT NULL,
  title             text NOT NULL,
  unit              text NOT NULL,
  referring_agency  text NOT NULL,
  referral_date     date NOT NULL,
  lead_dda_id       uuid REFERENCES users(id),
  version           integer NOT NULL DEFAULT 1,
  created_at        timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);
CREATE UNIQUE INDEX cases_da_number_key ON cases (da_number);
CREATE INDEX cases_unit_idx ON cases (unit, da_number);
CREATE INDEX cases_lead_idx ON cases (lead_dda_id);

-- A case may carry several court docket numbers. `normalized` is the docket uppercased with
-- everything but letters and digits dropped ("26-cr-012345" -> "26CR012345"), the form
-- court-feed imports match on.
CREATE TABLE case_dockets (
  case_id     uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  docket      text NOT NULL,
  normalized  text NOT NULL CHECK (normalized ~ '^[A-Z0-9]+$'),
  PRIMARY KEY (case_id, normalized)
);
CREATE INDEX case_dockets_normalized_idx ON case_dockets (normalized);

-- DDAs assigned to a case besides its lead.
CREATE TABLE case_assignments (
  case_id  uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  user_id  uuid NOT NULL REFERENCES users(id),
  PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_assignments_user_idx ON case_assignments (user_id);

CREATE TABLE prosecutions (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id          uuid NOT NULL REFERENCES cases(id),
  person_id        uuid NOT NULL REFERENCES persons(id),
  stage            text NOT NULL DEFAULT 'Referred' CHECK (stage IN ('Referred','Declined','Charged','Arraigned',
                     'HeldToAnswer','Pretrial','Trial','Convicted','Acquitted','Dismissed','Sentenced')),
  custody          text NOT NULL DEFAULT 'out' CHECK (custody IN ('in','out')),
  warrant          text NOT NULL DEFAULT 'none' CHECK (warrant IN ('none','outstanding')),
  indicted         boolean NOT NULL DEFAULT false,
  time_waived      boolean NOT NULL DEFAULT false,
  trial_date       date,
  next_appearance  date,
  version          integer NOT NULL DEFAULT 1,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX prosecutions_case_idx ON prosecutions (case_id);
CREATE INDEX prosecutions_person_idx ON prosecutions (person_id);
CREATE INDEX prosecutions_stage_idx ON prosecutions (stage);

-- Counts, in the order they were filed (ordinal). sentence is opaque JSON text.
CREATE TABLE charges (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  prosecution_id    uuid NOT NULL REFERENCES prosecutions(id),
  ordinal           integer NOT NULL,
  statute           text NOT NULL,
  count             integer NOT NULL CHECK (count > 0),
  enhancements      text[] NOT NULL DEFAULT '{}',
  filed_on          date,
  offense_date      date,
  disposition       text NOT NULL DEFAULT 'pending'
                      CHECK (disposition IN ('pending','convicted','convicted_lesser','dismissed','acquitted')),
  disposition_date  date,
  sentence          text,
  created_at        timestamptz NOT NULL,
  UNIQUE (prosecution_id, ordinal)
);

-- The source of truth: every accepted lifecycle event, and every filing or correction of a
-- count (event 'add_charge' / 'update_charge', fields = the count after the change), in
-- order (seq from 1 per prosecution). Append-only.
CREATE TABLE prosecution_transitions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  prosecution_id  uuid NOT NULL REFERENCES prosecutions(id),
  seq             integer NOT NULL,
  event           text NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL,
  actor_id        uuid REFERENCES users(id),
  from_stage      text NOT NULL,
  to_stage        text NOT NULL,
  fields          json NOT NULL DEFAULT '{}',  -- json, not jsonb: kept verbatim, so a replay reads exactly what was written
  UNIQUE (prosecution_id, seq)
);

CREATE FUNCTION prosecution_transitions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prosecution_transitions is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER prosecution_transitions_no_update BEFORE UPDATE OR DELETE ON prosecution_transitions
  FOR EACH ROW EXECUTE FUNCTION prosecution_transitions_append_only();

-- The first response to a POST carrying an Idempotency-Key, per user and key. A repeat with
-- the same method, path and body hash gets this response back; another body gets 422.
CREATE TABLE idempotency_keys (
  user_id          uuid NOT NULL REFERENCES users(id),
  key              text NOT NULL,
  method           text NOT NULL,
  path             text NOT NULL,
  request_hash     text NOT NULL,
  response_status  integer NOT NULL,
  response_body    text NOT NULL,
  created_at       timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);
