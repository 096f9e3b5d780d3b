-- The leadership dashboard's aggregates (issue 9), kept in the database and up to date in the
-- same transaction as every change that moves them. Triggers on prosecutions, their transition
-- log, charges and cases recompute one row per prosecution (metric_prosecution_facts: its
-- stage and the dates and keys the dashboard needs, as engine/metrics.hpp's ProsecutionFacts
-- defines them); a trigger on that row moves its contribution from its old keys to its new ones
-- in small summary tables, one per way the dashboard groups, all keyed by the quarter of the
-- period date:
--   metric_counts[_dda|_category]       prosecutions by stage and how they concluded, Prop 35 counts
--   metric_pending_dda[_category]        pending prosecutions per lead DDA (caseload per DDA)
--   metric_days[_unit|_dda|_category]    histograms of whole days from charging to disposition,
--                                        from which percentiles are exact
-- The dashboard reads whole quarters from the summaries and only the rows of a partial quarter
-- at the edges of a requested period from the facts table. metric_rebuild() recomputes all of
-- it set-wise (the backfill below; also after a bulk load made with the triggers off).

-- The statute catalog's category and Prop 35 flag (engine/statutes.cpp, LEGAL.md's charge
-- catalog), so the triggers can key by category. tests/db/metrics_store_pgtest.cpp checks this
-- table against the engine's catalog; a change in the catalog is a new migration that updates
-- these rows and calls metric_rebuild().
CREATE TABLE metric_statutes (
  statute   text PRIMARY KEY,
  category  text NOT NULL,
  prop35    boolean NOT NULL
);
INSERT INTO metric_statutes (statute, category, prop35) VALUES
  ('PC 236.1(a)', 'labor trafficking', true),
  ('PC 236.1(b)', 'sex trafficking', true),
  ('PC 236.1(c)(1)', 'sex trafficking of a minor', true),
  ('PC 236.1(c)(2)', 'sex trafficking of a minor', true),
  ('PC 236.4(b)', 'enhancement', true),
  ('PC 236.4(c)', 'enhancement', true),
  ('PC 266h(a)', 'pimping/pandering', false),
  ('PC 266h(b)', 'pimping/pandering', false),
  ('PC 266i(a)', 'pimping/pandering', false),
  ('PC 266i(b)', 'pimping/pandering', false),
  ('PC 266j', 'child sexual abuse', false),
  ('PC 267', 'sex trafficking of a minor', false),
  ('PC 266', 'sex trafficking of a minor', false),
  ('PC 288(a)', 'child sexual abuse', false),
  ('PC 288(b)(1)', 'child sexual abuse', false),
  ('PC 311.4(b)', 'exploitation material', false),
  ('PC 311.11', 'exploitation material', false),
  ('PC 647(b)', 'commercial sex', false),
  ('PC 647(l)', 'commercial sex', false),
  ('PC 182(a)', 'conspiracy', false),
  ('PC 186.10', 'financial', false);

-- One row per prosecution. charged_on: the court-local date of the first file_complaint or
-- indict; concluded_on / concluded_by: the transition that brought the prosecution into its
-- current concluded stage (for Sentenced, the conviction), else null / 'none'; dda_id: the
-- case's lead DDA ('' when none); statute_category: the category of the first-filed count ('' when
-- none or not in the catalog); prop35: counts filed under a Prop 35 statute plus Prop 35
-- enhancements; period_on: the date a period filter looks at (charged_on, else the case's
-- referral date).
CREATE TABLE metric_prosecution_facts (
  prosecution_id    uuid PRIMARY KEY REFERENCES prosecutions(id),
  unit              text NOT NULL,
  dda_id            text NOT NULL,
  stage             text NOT NULL,
  charged_on        date,
  concluded_on      date,
  concluded_by      text NOT NULL CHECK (concluded_by IN ('none','plea','verdict','acquittal','dismissal')),
  statute_category  text NOT NULL,
  prop35            integer NOT NULL,
  period_on         date NOT NULL
);
CREATE INDEX metric_prosecution_facts_period_idx ON metric_prosecution_facts (period_on);

-- The summaries. quarter: the first day of the quarter of period_on; dated: charged_on is
-- known (the row belongs in year and quarter groups). Rows whose n falls to 0 stay (harmless).
CREATE TABLE metric_counts (
  quarter date NOT NULL, dated boolean NOT NULL, unit text NOT NULL, stage text NOT NULL, concluded_by text NOT NULL,
  n bigint NOT NULL, prop35 bigint NOT NULL,
  PRIMARY KEY (unit, quarter, dated, stage, concluded_by));
