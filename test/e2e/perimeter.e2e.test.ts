import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bomb } from '../support/bomb.ts';
import { codes, type GqlResult } from '../support/client.ts';
import { partnerKit } from '../support/integrations.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

const ALLOWED_ORIGIN = 'https://console.firm.example';

describe('the gateway perimeter: demand control and CORS', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ perimeter: { corsOrigins: [ALLOWED_ORIGIN] } });
  });
  afterAll(() => t?.close());

  it('refuses the reported bomb before reading or parsing it while another user on another client is answered', async () => {
    const [refused, fromSenior, other] = await Promise.all([
      // A read-only user may send 1 MiB: the 1.4 MB bomb is refused from its Content-Length.
      t.as('client', 'cafe-boquete')(bomb(100, 1_200)),
      // Someone who may bulk-import may send it: it is refused by its length once read.
      t.as('senior', 'cafe-boquete')(bomb(100, 1_200)),
      t.as('senior', 'ferreteria-colon')('{ accounts { code } }'),
    ]);
    expect(refused.status).toBe(413);
    expect(codes(refused)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ limit: 'body', max: 1024 * 1024 });
    expect(refused.data ?? null).toBeNull();
    expect(fromSenior.status).toBe(400);
    expect(codes(fromSenior)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(fromSenior.errors?.[0]?.extensions).toMatchObject({
      limit: 'length',
      max: 100_000,
      measured: bomb(100, 1_200).length,
    });
    expect(other.errors).toBeUndefined();
    expect((other.data as { accounts: unknown[] }).accounts.length).toBeGreaterThan(10);
  });

  it('names the token, depth, alias and directive limits and what it measured', async () => {
    // 35 KB, within the length limit, but far more tokens than any screen sends: the parser stops.
    const tokens = await t.as('client', 'cafe-boquete')(bomb(10, 300));
    expect(codes(tokens)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(tokens.errors?.[0]?.extensions).toMatchObject({ limit: 'tokens', max: 5_000 });

    const deep = await t.as('senior', 'cafe-boquete')(bomb(1, 14));
    expect(codes(deep)).toEqual(['QUERY_TOO_COMPLEX']);
    // Armor counts the root field and the leaf as levels: 14 nested selections measure 16.
    expect(deep.errors?.[0]?.extensions).toMatchObject({ limit: 'depth', max: 12, measured: 16 });

    const aliased = await t.as(
      'senior',
      'cafe-boquete',
    )(`{ ${Array.from({ length: 31 }, (_, i) => `a${i}: accounts { code }`).join(' ')} }`);
    expect(codes(aliased)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(aliased.errors?.[0]?.extensions).toMatchObject({ limit: 'aliases', max: 30, measured: 31 });

    const directives = await t.as(
      'senior',
      'cafe-boquete',
    )(`{ accounts { ${Array.from({ length: 21 }, () => 'code @include(if: true)').join(' ')} } }`);
    expect(codes(directives)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(directives.errors?.[0]?.extensions).toMatchObject({ limit: 'directives', max: 20, measured: 21 });
  });

  it('estimates cost from list sizes and weights, before anything runs', async () => {
    const before = await t.tenantSql<{ n: string }>(
      'cafe-boquete',
      "SELECT count(*) AS n FROM audit_events WHERE action LIKE 'investigat%'",
    );
    const sleepy = Array.from(
      { length: 6 },
      (_, i) => `i${i}: investigate(sql: "SELECT pg_sleep(1)") { outcome }`,
    ).join(' ');
    const refused = await t.as('senior', 'cafe-boquete')(`mutation { ${sleepy} }`);
    expect(codes(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', max: 25_000 });
    expect(Number(refused.errors?.[0]?.extensions?.measured)).toBeGreaterThan(25_000);
    const after = await t.tenantSql<{ n: string }>(
      'cafe-boquete',
      "SELECT count(*) AS n FROM audit_events WHERE action LIKE 'investigat%'",
    );
    expect(after[0]?.n).toBe(before[0]?.n);

    const pages = await t.as(
      'senior',
      'cafe-boquete',
    )('{ documents(first: 1000) { edges { node { id lines { description quantity } } } } }');
    expect(codes(pages)).toEqual(['QUERY_TOO_COMPLEX']);
    // Asked again, the same document's cost (remembered, it has no variables) is refused alike.
    const again = await t.as(
      'senior',
      'cafe-boquete',
    )('{ documents(first: 1000) { edges { node { id lines { description quantity } } } } }');
    expect(again.errors?.[0]?.extensions).toEqual(pages.errors?.[0]?.extensions);
    const page = await t.as('senior', 'cafe-boquete')('{ documents(first: 20) { edges { node { id } } } }');
    expect(page.errors).toBeUndefined();
  });

  it('costs a variable left out at its default value, as the operation runs it', async () => {
    // Sent without variables, $n is 200 (its default): priced as the literal form is, not at the
    // default list size.
    const deep = `journalEntries(first: N) { edges { node { number auditEvents(first: N) { edges { node { id } } } lines { account { code name } debit credit } } } }`;
    const literal = await t.as('senior', 'cafe-boquete')(`{ ${deep.replaceAll('N', '200')} }`);
    expect(codes(literal)).toEqual(['QUERY_TOO_COMPLEX']);
    const defaulted = await t.as(
      'senior',
      'cafe-boquete',
    )(`query($n: Int = 200) { ${deep.replaceAll('N', '$n')} }`);
    expect(codes(defaulted)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(defaulted.errors?.[0]?.extensions).toEqual(literal.errors?.[0]?.extensions);
    // A value sent still sizes it.
    const small = await t.as('senior', 'cafe-boquete')(
      `query($n: Int = 200) { ${deep.replaceAll('N', '$n')} }`,
      {
        n: 2,
      },
    );
    expect(small.errors).toBeUndefined();
  });

  it("costs a trusted document's defaulted variable at its default too", async () => {
    const kit = partnerKit(() => t);
    const p = await kit.partner('Defaulted Pages', ['GL.Read'], true);
    // 100 entries a page by default: 15,401 against an integration's 10,000 (50, the default list
    // size, would be 7,701).
    const PAGE = `query PartnerPage($n: Int = 100) { journalEntries(first: $n) { edges { node { number lines { account { code } debit } } } } }`;
    const id = `sha256:${createHash('sha256').update(PAGE).digest('hex')}`;
    const published = await kit.as('admin')(
      `mutation($id: ID!, $m: JSON!) { publishTrustedDocuments(integrationId: $id, appVersion: "1.0.0", manifest: $m) { documents } }`,
      { id: p.integration.id, m: { [id]: PAGE } },
    );
    expect(codes(published)).toEqual([]);
    const send = async (body: Record<string, unknown>) => {
      const res = await fetch(t.stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await p.accessToken()}`,
          'x-tenant': 'cafe-boquete',
        },
        body: JSON.stringify(body),
      });
      return { status: res.status, ...((await res.json()) as Omit<GqlResult, 'status'>) };
    };
    const defaulted = await send({ documentId: id });
    expect(codes(defaulted)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(defaulted.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', max: 10_000, measured: 15_401 });
    const sized = await send({ documentId: id, variables: { n: 20 } });
    expect(sized.errors).toBeUndefined();
  });

  it('holds partner integrations to tighter limits than people, side by side', async () => {
    const p = await partnerKit(() => t).partner('Tight Limits', ['GL.Read', 'Period.Read']);
    const partner = await p.call('cafe-boquete');
    const person = t.as('senior', 'cafe-boquete');
    const aliases = `{ ${Array.from({ length: 11 }, (_, i) => `a${i}: accounts { code }`).join(' ')} }`;
    // Nested fields a person may ask for, too deep for a machine: Armor measures 11 levels.
    const deep = bomb(1, 9);
    const costly = `{ documents(first: 100) { edges { node { id lines { description amount } } } } }`;
    for (const [query, limit, max] of [
      [aliases, 'aliases', 10],
      [deep, 'depth', 10],
      [costly, 'cost', 10_000],
    ] as const) {
      const [theirs, ours] = await Promise.all([partner(query), person(query)]);
      expect(codes(theirs), limit).toEqual(['QUERY_TOO_COMPLEX']);
      expect(theirs.errors?.[0]?.extensions).toMatchObject({ limit, max });
      expect(codes(ours).filter((c) => c === 'QUERY_TOO_COMPLEX')).toEqual([]);
    }
    // Within its limits, the machine is answered.
    const fine = await partner(`{ accounts { code } }`);
    expect(codes(fine)).toEqual([]);
  });

  it('answers a CORS preflight from an allowed origin, and gives nothing to any other', async () => {
    const gateway = t.stack.gatewayUrl;
    const preflight = (origin: string) =>
      fetch(gateway, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-tenant',
        },
      });
    const allowed = await preflight(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('x-tenant');

    const refused = await preflight('https://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const post = await fetch(gateway, {
      method: 'POST',
      headers: {
        origin: ALLOWED_ORIGIN,
        'content-type': 'application/json',
        authorization: `Bearer ${t.token('senior')}`,
        'x-tenant': 'cafe-boquete',
      },
      body: JSON.stringify({ query: '{ accounts { code } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });
});
