-- Caseload per DDA needs the number of distinct lead DDAs with a pending prosecution, per
-- quarter and over a whole period. A distinct count does not add up across rows, so V0008
-- counted it at read time over metric_pending_dda (a row per unit, quarter and DDA): over a
-- million prosecutions that is ~100,000 rows and most of the dashboard's time (issue 10's
-- `dashboard` scenario). This migration keeps, in the same writing transactions, for all units
-- together:
--   metric_pending_dda_all       pending prosecutions per DDA and quarter, dated or not
--   metric_pending_ddas          per quarter, how many DDAs have a dated pending prosecution
--                                (the per-quarter groups)
--   metric_pending_dda_quarters  per DDA, the quarters where it has a pending prosecution, as a
--                                multirange (a period's distinct DDAs = the DDAs whose quarters
--                                overlap it: thousands of rows, not a hundred thousand)
-- A row counts a DDA while its count is above zero; only crossings of zero move the other two.
-- Unit-filtered queries still read metric_pending_dda by its (unit, ...) key.

CREATE TABLE metric_pending_dda_all (
  dda_id   text NOT NULL,
  quarter  date NOT NULL,
  dated    bigint NOT NULL,
  undated  bigint NOT NULL,
  PRIMARY KEY (dda_id, quarter));
CREATE TABLE metric_pending_ddas (
  quarter  date PRIMARY KEY,
  ddas     bigint NOT NULL);
CREATE TABLE metric_pending_dda_quarters (
  dda_id    text PRIMARY KEY,
  quarters  datemultirange NOT NULL);

CREATE FUNCTION metric_quarter_range(q date) RETURNS datemultirange LANGUAGE sql IMMUTABLE AS $$
  SELECT datemultirange(daterange(q, (q + interval '3 months')::date))
$$;

-- A prosecution counts for its lead DDA's presence while pending and led by someone.
CREATE FUNCTION metric_presence_counts(f metric_prosecution_facts) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(f.prosecution_id IS NOT NULL AND metric_is_pending(f) AND f.dda_id <> '', false)
$$;

-- Adds d (1 or -1) of prosecution f to its DDA and quarter; returns the crossings as
-- (dated crossing: 1 / -1 / 0, any crossing: 1 / -1 / 0).
CREATE FUNCTION metric_presence_add(f metric_prosecution_facts, d integer, OUT dated_cross integer,
                                    OUT any_cross integer) LANGUAGE plpgsql AS $$
DECLARE
  q date := date_trunc('quarter', f.period_on)::date;
  dd bigint := CASE WHEN f.charged_on IS NOT NULL THEN d ELSE 0 END;
  a metric_pending_dda_all;
BEGIN
  INSERT INTO metric_pending_dda_all AS s VALUES (f.dda_id, q, dd, d - dd)
  ON CONFLICT (dda_id, quarter) DO UPDATE SET dated = s.dated + EXCLUDED.dated, undated = s.undated + EXCLUDED.undated
  RETURNING s.* INTO a;
  dated_cross := CASE WHEN (a.dated > 0) = (a.dated - dd > 0) THEN 0 WHEN a.dated > 0 THEN 1 ELSE -1 END;
  any_cross := CASE WHEN (a.dated + a.undated > 0) = (a.dated + a.undated - d > 0) THEN 0
                    WHEN a.dated + a.undated > 0 THEN 1 ELSE -1 END;
END $$;

