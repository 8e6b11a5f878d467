import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { addDays, parseMoney, todayIn } from '@cifra/domain';
import { DEMO_PROFILES, DEMO_RATE_DAYS, DEMO_RATE_SOURCE } from '@cifra/ops';
import { hledgerBalances, hledgerOracleRuns } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GqlResult, gql } from '../support/client.ts';
import { readmeExamples } from '../support/readme-examples.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The demo `pnpm start` seeds — two fiscal years of five clients' books, relative to today — read
 * through the gateway as the firm's people read it. Nothing here knows the demo's amounts: every
 * expectation is computed from the API (or, for the hledger oracle, by hledger itself).
 */
let t: TestStack;
const TZ = 'America/Panama';
let today: string;
let year: number;
const oracle = await hledgerOracleRuns();

beforeAll(async () => {
  t = await startTestStack({ demoHistory: true });
  today = todayIn(TZ);
  year = Number(today.slice(0, 4));
}, 900_000);
afterAll(async () => t?.close());

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};
const minor = (money: string) => parseMoney(money, 2);

describe('the demo books', () => {
  it('balance, agree with their agings, and hledger recomputes every balance from the export', async () => {
    for (const { slug } of DEMO_PROFILES) {
      const senior = t.as('senior', slug);
      const r = ok(
        await senior<{
          trialBalance: {
            totalDebit: string;
            totalCredit: string;
            rows: { accountCode: string; debit: string; credit: string }[];
          };
          arAging: { totalBase: { total: string } };
          apAging: { totalBase: { total: string } };
          documents: { edges: unknown[] };
        }>(
          `query ($d: Date!) {
            trialBalance(asOf: $d) { totalDebit totalCredit rows { accountCode debit credit } }
            arAging(asOf: $d) { totalBase { total } }
            apAging(asOf: $d) { totalBase { total } }
            documents(first: 100) { edges { node { id } } }
          }`,
          { d: today },
        ),
      );
      const tb = r.trialBalance;
      expect(minor(tb.totalDebit), slug).toBeGreaterThan(0n);
      expect(tb.totalDebit, slug).toBe(tb.totalCredit);
      expect(r.documents.edges.length, `${slug} has documents`).toBeGreaterThan(20);
      const balance = new Map(tb.rows.map((row) => [row.accountCode, minor(row.debit) - minor(row.credit)]));
      expect(minor(r.arAging.totalBase.total), `${slug} AR`).toBe(balance.get('1201') ?? 0n);
      expect(minor(r.apAging.totalBase.total), `${slug} AP`).toBe(-(balance.get('2101') ?? 0n));
      if (!oracle) continue;
      const from = `${year - 1}-01-01`;
      const link = ok(
        await senior<{ exportLedger: { url: string } }>(
          'mutation ($from: Date!, $to: Date!) { exportLedger(format: HLEDGER, from: $from, to: $to) { url } }',
          { from, to: today },
        ),
      ).exportLedger.url;
      const file = path.join(t.dataDir, `${slug}.journal`);
      await writeFile(file, await (await fetch(link)).text());
      const hledger = await hledgerBalances(file);
      const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n));
      expect(nonZero(hledger), `${slug}: hledger against the trial balance`).toEqual(nonZero(balance));
    }
  });

  it('have each client’s months at the stage its profile says, the previous year closed where it is', async () => {
    const admin = t.as('admin');
    const month = Number(today.slice(5, 7));
    const current = 12 + month - 1;
    for (const profile of DEMO_PROFILES) {
      const lockBefore = Math.max(0, current - profile.close.openMonths);
      const yearClosed = lockBefore >= 12 && ['CLOSED', 'AUDITED'].includes(profile.close.previousYear);
      for (let i = 0; i < current; i++) {
        const [y, m] = i < 12 ? [year - 1, i + 1] : [year, i - 11];
        const expected =
          i < lockBefore
            ? i < 12 && yearClosed
              ? profile.close.previousYear === 'AUDITED'
                ? 'YEAR_AUDITED'
                : 'YEAR_CLOSED'
              : 'CLOSED'
            : i === lockBefore && profile.close.stage !== 'NONE'
              ? profile.close.stage
              : 'OPEN';
        const r = ok(
          await admin<{ refreshCloseBoardClient: { stage: string } }>(
            'mutation ($c: String!, $y: Int!, $m: Int!) { refreshCloseBoardClient(client: $c, year: $y, month: $m) { stage } }',
            { c: profile.slug, y, m },
          ),
        );
        expect(r.refreshCloseBoardClient.stage, `${profile.slug} ${y}-${m}`).toBe(expected);
      }
    }
    // A client behind on its closes is in the exceptions inbox.
    const exceptions = ok(
      await admin<{ closeExceptions: { kind: string; client: { slug: string } }[] }>(
        '{ closeExceptions(first: 200) { kind client { slug } } }',
      ),
    ).closeExceptions;
    expect(exceptions).toContainEqual({ kind: 'MONTH_OPEN_OVERDUE', client: { slug: 'ferreteria-colon' } });
  });

  it('have rates for the last 400 days, and a stale one the stale-rate screen finds', async () => {
    const senior = t.as('senior', 'cafe-boquete');
    const r = ok(
      await senior<{
        exchangeRates: { date: string; source: string }[];
        oldest: { rateDate: string; isFallback: boolean };
      }>(
        `query ($from: Date!, $to: Date!, $oldest: Date!) {
          exchangeRates(currency: "EUR", from: $from, to: $to) { date source }
          oldest: exchangeRate(currency: "GBP", date: $oldest) { rateDate isFallback }
        }`,
        { from: addDays(today, -365), to: today, oldest: addDays(today, 1 - DEMO_RATE_DAYS) },
      ),
    );
    const days = new Set(r.exchangeRates.filter((x) => x.source === DEMO_RATE_SOURCE).map((x) => x.date));
    expect(days.size).toBe(366);
    expect(r.oldest).toEqual({ rateDate: addDays(today, 1 - DEMO_RATE_DAYS), isFallback: false });
    const stale = ok(
      await t.as('admin')<{
        staleRateUsage: {
          entriesConnection: {
            edges: { node: { clientSlug: string; currency: string; isFallback: boolean } }[];
          };
        };
      }>(
        `query ($from: Date!, $to: Date!) { staleRateUsage(from: $from, to: $to) {
          entriesConnection(first: 100) { edges { node { clientSlug currency isFallback } } } } }`,
        { from: addDays(today, -10), to: today },
      ),
    ).staleRateUsage.entriesConnection.edges.map((e) => e.node);
    expect(stale).toContainEqual({ clientSlug: 'logistica-canal', currency: 'GBP', isFallback: true });
  });
});

describe('the README', () => {
  it('runs its GraphQL examples against the demo, whatever year it was seeded in', async () => {
    const examples = readmeExamples({ TODAY: today, YEAR: String(year), LAST_YEAR: String(year - 1) });
    const runnable = examples.filter((e) => e.placeholders.length === 0);
    // Those left out are the ones that need an id from an earlier answer (`<id>`), and only those.
    expect(runnable.length).toBeGreaterThanOrEqual(25);
    for (const e of examples.filter((x) => x.placeholders.length > 0))
      expect(e.body, `README line ${e.line}`).toMatch(/<(id|[a-z]+ id)>/);
    for (const e of runnable) {
      const { query, variables } = JSON.parse(e.body) as {
        query: string;
        variables?: Record<string, unknown>;
      };
      const r = await gql(
        t.stack.gatewayUrl,
        t.token(e.as as DemoUser),
        e.tenant ?? undefined,
      )(query, variables);
      expect(r.errors, `README line ${e.line}: ${JSON.stringify(r.errors)}`).toBeUndefined();
      expect(r.data, `README line ${e.line}`).toBeTruthy();
    }
  });
});
