import { inTransaction, recordAuditEvent } from '@cifra/db';
import { badInput, DomainError, parseInput, parseIsoDate } from '@cifra/domain';
import { z } from 'zod';
import { type Books, Constraints, isUniqueViolation } from '../services/books.ts';
import { normaliseTaxCode } from './code.ts';
import {
  documentsUsingFrom,
  hasRateFrom,
  insertRate,
  insertTaxCode,
  lockTaxCode,
  type TaxCodeRow,
  updateTaxCodeRow,
} from './store.ts';

/**
 * Tax codes per client (issue 18 §4): created, renamed, given a new rate from a date, deactivated.
 * A document is taxed at the rate in force on its document date (`taxCodes(db, date)` in the
 * documents' store), so a new rate never changes a document dated before it. Every version of a
 * code and of its rates is kept (tax_codes_history, tax_code_rates_history).
 */

const rate = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,3})?$/, 'an exact percentage with at most 3 decimals, e.g. "10" or "7.5"')
  // Compared exactly (whole percent, then the decimals), never through a float.
  .refine((v) => {
    const [whole = '', decimals = ''] = v.split('.');
    const percent = Number.parseInt(whole, 10);
    return percent < 100 || (percent === 100 && /^0*$/.test(decimals));
  }, 'at most 100');
const name = z.string().trim().min(1).max(200);

export const createTaxCodeInput = z.object({
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9.-]{0,19}$/, '1 to 20 letters, digits, dots or hyphens')
    .transform(normaliseTaxCode),
  name,
  ratePercent: rate,
});
export const updateTaxCodeInput = z.object({
  name: name.nullish(),
  ratePercent: rate.nullish(),
  effectiveFrom: z.string().nullish(),
});

const notFound = (code: string) => new DomainError('NOT_FOUND', `No tax code ${code}`, { code });
const snapshot = (t: TaxCodeRow) => ({ name: t.name, ratePercent: t.ratePercent, active: t.active });

export async function createTaxCode(
  books: Books,
  raw: z.input<typeof createTaxCodeInput>,
): Promise<TaxCodeRow> {
  const input = parseInput(createTaxCodeInput, raw);
  const code = input.code;
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const row = await insertTaxCode(tx, {
        code,
        name: input.name,
        ratePercent: input.ratePercent,
        salesAccountRole: 'SalesTaxPayable',
        purchaseAccountRole: 'PurchaseTaxReceivable',
      });
      await recordAuditEvent(tx, books.actor, {
        action: 'tax_code.created',
        entityType: 'TaxCode',
        entityId: code,
        before: null,
        after: snapshot(row),
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.taxCodePkey)) {
      throw new DomainError('CONFLICT', `code: tax code ${code} already exists`, {
        field: 'code',
        value: code,
      });
    }
    throw err;
  }
}

export async function updateTaxCode(
  books: Books,
  typed: string,
  raw: z.input<typeof updateTaxCodeInput>,
): Promise<TaxCodeRow> {
  const code = normaliseTaxCode(typed);
  const input = parseInput(updateTaxCodeInput, raw);
  if ((input.ratePercent == null) !== (input.effectiveFrom == null)) {
    const field = input.ratePercent == null ? 'ratePercent' : 'effectiveFrom';
    throw badInput(`${field}: a new rate needs both ratePercent and effectiveFrom`, { field });
  }
  const from = input.effectiveFrom ? parseIsoDate(input.effectiveFrom, 'effectiveFrom') : null;
  return inTransaction(books.db, books.actor, async (tx) => {
    // Two changes of one code take turns: the second is judged on the first's rates. A draft
    // being written with the code holds it FOR SHARE (holdTaxCodes): this waits, then sees it.
    const before = await lockTaxCode(tx, code);
    if (!before) throw notFound(code);
    const changes: { name?: string; ratePercent?: string } = {};
    if (input.name != null && input.name !== before.name) changes.name = input.name;
    if (from && input.ratePercent != null) {
      const used = await documentsUsingFrom(tx, code, from);
      if (used.length > 0 || (await hasRateFrom(tx, code, from))) {
        throw new DomainError(
          'TAX_RATE_DATE_IN_USE',
          `effectiveFrom: documents or a later rate of ${code} are dated on or after ${from}`,
          { field: 'effectiveFrom', value: from, documents: used },
        );
      }
      // A code without dated rates (provisioned, or created here) had its own rate from the start.
      if (!(await hasRateFrom(tx, code, '1900-01-01')))
        await insertRate(tx, code, '1900-01-01', before.ratePercent);
      await insertRate(tx, code, from, input.ratePercent);
      // The code's own rate is its latest: what a reader of the code sees as "its rate".
      changes.ratePercent = input.ratePercent;
    }
    if (Object.keys(changes).length === 0) return before;
    const after = await updateTaxCodeRow(tx, code, changes);
    await recordAuditEvent(tx, books.actor, {
      action: 'tax_code.updated',
      entityType: 'TaxCode',
      entityId: code,
      before: snapshot(before),
      after: { ...snapshot(after), ...(from ? { effectiveFrom: from } : {}) },
    });
    return after;
  });
}

export async function deactivateTaxCode(books: Books, typed: string): Promise<TaxCodeRow> {
  const code = normaliseTaxCode(typed);
  return inTransaction(books.db, books.actor, async (tx) => {
    const before = await lockTaxCode(tx, code);
    if (!before) throw notFound(code);
    if (!before.active) return before;
    const after = await updateTaxCodeRow(tx, code, { active: false });
    await recordAuditEvent(tx, books.actor, {
      action: 'tax_code.deactivated',
      entityType: 'TaxCode',
      entityId: code,
      before: snapshot(before),
      after: snapshot(after),
    });
    return after;
  });
}
