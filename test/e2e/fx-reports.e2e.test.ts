import { announceClientChanges, control } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/** The documents connection and the FX analysis reports through the gateway, with real tokens. */
let t: TestStack;
const TENANT = 'ferreteria-colon';

beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

type Page = {
  documents: {
    edges: { cursor: string; node: { id: string; postingDate: string } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
  };
};
const DOCUMENTS = `query($first: Int, $after: String, $filter: DocumentFilter) {
  documents(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id postingDate } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

describe('documents as a connection through the gateway', () => {
  it('pages 7 drafts 3 at a time, newest first, for a read-only user as well', async () => {
    const party = await t.as(
      'senior',
      TENANT,
    )<{ createParty: { id: string } }>(
      'mutation { createParty(input: { kind: CUSTOMER, code: "PG-1", name: "Paging SA" }) { id } }',
    );
    const partyId = party.data!.createParty.id;
    for (let day = 1; day <= 7; day += 1) {
      const r = await t.as('senior', TENANT)(
        `mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }`,
        {
          input: {
            partyId,
            documentDate: `2026-05-0${day}`,
            lines: [{ accountCode: '4101', quantity: '1', unitPrice: '5', taxCode: 'EXENTO' }],
          },
        },
      );
      expect(r.errors).toBeUndefined();
    }
    const dates: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const r: GqlResult<Page> = await t.as('reviewer', TENANT)<Page>(DOCUMENTS, {
        first: 3,
        after,
        filter: { partyId },
      });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const page: Page['documents'] = r.data!.documents;
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      dates.push(...page.edges.map((e) => e.node.postingDate));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(pages).toBe(3);
    expect(dates).toEqual(['07', '06', '05', '04', '03', '02', '01'].map((d) => `2026-05-${d}`));
    const bad = await t.as('senior', TENANT)(DOCUMENTS, { first: 3, after: 'not-a-cursor' });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

const FX_TENANT = 'clinica-costa';

describe('unposted FX analysis through the gateway (PAB client, EUR booked at 1.08)', () => {
  const footprint = async () =>
    (
      await t.tenantSql<{ n: string }>(
        FX_TENANT,
        `SELECT concat_ws('/', (SELECT count(*) FROM journal_entries), (SELECT count(*) FROM gl_lines),
                (SELECT count(*) FROM exchange_rates), (SELECT count(*) FROM audit_events)) AS n`,
      )
    )[0]?.n;

  beforeAll(async () => {
    const senior = t.as('senior', FX_TENANT);
    const party = async (kind: string, code: string) =>
      (
        await senior<{ createParty: { id: string } }>(
          `mutation($i: CreatePartyInput!) { createParty(input: $i) { id } }`,
          { i: { kind, code, name: `${code} GmbH`, currency: 'EUR' } },
        )
      ).data!.createParty.id;
    const customer = await party('CUSTOMER', 'FX-C');
    const vendor = await party('VENDOR', 'FX-V');
    const draft = async (mutation: string, partyId: string, accountCode: string, price: string) => {
      const r = await senior<Record<string, { id: string }>>(
        `mutation($i: InvoiceDraftInput!) { ${mutation}(input: $i) { id } }`,
        {
          i: {
            partyId,
            documentDate: '2026-03-10',
            dueDate: '2026-04-09',
            exchangeRate: '1.08',
            lines: [{ accountCode, quantity: '1', unitPrice: price, taxCode: 'EXENTO' }],
          },
        },
      );
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return r.data![mutation]!.id;
    };
    const invoice = await draft('createSalesInvoice', customer, '4101', '1000');
    const bill = await draft('createPurchaseInvoice', vendor, '5101', '500');
    expect(
      (await senior('mutation($id: ID!) { approveSalesInvoice(id: $id) { id } }', { id: invoice })).errors,
    ).toBeUndefined();
    expect(
      (await senior('mutation($id: ID!) { postPurchaseInvoice(id: $id) { id } }', { id: bill })).errors,
    ).toBeUndefined();
    // The rate of 31 March: forced by the senior (an override, in the audit trail).
    const o = await senior(
      `mutation { overrideExchangeRate(currency: "EUR", date: "2026-03-31", rate: "1.10",
        reason: "Closing rate agreed with the bank for March") { id } }`,
    );
    expect(o.errors, JSON.stringify(o.errors)).toBeUndefined();
  });

  it('trialBalance(revalueAt) as the external reviewer: AR EUR 1,000.00 1,080.00→1,100.00 (+20.00), AP EUR −500.00 −540.00→−550.00 (−10.00), +10.00 unposted', async () => {
    const before = await footprint();
    const r = await t.as(
      'reviewer',
      FX_TENANT,
    )<{
      trialBalance: { totalDebit: string; totalCredit: string; revaluation: Record<string, unknown> };
    }>(`{ trialBalance(asOf: "2026-03-31", revalueAt: "2026-03-31") { totalDebit totalCredit
        revaluation { revalueAt posted label baseCurrency bookedBase revaluedBase difference
          rates { currency rate rateDate source isFallback isOverride }
          lines { account { code } accountCode currency originalAmount bookedBase revaluedBase difference } } } }`);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const tb = r.data!.trialBalance;
    expect(tb.totalDebit).toBe(tb.totalCredit);
    expect(tb.revaluation).toMatchObject({
      revalueAt: '2026-03-31',
      posted: false,
      baseCurrency: 'PAB',
      difference: '10.00',
      rates: [
        {
          currency: 'EUR',
          rate: '1.1',
          rateDate: '2026-03-31',
          source: 'OVERRIDE',
          isFallback: false,
          isOverride: true,
        },
      ],
      lines: [
        {
          account: { code: '1201' },
          accountCode: '1201',
          currency: 'EUR',
          originalAmount: '1000.00',
          bookedBase: '1080.00',
          revaluedBase: '1100.00',
          difference: '20.00',
        },
        {
          account: { code: '2101' },
          accountCode: '2101',
          currency: 'EUR',
          originalAmount: '-500.00',
          bookedBase: '-540.00',
          revaluedBase: '-550.00',
          difference: '-10.00',
        },
      ],
    });
    expect(String(tb.revaluation.label)).toMatch(/unposted/i);
    // Without revalueAt there is no analysis at all.
    const plain = await t.as(
      'reviewer',
      FX_TENANT,
    )<{ trialBalance: { revaluation: unknown } }>(
      '{ trialBalance(asOf: "2026-03-31") { revaluation { difference } } }',
    );
    expect(plain.data?.trialBalance.revaluation).toBeNull();
    expect(await footprint()).toBe(before);
  });

  it('unrealizedFxExposure(asOf: 31 March): receivable +20.00, payable −10.00, EUR net +10.00; aging and balance sheet agree', async () => {
    const before = await footprint();
    const r = await t.as(
      'senior',
      FX_TENANT,
    )<{
      unrealizedFxExposure: Record<string, unknown>;
      arAging: {
        revaluedTotalBase: { total: string };
        rows: { invoices: { revaluedBaseOpenBalance: string }[] }[];
      };
      balanceSheet: {
        revalued: {
          equity: { rows: { accountName: string; amount: string }[] };
          totalLiabilitiesAndEquity: string;
          assets: { total: string };
        };
      };
    }>(`{ unrealizedFxExposure(asOf: "2026-03-31") { asOf posted unrealized
          items { side document { number } party { code } currency openAmount bookedBase revaluedBase unrealized }
          currencies { currency unrealized receivables { openAmount bookedBase revaluedBase unrealized } payables { openAmount unrealized } } }
        arAging(asOf: "2026-03-31", revalueAt: "2026-03-31") { revaluedTotalBase { total } rows { invoices { revaluedBaseOpenBalance } } }
        balanceSheet(asOf: "2026-03-31", revalueAt: "2026-03-31") { revalued { assets { total } totalLiabilitiesAndEquity equity { rows { accountName amount } } } } }`);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(r.data!.unrealizedFxExposure).toMatchObject({
      posted: false,
      unrealized: '10.00',
      items: [
        {
          side: 'RECEIVABLE',
          party: { code: 'FX-C' },
          currency: 'EUR',
          openAmount: '1000.00',
          bookedBase: '1080.00',
          revaluedBase: '1100.00',
          unrealized: '20.00',
        },
        {
          side: 'PAYABLE',
          party: { code: 'FX-V' },
          currency: 'EUR',
          openAmount: '500.00',
          bookedBase: '540.00',
          revaluedBase: '550.00',
          unrealized: '-10.00',
        },
      ],
      currencies: [
        {
          currency: 'EUR',
          unrealized: '10.00',
          receivables: {
            openAmount: '1000.00',
            bookedBase: '1080.00',
            revaluedBase: '1100.00',
            unrealized: '20.00',
          },
          payables: { openAmount: '500.00', unrealized: '-10.00' },
        },
      ],
    });
    expect(r.data!.arAging.rows.flatMap((x) => x.invoices.map((i) => i.revaluedBaseOpenBalance))).toContain(
      '1100.00',
    );
    const sheet = r.data!.balanceSheet.revalued;
    expect(sheet.equity.rows.at(-1)).toEqual({
      accountName: 'Unrealized FX difference (unposted analysis)',
      amount: '10.00',
    });
    expect(sheet.assets.total).toBe(sheet.totalLiabilitiesAndEquity);
    expect(await footprint()).toBe(before);
  });

  it('refuses a date with no recent EUR rate: RATE_NOT_AVAILABLE naming EUR and 2026-09-30, writing nothing', async () => {
    const before = await footprint();
    const r = await t.as(
      'senior',
      FX_TENANT,
    )('{ trialBalance(asOf: "2026-03-31", revalueAt: "2026-09-30") { revaluation { difference } } }');
    expect(codes(r)).toEqual(['RATE_NOT_AVAILABLE']);
    expect(r.errors?.[0]?.message).toMatch(/EUR.*2026-09-30/);
    const x = await t.as('senior', FX_TENANT)('{ unrealizedFxExposure(asOf: "2026-09-30") { unrealized } }');
    expect(codes(x)).toEqual(['RATE_NOT_AVAILABLE']);
    expect(await footprint()).toBe(before);
  });
});

describe('staleRateUsage across the firm (firm-level, no X-Tenant)', () => {
  type Usage = {
    staleRateUsage: {
      unavailableCount: number;
      clients: {
        clientSlug: string;
        availability: string;
        unavailableCode: string | null;
        entryCount: number | null;
        fallbackCount: number | null;
        overrideCount: number | null;
      }[];
      entries: Record<string, unknown>[];
    };
  };
  const USAGE = `{ staleRateUsage(from: "2026-02-01", to: "2026-02-28") { unavailableCount
      clients { clientSlug availability unavailableCode entryCount fallbackCount overrideCount truncated }
      entries { clientSlug entryNumber postingDate documentNumber currency rate rateDate source isFallback isOverride overrideByEmail overrideReason } } }`;
  const ecb = (slug: string, date: string, rate: string) =>
    t.tenantSql(
      slug,
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source) VALUES ($1, 'EUR', 'PAB', $2, 'ECB')`,
      [date, rate],
    );
  /** A posted EUR invoice on a client, dated `date`, at the rate in force then unless one is typed. */
  const eurInvoice = async (slug: string, date: string, exchangeRate?: string) => {
    const senior = t.as('senior', slug);
    const party = await senior<{ createParty: { id: string } }>(
      `mutation($i: CreatePartyInput!) { createParty(input: $i) { id } }`,
      { i: { kind: 'CUSTOMER', code: `SR-${date}`, name: 'Stale GmbH', currency: 'EUR' } },
    );
    const draft = await senior<{ createSalesInvoice: { id: string } }>(
      `mutation($i: InvoiceDraftInput!) { createSalesInvoice(input: $i) { id } }`,
      {
        i: {
          partyId: party.data!.createParty.id,
          documentDate: date,
          ...(exchangeRate ? { exchangeRate } : {}),
          lines: [{ accountCode: '4101', quantity: '1', unitPrice: '100', taxCode: 'EXENTO' }],
        },
      },
    );
    expect(draft.errors, JSON.stringify(draft.errors)).toBeUndefined();
    const posted = await senior<{ approveSalesInvoice: { number: string } }>(
      'mutation($id: ID!) { approveSalesInvoice(id: $id) { number } }',
      { id: draft.data!.createSalesInvoice.id },
    );
    expect(posted.errors, JSON.stringify(posted.errors)).toBeUndefined();
    return posted.data!.approveSalesInvoice.number;
  };
  const REASON = 'Bank rate agreed for the February shipment';
  const numbers: Record<string, string> = {};

  beforeAll(async () => {
    // cafe-boquete: Monday 2 February's rate used for Wednesday 4 February's invoice (a fallback).
    await ecb('cafe-boquete', '2026-02-02', '1.0800');
    numbers.fallback = await eurInvoice('cafe-boquete', '2026-02-04');
    // ferreteria-colon: an override for 10 February, and a rate typed on an invoice of the 11th.
    const o = await t.as(
      'senior',
      'ferreteria-colon',
    )(
      `mutation { overrideExchangeRate(currency: "EUR", date: "2026-02-10", rate: "1.09", reason: "${REASON}") { id } }`,
    );
    expect(o.errors, JSON.stringify(o.errors)).toBeUndefined();
    numbers.override = await eurInvoice('ferreteria-colon', '2026-02-10');
    numbers.typed = await eurInvoice('ferreteria-colon', '2026-02-11', '1.1');
    // panaderia-valle: a rate of the invoice's own day, from the provider: nothing to report.
    await ecb('panaderia-valle', '2026-02-03', '1.0700');
    await eurInvoice('panaderia-valle', '2026-02-03');
  });

  it('lists the fallback in one client and the override and typed rate in another, for a senior and a junior', async () => {
    for (const who of ['senior', 'junior'] as const) {
      const r = await t.as(who)<Usage>(USAGE);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const u = r.data!.staleRateUsage;
      expect(u.unavailableCount).toBe(0);
      expect(u.clients.map((c) => c.clientSlug).sort()).toEqual([
        'cafe-boquete',
        'clinica-costa',
        'ferreteria-colon',
        'logistica-canal',
        'panaderia-valle',
      ]);
      expect(Object.fromEntries(u.clients.map((c) => [c.clientSlug, c.entryCount]))).toMatchObject({
        'cafe-boquete': 1,
        'ferreteria-colon': 2,
        'panaderia-valle': 0,
      });
      // Each client's counts are its own listed entries', counted on the server.
      for (const c of u.clients) {
        const own = u.entries.filter((e) => e.clientSlug === c.clientSlug);
        expect([c.fallbackCount, c.overrideCount], c.clientSlug).toEqual([
          own.filter((e) => e.isFallback).length,
          own.filter((e) => e.isOverride).length,
        ]);
      }
      expect(u.clients.find((c) => c.clientSlug === 'cafe-boquete')?.fallbackCount).toBe(1);
      expect(u.entries).toEqual([
        {
          clientSlug: 'cafe-boquete',
          entryNumber: expect.stringMatching(/^JE-2026-/),
          postingDate: '2026-02-04',
          documentNumber: numbers.fallback,
          currency: 'EUR',
          rate: '1.08',
          rateDate: '2026-02-02',
          source: 'ECB',
          isFallback: true,
          isOverride: false,
          overrideByEmail: null,
          overrideReason: null,
        },
        expect.objectContaining({
          clientSlug: 'ferreteria-colon',
          postingDate: '2026-02-10',
          documentNumber: numbers.override,
          rate: '1.09',
          rateDate: '2026-02-10',
          source: 'OVERRIDE',
          isFallback: false,
          isOverride: true,
          overrideByEmail: 'senior@demo.firm',
          overrideReason: REASON,
        }),
        expect.objectContaining({
          clientSlug: 'ferreteria-colon',
          postingDate: '2026-02-11',
          documentNumber: numbers.typed,
          rate: '1.1',
          source: 'DOCUMENT',
          isOverride: true,
          overrideByEmail: 'senior@demo.firm',
        }),
      ]);
    }
  });

  it('refuses the client read-only user (no Firm.Dashboard) and a range over 366 days', async () => {
    expect(codes(await t.as('client')(USAGE))).toEqual(['FORBIDDEN']);
    const long = await t.as('senior')(
      '{ staleRateUsage(from: "2025-01-01", to: "2026-02-28") { unavailableCount } }',
    );
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
  });

  it('pages the clients and the entries (clientsConnection, entriesConnection) to the same rows as the deprecated lists', async () => {
    type Paged = {
      staleRateUsage: {
        clientsConnection: Connection<{ clientSlug: string; entryCount: number | null }>;
        entriesConnection: Connection<{ clientSlug: string; entryNumber: string; source: string }>;
      };
    };
    type Connection<N> = {
      edges: { cursor: string; node: N }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
    };
    const PAGE = `query($c: String, $e: String) { staleRateUsage(from: "2026-02-01", to: "2026-02-28") {
        clientsConnection(first: 2, after: $c) { edges { cursor node { clientSlug entryCount } } pageInfo { hasNextPage hasPreviousPage endCursor } }
        entriesConnection(first: 2, after: $e) { edges { cursor node { clientSlug entryNumber source } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }`;
    const whole = (await t.as('senior')<Usage>(USAGE)).data!.staleRateUsage;
    const clients: string[] = [];
    const entries: string[] = [];
    let c: string | null = null;
    let e: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r: GqlResult<Paged> = await t.as('senior')<Paged>(PAGE, { c, e });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const u: Paged['staleRateUsage'] = r.data!.staleRateUsage;
      expect(u.clientsConnection.edges.length).toBeLessThanOrEqual(2);
      expect(u.clientsConnection.pageInfo.hasPreviousPage).toBe(c !== null);
      clients.push(...u.clientsConnection.edges.map((x) => x.node.clientSlug));
      entries.push(...u.entriesConnection.edges.map((x) => `${x.node.clientSlug} ${x.node.entryNumber}`));
      c = u.clientsConnection.pageInfo.endCursor ?? c;
      e = u.entriesConnection.pageInfo.endCursor ?? e;
      if (i === 0) expect(u.entriesConnection.pageInfo.hasNextPage).toBe(true);
    }
    // Five clients by name, three entries: every row once, none twice, in the order of the old lists.
    expect(clients).toEqual([...whole.clients.map((x) => x.clientSlug)].sort());
    expect(entries).toEqual(whole.entries.map((x) => `${x.clientSlug} ${x.entryNumber}`));
    const refused = [
      '{ staleRateUsage(from: "2026-02-01", to: "2026-02-28") { clientsConnection(first: 501) { edges { cursor } } } }',
      '{ staleRateUsage(from: "2026-02-01", to: "2026-02-28") { entriesConnection(first: 1001) { edges { cursor } } } }',
      `{ staleRateUsage(from: "2026-02-01", to: "2026-02-28") { entriesConnection(after: "${c}") { edges { cursor } } } }`,
    ];
    for (const q of refused) expect(codes(await t.as('senior')(q))).toEqual(['BAD_USER_INPUT']);
  });

  it('shows a client whose database is down as UNAVAILABLE while the others still answer', async () => {
    const [down] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'logistica-canal'));
    const [dead] = await t.stack.control.db
      .insert(control.dbServers)
      .values({
        name: 'dead-fx',
        adminUrl: 'postgres://nobody:nothing@127.0.0.1:1/postgres',
        acceptsNewTenants: false,
      })
      .returning();
    await t.stack.control.db
      .update(control.tenants)
      .set({ serverId: dead!.id })
      .where(eq(control.tenants.id, down!.id));
    t.stack.registry.forget(down!.id);
    // A client the read model shows current and clean is answered from it without a read; its
    // summary is no longer trusted once it is behind (as the sweep, or the projector failing to
    // read it, leaves it within a minute of the outage).
    await announceClientChanges(t.stack.control.db, [down!.id]);
    const r = await t.as('senior')<Usage>(USAGE);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const u = r.data!.staleRateUsage;
    expect(u.unavailableCount).toBe(1);
    expect(u.clients.find((c) => c.clientSlug === 'logistica-canal')).toMatchObject({
      availability: 'UNAVAILABLE',
      unavailableCode: 'CONNECTION_REFUSED',
      entryCount: null,
    });
    expect(u.entries).toHaveLength(3);
  });
});
