/**
 * Group commit (issue 17 §2): single postings of one client, through the services a request calls
 * (`postJournalEntry`, `approveSalesInvoice`'s `postDocument`), fsync on, pools of 4 connections as
 * the tenant registry opens them. Three ways, side by side in one run:
 *  - "lone": one posting at a time, grouped (a group of one) — the latency a lone posting sees;
 *  - "today": 32 in flight, each posting in a transaction of its own (the path before group commit);
 *  - "grouped": 32 in flight, committed in groups (one transaction, one fsync per group).
 * Throughput is entries (or documents) per second; latency is each call's, p50 and p99.
 * Sides alternate over three rounds: throughput is each side's best round, latency every call of
 * the three rounds pooled (a lone side of at least 200 calls a round, so that its p99 is not its
 * slowest call or two). Each side of a round starts from a full collection of this process's
 * garbage (`collectGarbage`) and one untimed group's worth of its postings (`WARM`): see `measure`.
 * Sizes: BENCH_GROUP_ENTRIES (per round, default 1,600), BENCH_GROUP_DOCUMENTS (default 480, for
 * the sales invoices, those in EUR (each translated at the rate of its day, looked up), the credit
 * notes and the customer receipts, each note and receipt settling an invoice posted beforehand, and
 * the credit applications, each applying a receipt's credit to an invoice, both posted beforehand, and
 * the bad-debt write-offs, each of all that is open of an invoice posted beforehand, and a mix of
 * journal entries, invoices, receipts, applications and write-offs in turn).
 * BENCH_GROUP_ROWS=<words, comma-separated> runs only the rows whose name contains one of them;
 * BENCH_PG_STATEMENTS=<dir> writes where the database's time goes in each row's last grouped side,
 * per group (pg-statements.ts), and BENCH_PROFILE_DIR=<dir> a CPU profile of this process over that
 * side (profile.ts; the profiler's own stop shows as `dispatch`). Both slow the side they watch.
 */
import { performance } from 'node:perf_hooks';
import {
  createDatabase,
  migrateTenantDatabase,
  pg,
  postingGroupsOf,
  type TenantDb,
  tenant,
  tenantDb,
  withClient,
  withDatabase,
} from '@cifra/db';
import { effectiveSettings, ISO_4217, PANAMA } from '@cifra/domain';
import { loadCompany } from '@cifra/engine';
import { ALL_PERMISSIONS, type Permission } from '@cifra/permissions';
import { applyCredit } from '../../subgraphs/ledger/src/documents/apply-credit.ts';
import { createDraft, postDocument } from '../../subgraphs/ledger/src/documents/index.ts';
import type { Books } from '../../subgraphs/ledger/src/services/books.ts';
import { createParty } from '../../subgraphs/ledger/src/services/parties.service.ts';
import { postJournalEntry } from '../../subgraphs/ledger/src/services/post-journal-entry.service.ts';
import { writeOffBadDebt } from '../../subgraphs/ledger/src/write-offs/write-off.ts';
import { seedTestBooks, TEST_ACTOR } from '../../subgraphs/ledger/test/books.ts';
import {
  type BenchContext,
  type BenchRow,
  collectGarbage,
  defineBench,
  ms,
  percentile,
  ratio,
} from './harness.ts';
import { withStatements } from './pg-statements.ts';
import { cpuProfiled } from './profile.ts';

const IN_FLIGHT = 32;
const POOL_SIZE = 4;
/** Lone postings a round, at least: 600 calls over three rounds, of which the p99 is the 594th. */
const LONE_MIN = 200;
const loneOf = (n: number) => Math.max(LONE_MIN, Math.round(n / 8));
/** Postings each side posts untimed before it is timed, as many as one group holds. */
const WARM = IN_FLIGHT;
const YEAR = 2026;
type Side = 'lone' | 'today' | 'grouped';
const ROWS = (process.env.BENCH_GROUP_ROWS ?? '')
  .split(',')
  .map((w) => w.trim())
  .filter((w) => w !== '');

interface Run {
  nodeCpuPerEntryMs: number;
  nodeCpuShare: number;
  perSecond: number;
  p50: number;
  p99: number;
  groups: number;
}

/** `n` calls of `post(i)`, `inFlight` at a time (each caller starts its next when one ends). */
async function drive(n: number, inFlight: number, post: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        const i = next++;
        const s = performance.now();
        await post(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    nodeCpuPerEntryMs: (cpu.user + cpu.system) / 1000 / n,
    nodeCpuShare: (cpu.user + cpu.system) / 1000 / elapsed,
    perSecond: n / (elapsed / 1000),
    latencies,
  };
}

