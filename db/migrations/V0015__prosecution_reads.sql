-- GET /prosecutions/{id} is the hottest read: DDAs and advocates open a prosecution many times
-- for every change made to it. Read from the base tables it touches five tables and six
-- indexes (prosecution, person, case, assignments, charges) — several times the database work
-- of a one-row lookup (issue 10's `reads` scenario). This read model keeps, for each
-- prosecution, the whole record as one JSON text, written by triggers in the same transaction
-- as every change to what it shows, so a read is one index lookup of one row.
--
--   prosecution_read_record(id)   the record computed from the base tables (the definition)
--   prosecution_reads             the record as stored, one row per prosecution
--   prosecution_read_refresh(id)  recomputes one row (called by the triggers)
--   prosecution_reads_rebuild()   recomputes every row (bulk loads, after restores)
--   prosecution_reads_drift()     how many rows differ from their definition (tests, checks)
--
-- Concurrency: a refresh first locks the prosecution's row (FOR NO KEY UPDATE: it does not
-- block foreign-key checks). Two transactions changing the same prosecution therefore refresh
-- one after the other, and under READ COMMITTED the second one's computing statement takes a
-- new snapshot after the wait, so it sees the first one's committed change as well as its own.
-- The last writer always writes a record that includes everything committed before it.

CREATE TABLE prosecution_reads (
  prosecution_id  uuid PRIMARY KEY REFERENCES prosecutions(id) ON DELETE CASCADE,
  record          text NOT NULL);

-- Field names are those of engine/cases.hpp's ProsecutionRecord (read by db/case_store.cpp).
-- Assigned DDAs sorted by id, charges by ordinal (the order they were filed).
CREATE FUNCTION prosecution_read_record(pid uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'id', p.id, 'case_id', p.case_id,
    'person', json_build_object('id', pe.id, 'name', pe.name, 'dob', pe.dob, 'aliases', pe.aliases),
    'stage', p.stage, 'custody', p.custody, 'warrant', p.warrant, 'indicted', p.indicted,
    'time_waived', p.time_waived, 'trial_date', p.trial_date, 'next_appearance', p.next_appearance,
    'version', p.version, 'unit', c.unit, 'lead_dda_id', c.lead_dda_id,
    'assigned_dda_ids', ARRAY(SELECT a.user_id FROM case_assignments a WHERE a.case_id = c.id ORDER BY a.user_id),
    'charges', ARRAY(SELECT json_build_object(
                       'id', ch.id, 'ordinal', ch.ordinal, 'statute', ch.statute, 'count', ch.count,
                       'enhancements', ch.enhancements, 'filed_on', ch.filed_on, 'offense_date', ch.offense_date,
                       'disposition', ch.disposition, 'disposition_date', ch.disposition_date,
                       'sentence', ch.sentence)
                     FROM charges ch WHERE ch.prosecution_id = p.id ORDER BY ch.ordinal))::text
  FROM prosecutions p JOIN persons pe ON pe.id = p.person_id JOIN cases c ON c.id = p.case_id
  WHERE p.id = pid
$$;

CREATE FUNCTION prosecution_read_refresh(pid uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- A bulk load (tools/gen-data) rebuilds set-wise at its end instead (as for the metrics).
  IF COALESCE(current_setting('heatwatch.metrics_rebuild', true), '') = 'on' THEN RETURN; END IF;
  PERFORM 1 FROM prosecutions WHERE id = pid FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    RETURN;  -- deleted: its row went with it (ON DELETE CASCADE)
  END IF;
  INSERT INTO prosecution_reads (prosecution_id, record) VALUES (pid, prosecution_read_record(pid))
    ON CONFLICT (prosecution_id) DO UPDATE SET record = EXCLUDED.record;
END $$;

CREATE FUNCTION prosecution_reads_rebuild() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  n bigint;
BEGIN
  LOCK TABLE prosecution_reads IN EXCLUSIVE MODE;
  DELETE FROM prosecution_reads;
  INSERT INTO prosecution_reads (prosecution_id, record)
    SELECT p.id, prosecution_read_record(p.id) FROM prosecutions p;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;

CREATE FUNCTION prosecution_reads_drift() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM prosecutions p LEFT JOIN prosecution_reads r ON r.prosecution_id = p.id
  WHERE r.record IS DISTINCT FROM prosecution_read_record(p.id)
$$;

-- The triggers: every table the record shows.
CREATE FUNCTION prosecution_reads_refresh_where(column_name text, value uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  pid uuid;
BEGIN
  -- In id order, so that two such refreshes cannot deadlock on each other's rows.
  FOR pid IN EXECUTE format('SELECT id FROM prosecutions WHERE %I = $1 ORDER BY id', column_name) USING value LOOP
    PERFORM prosecution_read_refresh(pid);
  END LOOP;
END $$;

CREATE FUNCTION prosecution_reads_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'prosecutions' THEN
    PERFORM prosecution_read_refresh(NEW.id);
  ELSIF TG_TABLE_NAME = 'charges' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      PERFORM prosecution_read_refresh(OLD.prosecution_id);
    END IF;
    IF TG_OP = 'INSERT' THEN
      PERFORM prosecution_read_refresh(NEW.prosecution_id);
    ELSIF TG_OP = 'UPDATE' THEN
      IF NEW.prosecution_id <> OLD.prosecution_id THEN PERFORM prosecution_read_refresh(NEW.prosecution_id); END IF;
    END IF;
  ELSIF TG_TABLE_NAME = 'persons' THEN
    PERFORM prosecution_reads_refresh_where('person_id', NEW.id);
  ELSIF TG_TABLE_NAME = 'cases' THEN
    PERFORM prosecution_reads_refresh_where('case_id', NEW.id);
  ELSIF TG_TABLE_NAME = 'case_assignments' THEN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
      PERFORM prosecution_reads_refresh_where('case_id', OLD.case_id);
    END IF;
    IF TG_OP = 'INSERT' THEN
      PERFORM prosecution_reads_refresh_where('case_id', NEW.case_id);
    ELSIF TG_OP = 'UPDATE' THEN
      IF NEW.case_id <> OLD.case_id THEN PERFORM prosecution_reads_refresh_where('case_id', NEW.case_id); END IF;
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER prosecution_reads_prosecution AFTER INSERT OR UPDATE ON prosecutions
  FOR EACH ROW EXECUTE FUNCTION prosecution_reads_touched();
CREATE TRIGGER prosecution_reads_charge AFTER INSERT OR UPDATE OR DELETE ON charges
  FOR EACH ROW EXECUTE FUNCTION prosecution_reads_touched();
CREATE TRIGGER prosecution_reads_person AFTER UPDATE ON persons
  FOR EACH ROW EXECUTE FUNCTION prosecution_reads_touched();
-- Of a case the record shows only its unit and lead DDA.
CREATE TRIGGER prosecution_reads_case AFTER UPDATE ON cases
  FOR EACH ROW WHEN (OLD.unit IS DISTINCT FROM NEW.unit OR OLD.lead_dda_id IS DISTINCT FROM NEW.lead_dda_id)
  EXECUTE FUNCTION prosecution_reads_touched();
CREATE TRIGGER prosecution_reads_assignment AFTER INSERT OR UPDATE OR DELETE ON case_assignments
  FOR EACH ROW EXECUTE FUNCTION prosecution_reads_touched();

SELECT prosecution_reads_rebuild();
