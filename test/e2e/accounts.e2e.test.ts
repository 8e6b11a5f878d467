import { rm } from 'node:fs/promises';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, gql, nodes } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

/** Account maintenance through the gateway with real tokens (issue 18 §3), as a client would. */
let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};
const TENANT = 'cafe-boquete';

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-accounts-e2e-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
  });
  for (const who of ['senior', 'junior']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
});

afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string) => gql(stack.gatewayUrl, token[who], TENANT);

async function inBooks<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, TENANT));
  return withClient(
    withDatabase(db.adminUrl, t!.databaseName),
    async (c) => (await c.query(sql, params)).rows as T[],
  );
}

const ACCOUNT = 'id code name description type active roles';
const CREATE = `mutation($input: CreateAccountInput!) { createAccount(input: $input) { ${ACCOUNT} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT} } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateAccount(id: $id) { ${ACCOUNT} } }`;
const BIND = `mutation($role: AccountRole!, $code: String!) { bindAccountRole(role: $role, accountCode: $code) { ${ACCOUNT} } }`;
const HISTORY = `query($id: ID!) { historyConnection(entityType: "Account", entityId: $id) { edges { node { operation } } } }`;

type Account = { id: string; code: string; name: string; active: boolean; roles: string[] };

describe('account maintenance through the gateway', () => {
  it('a senior creates 1116, renames it, binds CASH to it; a junior may do none of it', async () => {
    const refused = await as('junior')(CREATE, { input: { code: '1116', name: 'Banco', type: 'ASSET' } });
    expect(codes(refused)).toEqual(['FORBIDDEN']);
    expect(await inBooks("SELECT 1 FROM accounts WHERE code = '1116'")).toEqual([]);

    const created = await as('senior')<{ createAccount: Account }>(CREATE, {
      input: { code: '1116', name: 'Banco Nacional', type: 'ASSET', description: 'Cuenta de planilla' },
    });
    expect(created.errors).toBeUndefined();
    const account = created.data!.createAccount;
    expect(account).toMatchObject({
      code: '1116',
      description: 'Cuenta de planilla',
      active: true,
      roles: [],
    });
    const renamed = await as('senior')<{ updateAccount: Account }>(UPDATE, {
      id: account.id,
      input: { name: 'Banco Nacional — planilla' },
    });
    expect(renamed.data?.updateAccount.name).toBe('Banco Nacional — planilla');
    expect(codes(await as('junior')(UPDATE, { id: account.id, input: { name: 'x' } }))).toEqual([
      'FORBIDDEN',
    ]);

    const bound = await as('senior')<{ bindAccountRole: Account }>(BIND, { role: 'CASH', code: '1116' });
    expect(bound.errors).toBeUndefined();
    expect(bound.data?.bindAccountRole.roles).toEqual(['CASH']);
    const history = await as('senior')<{
      historyConnection: { edges: { node: { operation: string } }[] };
    }>(HISTORY, { id: account.id });
    expect(nodes(history.data?.historyConnection).map((v) => v.operation)).toEqual(['INSERT', 'UPDATE']);
  });

  it('answers each refusal with its stable code and writes nothing', async () => {
    const before = await inBooks('SELECT count(*)::int AS n FROM audit_events');
    const taken = await as('senior')(CREATE, { input: { code: '1201', name: 'Otra', type: 'ASSET' } });
    expect(codes(taken)).toEqual(['ACCOUNT_CODE_TAKEN']);
    expect(codes(await as('senior')(BIND, { role: 'DEFAULT_AR', code: '2101' }))).toEqual([
      'ROLE_ACCOUNT_TYPE_MISMATCH',
    ]);
    expect(codes(await as('senior')(BIND, { role: 'CASH', code: '1201' }))).toEqual([
      'ROLE_ACCOUNT_CONFLICT',
    ]);
    const [ar] = await inBooks<{ id: string }>("SELECT id FROM accounts WHERE code = '1201'");
    expect(codes(await as('senior')(DEACTIVATE, { id: ar!.id }))).toEqual(['ACCOUNT_HAS_ROLE']);
    expect(codes(await as('senior')(CREATE, { input: { code: 'a b', name: 'x', type: 'ASSET' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(await inBooks('SELECT count(*)::int AS n FROM audit_events')).toEqual(before);
  });

  it('two renames at once both land as versions; deactivating an unused account works once', async () => {
    const created = await as('senior')<{ createAccount: Account }>(CREATE, {
      input: { code: '6198', name: 'Varios', type: 'EXPENSE' },
    });
    const id = created.data!.createAccount.id;
    const results = await Promise.all(
      ['Varios uno', 'Varios dos'].map((name) =>
        as('senior')<{ updateAccount: Account }>(UPDATE, { id, input: { name } }),
      ),
    );
    expect(results.map((r) => r.errors)).toEqual([undefined, undefined]);
    const versions = await inBooks<{ name: string }>(
      'SELECT name FROM accounts_history WHERE hist_entity_id = $1 ORDER BY hist_id',
      [id],
    );
    expect(
      versions
        .map((v) => v.name)
        .slice(1)
        .sort(),
    ).toEqual(['Varios dos', 'Varios uno']);
    const off = await as('senior')<{ deactivateAccount: Account }>(DEACTIVATE, { id });
    expect(off.data?.deactivateAccount.active).toBe(false);
  });
});
