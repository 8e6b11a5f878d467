import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql } from '../support/client.ts';

/** Parties, items and documents through the gateway with real tokens, as a client would. */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};
const TENANT = 'cafe-boquete';

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'cifra-docs-e2e-'));
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
  });
  for (const who of ['senior', 'junior', 'client']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
});

afterAll(async () => {
  await stack?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string, tenant = TENANT) => gql(stack.gatewayUrl, token[who], tenant);

/** A query as the owner, straight in the client's own database (to prove what was written). */
async function inBooks<T = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
  slug = TENANT,
): Promise<T[]> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  return withClient(
    withDatabase(db.adminUrl, t!.databaseName),
    async (c) => (await c.query(sql, params)).rows as T[],
  );
}
const count = async (table: string, where = 'true') =>
  Number((await inBooks<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`))[0]?.n);

const CREATE_PARTY = `mutation($input: CreatePartyInput!) { createParty(input: $input) { id kind code name currency paymentTermsDays active } }`;
const CREATE_ITEM = `mutation($input: CreateItemInput!) { createItem(input: $input) { id code unitPrice incomeAccount { code } taxCode { code ratePercent } } }`;

describe('parties and items', () => {
  it('creates a customer and an item, then finds them with filters', async () => {
    const party = await as('junior')<{
      createParty: { id: string; currency: string; paymentTermsDays: number };
    }>(CREATE_PARTY, {
      input: { kind: 'CUSTOMER', code: 'E2E-C1', name: 'Supermercado Valle', taxId: '155-1-2026' },
    });
    expect(party.errors).toBeUndefined();
    expect(party.data?.createParty).toMatchObject({ currency: 'PAB', paymentTermsDays: 30 });
    const item = await as('senior')<{ createItem: Record<string, unknown> }>(CREATE_ITEM, {
      input: {
        code: 'PAN-1',
        name: 'Pan de molde',
        unitPrice: '2.35',
        incomeAccountCode: '4101',
        taxCode: 'ITBMS7',
      },
    });
    expect(item.errors).toBeUndefined();
    expect(item.data?.createItem).toMatchObject({
      unitPrice: '2.35',
      incomeAccount: { code: '4101' },
      taxCode: { code: 'ITBMS7', ratePercent: '7' },
    });
    const found = await as('client')<{ parties: { code: string }[]; items: { code: string }[] }>(
      '{ parties(filter: { kind: CUSTOMER, search: "valle" }) { code } items(filter: { search: "molde" }) { code } }',
    );
    // The client's own read-only user sees its customers but cannot change them.
    expect(found.data).toEqual({ parties: [{ code: 'E2E-C1' }], items: [{ code: 'PAN-1' }] });
  });

  it('refuses a read-only user, a duplicate code and an unknown currency, writing nothing', async () => {
    const before = await count('parties');
    const ro = await as('client')(CREATE_PARTY, { input: { kind: 'VENDOR', code: 'V9', name: 'x' } });
    expect(codes(ro)).toEqual(['FORBIDDEN']);
    const dup = await as('senior')(CREATE_PARTY, { input: { kind: 'CUSTOMER', code: 'E2E-C1', name: 'x' } });
    expect(codes(dup)).toEqual(['CONFLICT']);
    const cur = await as('senior')(CREATE_PARTY, {
      input: { kind: 'VENDOR', code: 'V9', name: 'x', currency: 'ABC' },
    });
    expect(codes(cur)).toEqual(['BAD_USER_INPUT']);
    const price = await as('senior')(CREATE_ITEM, { input: { code: 'X', name: 'x', unitPrice: '1e3' } });
    expect(codes(price)).toEqual(['BAD_USER_INPUT']);
    expect(await count('parties')).toBe(before);
    expect(await count('items', "code = 'X'")).toBe(0);
  });
});
