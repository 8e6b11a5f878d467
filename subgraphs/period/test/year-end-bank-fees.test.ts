import { randomUUID } from 'node:crypto';
import { inTransaction } from '@cifra/db';
import { postEntry } from '@cifra/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvePeriodClose,
  prepareYearEndClose,
  startPeriodClose,
  submitPeriodClose,
} from '../src/services/index.ts';
import { actorFor, type Books, openBooks, periodId, YEARS_ENDED } from './support.ts';

/**
 * Bank fees are never FX. The Panama chart binds BankFees to 6501 (Cargos bancarios) and
 * FxVarianceBankFees to 6502. A year holds:
 * - a PAB 5.00 fee of a payment posted after migration 0021, on 6501;
 * - a PAB 3.75 fee of a receipt posted before it, on 6502 (line memo 'Bank fee');
 * - a PAB 20.00 realized FX loss posted in Simple mode, on 6502.
 */
const junior = actorFor('Junior');
const senior = actorFor('Senior');

async function line(
  b: Books,
  kind: 'CUSTOMER_RECEIPT' | 'VENDOR_PAYMENT',
  date: string,
  lines: [string, bigint, string][],
) {
  const actor = { userId: randomUUID(), email: 'poster@test.firm' };
  return inTransaction(b.app, actor, (tx) =>
    postEntry(tx, actor, {
      kind,
      postingDate: date,
      memo: 'settlement',
      lines: lines.map(([code, amountMinor, memo]) => ({
        accountId: b.accounts.get(code)!,
        amountMinor,
        originalCurrency: 'PAB',
        originalAmountMinor: amountMinor,
        memo,
      })),
    }),
  );
}

async function bookTheYear(b: Books) {
  await line(b, 'VENDOR_PAYMENT', '2026-05-10', [
    ['6501', 500n, 'Bank fee'],
    ['1110', -500n, ''],
  ]);
  await line(b, 'CUSTOMER_RECEIPT', '2026-03-20', [
    ['1110', 9_625n, ''],
    ['6502', 375n, 'Bank fee'],
    ['4101', -10_000n, ''],
  ]);
  await line(b, 'CUSTOMER_RECEIPT', '2026-04-20', [
    ['6502', 2_000n, 'Realized FX'],
    ['1110', -2_000n, ''],
  ]);
  for (let m = 1; m <= 12; m++) {
    const close = await startPeriodClose(b.app, junior, { periodId: await periodId(b, 2026, m) });
    await submitPeriodClose(b.app, junior, { closeId: close.id });
    await approvePeriodClose(b.app, senior, { now: YEARS_ENDED, closeId: close.id });
  }
}

const closing = async (b: Books, mode: 'SIMPLE' | 'SEPARATED') =>
  (
    await prepareYearEndClose(b.app, senior, { now: YEARS_ENDED, fiscalYear: 2026, fxVarianceMode: mode })
  ).lines
    .filter((l) => l.group === 'CLOSING')
    .map((l) => [l.accountCode, l.amountMinor] as const);

describe('year-end close and bank fees', () => {
  let separated: Books;
  let simple: Books;
  beforeAll(async () => {
    separated = await openBooks([2026]);
    simple = await openBooks([2026]);
    await bookTheYear(separated);
    await bookTheYear(simple);
  });
  afterAll(async () => {
    await separated?.close();
    await simple?.close();
  });

  it('Separated: reclassifies only the PAB 20.00 FX loss from 6502 to 7202; the 3.75 legacy fee on 6502 and the 5.00 fee on 6501 close as expenses', async () => {
    const lines = await closing(separated, 'SEPARATED');
    expect(lines.slice(0, 2)).toEqual([
      ['6502', -2_000n],
      ['7202', 2_000n],
    ]);
    expect(lines).toContainEqual(['6502', -375n]);
    expect(lines).toContainEqual(['6501', -500n]);
    expect(lines).toContainEqual(['7202', -2_000n]);
    // Nothing of the fees reaches realized FX: 7202 receives exactly the 20.00.
    expect(lines.filter(([c]) => c === '7202').reduce((s, [, a]) => s + a, 0n)).toBe(0n);
    expect(lines.filter(([c]) => c === '7102')).toEqual([]);
    // Retained earnings: 100.00 income − 5.00 − 3.75 − 20.00 = 71.25.
    expect(lines.at(-1)).toEqual(['3201', -7_125n]);
  });

  it('Simple: closes 6502 (PAB 23.75 of FX and legacy fee) and 6501 (PAB 5.00) as expenses, reclassifying nothing', async () => {
    const lines = await closing(simple, 'SIMPLE');
    expect(lines).toContainEqual(['6502', -2_375n]);
    expect(lines).toContainEqual(['6501', -500n]);
    expect(lines.filter(([c]) => c === '7202' || c === '7102')).toEqual([]);
    expect(lines.at(-1)).toEqual(['3201', -7_125n]);
  });
});
