-- Users, sessions and the hash-chained, append-only audit log (issue 3).

CREATE TABLE users (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username         text NOT NULL,
  display_name     text NOT NULL,
  role             text NOT NULL CHECK (role IN ('dda','advocate','supervisor','leadership','mdt_partner','admin')),
  unit             text NOT NULL DEFAULT '',
  agency_id        text NOT NULL DEFAULT '',
  active           boolean NOT NULL DEFAULT true,
  password_hash    text NOT NULL,
  totp_secret      text,
  totp_last_step   bigint,
  failed_logins    integer NOT NULL DEFAULT 0,
  first_failed_at  timestamptz,
  locked_at        timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));

-- Only the SHA-256 of a session token is stored: a database leak yields no usable token.
CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES users(id),
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  remote_address text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Each entry stores prev_hash (the previous entry's hash) and hash = SHA-256 over prev_hash
-- and its own canonical content (see db/audit_log.cpp), so editing or deleting any entry
-- breaks the chain. Entries are appended under a transaction-level advisory lock, in the
-- same transaction as the change they record.
CREATE TABLE audit_log (
  seq             bigserial PRIMARY KEY,
  at              timestamptz NOT NULL,
  at_text         text NOT NULL,      -- the exact UTC text hashed (microseconds)
  actor_id        text NOT NULL DEFAULT '',
  actor_username  text NOT NULL DEFAULT '',
  action          text NOT NULL,
  entity          text NOT NULL DEFAULT '',
  entity_id       text NOT NULL DEFAULT '',
  outcome         text NOT NULL CHECK (outcome IN ('success','denied','failed')),
  remote_address  text NOT NULL DEFAULT '',
  details         text NOT NULL DEFAULT '{}',
  prev_hash       text NOT NULL,
  hash            text NOT NULL
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
