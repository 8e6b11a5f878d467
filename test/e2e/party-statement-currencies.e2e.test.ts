import { pdfText } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * A customer dealing in EUR and PAB (issue 19 §4): the statement's aging per currency, in the
 * currency and in base, and every currency together in base (`PartyStatement.baseAging`), worked
 * out independently in BigInt cents from the documents' own dates, amounts and rates, held to the
 * party's rows of arAging and to its balance on the receivable account read straight from the GL;
 * and the PDF of `renderPartyStatement` showing the same rows.
 */
let t: TestStack;
const TENANT = 'cafe-boquete';
const TO = '2026-05-31';

beforeAll(async () => {
  t = await startTestStack();
}, 300_000);
afterAll(async () => t?.close());

async function ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const r = await t.as('senior', TENANT)<T>(query, variables);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
}

const BUCKET_KEYS = ['current', 'days1To30', 'days31To60', 'days61To90', 'over90', 'total'] as const;
type Key = (typeof BUCKET_KEYS)[number];
type Buckets = Record<Key, string>;
const BUCKETS = BUCKET_KEYS.join(' ');
const cents = (money: string) => BigInt(money.replace('.', ''));
/** Cents as the PDF prints them: thousands separated by commas ("1,148.33"). */
const printed = (c: bigint) => {
  const s = (c < 0n ? -c : c).toString().padStart(3, '0');
  const whole = s.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${c < 0n ? '-' : ''}${whole}.${s.slice(-2)}`;
};
const re = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The bucket of an amount due on `due`, at the end of TO, as the aging counts days past due. */
function bucketOf(due: string): Key {
  const days = (Date.parse(TO) - Date.parse(due)) / 86_400_000;
  if (days <= 0) return 'current';
  if (days <= 30) return 'days1To30';
  if (days <= 60) return 'days31To60';
  if (days <= 90) return 'days61To90';
  return 'over90';
}
function bucketsOf(open: [due: string, cents: bigint][]): Record<Key, bigint> {
  const b = Object.fromEntries(BUCKET_KEYS.map((k) => [k, 0n])) as Record<Key, bigint>;
  for (const [due, c] of open) {
    b[bucketOf(due)] += c;
    b.total += c;
  }
  return b;
}
const asCents = (b: Buckets) => Object.fromEntries(BUCKET_KEYS.map((k) => [k, cents(b[k])]));

describe('a statement in EUR and PAB', () => {
  let partyId = '';
  const E1 = { date: '2026-03-01', due: '2026-03-31', eur: 100000n, rate: [110n, 100n] as const };
  const ER = { date: '2026-04-15', eur: 40000n, rate: '1.20' };
  const E2 = { date: '2026-05-12', due: '2026-05-20', eur: 33333n, rate: [115n, 100n] as const };
  const P1 = { date: '2026-05-15', due: '2026-06-14', pab: 2500n };
  const P2 = { date: '2026-01-10', due: '2026-01-20', pab: 8000n };

  beforeAll(async () => {
    partyId = (
      await ok<{ createParty: { id: string } }>(
        'mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }',
        { input: { kind: 'CUSTOMER', code: 'MC-1', name: 'Kaffeehaus Wien GmbH', currency: 'EUR' } },
      )
    ).createParty.id;
    const invoice = async (input: Record<string, unknown>) => {
      const d = await ok<{ createSalesInvoice: { id: string } }>(
        'mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }',
        { input: { partyId, ...input } },
      );
      await ok('mutation($id: ID!) { approveSalesInvoice(id: $id) { id } }', { id: d.createSalesInvoice.id });
      return d.createSalesInvoice.id;
    };
    const line = (unitPrice: string) => ({
      accountCode: '4101',
      description: `Café ${unitPrice}`,
      quantity: '1',
      unitPrice,
      taxCode: 'EXENTO',
    });
    const e1 = await invoice({
      documentDate: E1.date,
      dueDate: E1.due,
      exchangeRate: '1.10',
      lines: [line('1000.00')],
    });
    const receipt = await ok<{ createCustomerReceipt: { id: string } }>(
      'mutation($input: PaymentDraftInput!) { createCustomerReceipt(input: $input) { id } }',
      {
        input: {
          partyId,
          documentDate: ER.date,
          currency: 'EUR',
          exchangeRate: ER.rate,
          amount: '400.00',
          allocations: [{ invoiceId: e1, amount: '400.00' }],
        },
      },
    );
    await ok('mutation($id: ID!) { postPayment(id: $id) { id } }', { id: receipt.createCustomerReceipt.id });
    await invoice({ documentDate: E2.date, dueDate: E2.due, exchangeRate: '1.15', lines: [line('333.33')] });
    await invoice({ documentDate: P1.date, dueDate: P1.due, currency: 'PAB', lines: [line('25.00')] });
    await invoice({ documentDate: P2.date, dueDate: P2.due, currency: 'PAB', lines: [line('80.00')] });
  });

  // The accountant's figures, in BigInt cents: an amount in base is the EUR amount at its rate, half
  // away from zero; the receipt clears E1's receivable at E1's own rate (its gain is not the customer's).
  const base = (eur: bigint, [n, d]: readonly [bigint, bigint]) => (eur * n * 10n + d * 5n) / (d * 10n);
  const e1Open = E1.eur - ER.eur;
  const e1BaseOpen = base(E1.eur, E1.rate) - base(ER.eur, E1.rate);
  const eur = bucketsOf([
    [E1.due, e1Open],
    [E2.due, E2.eur],
  ]);
  const eurBase = bucketsOf([
    [E1.due, e1BaseOpen],
    [E2.due, base(E2.eur, E2.rate)],
  ]);
  const pab = bucketsOf([
    [P1.due, P1.pab],
    [P2.due, P2.pab],
  ]);
  const total = bucketsOf([
    [E1.due, e1BaseOpen],
    [E2.due, base(E2.eur, E2.rate)],
    [P1.due, P1.pab],
    [P2.due, P2.pab],
  ]);

  it('ages EUR 600.00 at 61–90 days and 333.33 at 1–30 (PAB 660.00 and 383.33), PAB 25.00 current and 80.00 over 90: PAB 1148.33 in all, as arAging and the receivable', async () => {
    // The figures of the test's name, from the BigInt working above.
    expect([e1Open, e1BaseOpen, base(E2.eur, E2.rate)]).toEqual([60000n, 66000n, 38333n]);
    expect(total.total).toBe(114833n);

    type Currency = { currency: string; aging: Buckets; baseAging: Buckets; baseClosingBalance: string };
    const s = (
      await ok<{
        partyStatement: { currencies: Currency[]; baseAging: Buckets; baseClosingBalance: string };
      }>(
        `query($partyId: ID!) { partyStatement(partyId: $partyId, from: "2026-04-01", to: "${TO}") {
          currencies { currency aging { ${BUCKETS} } baseAging { ${BUCKETS} } baseClosingBalance }
          baseAging { ${BUCKETS} } baseClosingBalance } }`,
        { partyId },
      )
    ).partyStatement;
    expect(s.currencies.map((c) => c.currency)).toEqual(['EUR', 'PAB']);
    const [e, p] = s.currencies as [Currency, Currency];
    expect(asCents(e.aging)).toEqual(eur);
    expect(asCents(e.baseAging)).toEqual(eurBase);
    expect(asCents(p.aging)).toEqual(pab);
    expect(asCents(p.baseAging)).toEqual(pab);
    expect(asCents(s.baseAging)).toEqual(total);
    expect(cents(s.baseClosingBalance)).toBe(total.total);

    // arAging values the party's rows the same way, bucket by bucket.
    const report = await ok<{
      arAging: { rows: { party: { code: string }; base: Buckets }[] };
    }>(`query { arAging(asOf: "${TO}") { rows { party { code } base { ${BUCKETS} } } } }`);
    const rows = report.arAging.rows.filter((r) => r.party.code === 'MC-1');
    expect(rows).toHaveLength(2);
    const fromReport = Object.fromEntries(
      BUCKET_KEYS.map((k) => [k, rows.reduce((sum, r) => sum + cents(r.base[k]), 0n)]),
    );
    expect(fromReport).toEqual(total);

    // The control account, read straight from the GL: the party's lines on the receivable.
    const [gl] = await t.tenantSql<{ minor: string }>(
      TENANT,
      `SELECT coalesce(sum(l.amount_minor), 0)::text AS minor FROM gl_lines l
         JOIN account_role_bindings b ON b.account_id = l.account_id AND b.role = 'DefaultAR'
        WHERE l.party_id = $1 AND l.posting_date <= $2::date`,
      [partyId, TO],
    );
    expect(BigInt(gl?.minor ?? '')).toBe(total.total);
  });

  it('prints the aging per currency, EUR also in PAB, and the PAB total of 1,148.33 beside the control account', async () => {
    const link = await ok<{ renderPartyStatement: { url: string } }>(
      `mutation($partyId: ID!) { renderPartyStatement(partyId: $partyId, from: "2026-04-01", to: "${TO}") { url } }`,
      { partyId },
    );
    const res = await fetch(link.renderPartyStatement.url);
    expect(res.status).toBe(200);
    const text = pdfText(Buffer.from(await res.arrayBuffer()));
    const row = (label: string, b: Record<Key, bigint>) =>
      new RegExp(`${re(label)}\\s+${BUCKET_KEYS.map((k) => re(printed(b[k]))).join('\\s+')}`);
    const [eurSection, rest] = text.split('Moneda / Currency: PAB') as [string, string];
    const [pabSection, summary] = rest.split('Total en / Total in PAB al / at 2026-05-31') as [
      string,
      string,
    ];
    expect(eurSection).toMatch(row('EUR', eur));
    expect(eurSection).toMatch(row('EUR en / in PAB', eurBase));
    expect(pabSection).toMatch(row('PAB', pab));
    expect(summary).toMatch(row('EUR en / in PAB', eurBase));
    expect(summary).toMatch(row('PAB', pab));
    expect(summary).toMatch(row('Total PAB', total));
    expect(summary).toMatch(/Control-account balance\s+PAB 1,148\.33/);
  });
});
