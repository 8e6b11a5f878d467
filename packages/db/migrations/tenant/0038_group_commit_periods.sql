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
--> statement-breakpoint
-- The control-account backstop (0021) planned its three-way join afresh on every INSERT into
-- gl_lines (EXECUTE, so a bulk posting is not run on a plan made for two lines, 0017): about a
-- millisecond per posting statement, most of it planning, for a join that finds nothing on almost
-- every posting. The lines that could break the rule — no party, on an account bound to a control
-- role — are looked for first, by a scan of the new lines alone (static SQL: a transition table has
-- no index, so its cached plan is a scan of it whatever its size); only when one exists does the
-- join run, exactly as before. Same rule, same error, same constraint name.
CREATE OR REPLACE FUNCTION cifra_check_control_accounts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  controls uuid[];
  bad record;
BEGIN
  SELECT array_agg(b.account_id) INTO controls FROM account_role_bindings b
   WHERE b.role IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable');
  IF controls IS NULL
     OR NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.party_id IS NULL AND n.account_id = ANY (controls)) THEN
    RETURN NULL;
  END IF;
  EXECUTE $q$
    SELECT n.entry_id, b.role::text AS role
      FROM new_rows n
      JOIN journal_entries e ON e.id = n.entry_id
      JOIN account_role_bindings b ON b.account_id = n.account_id
     WHERE e.source_kind = 'MANUAL'
       AND n.party_id IS NULL
       AND b.role IN ('DefaultAR', 'DefaultAP', 'SalesTaxPayable', 'PurchaseTaxReceivable')
     LIMIT 1 $q$ INTO bad;
  IF bad.entry_id IS NOT NULL THEN
    RAISE EXCEPTION 'a manual line on the % control account must name a party (entry %)', bad.role, bad.entry_id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'gl_lines_control_account_party';
  END IF;
  RETURN NULL;
END $$;
