import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, type DocumentRow, postDocument } from '../src/documents/index.ts';
import { writeOffBadDebt } from '../src/write-offs/index.ts';
import {
  as,
  callsInOneGroup,
  chainIntact,
  closeSettlementBooks,
  euro,
  grouped,
  inOneGroup,
  lone,
  openSettlementBooks,
  outcome,
  t,
} from './settlement-books.ts';
import { askedWhileBusy, textsSentDuring } from './test-books.ts';

// The rates of a group's foreign documents (docs/architecture/posting.md, "Group commit"): read
// with the drafts (`laneReads`), aged in memory by the client's staleness setting, or taken from
// the write-offs' own pass — no statement of their own — and each document's rate exactly what it
// is posted at alone. EUR rates: 1.08 on 1 May, 1.10 on the 10th, 1.12 on the 12th; USD at the peg.

beforeAll(openSettlementBooks);
afterAll(closeSettlementBooks);

/** A draft sales invoice of 100.00 (no tax) to `party` dated `date`. */
const draft = (date: string, party = euro) =>
  createDraft(grouped, 'SALES_INVOICE', {
    partyId: party,
    documentDate: date,
    lines: [{ accountCode: '4102', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' }],
  });

const usdCustomer = async () =>
  (
    await t.admin.query(
      `INSERT INTO parties (kind, code, name, currency) VALUES ('CUSTOMER', 'RU', 'Dollar Store', 'USD') RETURNING id`,
    )
  ).rows[0].id as string;

/** Which query texts read the rates: by their table, or by the function that reads it (`latestRatesSql`). */
const rateReads = (texts: readonly string[]) =>
  texts.filter((q) => q.includes('exchange_rates') || q.includes('cifra_latest_rates'));

describe("a group's foreign documents", () => {
  it('take their rates from the drafts’ read, each as posted alone, a pegged pair at the peg', async () => {
    const usd = await usdCustomer();
    const dates = ['2026-05-11', '2026-05-12', '2026-05-04'];
    const drafts = [
      await draft(dates[0] as string),
      await draft(dates[1] as string),
      await draft('2026-05-04', usd),
    ];
    const { texts, result } = await textsSentDuring(() => inOneGroup(drafts, 1300));
    expect(result.map((r) => r.code ?? r.value?.status)).toEqual(['POSTED', 'POSTED', 'POSTED']);
    // One statement read the rates: the drafts' own read, which locks them.
    expect(rateReads(texts)).toHaveLength(1);
    expect(rateReads(texts)[0]).toContain('cifra_lock_documents');
    // The same drafts posted alone: the same rates and the same rows cited.
    const alone = [
      await draft(dates[0] as string),
      await draft(dates[1] as string),
      await draft('2026-05-04', usd),
    ];
    const each = [];
    for (const d of alone) each.push(await postDocument(lone, d.id, 'SALES'));
    const facts = (d: DocumentRow | undefined) => [
      d?.exchangeRate,
      d?.exchangeRateId,
      d?.rateIsFallback,
      d?.baseTotalMinor,
    ];
    expect(result.map((r) => facts(r.value))).toEqual(each.map(facts));
    expect(result.map((r) => Number(r.value?.exchangeRate))).toEqual([1.1, 1.12, 1]);
    expect(result.map((r) => r.value?.rateIsFallback)).toEqual([true, false, false]);
    await chainIntact();
  });

  it('refuse a rate older than the staleness setting alone, as posted alone, and post their neighbour', async () => {
    // Drafted while a month is in force, posted once the client allows ten days.
    t.settings.fxStalenessDays = 30;
    const stale = await draft('2026-05-25'); // the latest rate is of the 12th: 13 days
    const fresh = await draft('2026-05-20'); // 8 days
    t.settings.fxStalenessDays = 10;
    try {
      // The stale one's rate is looked up (and refused) with nothing to lock: the hold, sent alone,
      // has answered before that lookup is asked of the connection.
      const { busy, result } = await askedWhileBusy(() => inOneGroup([stale, fresh], 1310));
      expect(busy).toEqual([]);
      expect(result.map((r) => r.code ?? r.value?.status)).toEqual(['RATE_NOT_AVAILABLE', 'POSTED']);
      expect(Number(result[1]?.value?.exchangeRate)).toBe(1.12);
      const again = await outcome(postDocument(lone, stale.id, 'SALES'));
      expect(again.code).toBe('RATE_NOT_AVAILABLE');
      expect(await t.count('documents', `id = '${stale.id}' AND status = 'DRAFT'`)).toBe(1);
    } finally {
      delete t.settings.fxStalenessDays;
    }
  });

  it("take a write-off's rate from its own pass, not asked again", async () => {
    const owed = await postDocument(grouped, (await draft('2026-05-04')).id, 'SALES');
    const other = await draft('2026-05-12');
    const { texts, result } = await textsSentDuring(() =>
      callsInOneGroup(2, (i) =>
        i === 0
          ? writeOffBadDebt(as(grouped, 1320), {
              invoiceId: owed.id,
              documentDate: '2026-05-11',
              reason: 'The customer has closed',
            })
          : postDocument(as(grouped, 1321), other.id, 'SALES'),
      ),
    );
    expect(result.map((r) => r.code ?? (r.value as DocumentRow | undefined)?.status)).toEqual([
      'POSTED',
      'POSTED',
    ]);
    expect(Number((result[0]?.value as DocumentRow | undefined)?.exchangeRate)).toBe(1.1);
    // The write-offs' rates, then the drafts' read: none for the write-off after its pass.
    expect(rateReads(texts)).toHaveLength(2);
    expect(rateReads(texts).filter((q) => q.includes('cifra_lock_documents'))).toHaveLength(1);
    await chainIntact();
  });
});