CREATE TABLE metric_counts_dda (
  quarter date NOT NULL, dated boolean NOT NULL, unit text NOT NULL, dda_id text NOT NULL, stage text NOT NULL,
  concluded_by text NOT NULL, n bigint NOT NULL, prop35 bigint NOT NULL,
  PRIMARY KEY (unit, quarter, dated, dda_id, stage, concluded_by));
CREATE TABLE metric_counts_category (
  quarter date NOT NULL, dated boolean NOT NULL, unit text NOT NULL, statute_category text NOT NULL,
  stage text NOT NULL, concluded_by text NOT NULL, n bigint NOT NULL, prop35 bigint NOT NULL,
  PRIMARY KEY (unit, quarter, dated, statute_category, stage, concluded_by));
-- Pending prosecutions only.
CREATE TABLE metric_pending_dda (
  quarter date NOT NULL, dated boolean NOT NULL, unit text NOT NULL, dda_id text NOT NULL, n bigint NOT NULL,
  PRIMARY KEY (unit, quarter, dated, dda_id));
CREATE TABLE metric_pending_dda_category (
  quarter date NOT NULL, dated boolean NOT NULL, unit text NOT NULL, statute_category text NOT NULL,
  dda_id text NOT NULL, n bigint NOT NULL,
  PRIMARY KEY (unit, quarter, dated, statute_category, dda_id));
-- Concluded prosecutions with both dates and a disposition not before the charging.
CREATE TABLE metric_days (
  quarter date NOT NULL, days integer NOT NULL, n bigint NOT NULL,
  PRIMARY KEY (quarter, days));
CREATE TABLE metric_days_unit (
  quarter date NOT NULL, unit text NOT NULL, days integer NOT NULL, n bigint NOT NULL,
  PRIMARY KEY (unit, quarter, days));
CREATE TABLE metric_days_dda (
  quarter date NOT NULL, unit text NOT NULL, dda_id text NOT NULL, days integer NOT NULL, n bigint NOT NULL,
  PRIMARY KEY (unit, quarter, dda_id, days));
CREATE TABLE metric_days_category (
  quarter date NOT NULL, unit text NOT NULL, statute_category text NOT NULL, days integer NOT NULL, n bigint NOT NULL,
  PRIMARY KEY (unit, quarter, statute_category, days));

CREATE VIEW metric_prosecution_facts_v AS
SELECT p.id AS prosecution_id,
       c.unit,
       COALESCE(c.lead_dda_id::text, '') AS dda_id,
       p.stage,
       ch.charged_on,
       cl.concluded_on,
       COALESCE(cl.concluded_by, 'none') AS concluded_by,
       COALESCE(lead.category, '') AS statute_category,
       COALESCE(p35.n, 0)::integer AS prop35,
       COALESCE(ch.charged_on, c.referral_date) AS period_on
FROM prosecutions p
JOIN cases c ON c.id = p.case_id
LEFT JOIN LATERAL (
  SELECT min((t.occurred_at AT TIME ZONE 'America/Los_Angeles')::date) AS charged_on
  FROM prosecution_transitions t
  WHERE t.prosecution_id = p.id AND t.event IN ('file_complaint', 'indict')
) ch ON true
LEFT JOIN LATERAL (
  SELECT (t.occurred_at AT TIME ZONE 'America/Los_Angeles')::date AS concluded_on,
         CASE WHEN t.to_stage = 'Convicted' THEN CASE WHEN t.event = 'plead_guilty' THEN 'plea' ELSE 'verdict' END
              WHEN t.to_stage = 'Acquitted' THEN 'acquittal'
              ELSE 'dismissal' END AS concluded_by
  FROM prosecution_transitions t
  WHERE p.stage IN ('Convicted', 'Sentenced', 'Acquitted', 'Dismissed')
    AND t.prosecution_id = p.id
    AND t.to_stage = CASE WHEN p.stage = 'Sentenced' THEN 'Convicted' ELSE p.stage END
    AND t.from_stage <> t.to_stage
  ORDER BY t.seq DESC
  LIMIT 1
) cl ON true
LEFT JOIN LATERAL (
  SELECT s.category FROM charges x LEFT JOIN metric_statutes s ON s.statute = x.statute
  WHERE x.prosecution_id = p.id ORDER BY x.ordinal LIMIT 1
) lead ON true
LEFT JOIN LATERAL (
  SELECT sum(CASE WHEN s.prop35 THEN x.count ELSE 0 END
             + (SELECT count(*) FROM unnest(x.enhancements) e JOIN metric_statutes s2 ON s2.statute = e
                WHERE s2.prop35)) AS n
  FROM charges x LEFT JOIN metric_statutes s ON s.statute = x.statute
  WHERE x.prosecution_id = p.id
) p35 ON true;

