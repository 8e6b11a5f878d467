import { generateContextKeys } from '@cifra/context';
import { control, withClient, withDatabase } from '@cifra/db';
import { startGatewayService } from '@cifra/ops';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult, gql } from '../support/client.ts';
import { startAnotherGateway, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * One client's slow database holds only that client's share of the gateway's way to the
 * subgraphs: its requests wait in its own queue, signed only when they leave, and another
 * client's request — or a firm-level one — is answered while they are held. No timing: the slow
 * database is a lock the test holds on cafe-boquete's accounts, and the other answers are awaited
 * before it is released.
 */
let t: TestStack;
const PER_CLIENT = 2;
const perimeter = {
  rateLimits: { personPoints: 5_000 },
  // The client's share below its database pool (4), so that every request of it that is in flight
  // waits on the lock itself, not on a connection (whose wait would end on a timer).
  subgraphFetches: { perClient: PER_CLIENT, waitMs: 300_000 },
};
beforeAll(async () => {
  t = await startTestStack({ perimeter });
});
afterAll(() => t?.close());

const ACCOUNTS = '{ accounts { code } }';

/** Nothing of a subgraph's HTTP answer — its address, its body — reaches a client. */
function expectNothingInternal(answer: GqlResult<unknown>) {
  const text = JSON.stringify(answer);
  expect(text).not.toMatch(/"response"|https?:\/\/|127\.0\.0\.1|forwarded by the gateway/);
  for (const error of answer.errors ?? []) expect(error.extensions).not.toHaveProperty('response');
}

/** Run `body` while cafe-boquete's accounts are locked; `lockWaiters` counts statements waiting on it. */
async function withAccountsLocked<T>(body: (lockWaiters: () => Promise<number>) => Promise<T>): Promise<T> {
  const [tenant] = await t.stack.control.db
    .select()
    .from(control.tenants)
    .where(eq(control.tenants.slug, 'cafe-boquete'));
  const adminUrl = withDatabase(t.controlAdminUrl, 'postgres');
  return withClient(withDatabase(t.controlAdminUrl, tenant!.databaseName), async (owner) => {
    await owner.query('BEGIN');
    await owner.query('LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE');
    const lockWaiters = async () => {
      const r = await withClient(adminUrl, (c) =>
        c.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [tenant!.databaseName],
        ),
      );
      return r.rows[0].n as number;
    };
    try {
      return await body(lockWaiters);
    } finally {
      await owner.query('ROLLBACK');
    }
  });
}

/** Until `count()` reaches `n` (polled: the ordering is the lock's, the poll only looks). */
async function until(count: () => Promise<number>, n: number) {
  for (let i = 0; i < 3_000 && (await count()) < n; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await count()).toBeGreaterThanOrEqual(n);
}

describe("one client's slow database", () => {
  it("holds only that client's share: another client and the firm level are answered while its requests wait", async () => {
    const settled: GqlResult<unknown>[] = [];
    const { pending: flood } = await withAccountsLocked(async (lockWaiters) => {
      const senior = t.as('senior', 'cafe-boquete');
      const pending = Array.from({ length: 200 }, () =>
        senior(ACCOUNTS).then((answer) => {
          settled.push(answer);
          return answer;
        }),
      );
      // Its share is in flight, waiting on the lock; the rest wait at the gateway.
      await until(lockWaiters, PER_CLIENT);
      const other = await t.as('junior', 'ferreteria-colon')<{ accounts: unknown[] }>(ACCOUNTS);
      const firm = await t.as('reviewer')<{ me: { email: string } }>('{ me { email } }');
      // Answered while every one of the slow client's requests is still held.
      expect(settled).toEqual([]);
      expect(other.errors).toBeUndefined();
      expect(other.data?.accounts.length).toBeGreaterThan(10);
      expect(firm.data?.me.email).toBe('reviewer@demo.firm');
      expect(await lockWaiters()).toBe(PER_CLIENT);
      return { pending };
    });
    // Released, the held requests are answered in turn, signed as they left: none is refused for
    // its context, and none says anything of the subgraph behind.
    const answers = await Promise.all(flood);
    for (const answer of answers) {
      expect(codes(answer)).toEqual([]);
      expectNothingInternal(answer);
    }
  });

  it("refuses a request past its client's share with TENANT_UNAVAILABLE once it has waited its bound", async () => {
    // Another gateway instance that lets a request wait for its client's turn not at all.
    const impatient = await startAnotherGateway(t, { subgraphFetches: { perClient: 1, waitMs: 0 } });
    try {
      const via = gql(impatient.url, t.token('senior'), 'cafe-boquete');
      // Returned wrapped: a promise returned as such would be awaited with the lock still held.
      const { held } = await withAccountsLocked(async (lockWaiters) => {
        const before = await lockWaiters();
        const held = via(ACCOUNTS);
        await until(lockWaiters, before + 1);
        const refused = await via(ACCOUNTS);
        expect(codes(refused)).toEqual(['TENANT_UNAVAILABLE']);
        expectNothingInternal(refused);
        // Another client, through the same instance, is not refused.
        expect(codes(await gql(impatient.url, t.token('senior'), 'ferreteria-colon')(ACCOUNTS))).toEqual([]);
        return { held };
      });
      expect(codes(await held)).toEqual([]);
    } finally {
      await impatient.close();
    }
  });
});

describe("a subgraph's refusal of what the gateway forwarded", () => {
  it('is SERVICE_UNAVAILABLE to the caller, without the subgraph address, status or body', async () => {
    // A gateway signing with a key the subgraphs do not know: each of them answers 401.
    const stranger = await startGatewayService({
      port: 0,
      subgraphUrls: t.stack.subgraphUrls,
      auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
      contextPrivateJwk: (await generateContextKeys()).privateJwk,
      control: t.stack.appControl,
      log: pino({ level: 'silent' }),
    });
    try {
      for (const [query, tenant] of [
        [ACCOUNTS, 'cafe-boquete'],
        ['{ me { email } }', undefined],
      ] as const) {
        const answer = await gql(stranger.url, t.token('senior'), tenant)(query);
        expect(codes(answer)).toEqual(['SERVICE_UNAVAILABLE']);
        expectNothingInternal(answer);
      }
    } finally {
      await stranger.close();
    }
  });
});
