-- Calendar subscriptions (the exported .ics URLs) and the polling state of court feeds
-- (issue 7).

-- A user's revocable calendar URL. The URL carries a random 256-bit token; only its SHA-256
-- (hex) is stored, so reading this table gives no one a working URL.
CREATE TABLE calendar_subscriptions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id       uuid NOT NULL REFERENCES users(id),
  token_sha256  text NOT NULL CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  created_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE UNIQUE INDEX calendar_subscriptions_token_key ON calendar_subscriptions (token_sha256);
CREATE INDEX calendar_subscriptions_user_idx ON calendar_subscriptions (user_id);

-- Polling a feed's https:// URL. A feed with a URL is due when next_poll_at is NULL or
-- past. A process claims due feeds with FOR UPDATE SKIP LOCKED and marks them claimed until
-- poll_claimed_until (a lease longer than a fetch may take), so one process polls each feed;
-- a process that dies mid-poll leaves a lease that simply runs out.
-- etag / last_modified: the validators of the last 200, sent back as If-None-Match /
-- If-Modified-Since. last_status: 'ok' (imported), 'not_modified' (304), 'failed'.
-- consecutive_failures drives the backoff (poll_interval_seconds * 2^failures, at most a day).
ALTER TABLE feeds
  ADD COLUMN poll_interval_seconds integer NOT NULL DEFAULT 3600 CHECK (poll_interval_seconds BETWEEN 60 AND 604800),
  ADD COLUMN next_poll_at timestamptz,
  ADD COLUMN poll_claimed_until timestamptz,
  ADD COLUMN etag text,
  ADD COLUMN last_modified text,
  ADD COLUMN last_polled_at timestamptz,
  ADD COLUMN last_status text CHECK (last_status IN ('ok','not_modified','failed')),
  ADD COLUMN last_error text,
  ADD COLUMN consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  ADD COLUMN last_import_id uuid REFERENCES feed_imports(id);
CREATE INDEX feeds_next_poll_idx ON feeds (next_poll_at) WHERE url IS NOT NULL;
