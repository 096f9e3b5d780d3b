-- A server keeps authenticated sessions in memory for a few seconds (engine/session_cache.hpp),
-- so every change that could end or narrow a session must reach every server process at once.
-- These triggers announce each one on channel heatwatch_sessions; PostgreSQL delivers a NOTIFY
-- when the changing transaction commits (and never if it rolls back), whoever made it: a
-- server, `heatwatch user ...`, or a DBA with psql. Payloads: 's:<token hash>' for a session,
-- 'u:<user id>' for a user (every session of that user), '*' for a TRUNCATE (everything).

CREATE FUNCTION notify_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('heatwatch_sessions', 's:' || OLD.token_hash);
  RETURN NULL;
END $$;

CREATE FUNCTION notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('heatwatch_sessions', 'u:' || OLD.id::text);
  RETURN NULL;
END $$;

CREATE FUNCTION notify_all_sessions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('heatwatch_sessions', '*');
  RETURN NULL;
END $$;

CREATE TRIGGER sessions_notify_change AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER users_notify_change AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION notify_user_change();
CREATE TRIGGER sessions_notify_truncate AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION notify_all_sessions_changed();
CREATE TRIGGER users_notify_truncate AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION notify_all_sessions_changed();
