import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';

/**
 * Whether a bank account's line — a statement line or a GL line of the bank account — counts as
 * matched in a reconciliation on `asOf` (docs/architecture/bank.md, "Reconciliation"): it is in a
 * live match whose every line, on both sides, is dated by `asOf` (a statement line by its booking
 * date, a GL line by its posting date). A match finishing after `asOf` — the cheque of 30 October
 * cleared on November's statement — leaves its lines dated by `asOf` outstanding on that date, so a
 * reconciliation on a past date says what it said then, whatever was matched since. The ledger's
 * `bankReconciliation` and the period's month-end checklist both ask this, in one wording.
 *
 * `side` names the line's column in `bank_match_items`, `lineId` the line (a column of the outer
 * query), `asOf` a date.
 */
export function bankLineMatchedOn(
  side: 'statement_line_id' | 'gl_line_id',
  lineId: SQLWrapper,
  asOf: SQL,
): SQL {
  return sql`EXISTS (SELECT 1 FROM bank_match_items bm_item
    WHERE bm_item.${sql.identifier(side)} = ${lineId} AND bm_item.active
      AND NOT EXISTS (SELECT 1 FROM bank_match_items bm_other
        LEFT JOIN bank_statement_lines bm_sl ON bm_sl.id = bm_other.statement_line_id
        LEFT JOIN gl_lines bm_gl ON bm_gl.id = bm_other.gl_line_id
        WHERE bm_other.match_id = bm_item.match_id
          AND coalesce(bm_sl.booking_date, bm_gl.posting_date) > ${asOf}))`;
}