async function openBooks(ctx: BenchContext, name: string, alone: boolean) {
  const pool = new pg.Pool({ connectionString: await ctx.appUrl(name), max: POOL_SIZE });
  ctx.defer(() => ctx.endPool(pool));
  const db: TenantDb = tenantDb(pool);
  const stats = { groups: 0 };
  postingGroupsOf(db, { alone, onGroup: () => stats.groups++ });
  const company = await loadCompany(db);
  const minor = new Map(ISO_4217.map((c) => [c.code, c.minorUnits]));
  const books: Books = {
    db,
    company,
    actor: TEST_ACTOR,
    permissions: new Set<Permission>(ALL_PERMISSIONS),
    minorUnits: async (code) => minor.get(code) ?? 2,
    settings: async () => effectiveSettings({}, {}),
  };
  return { books, stats };
}

export default defineBench({
  name: 'group-commit',
  title: 'Group commit: 32 concurrent single postings on one client (fsync on, pools of 4)',
  async run(ctx) {
    const ENTRIES = ctx.size('group_entries', 1_600);
    const DOCUMENTS = ctx.size('group_documents', 480);
    const server = await ctx.server();
    await createDatabase(server.url, 'bench_group');
    const adminUrl = withDatabase(server.url, 'bench_group');
    await migrateTenantDatabase(adminUrl);
    await seedTestBooks(adminUrl, [YEAR]);
    const owner = new pg.Pool({ connectionString: adminUrl, max: 1 });
    await tenantDb(owner)
      .insert(tenant.taxCodes)
      .values([...PANAMA.taxCodes]);
    // A EUR rate for every day of the postings' month (the EUR invoices look theirs up).
    await owner.query(
      `INSERT INTO exchange_rates (rate_date, currency, base_currency, rate, source, derivation)
       SELECT d::date, 'EUR', base_currency, 1.08 + extract(day FROM d) / 1000, 'ECB', 'bench'
         FROM company, generate_series('${YEAR}-02-25'::date, '${YEAR}-03-31'::date, interval '1 day') d`,
    );
    await owner.end();
    // The same client's books through two pools: one grouped, one posting each in its own transaction.
    const sides = {
      grouped: await openBooks(ctx, 'bench_group', false),
      today: await openBooks(ctx, 'bench_group', true),
    };
    const booksOf = (side: Side) => (side === 'today' ? sides.today : sides.grouped);
    const customer = (
      await createParty(sides.grouped.books, { kind: 'CUSTOMER', code: 'B1', name: 'Bench Hotel' })
    ).id;
    const euro = (
      await createParty(sides.grouped.books, {
        kind: 'CUSTOMER',
        code: 'B2',
        name: 'Bench GmbH',
        currency: 'EUR',
      })
    ).id;

    const dateOf = (i: number) => `${YEAR}-03-${String(1 + (i % 28)).padStart(2, '0')}`;
    let serial = 0;
    const journal = (side: Side) => (_: number) => {
      const i = serial++;
      const { books } = booksOf(side);
      return postJournalEntry(books.db, books.company, TEST_ACTOR, {
        postingDate: dateOf(i),
        memo: `bench ${i}`,
        idempotencyKey: `bench-${i}`,
        lines: [
          { accountCode: '1110', debit: `${100 + (i % 900)}.25` },
          { accountCode: '4101', credit: `${100 + (i % 900)}.25` },
        ],
      });
    };
    // Drafts are made beforehand (not measured): the measure is the posting.
    async function draftsOf(n: number, make: (i: number) => Promise<{ id: string }>): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await make(i)).id);
      return ids;
    }
    const invoices = (n: number, partyId = customer) =>
      draftsOf(n, (i) =>
        createDraft(sides.grouped.books, 'SALES_INVOICE', {
          partyId,
          documentDate: dateOf(i),
          lines: [
            {
              description: 'Café',
              accountCode: '4101',
              quantity: '3',
              unitPrice: '0.335',
              taxCode: 'ITBMS7',
            },
            {
              description: 'Servicio',
              accountCode: '4102',
              quantity: '1',
              unitPrice: '100',
              taxCode: 'EXENTO',
            },
          ],
        }),
      );
    /** `n` sales invoices posted beforehand, 32 at a time. */
    const posted = async (n: number) => {
      const ids = await invoices(n);
      for (let k = 0; k < n; k += IN_FLIGHT)
        await Promise.all(
          ids.slice(k, k + IN_FLIGHT).map((id) => postDocument(sides.grouped.books, id, 'SALES')),
        );
      return ids;
    };
    // Receipts each settling an invoice posted beforehand, in full (100.00 + 3 × 0.335 at 7% = 101.08),
    // with 0.92 left on account: the lane locks the invoice, checks what is open and makes the
    // allocation a fact.
    const receipts = async (n: number) => {
      const settled = await posted(n);
      return draftsOf(n, (i) =>
        createDraft(sides.grouped.books, 'CUSTOMER_RECEIPT', {
          partyId: customer,
          documentDate: dateOf(i),
          amount: '102.00',
          allocations: [{ invoiceId: settled[i] as string, amount: '101.08' }],
        }),
      );
    };
    // Credit notes of 0.36 each on invoices posted beforehand.
    const notes = async (n: number) => {
      const corrected = await posted(n);
      return draftsOf(n, (i) =>
        createDraft(sides.grouped.books, 'CREDIT_NOTE', {
          partyId: customer,
          documentDate: dateOf(i),
          appliesToId: corrected[i],
          lines: [
            {
              description: 'Café',
              accountCode: '4101',
              quantity: '1',
              unitPrice: '0.335',
              taxCode: 'ITBMS7',
            },
          ],
        }),
      );
    };
    // Credit applications, each applying 50.00 of a receipt left on account (60.00, posted beforehand)
    // to an invoice posted beforehand.
    const applications = async (side: Side, n: number) => {
      const settled = await posted(n);
      const credits = await draftsOf(n, (i) =>
        createDraft(sides.grouped.books, 'CUSTOMER_RECEIPT', {
          partyId: customer,
          documentDate: dateOf(i),
          amount: '60.00',
          allocations: [],
        }),
      );
      for (let k = 0; k < n; k += IN_FLIGHT)
        await Promise.all(
          credits.slice(k, k + IN_FLIGHT).map((id) => postDocument(sides.grouped.books, id, 'PAYMENT')),
        );
      return (i: number) =>
        applyCredit(booksOf(side).books, 'CUSTOMER_CREDIT_APPLICATION', {
          creditId: credits[i] as string,
          invoiceId: settled[i] as string,
          amount: '50.00',
          date: `${YEAR}-03-28`,
        });
    };
    const documents =
      (side: Side, ids: readonly string[], family: 'SALES' | 'PAYMENT' = 'SALES') =>
      (i: number) =>
        postDocument(booksOf(side).books, ids[i] as string, family);

    const rows: BenchRow[] = [];
    const measure = async (
      what: string,
      n: number,
      /** A side's postings, `count` of them (those posted untimed first included). */
      post: (side: Side, count: number) => Promise<(i: number) => Promise<unknown>>,
    ) => {
      if (ROWS.length > 0 && !ROWS.some((w) => what.includes(w))) return;
      const best: Partial<Record<Side, Omit<Run, 'p50' | 'p99'>>> = {};
      const latencies: Record<Side, number[]> = { lone: [], today: [], grouped: [] };
      const warmest: Record<Side, number> = { lone: 0, today: 0, grouped: 0 };
      const order: Side[][] = [
        ['lone', 'today', 'grouped'],
        ['grouped', 'today', 'lone'],
        ['today', 'grouped', 'lone'],
      ];
      for (const [round, sidesInOrder] of order.entries()) {
        for (const side of sidesInOrder) {
          const count = side === 'lone' ? loneOf(n) : n;
          const fn = await post(side, WARM + count);
          const inFlight = side === 'lone' ? 1 : IN_FLIGHT;
          const stats = booksOf(side).stats;
          ctx.progress(`${what}: ${side}, round ${round + 1}`);
          // What ran before this side (the set-up, the other sides: "today"'s postings wait ~300 ms
          // each, so what they allocate outlives the young generation) left garbage in the old
          // generation. Its collection (10–20 ms, this whole process stopped) fell inside this
          // side's time and stalled whichever group was in flight, which set the side's p99 alone:
          // collected before the side starts. The first group after a full collection is slow in
          // turn (50–60 ms against 25–30; the cause is not the bytecode flushed nor the young
          // generation's size): one group's worth of postings untimed, their slowest reported apart.
          collectGarbage();
          const warm = await drive(WARM, inFlight, fn);
          warmest[side] = Math.max(warmest[side], ...warm.latencies);
          const groupsBefore = stats.groups;
          const timed = () => drive(count, inFlight, (i) => fn(WARM + i));
          const name = `group-commit-${what.replace(/[^a-z0-9]+/gi, '-')}`;
          const { latencies: each, ...r } =
            round === order.length - 1 && side === 'grouped'
              ? await withStatements(
                  adminUrl,
                  name,
                  () => cpuProfiled(name, timed),
                  () => stats.groups - groupsBefore,
                )
              : await timed();
          latencies[side].push(...each);
          const run = { ...r, groups: (stats.groups - groupsBefore) / count };
          if (run.perSecond > (best[side]?.perSecond ?? 0)) best[side] = run;
        }
      }
      const pooled = (side: Side): Run => ({
        ...(best[side] as Omit<Run, 'p50' | 'p99'>),
        p50: percentile(latencies[side], 0.5),
        p99: percentile(latencies[side], 0.99),
      });
      const [lone, today, grouped] = [pooled('lone'), pooled('today'), pooled('grouped')];
      const line = (side: Side, r: Run) => ({
        measure: `${what}: ${side === 'lone' ? 'one at a time (grouped, a group of one)' : side === 'today' ? `${IN_FLIGHT} in flight, a transaction each (before group commit)` : `${IN_FLIGHT} in flight, group commit`}`,
        result: `${Math.round(r.perSecond).toLocaleString('en')}/s`,
        note: `p50 ${ms(r.p50)}, p99 ${ms(r.p99)}, Node CPU ${r.nodeCpuPerEntryMs.toFixed(2)} ms per posting (${Math.round(r.nodeCpuShare * 100)}% of the time)${side !== 'grouped' ? '' : r.groups > 0 ? `, ${(1 / r.groups).toFixed(1)} postings per group on average` : ', no group: each in a transaction of its own'}`,
      });
      rows.push(line('lone', lone), line('today', today), line('grouped', grouped), {
        measure: `${what}: grouped ÷ today, throughput`,
        result: ratio(grouped.perSecond / today.perSecond),
        note: `grouped ÷ one at a time ${ratio(grouped.perSecond / lone.perSecond)}; goal ≥ 10× today`,
      });
      rows.push({
        measure: `${what}: grouped p99 ÷ lone posting's p99`,
        result: ratio(grouped.p99 / lone.p99),
        note: `÷ lone p50 ${ratio(grouped.p99 / lone.p50)}; today's p99 ÷ lone p99 ${ratio(today.p99 / lone.p99)}; goal ≤ 3×; untimed first group's slowest call ${ms(warmest.grouped)} (today ${ms(warmest.today)}, lone ${ms(warmest.lone)})`,
      });
    };

    // Warm both pools (plans, caches) before measuring.
    await drive(64, 8, journal('grouped'));
    await drive(64, 8, journal('today'));
    await measure('journal entries', ENTRIES, async (side) => journal(side));
    await measure('sales invoices', DOCUMENTS, async (side, count) => documents(side, await invoices(count)));
    await measure('sales invoices in EUR (rate looked up)', DOCUMENTS, async (side, count) =>
      documents(side, await invoices(count, euro)),
    );
    await measure('credit notes', DOCUMENTS, async (side, count) => documents(side, await notes(count)));
    await measure('customer receipts', DOCUMENTS, async (side, count) =>
      documents(side, await receipts(count), 'PAYMENT'),
    );
    await measure('credit applications', DOCUMENTS, applications);
    // A mix, one of each in turn: journal entries (which read their accounts before they join a
    // group), sales invoices, customer receipts, credit applications, write-offs.
    await measure('a mix of the five', DOCUMENTS, async (side, n) => {
      const [draftInvoices, draftReceipts, apply, owed] = [
        await invoices(n),
        await receipts(n),
        await applications(side, n),
        await posted(n),
      ];
      const entry = journal(side);
      const { books } = booksOf(side);
      const kinds = [
        entry,
        (i: number) => postDocument(books, draftInvoices[i] as string, 'SALES'),
        (i: number) => postDocument(books, draftReceipts[i] as string, 'PAYMENT'),
        apply,
        (i: number) =>
          writeOffBadDebt(books, {
            invoiceId: owed[i] as string,
            documentDate: `${YEAR}-03-28`,
            reason: 'The customer has closed',
          }),
      ];
      return (i: number) => (kinds[i % kinds.length] as (i: number) => Promise<unknown>)(i);
    });
    await measure('bad-debt write-offs', DOCUMENTS, async (side, count) => {
      const settled = await posted(count);
      return (i: number) =>
        writeOffBadDebt(booksOf(side).books, {
          invoiceId: settled[i] as string,
          documentDate: `${YEAR}-03-28`,
          reason: 'The customer has closed',
        });
    });

    const [check, gaps] = await withClient(adminUrl, async (c) => [
      await c.query('SELECT problem, checked FROM cifra_verify_audit_chain()'),
      await c.query(
        `SELECT count(*)::int AS n, max(split_part(number, '-', 3)::int) AS top
           FROM journal_entries WHERE fiscal_year = ${YEAR}`,
      ),
    ]);
    rows.push({
      measure: 'after the run',
      result: check.rows[0].problem ?? 'audit chain intact',
      note: `${check.rows[0].checked} events verified; ${gaps.rows[0].n} journal entries numbered 1–${gaps.rows[0].top} (gapless: ${gaps.rows[0].n === gaps.rows[0].top})`,
    });
    return rows;
  },
});