-- True while metric_rebuild() runs: the row triggers stand aside.
CREATE FUNCTION metric_rebuilding() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT COALESCE(current_setting('heatwatch.metrics_rebuild', true), '') = 'on'
$$;

CREATE FUNCTION metric_refresh_prosecution(pid uuid) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF metric_rebuilding() THEN RETURN; END IF;
  INSERT INTO metric_prosecution_facts AS f
    SELECT * FROM metric_prosecution_facts_v v WHERE v.prosecution_id = pid
  ON CONFLICT (prosecution_id) DO UPDATE SET
    unit = EXCLUDED.unit, dda_id = EXCLUDED.dda_id, stage = EXCLUDED.stage, charged_on = EXCLUDED.charged_on,
    concluded_on = EXCLUDED.concluded_on, concluded_by = EXCLUDED.concluded_by,
    statute_category = EXCLUDED.statute_category, prop35 = EXCLUDED.prop35, period_on = EXCLUDED.period_on
  WHERE (f.unit, f.dda_id, f.stage, f.charged_on, f.concluded_on, f.concluded_by, f.statute_category, f.prop35,
         f.period_on)
        IS DISTINCT FROM
        (EXCLUDED.unit, EXCLUDED.dda_id, EXCLUDED.stage, EXCLUDED.charged_on, EXCLUDED.concluded_on,
         EXCLUDED.concluded_by, EXCLUDED.statute_category, EXCLUDED.prop35, EXCLUDED.period_on);
END $$;

CREATE FUNCTION metric_has_days(f metric_prosecution_facts) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT f.stage IN ('Convicted', 'Sentenced', 'Acquitted', 'Dismissed') AND f.charged_on IS NOT NULL
         AND f.concluded_on IS NOT NULL AND f.concluded_on >= f.charged_on
$$;

CREATE FUNCTION metric_is_pending(f metric_prosecution_facts) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT f.stage IN ('Charged', 'Arraigned', 'HeldToAnswer', 'Pretrial', 'Trial')
$$;

-- The summary tables, in the order every transaction touches them.
CREATE FUNCTION metric_summaries() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['counts', 'counts_dda', 'counts_category', 'pending_dda', 'pending_dda_category', 'days', 'days_unit',
               'days_dda', 'days_category']
$$;

-- The row of summary table t a prosecution counts in, as text (a total order for locking), or
-- null when it counts in none of t.
CREATE FUNCTION metric_key(t text, f metric_prosecution_facts) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  q date := date_trunc('quarter', f.period_on)::date;
  d boolean := f.charged_on IS NOT NULL;
BEGIN
  IF t LIKE 'pending%' AND NOT metric_is_pending(f) THEN RETURN NULL; END IF;
  IF t LIKE 'days%' AND NOT metric_has_days(f) THEN RETURN NULL; END IF;
  RETURN CASE t
    WHEN 'counts' THEN ROW(f.unit, q, d, f.stage, f.concluded_by)::text
    WHEN 'counts_dda' THEN ROW(f.unit, q, d, f.dda_id, f.stage, f.concluded_by)::text
    WHEN 'counts_category' THEN ROW(f.unit, q, d, f.statute_category, f.stage, f.concluded_by)::text
    WHEN 'pending_dda' THEN ROW(f.unit, q, d, f.dda_id)::text
    WHEN 'pending_dda_category' THEN ROW(f.unit, q, d, f.statute_category, f.dda_id)::text
    WHEN 'days' THEN ROW(q, f.concluded_on - f.charged_on)::text
    WHEN 'days_unit' THEN ROW(f.unit, q, f.concluded_on - f.charged_on)::text
    WHEN 'days_dda' THEN ROW(f.unit, q, f.dda_id, f.concluded_on - f.charged_on)::text
    WHEN 'days_category' THEN ROW(f.unit, q, f.statute_category, f.concluded_on - f.charged_on)::text
  END;
END $$;

