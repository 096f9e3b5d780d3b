-- The leadership dashboard's aggregates (issue 9), kept in the database and up to date in the
-- same transaction as every change that moves them. Triggers on prosecutions, their transition
-- log, charges and cases recompute one row per prosecution (metric_prosecution_facts: its
-- stage and the dates and keys the dashboard needs, as engine/metrics.hpp's ProsecutionFacts
-- defines them); a trigger on that row adds its old and new contributions to two small
-- summary tables keyed by quarter, unit, lead DDA and statute category:
--   metric_prosecution_counts  prosecutions by stage and how they concluded (plus Prop 35 counts)
--   metric_disposition_days    a histogram of whole days from charging to disposition, from
--                              which percentiles are exact
-- The dashboard reads whole quarters from the summaries and only the rows of a partial quarter
-- at the edges of a requested period from the facts table. metric_rebuild() recomputes all of
-- it set-wise (the backfill below; also for a bulk load made with the triggers off).

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

CREATE TABLE metric_prosecution_counts (
  quarter           date NOT NULL,     -- first day of the quarter of period_on
  dated             boolean NOT NULL,  -- charged_on is known (the row belongs in year/quarter groups)
  unit              text NOT NULL,
  dda_id            text NOT NULL,
  statute_category  text NOT NULL,
  stage             text NOT NULL,
  concluded_by      text NOT NULL,
  n                 bigint NOT NULL,
  prop35            bigint NOT NULL,
  PRIMARY KEY (quarter, dated, unit, dda_id, statute_category, stage, concluded_by)
);

-- Concluded prosecutions with both dates and a disposition not before the charging.
CREATE TABLE metric_disposition_days (
  quarter           date NOT NULL,
  unit              text NOT NULL,
  dda_id            text NOT NULL,
  statute_category  text NOT NULL,
  days              integer NOT NULL,
  n                 bigint NOT NULL,
  PRIMARY KEY (quarter, unit, dda_id, statute_category, days)
);

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

CREATE FUNCTION metric_add_counts(f metric_prosecution_facts, d integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_prosecution_counts AS s
    VALUES (date_trunc('quarter', f.period_on)::date, f.charged_on IS NOT NULL, f.unit, f.dda_id,
            f.statute_category, f.stage, f.concluded_by, d, d * f.prop35)
  ON CONFLICT (quarter, dated, unit, dda_id, statute_category, stage, concluded_by)
  DO UPDATE SET n = s.n + EXCLUDED.n, prop35 = s.prop35 + EXCLUDED.prop35
$$;

CREATE FUNCTION metric_has_days(f metric_prosecution_facts) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT f.stage IN ('Convicted', 'Sentenced', 'Acquitted', 'Dismissed') AND f.charged_on IS NOT NULL
         AND f.concluded_on IS NOT NULL AND f.concluded_on >= f.charged_on
$$;

CREATE FUNCTION metric_add_days(f metric_prosecution_facts, d integer) RETURNS void LANGUAGE sql AS $$
  INSERT INTO metric_disposition_days AS s
    SELECT date_trunc('quarter', f.period_on)::date, f.unit, f.dda_id, f.statute_category,
           f.concluded_on - f.charged_on, d
    WHERE metric_has_days(f)
  ON CONFLICT (quarter, unit, dda_id, statute_category, days) DO UPDATE SET n = s.n + EXCLUDED.n
$$;

-- Moves a prosecution's contribution from its old key to its new one. The two summary rows
-- are touched in key order, so two transactions moving prosecutions in opposite directions
-- (a mistrial beside a trial starting) cannot deadlock on them.
CREATE FUNCTION metric_facts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  o_first boolean;
BEGIN
  IF metric_rebuilding() THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM metric_add_counts(NEW, 1);
    PERFORM metric_add_days(NEW, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM metric_add_counts(OLD, -1);
    PERFORM metric_add_days(OLD, -1);
  ELSE
    o_first := (date_trunc('quarter', OLD.period_on)::date, OLD.charged_on IS NOT NULL, OLD.unit, OLD.dda_id,
                OLD.statute_category, OLD.stage, OLD.concluded_by)
             <= (date_trunc('quarter', NEW.period_on)::date, NEW.charged_on IS NOT NULL, NEW.unit, NEW.dda_id,
                 NEW.statute_category, NEW.stage, NEW.concluded_by);
    IF o_first THEN
      PERFORM metric_add_counts(OLD, -1);
      PERFORM metric_add_counts(NEW, 1);
    ELSE
      PERFORM metric_add_counts(NEW, 1);
      PERFORM metric_add_counts(OLD, -1);
    END IF;
    o_first := (date_trunc('quarter', OLD.period_on)::date, OLD.unit, OLD.dda_id, OLD.statute_category,
                OLD.concluded_on - OLD.charged_on)
             <= (date_trunc('quarter', NEW.period_on)::date, NEW.unit, NEW.dda_id, NEW.statute_category,
                 NEW.concluded_on - NEW.charged_on);
    IF o_first IS NOT FALSE THEN
      PERFORM metric_add_days(OLD, -1);
      PERFORM metric_add_days(NEW, 1);
    ELSE
      PERFORM metric_add_days(NEW, 1);
      PERFORM metric_add_days(OLD, -1);
    END IF;
  END IF;
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
CREATE FUNCTION metric_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE metric_prosecution_facts, metric_prosecution_counts, metric_disposition_days IN EXCLUSIVE MODE;
  PERFORM set_config('heatwatch.metrics_rebuild', 'on', true);
  DELETE FROM metric_disposition_days;
  DELETE FROM metric_prosecution_counts;
  DELETE FROM metric_prosecution_facts;
  INSERT INTO metric_prosecution_facts SELECT * FROM metric_prosecution_facts_v;
  INSERT INTO metric_prosecution_counts
    SELECT date_trunc('quarter', period_on)::date, charged_on IS NOT NULL, unit, dda_id, statute_category, stage,
           concluded_by, count(*), sum(prop35)
    FROM metric_prosecution_facts GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO metric_disposition_days
    SELECT date_trunc('quarter', f.period_on)::date, f.unit, f.dda_id, f.statute_category,
           f.concluded_on - f.charged_on, count(*)
    FROM metric_prosecution_facts f WHERE metric_has_days(f) GROUP BY 1, 2, 3, 4, 5;
  PERFORM set_config('heatwatch.metrics_rebuild', 'off', true);
END $$;

-- Backfill: rows that exist before this migration are counted.
SELECT metric_rebuild();
