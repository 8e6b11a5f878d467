-- Group commit (docs/architecture/posting.md, "Group commit"). The postings of one group share a
-- transaction but not an author: each number is taken by its own UPDATE of the number row, with
-- its own posting's actor, request and reason in the transaction's settings, so the row's history
-- keeps one version per number and names who took it — as when each posting had its transaction.
-- One call, one round trip, for all the group's numbers of one sequence, in the order given.
CREATE FUNCTION cifra_take_numbers_as(document_type text, fiscal_year integer, prefix text,
    actor_ids text[], actor_emails text[], reasons text[], request_ids text[])
  RETURNS TABLE (ord integer, value integer, number_prefix text)
  LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  i integer;
BEGIN
  INSERT INTO number_sequences AS s (document_type, fiscal_year, prefix)
    VALUES (cifra_take_numbers_as.document_type, cifra_take_numbers_as.fiscal_year, cifra_take_numbers_as.prefix)
    ON CONFLICT DO NOTHING;
  FOR i IN 1 .. coalesce(array_length(actor_ids, 1), 0) LOOP
    PERFORM set_config('cifra.actor_id', coalesce(actor_ids[i], ''), true),
      set_config('cifra.actor_email', coalesce(actor_emails[i], ''), true),
      set_config('cifra.reason', coalesce(reasons[i], ''), true),
      set_config('cifra.request_id', coalesce(request_ids[i], ''), true);
    UPDATE number_sequences s SET next_value = s.next_value + 1
     WHERE s.document_type = cifra_take_numbers_as.document_type
       AND s.fiscal_year = cifra_take_numbers_as.fiscal_year
    RETURNING i, s.next_value - 1, s.prefix INTO ord, value, number_prefix;
    RETURN NEXT;
  END LOOP;
END $$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION cifra_take_numbers_as(text, integer, text, text[], text[], text[], text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION cifra_take_numbers_as(text, integer, text, text[], text[], text[], text[]) TO cifra_app;
