-- Group commit (docs/architecture/posting.md, "Group commit"): a group's period gates and its
-- periods in one round trip instead of two. The gates are taken shared (cifra_hold_posting_periods,
-- which also marks the recorded time) before the periods are read, and the read is a statement of
-- its own inside this function, so under READ COMMITTED it takes a snapshot after the gates are
-- held: a transition that held a gate exclusively is seen in its new state, as when the read was a
-- second statement. Returns the periods overlapping [first, last] as a JSON array by start date.
CREATE FUNCTION cifra_held_posting_periods(first date, last date) RETURNS jsonb
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  found jsonb;
BEGIN
  PERFORM cifra_hold_posting_periods(first, last);
  SELECT coalesce(jsonb_agg(to_jsonb(p) ORDER BY p.start_date), '[]'::jsonb) INTO found
    FROM posting_periods p WHERE p.start_date <= last AND p.end_date >= first;
  RETURN found;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_held_posting_periods(date, date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_held_posting_periods(date, date) TO cifra_app;