CREATE FUNCTION metric_presence_count_quarter(q date, d integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_pending_ddas AS s VALUES (q, d) ON CONFLICT (quarter) DO UPDATE SET ddas = s.ddas + EXCLUDED.ddas
$$;

CREATE FUNCTION metric_presence_mark(dda text, q date, d integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF d > 0 THEN
    INSERT INTO metric_pending_dda_quarters AS s VALUES (dda, metric_quarter_range(q))
    ON CONFLICT (dda_id) DO UPDATE SET quarters = s.quarters + EXCLUDED.quarters;
  ELSIF d < 0 THEN
    UPDATE metric_pending_dda_quarters SET quarters = quarters - metric_quarter_range(q) WHERE dda_id = dda;
  END IF;
END $$;

-- Moves a prosecution's presence from its old DDA and quarter to its new ones. Like
-- metric_facts_changed (which fires first: triggers fire in name order), each table is visited
-- in turn and, within it, the two rows in key order, so two transactions cannot deadlock here.
CREATE FUNCTION metric_presence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o metric_prosecution_facts := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN OLD END;
  n metric_prosecution_facts := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN NEW END;
  has_o boolean := metric_presence_counts(o);
  has_n boolean := metric_presence_counts(n);
  qo date := date_trunc('quarter', o.period_on)::date;
  qn date := date_trunc('quarter', n.period_on)::date;
  o_dated integer := 0;  -- the crossings of zero caused by removing o and adding n
  o_any integer := 0;
  n_dated integer := 0;
  n_any integer := 0;
BEGIN
  IF metric_rebuilding() OR (NOT has_o AND NOT has_n) THEN RETURN NULL; END IF;
  IF has_o AND has_n AND o.dda_id = n.dda_id AND qo = qn AND (o.charged_on IS NULL) = (n.charged_on IS NULL) THEN
    RETURN NULL;  -- the same row, unchanged
  END IF;
  -- metric_pending_dda_all, keyed (dda_id, quarter)
  IF has_o AND (NOT has_n OR (o.dda_id, qo) <= (n.dda_id, qn)) THEN
    SELECT * INTO o_dated, o_any FROM metric_presence_add(o, -1);
    IF has_n THEN SELECT * INTO n_dated, n_any FROM metric_presence_add(n, 1); END IF;
  ELSE
    SELECT * INTO n_dated, n_any FROM metric_presence_add(n, 1);
    IF has_o THEN SELECT * INTO o_dated, o_any FROM metric_presence_add(o, -1); END IF;
  END IF;
  -- metric_pending_ddas, keyed by quarter (a move within one quarter may cancel out)
  IF has_o AND has_n AND qo = qn THEN
    IF o_dated + n_dated <> 0 THEN PERFORM metric_presence_count_quarter(qo, o_dated + n_dated); END IF;
  ELSIF has_o AND (NOT has_n OR qo < qn) THEN
    IF o_dated <> 0 THEN PERFORM metric_presence_count_quarter(qo, o_dated); END IF;
    IF n_dated <> 0 THEN PERFORM metric_presence_count_quarter(qn, n_dated); END IF;
  ELSE
    IF n_dated <> 0 THEN PERFORM metric_presence_count_quarter(qn, n_dated); END IF;
    IF o_dated <> 0 THEN PERFORM metric_presence_count_quarter(qo, o_dated); END IF;
  END IF;
  -- metric_pending_dda_quarters, keyed by dda_id (for one DDA, the old quarter is taken out
  -- before the new one goes in, so a move within one quarter leaves it in)
  IF has_o AND (NOT has_n OR o.dda_id <= n.dda_id) THEN
    IF o_any <> 0 THEN PERFORM metric_presence_mark(o.dda_id, qo, o_any); END IF;
    IF n_any <> 0 THEN PERFORM metric_presence_mark(n.dda_id, qn, n_any); END IF;
  ELSE
    IF n_any <> 0 THEN PERFORM metric_presence_mark(n.dda_id, qn, n_any); END IF;
    IF o_any <> 0 THEN PERFORM metric_presence_mark(o.dda_id, qo, o_any); END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER metric_presence_changed AFTER INSERT OR UPDATE OR DELETE ON metric_prosecution_facts
  FOR EACH ROW EXECUTE FUNCTION metric_presence_changed();

-- The three tables recomputed from metric_pending_dda (kept by V0008's triggers and rebuild).
CREATE FUNCTION metric_rebuild_presence() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE metric_pending_dda, metric_pending_dda_all, metric_pending_ddas, metric_pending_dda_quarters
    IN EXCLUSIVE MODE;
  DELETE FROM metric_pending_dda_all; DELETE FROM metric_pending_ddas; DELETE FROM metric_pending_dda_quarters;
  INSERT INTO metric_pending_dda_all
    SELECT dda_id, quarter, COALESCE(sum(n) FILTER (WHERE dated), 0), COALESCE(sum(n) FILTER (WHERE NOT dated), 0)
    FROM metric_pending_dda WHERE dda_id <> '' GROUP BY 1, 2 HAVING sum(n) > 0;
  INSERT INTO metric_pending_ddas SELECT quarter, count(*) FROM metric_pending_dda_all WHERE dated > 0 GROUP BY 1;
  INSERT INTO metric_pending_dda_quarters
    SELECT dda_id, range_agg(daterange(quarter, (quarter + interval '3 months')::date)) FROM metric_pending_dda_all
    GROUP BY 1;
END $$;

-- metric_rebuild() is V0008's, then the presence tables.
ALTER FUNCTION metric_rebuild() RENAME TO metric_rebuild_v0008;
CREATE FUNCTION metric_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE metric_prosecution_facts, metric_pending_dda, metric_pending_dda_all, metric_pending_ddas,
             metric_pending_dda_quarters IN EXCLUSIVE MODE;
  PERFORM metric_rebuild_v0008();
  PERFORM metric_rebuild_presence();
END $$;

-- Backfill: V0008's tables are current, so only the new ones are computed.
SELECT metric_rebuild_presence();