-- Adds d (1 or -1) of the prosecution f to its row of summary table t.
CREATE FUNCTION metric_add(t text, f metric_prosecution_facts, d integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_q date := date_trunc('quarter', f.period_on)::date;
  v_dated boolean := f.charged_on IS NOT NULL;
  v_days integer := f.concluded_on - f.charged_on;
  v_p bigint := d * f.prop35;
BEGIN
  IF t = 'counts' THEN
    INSERT INTO metric_counts AS s VALUES (v_q, v_dated, f.unit, f.stage, f.concluded_by, d, v_p)
    ON CONFLICT (unit, quarter, dated, stage, concluded_by) DO UPDATE SET n = s.n + EXCLUDED.n, prop35 = s.prop35 + EXCLUDED.prop35;
  ELSIF t = 'counts_dda' THEN
    INSERT INTO metric_counts_dda AS s VALUES (v_q, v_dated, f.unit, f.dda_id, f.stage, f.concluded_by, d, v_p)
    ON CONFLICT (unit, quarter, dated, dda_id, stage, concluded_by)
    DO UPDATE SET n = s.n + EXCLUDED.n, prop35 = s.prop35 + EXCLUDED.prop35;
  ELSIF t = 'counts_category' THEN
    INSERT INTO metric_counts_category AS s VALUES (v_q, v_dated, f.unit, f.statute_category, f.stage, f.concluded_by, d, v_p)
    ON CONFLICT (unit, quarter, dated, statute_category, stage, concluded_by)
    DO UPDATE SET n = s.n + EXCLUDED.n, prop35 = s.prop35 + EXCLUDED.prop35;
  ELSIF t = 'pending_dda' THEN
    INSERT INTO metric_pending_dda AS s VALUES (v_q, v_dated, f.unit, f.dda_id, d)
    ON CONFLICT (unit, quarter, dated, dda_id) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSIF t = 'pending_dda_category' THEN
    INSERT INTO metric_pending_dda_category AS s VALUES (v_q, v_dated, f.unit, f.statute_category, f.dda_id, d)
    ON CONFLICT (unit, quarter, dated, statute_category, dda_id) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSIF t = 'days' THEN
    INSERT INTO metric_days AS s VALUES (v_q, v_days, d)
    ON CONFLICT (quarter, days) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSIF t = 'days_unit' THEN
    INSERT INTO metric_days_unit AS s VALUES (v_q, f.unit, v_days, d)
    ON CONFLICT (unit, quarter, days) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSIF t = 'days_dda' THEN
    INSERT INTO metric_days_dda AS s VALUES (v_q, f.unit, f.dda_id, v_days, d)
    ON CONFLICT (unit, quarter, dda_id, days) DO UPDATE SET n = s.n + EXCLUDED.n;
  ELSIF t = 'days_category' THEN
    INSERT INTO metric_days_category AS s VALUES (v_q, f.unit, f.statute_category, v_days, d)
    ON CONFLICT (unit, quarter, statute_category, days) DO UPDATE SET n = s.n + EXCLUDED.n;
  END IF;
END $$;

-- Moves a prosecution's contribution from its old rows to its new ones. Tables are visited in
-- one order and, within a table, the two rows in key order, so two transactions moving
-- prosecutions in opposite directions (a mistrial beside a trial starting) cannot deadlock.
CREATE FUNCTION metric_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t text;
  ko text;
  kn text;
BEGIN
  IF metric_rebuilding() THEN RETURN NULL; END IF;
  FOREACH t IN ARRAY metric_summaries() LOOP
    ko := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN metric_key(t, OLD) END;
    kn := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN metric_key(t, NEW) END;
    IF ko IS NOT NULL AND kn IS NOT NULL AND ko = kn AND (t NOT LIKE 'counts%' OR OLD.prop35 = NEW.prop35) THEN
      CONTINUE;  -- the same row, unchanged
    END IF;
    IF ko IS NOT NULL AND (kn IS NULL OR ko <= kn) THEN
      PERFORM metric_add(t, OLD, -1);
      IF kn IS NOT NULL THEN PERFORM metric_add(t, NEW, 1); END IF;
    ELSIF kn IS NOT NULL THEN
      PERFORM metric_add(t, NEW, 1);
      IF ko IS NOT NULL THEN PERFORM metric_add(t, OLD, -1); END IF;
    END IF;
  END LOOP;
  RETURN NULL;
END $$;

CREATE TRIGGER metric_facts_changed AFTER INSERT OR UPDATE OR DELETE ON metric_prosecution_facts
  FOR EACH ROW EXECUTE FUNCTION metric_facts_changed();

CREATE FUNCTION metric_prosecution_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM metric_refresh_prosecution(NEW.id);
  RETURN NULL;
END $$;
CREATE TRIGGER metric_prosecution_touched AFTER INSERT OR UPDATE ON prosecutions
  FOR EACH ROW EXECUTE FUNCTION metric_prosecution_touched();

CREATE FUNCTION metric_prosecution_child_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM metric_refresh_prosecution(NEW.prosecution_id);
  RETURN NULL;
END $$;
CREATE TRIGGER metric_transition_appended AFTER INSERT ON prosecution_transitions
  FOR EACH ROW EXECUTE FUNCTION metric_prosecution_child_touched();
CREATE TRIGGER metric_charge_touched AFTER INSERT OR UPDATE ON charges
  FOR EACH ROW EXECUTE FUNCTION metric_prosecution_child_touched();

CREATE FUNCTION metric_case_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD.unit, OLD.lead_dda_id, OLD.referral_date) IS DISTINCT FROM (NEW.unit, NEW.lead_dda_id, NEW.referral_date) THEN
    PERFORM metric_refresh_prosecution(p.id) FROM prosecutions p WHERE p.case_id = NEW.id ORDER BY p.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER metric_case_touched AFTER UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION metric_case_touched();

