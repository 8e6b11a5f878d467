import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes, gql, type Nodes, nodes } from '../support/client.ts';
import { outlastAccessCache, startAnotherGateway, startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The gateway remembers verified tokens and each caller's access (gateway/src/caches.ts): a change
 * made through a gateway applies there on the very next request, and at another instance within
 * its cache time (one second by default).
 */
const REASON = 'conflict of interest found during the engagement review';
const ACCOUNTS = '{ accounts { code } }';

let t: TestStack;
type Gateway = Awaited<ReturnType<typeof startAnotherGateway>>;
let standard: Gateway;
/** An instance remembering access for a minute: proof that access is remembered at all. */
let forgetful: Gateway;

const another = (accessCacheMs?: number) => startAnotherGateway(t, { accessCacheMs });

beforeAll(async () => {
  t = await startTestStack();
  standard = await another();
  forgetful = await another(60_000);
});
afterAll(async () => {
  await standard?.close();
  await forgetful?.close();
  await t?.close();
});

async function walls(slug: string, walled: boolean) {
  const members = await t.as('admin')<{ firmMembersConnection: Nodes<{ userId: string; email: string }> }>(
    '{ firmMembersConnection(search: "junior@demo.firm") { edges { node { userId email } } } }',
  );
  const u = nodes(members.data?.firmMembersConnection).find((m) => m.email === 'junior@demo.firm')?.userId;
  const r = walled
    ? await t.as('admin')(
        `mutation($u: ID!, $t: String!, $why: String) { assignClientRole(userId: $u, tenant: $t, role: NO_ACCESS, reason: $why) { userId } }`,
        { u, t: slug, why: REASON },
      )
    : await t.as('admin')(
        `mutation($u: ID!, $t: String!, $why: String!) { revokeClientRole(userId: $u, tenant: $t, reason: $why) { userId } }`,
        { u, t: slug, why: REASON },
      );
  expect(codes(r)).toEqual([]);
}

describe("the gateway's caches", () => {
  it('applies a role taken away on the very next request through the same gateway, and elsewhere within a second', async () => {
    const here = t.as('junior', 'cafe-boquete');
    const there = gql(standard.url, t.token('junior'), 'cafe-boquete');
    const late = gql(forgetful.url, t.token('junior'), 'cafe-boquete');
    for (const call of [here, there, late]) expect(codes(await call(ACCOUNTS))).toEqual([]);

    await walls('cafe-boquete', true);
    expect(codes(await here(ACCOUNTS))).toEqual(['FORBIDDEN']);
    // The minute-long instance still answers from what it remembered: access is cached…
    expect(codes(await late(ACCOUNTS))).toEqual([]);
    // …and an instance with the default lifetime has let it go a second later.
    await outlastAccessCache();
    expect(codes(await there(ACCOUNTS))).toEqual(['FORBIDDEN']);

    await walls('cafe-boquete', false);
    expect(codes(await here(ACCOUNTS))).toEqual([]);
  });

  it('never carries one request’s client application into another’s signed context', async () => {
    const post = async (app: string, memo: string) => {
      const res = await fetch(t.stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${t.token('senior')}`,
          'x-tenant': 'ferreteria-colon',
          'apollographql-client-name': app,
        },
        body: JSON.stringify({
          query: `mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }`,
          variables: {
            input: {
              postingDate: clientToday(),
              memo,
              lines: [
                { accountCode: '1110', debit: '1.00' },
                { accountCode: '4101', credit: '1.00' },
              ],
            },
          },
        }),
      });
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
    };
    // Queries in between keep the senior's access cached (a mutation empties it).
    await t.as('senior', 'ferreteria-colon')(ACCOUNTS);
    await post('app-one', 'cache check one');
    await t.as('senior', 'ferreteria-colon')(ACCOUNTS);
    await post('app-two', 'cache check two');
    const events = await t.tenantSql<{ client_name: string | null }>(
      'ferreteria-colon',
      `SELECT client_name FROM audit_events WHERE action = 'journal_entry.posted'
        AND client_name LIKE 'app-%' ORDER BY id`,
    );
    expect(events.map((e) => e.client_name)).toEqual(['app-one', 'app-two']);
  });
});
