import { control, controlDb, guardPool, pg, withClient, withDatabase } from '@cifra/db';
import { startGatewayService } from '@cifra/ops';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Failures stay inside one client: a connection the server terminates in the middle of a request
 * fails that request with TENANT_UNAVAILABLE — no crash, no SQL, no other client touched — and the
 * next request on that client is answered. No timing: the request is held at a period gate the
 * test owns, and terminated while it waits there.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const today = clientToday();
const POST = `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`;
const entry = {
  input: {
    postingDate: today,
    memo: 'failure test',
    lines: [
      { accountCode: '1110', debit: '1.00' },
      { accountCode: '4101', credit: '1.00' },
    ],
  },
};

describe('a connection terminated mid-request', () => {
  it('fails that request with TENANT_UNAVAILABLE, touches no other client, and the next request succeeds', async () => {
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'cafe-boquete'));
    const ownerUrl = withDatabase(t.controlAdminUrl, tenant!.databaseName);
    const adminUrl = withDatabase(t.controlAdminUrl, 'postgres');
    const result = await withClient(ownerUrl, async (owner) => {
      // Hold this month's period gate exclusively, as a transition would: the posting waits for it.
      await owner.query('BEGIN');
      await owner.query(
        `SELECT cifra_hold_periods(ARRAY(SELECT id FROM posting_periods WHERE start_date <= $1::date AND end_date >= $1::date), true)`,
        [today],
      );
      const pending = t.as('senior', 'cafe-boquete')(POST, entry);
      let pid = 0;
      for (let i = 0; i < 500 && !pid; i++) {
        const r = await withClient(adminUrl, (c) =>
          c.query(
            `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND pid <> $2`,
            [tenant!.databaseName, (owner as unknown as { processID: number }).processID],
          ),
        );
        pid = r.rows[0]?.pid ?? 0;
        if (!pid) await new Promise((res) => setTimeout(res, 10));
      }
      expect(pid).toBeGreaterThan(0);
      await withClient(adminUrl, (c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
      const answer = await pending;
      await owner.query('ROLLBACK');
      return answer;
    });
    expect(codes(result)).toEqual(['TENANT_UNAVAILABLE']);
    const message = JSON.stringify(result.errors);
    expect(message).not.toMatch(/select|insert|postgres|127\.0\.0\.1|senior@demo\.firm/i);
    // The process is up, another client is unaffected, and the same client answers again.
    expect((await t.as('senior', 'ferreteria-colon')('{ accounts { code } }')).errors).toBeUndefined();
    expect((await t.as('senior', 'cafe-boquete')(POST, entry)).errors).toBeUndefined();
  });
});

describe('a client database that does not accept connections', () => {
  it('answers TENANT_UNAVAILABLE for reads and postings, and the client answers again once it does', async () => {
    const [tenant] = await t.stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'panaderia-valle'));
    const adminUrl = withDatabase(t.controlAdminUrl, 'postgres');
    const allow = (yes: boolean) =>
      withClient(adminUrl, (c) =>
        c.query(`ALTER DATABASE "${tenant!.databaseName}" ALLOW_CONNECTIONS ${yes}`),
      );
    // As an operator does before maintenance: no new connections, and the open ones ended.
    await allow(false);
    try {
      await withClient(adminUrl, (c) =>
        c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          tenant!.databaseName,
        ]),
      );
      for (const request of [
        () => t.as('senior', 'panaderia-valle')('{ accounts { code } }'),
        () => t.as('senior', 'panaderia-valle')(POST, entry),
        () => t.as('senior', 'panaderia-valle')('{ accounts { code } }'),
      ]) {
        const answer = await request();
        expect(codes(answer)).toEqual(['TENANT_UNAVAILABLE']);
        expect(JSON.stringify(answer.errors)).not.toMatch(/cifra_c_|accepting connections|postgres/i);
      }
      expect((await t.as('senior', 'ferreteria-colon')('{ accounts { code } }')).errors).toBeUndefined();
    } finally {
      await allow(true);
    }
    expect((await t.as('senior', 'panaderia-valle')('{ accounts { code } }')).errors).toBeUndefined();
  });
});

describe('the control plane out of reach', () => {
  it('answers SERVICE_UNAVAILABLE (503) without SQL, address or email, and the gateway stays up', async () => {
    // A gateway whose control plane is a closed port: every access check fails to connect.
    const pool = guardPool(
      new pg.Pool({
        connectionString: 'postgres://nobody:x@127.0.0.1:1/none',
        connectionTimeoutMillis: 1_000,
      }),
    );
    const gateway = await startGatewayService({
      port: 0,
      subgraphUrls: t.stack.subgraphUrls,
      auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
      contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
      control: controlDb(pool),
      log: pino({ level: 'silent' }),
    });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(gateway.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${t.token('senior')}`,
            'x-tenant': 'cafe-boquete',
          },
          body: JSON.stringify({ query: '{ accounts { code } }' }),
        });
        const text = await res.text();
        expect(res.status).toBe(503);
        expect(JSON.parse(text).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
        expect(text).not.toMatch(/select|from|senior@demo\.firm|127\.0\.0\.1|nobody/i);
      }
    } finally {
      await gateway.close();
      await pool.end();
    }
  });
});