-- Recomputes every aggregate from the base tables, set-wise, in the caller's transaction
-- (tables locked against concurrent writers meanwhile).
-- Recomputes every aggregate from the base tables, set-wise, in the caller's transaction
-- (tables locked against concurrent writers meanwhile).
CREATE FUNCTION metric_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE metric_prosecution_facts, metric_counts, metric_counts_dda, metric_counts_category, metric_pending_dda,
             metric_pending_dda_category, metric_days, metric_days_unit, metric_days_dda, metric_days_category
    IN EXCLUSIVE MODE;
  PERFORM set_config('heatwatch.metrics_rebuild', 'on', true);
  DELETE FROM metric_counts; DELETE FROM metric_counts_dda; DELETE FROM metric_counts_category;
  DELETE FROM metric_pending_dda; DELETE FROM metric_pending_dda_category;
  DELETE FROM metric_days; DELETE FROM metric_days_unit; DELETE FROM metric_days_dda; DELETE FROM metric_days_category;
  DELETE FROM metric_prosecution_facts;
  INSERT INTO metric_prosecution_facts SELECT * FROM metric_prosecution_facts_v;
  CREATE TEMP TABLE metric_rebuild_rows ON COMMIT DROP AS
    SELECT date_trunc('quarter', f.period_on)::date AS quarter, f.charged_on IS NOT NULL AS dated, f.unit, f.dda_id,
           f.statute_category, f.stage, f.concluded_by, f.prop35, metric_is_pending(f) AS pending,
           CASE WHEN metric_has_days(f) THEN f.concluded_on - f.charged_on END AS days
    FROM metric_prosecution_facts f;
  INSERT INTO metric_counts SELECT quarter, dated, unit, stage, concluded_by, count(*), sum(prop35)
    FROM metric_rebuild_rows GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO metric_counts_dda SELECT quarter, dated, unit, dda_id, stage, concluded_by, count(*), sum(prop35)
    FROM metric_rebuild_rows GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO metric_counts_category SELECT quarter, dated, unit, statute_category, stage, concluded_by, count(*), sum(prop35)
    FROM metric_rebuild_rows GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO metric_pending_dda SELECT quarter, dated, unit, dda_id, count(*)
    FROM metric_rebuild_rows WHERE pending GROUP BY 1, 2, 3, 4;
  INSERT INTO metric_pending_dda_category SELECT quarter, dated, unit, statute_category, dda_id, count(*)
    FROM metric_rebuild_rows WHERE pending GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO metric_days SELECT quarter, days, count(*) FROM metric_rebuild_rows WHERE days IS NOT NULL GROUP BY 1, 2;
  INSERT INTO metric_days_unit SELECT quarter, unit, days, count(*)
    FROM metric_rebuild_rows WHERE days IS NOT NULL GROUP BY 1, 2, 3;
  INSERT INTO metric_days_dda SELECT quarter, unit, dda_id, days, count(*)
    FROM metric_rebuild_rows WHERE days IS NOT NULL GROUP BY 1, 2, 3, 4;
  INSERT INTO metric_days_category SELECT quarter, unit, statute_category, days, count(*)
    FROM metric_rebuild_rows WHERE days IS NOT NULL GROUP BY 1, 2, 3, 4;
  DROP TABLE metric_rebuild_rows;
  PERFORM set_config('heatwatch.metrics_rebuild', 'off', true);
END $$;

-- Backfill: rows that exist before this migration are counted.
SELECT metric_rebuild();
