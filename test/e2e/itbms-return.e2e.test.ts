import { parseMoney, todayIn } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { readmeExamples } from '../support/readme-examples.ts';
import { type DemoUser, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Panama's ITBMS return through the gateway with real tokens, on the demo's books (three weeks of
 * cash sales per client, their ITBMS posted on the sales-tax account by journal entries).
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 300_000);
afterAll(async () => t?.close());

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};

interface Return {
  itbmsReturn: {
    from: string;
    sales: { ratePercent: string; base: string; tax: string }[];
    journalOutputTax: string;
    outputTax: string;
    glOutputTax: string;
    inputTax: string;
    glInputTax: string;
    netPayable: string;
    reconciles: boolean;
    csv: string;
  };
}
const QUERY = `query ($y: Int!, $m: Int!) {
  itbmsReturn(year: $y, month: $m) {
    from sales { ratePercent base tax } journalOutputTax outputTax glOutputTax inputTax glInputTax
    netPayable reconciles csv
  }
}`;

describe('itbmsReturn through the gateway', () => {
  it("reconciles with the GL for a demo client's current month, its cash sales' ITBMS counted, and is read by the client's own read-only user", async () => {
    const today = todayIn('America/Panama');
    const vars = { y: Number(today.slice(0, 4)), m: Number(today.slice(5, 7)) };
    const r = ok(await t.as('senior', 'cafe-boquete')<Return>(QUERY, vars)).itbmsReturn;
    expect(r.from).toBe(`${today.slice(0, 7)}-01`);
    expect(r.sales.map((s) => s.ratePercent)).toEqual(['7', '10', '15']);
    expect(parseMoney(r.journalOutputTax, 2)).toBeGreaterThan(0n);
    expect(r.outputTax).toBe(r.glOutputTax);
    expect(r.inputTax).toBe(r.glInputTax);
    expect(r.reconciles).toBe(true);
    expect(r.csv).toContain(`net_payable,,,${r.netPayable}\r\n`);
    const client = ok(await t.as('client', 'cafe-boquete')<Return>(QUERY, vars)).itbmsReturn;
    expect(client.outputTax).toBe(r.outputTax);
  });

  it('refuses a month out of range with BAD_USER_INPUT', async () => {
    const r = await t.as('senior', 'cafe-boquete')<Return>(QUERY, { y: 2026, m: 0 });
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
  });

  it("the README's itbmsReturn example answers without errors", async () => {
    const today = todayIn('America/Panama');
    const year = Number(today.slice(0, 4));
    const examples = readmeExamples({ TODAY: today, YEAR: String(year), LAST_YEAR: String(year - 1) }).filter(
      (e) => e.body.includes('itbmsReturn'),
    );
    expect(examples.length).toBe(1);
    for (const e of examples) {
      const { query } = JSON.parse(e.body) as { query: string };
      const r = await gql(
        t.stack.gatewayUrl,
        t.token(e.as as DemoUser),
        e.tenant ?? undefined,
      )<Return>(query);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      expect(typeof r.data?.itbmsReturn.reconciles).toBe('boolean');
    }
  });
});
