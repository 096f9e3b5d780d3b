-- Corrections of a lifecycle event's time (issue 5): the transition log stays append-only, so
-- a correction is a row of its own; the latest correction of a transition is its effective
-- occurred_at. The deadlines that hang on it are recomputed in the same transaction, each with
-- a note saying why.
CREATE TABLE prosecution_transition_corrections (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  n                     bigint GENERATED ALWAYS AS IDENTITY,  -- order of corrections (a pinned clock gives equal times)
  transition_id         uuid NOT NULL REFERENCES prosecution_transitions(id),
  prosecution_id        uuid NOT NULL REFERENCES prosecutions(id),
  previous_occurred_at  timestamptz NOT NULL,
  occurred_at           timestamptz NOT NULL,
  reason                text NOT NULL CHECK (length(btrim(reason)) > 0),
  actor_id              uuid REFERENCES users(id),
  recorded_at           timestamptz NOT NULL,
  deadlines_recomputed  integer NOT NULL
);
CREATE INDEX prosecution_transition_corrections_idx ON prosecution_transition_corrections (transition_id, n);

CREATE FUNCTION prosecution_transition_corrections_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prosecution_transition_corrections is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER prosecution_transition_corrections_no_update BEFORE UPDATE OR DELETE ON prosecution_transition_corrections
  FOR EACH ROW EXECUTE FUNCTION prosecution_transition_corrections_append_only();
CREATE TRIGGER prosecution_transition_corrections_no_truncate BEFORE TRUNCATE ON prosecution_transition_corrections
  FOR EACH STATEMENT EXECUTE FUNCTION prosecution_transition_corrections_append_only();
