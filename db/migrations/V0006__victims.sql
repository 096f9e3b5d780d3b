-- Victims, their links to prosecutions, service plans, Marsy's-law rights entries, partner
-- agencies, Safety Net (MDT) meetings and reviews, and criminal protective orders (issue 6).
-- A victim's legal name, date of birth, contact and safety notes are stored only as sealed
-- text ("v1:<key id>:<base64>", AES-256-GCM, sealed by the application); the key never
-- reaches the database.

-- The last pseudonym number handed out per (unit, prefix): "Jane Doe 7" is number 7 of
-- prefix "Jane Doe" in its unit. Incremented with an upsert, which row-locks the counter
-- until the creating transaction ends, so two creations never take one number.
CREATE TABLE victim_pseudonym_counters (
  unit         text NOT NULL,
  prefix       text NOT NULL,
  last_number  integer NOT NULL,
  PRIMARY KEY (unit, prefix)
);

CREATE TABLE victims (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit                 text NOT NULL,
  pseudonym            text NOT NULL,
  legal_name_sealed    text NOT NULL CHECK (legal_name_sealed LIKE 'v1:%'),
  dob_sealed           text CHECK (dob_sealed LIKE 'v1:%'),
  contact_sealed       text CHECK (contact_sealed LIKE 'v1:%'),
  safety_notes_sealed  text CHECK (safety_notes_sealed LIKE 'v1:%'),
  gender               text NOT NULL DEFAULT 'unknown' CHECK (gender IN ('female','male','nonbinary','unknown')),
  race_ethnicity       text,
  residence_city       text,
  residence_county     text,
  residence_state      text,
  advocate_id          uuid REFERENCES users(id),
  version              integer NOT NULL DEFAULT 1,
  created_by           uuid REFERENCES users(id),
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  UNIQUE (unit, pseudonym)
);
CREATE INDEX victims_advocate_idx ON victims (advocate_id);

CREATE TABLE victim_links (
  victim_id       uuid NOT NULL REFERENCES victims(id),
  prosecution_id  uuid NOT NULL REFERENCES prosecutions(id),
  role            text NOT NULL CHECK (role IN ('named_victim','witness')),
  created_by      uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (victim_id, prosecution_id)
);
CREATE INDEX victim_links_prosecution_idx ON victim_links (prosecution_id);

CREATE TABLE service_plan_items (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  victim_id   uuid NOT NULL REFERENCES victims(id),
  domain      text NOT NULL CHECK (domain IN ('safety_housing','medical','mental_health','substance_use',
                'education','employment','legal_immigration','family')),
  provider    text NOT NULL,
  goal        text NOT NULL,
  status      text NOT NULL CHECK (status IN ('referred','engaged','completed','declined')),
  review_on   date,
  version     integer NOT NULL DEFAULT 1,
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX service_plan_items_victim_idx ON service_plan_items (victim_id, created_at);

-- Marsy's Law (Cal. Const. art. I §28(b)): append-only entries per (prosecution, victim).
CREATE TABLE victim_rights (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  prosecution_id  uuid NOT NULL REFERENCES prosecutions(id),
  victim_id       uuid NOT NULL REFERENCES victims(id),
  kind            text NOT NULL CHECK (kind IN ('notice_requested','notice_sent','conferred','waived')),
  at              timestamptz NOT NULL,
  notes           text,
  reason          text,
  recorded_by     uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL,
  CHECK (kind <> 'waived' OR reason IS NOT NULL)
);
CREATE INDEX victim_rights_prosecution_idx ON victim_rights (prosecution_id, victim_id);

CREATE TABLE agencies (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL,
  mou_scope   text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL
);
CREATE UNIQUE INDEX agencies_name_key ON agencies (lower(name));

CREATE TABLE mdt_meetings (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  unit        text NOT NULL,
  date        date NOT NULL,
  created_by  uuid REFERENCES users(id),
  created_at  timestamptz NOT NULL,
  UNIQUE (unit, date)
);

CREATE TABLE mdt_meeting_agencies (
  meeting_id  uuid NOT NULL REFERENCES mdt_meetings(id) ON DELETE CASCADE,
  agency_id   uuid NOT NULL REFERENCES agencies(id),
  PRIMARY KEY (meeting_id, agency_id)
);

CREATE TABLE mdt_reviews (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  victim_id           uuid NOT NULL REFERENCES victims(id),
  meeting_date        date NOT NULL,
  agencies_present    text NOT NULL DEFAULT '[]',
  whereabouts_known   boolean NOT NULL,
  safe_and_stable     boolean NOT NULL,
  receiving_services  boolean NOT NULL,
  point_of_contact    text NOT NULL,
  risk_level          text NOT NULL CHECK (risk_level IN ('low','medium','high')),
  next_steps          text NOT NULL DEFAULT '[]',
  next_review_on      date,
  created_by          uuid REFERENCES users(id),
  created_at          timestamptz NOT NULL
);
CREATE INDEX mdt_reviews_victim_idx ON mdt_reviews (victim_id, meeting_date);
CREATE INDEX mdt_reviews_date_idx ON mdt_reviews (meeting_date);
CREATE INDEX mdt_reviews_next_idx ON mdt_reviews (next_review_on);

-- Criminal protective orders (PC 136.2).
CREATE TABLE protective_orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  prosecution_id  uuid NOT NULL REFERENCES prosecutions(id),
  issued_on       date NOT NULL,
  expires_on      date NOT NULL CHECK (expires_on >= issued_on),
  terms           text NOT NULL,
  created_by      uuid REFERENCES users(id),
  created_at      timestamptz NOT NULL
);
CREATE INDEX protective_orders_expiry_idx ON protective_orders (expires_on);

CREATE TABLE protective_order_victims (
  order_id   uuid NOT NULL REFERENCES protective_orders(id) ON DELETE CASCADE,
  victim_id  uuid NOT NULL REFERENCES victims(id),
  PRIMARY KEY (order_id, victim_id)
);
