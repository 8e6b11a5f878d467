import { control } from '@cifra/db';
import { todayIn } from '@cifra/domain';
import { ExportLinkSigner, generateExportKeys } from '@cifra/exports';
import { readSecrets } from '@cifra/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codes, type GqlResult } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * The ITBMS return's CSV as a signed download (issue 19 §3), through the gateway with real tokens
 * on the demo's books: the file is the `csv` field's text, served as text/csv with a file name
 * naming the client and the period, to whoever may read the return; an expired, forged or altered
 * link answers 401 and a link for a client the user cannot read 403, reading nothing there.
 */
let t: TestStack;
const tenantId: Record<string, string> = {};
const today = todayIn('America/Panama');
const YEAR = Number(today.slice(0, 4));
const MONTH = Number(today.slice(5, 7));
const PERIOD = today.slice(0, 7);

beforeAll(async () => {
  t = await startTestStack();
  for (const c of await t.stack.control.db.select().from(control.tenants)) tenantId[c.slug] = c.id;
}, 300_000);
afterAll(async () => t?.close());

const ok = <T>(r: GqlResult<T>): T => {
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data as T;
};

const CSV_LINK = `mutation ($y: Int!, $m: Int!) {
  renderItbmsReturn(year: $y, month: $m, format: CSV) { url expiresAt fileName year month format } }`;
const CSV_FIELD = `query ($y: Int!, $m: Int!) { itbmsReturn(year: $y, month: $m) { netPayable outputTax csv } }`;
type Link = { url: string; expiresAt: string; fileName: string; year: number; month: number; format: string };

const csvLink = async (who: 'senior' | 'client', slug = 'cafe-boquete') =>
  ok(await t.as(who, slug)<{ renderItbmsReturn: Link }>(CSV_LINK, { y: YEAR, m: MONTH })).renderItbmsReturn;

const audited = async (slug: string, action: string) =>
  t.tenantSql<{ after: Record<string, unknown> }>(
    slug,
    'SELECT after FROM audit_events WHERE action = $1 ORDER BY occurred_at, id',
    [action],
  );

describe('renderItbmsReturn(format: CSV)', () => {
  it('serves the csv field as cafe-boquete-itbms-<YYYY-MM>.csv (text/csv, attachment), audited at both ends', async () => {
    const field = ok(
      await t.as('senior', 'cafe-boquete')<{ itbmsReturn: { netPayable: string; csv: string } }>(CSV_FIELD, {
        y: YEAR,
        m: MONTH,
      }),
    ).itbmsReturn;
    const link = await csvLink('senior');
    const fileName = `cafe-boquete-itbms-${PERIOD}.csv`;
    expect(link).toMatchObject({ fileName, year: YEAR, month: MONTH, format: 'CSV' });
    const ttl = Date.parse(link.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(300_000);

    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${fileName}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    // The same figures, the same text: the books did not move between the two.
    expect(body).toBe(field.csv);
    expect(body).toContain(`period,,${PERIOD},\r\n`);
    expect(body).toContain(`net_payable,,,${field.netPayable}\r\n`);

    const made = await audited('cafe-boquete', 'itbms_return.rendered');
    expect(made.at(-1)?.after).toMatchObject({ year: YEAR, month: MONTH, format: 'CSV' });
    const served = await audited('cafe-boquete', 'itbms_return.render_downloaded');
    expect(served.at(-1)?.after).toMatchObject({ format: 'ITBMS_RETURN_CSV' });
  });

  it("needs what the return needs (GL.Read): the client's own read-only user downloads it too", async () => {
    const link = await csvLink('client');
    const res = await fetch(link.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('reconciles,,true,\r\n');
  });

  it('refuses a month out of range (BAD_USER_INPUT), writing nothing', async () => {
    const before = (await audited('cafe-boquete', 'itbms_return.rendered')).length;
    const r = await t.as(
      'senior',
      'cafe-boquete',
    )('mutation { renderItbmsReturn(year: 2026, month: 13, format: CSV) { url } }');
    expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    expect((await audited('cafe-boquete', 'itbms_return.rendered')).length).toBe(before);
  });

  it("answers 401 to an altered, a forged and an expired link and 403 to a valid one for a client the user cannot read, reading nothing of that client's", async () => {
    const before = await audited('ferreteria-colon', 'itbms_return.render_downloaded');
    const link = await csvLink('client');
    const [base, token] = link.url.split('/exports/') as [string, string];
    const [head, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
      sub: string;
      email: string;
      itb: Parameters<ExportLinkSigner['sign']>[0]['itbms'];
    };
    const swapped = Buffer.from(
      JSON.stringify({ ...claims, tid: tenantId['ferreteria-colon'], slug: 'ferreteria-colon' }),
    ).toString('base64url');
    expect((await fetch(`${base}/exports/${head}.${swapped}.${signature}`)).status).toBe(401);

    const other = {
      tenantId: tenantId['ferreteria-colon'] as string,
      tenantSlug: 'ferreteria-colon',
      format: 'ITBMS_RETURN_CSV' as const,
      from: `${PERIOD}-01`,
      to: `${PERIOD}-01`,
      fileName: `ferreteria-colon-itbms-${PERIOD}`,
      itbms: claims.itb,
      userId: claims.sub,
      email: claims.email,
    };
    const stranger = await ExportLinkSigner.fromJwk((await generateExportKeys()).privateJwk, () => base);
    expect((await fetch((await stranger.sign(other)).url)).status).toBe(401);
    const secrets = await readSecrets(t.dataDir);
    const expired = await ExportLinkSigner.fromJwk(secrets.exportPrivateJwk, () => base, -60);
    expect((await fetch((await expired.sign(other)).url)).status).toBe(401);
    // Signed with the real key, in time, but the client user is no member of ferreteria-colon.
    const signer = await ExportLinkSigner.fromJwk(secrets.exportPrivateJwk, () => base);
    const valid = await fetch((await signer.sign(other)).url);
    expect(valid.status).toBe(403);
    expect(await valid.text()).not.toContain('section,rate_percent');
    expect(await audited('ferreteria-colon', 'itbms_return.render_downloaded')).toEqual(before);
  });
});
