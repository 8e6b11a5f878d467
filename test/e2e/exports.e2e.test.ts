import { rm } from 'node:fs/promises';
import { control, withClient, withDatabase } from '@cifra/db';
import { ExportLinkSigner, generateExportKeys } from '@cifra/exports';
import { signLocalToken } from '@cifra/gateway';
import { readSecrets, type Stack, startStack } from '@cifra/ops';
import { createEmptyDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToday } from '../support/books-year.ts';
import { codes, gql } from '../support/client.ts';
import { closeStack } from '../support/stack.ts';

let db: TestDatabase;
let dataDir: string;
let stack: Stack;
const token: Record<string, string> = {};
const tenantId: Record<string, string> = {};
const today = clientToday();
const year = today.slice(0, 4);

beforeAll(async () => {
  db = await createEmptyDatabase();
  dataDir = await makeTestDir('cifra-exports-');
  stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: pino({ level: 'silent' }),
  });
  for (const who of ['senior', 'junior', 'client', 'admin']) {
    token[who] = await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`);
  }
  for (const t of await stack.control.db.select().from(control.tenants)) tenantId[t.slug] = t.id;
  // Each client gets entries whose memos name it.
  for (const slug of ['cafe-boquete', 'ferreteria-colon']) {
    const r = await as('senior', slug)(POST_MANY, {
      input: [1, 2, 3].map((i) => ({
        postingDate: today,
        memo: `${slug} sale ${i}`,
        idempotencyKey: `${slug}-${i}`,
        lines: [
          { accountCode: '1110', debit: `${i}00.00`, memo: `${slug} cash` },
          { accountCode: '4101', credit: `${i}00.00` },
        ],
      })),
    });
    expect(r.errors).toBeUndefined();
  }
});

afterAll(async () => {
  await closeStack(stack, db);
  await rm(dataDir, { recursive: true, force: true });
});

const as = (who: string, tenant?: string) => gql(stack.gatewayUrl, token[who], tenant);

const POST_MANY = `mutation Many($input: [PostJournalEntryInput!]!) { postJournalEntries(input: $input) { id number memo } }`;
const EXPORT = `mutation Export($format: ExportFormat!, $from: Date!, $to: Date!) {
  exportLedger(format: $format, from: $from, to: $to) { url expiresAt format from to fileName }
}`;

async function link(slug: string, format = 'GL_CSV', who = 'senior'): Promise<string> {
  const r = await as(who, slug)<{ exportLedger: { url: string } }>(EXPORT, {
    format,
    from: `${year}-01-01`,
    to: `${year}-12-31`,
  });
  expect(r.errors).toBeUndefined();
  return r.data?.exportLedger.url as string;
}

async function auditActions(
  slug: string,
): Promise<{ action: string; actor_email: string; after: unknown }[]> {
  const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
  return withClient(withDatabase(db.adminUrl, t?.databaseName as string), async (c) => {
    const r = await c.query(
      `SELECT action, actor_email, after FROM audit_events WHERE entity_type = 'Export' ORDER BY id`,
    );
    return r.rows;
  });
}

describe('exportLedger', () => {
  it('returns a short-lived link that streams this client’s GL as CSV, and records who exported what', async () => {
    const r = await as('senior', 'cafe-boquete')<{
      exportLedger: { url: string; expiresAt: string; fileName: string };
    }>(EXPORT, { format: 'GL_CSV', from: `${year}-01-01`, to: `${year}-12-31` });
    expect(r.errors).toBeUndefined();
    const { url, expiresAt, fileName } = r.data?.exportLedger ?? { url: '', expiresAt: '', fileName: '' };
    expect(url.startsWith(stack.gatewayUrl.replace(/\/graphql$/, '/exports/'))).toBe(true);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(200_000);
    expect(ttl).toBeLessThanOrEqual(300_000);
    expect(fileName).toBe(`cafe-boquete-general-ledger-${year}-01-01-${year}-12-31.csv`);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${fileName}"`);
    const body = await res.text();
    const rows = body.trim().split('\r\n');
    expect(rows[0]?.startsWith('posting_date,entry_number,line_number,account_code')).toBe(true);
    expect(rows.filter((row) => row.includes('cafe-boquete sale'))).toHaveLength(6);
    expect(body).toContain('cafe-boquete sale 3');
    expect(body).toContain(',300.00,0.00,PAB,PAB,300.00,');
    expect(body).not.toContain('ferreteria');

    const events = await auditActions('cafe-boquete');
    expect(events.map((e) => [e.action, e.actor_email])).toEqual([
      ['ledger.exported', 'senior@demo.firm'],
      ['ledger.export_downloaded', 'senior@demo.firm'],
    ]);
    expect(events[0]?.after).toMatchObject({ format: 'GL_CSV', from: `${year}-01-01`, to: `${year}-12-31` });
  });

  it('never yields another client’s rows: the tenant comes from the signed link only', async () => {
    const a = await link('cafe-boquete');
    const b = await link('ferreteria-colon');
    // A tenant header or query parameter on the download changes nothing.
    const res = await fetch(`${a}?tenant=ferreteria-colon`, { headers: { 'x-tenant': 'ferreteria-colon' } });
    const body = await res.text();
    expect(body).toContain('cafe-boquete sale 1');
    expect(body).not.toContain('ferreteria');
    const other = await (await fetch(b)).text();
    expect(other).toContain('ferreteria-colon sale 1');
    expect(other).not.toContain('cafe-boquete');
  });

  it('refuses a link whose tenant was changed (the signature breaks), a forged and an expired link', async () => {
    const before = await auditActions('ferreteria-colon');
    const url = await link('cafe-boquete');
    const tokenPart = url.split('/exports/')[1] as string;
    const [header, payload, signature] = tokenPart.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims.tid).toBe(tenantId['cafe-boquete']);
    const swapped = Buffer.from(
      JSON.stringify({ ...claims, tid: tenantId['ferreteria-colon'], slug: 'ferreteria-colon' }),
    ).toString('base64url');
    const base = url.split('/exports/')[0];
    const tampered = await fetch(`${base}/exports/${header}.${swapped}.${signature}`);
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).not.toContain('ferreteria-colon sale');

    // A link to the other client's ledger, as the senior: signed by a stranger, or expired.
    const otherClients = {
      tenantId: tenantId['ferreteria-colon'] as string,
      tenantSlug: 'ferreteria-colon',
      format: 'GL_CSV',
      from: `${year}-01-01`,
      to: `${year}-12-31`,
      userId: claims.sub,
      email: 'senior@demo.firm',
    } as const;
    const stranger = await ExportLinkSigner.fromJwk(
      (await generateExportKeys()).privateJwk,
      () => base as string,
    );
    const forged = await stranger.sign(otherClients);
    expect((await fetch(forged.url)).status).toBe(401);

    const secrets = await readSecrets(dataDir);
    // Long expired, and expired a second ago: a link is good until its expiresAt, not a moment past.
    for (const ttl of [-60, -1]) {
      const expiredSigner = await ExportLinkSigner.fromJwk(
        secrets.exportPrivateJwk,
        () => base as string,
        ttl,
      );
      const expired = await expiredSigner.sign(otherClients);
      expect(expired.expiresAt.getTime()).toBeLessThan(Date.now());
      expect((await fetch(expired.url)).status, `expired ${-ttl} s ago`).toBe(401);
    }
    expect((await fetch(`${base}/exports/not-a-token`)).status).toBe(401);
    // Nothing was read from the other client's books.
    expect(await auditActions('ferreteria-colon')).toEqual(before);
  });

  it('refuses a valid link for a client the user cannot export (403)', async () => {
    const secrets = await readSecrets(dataDir);
    const base = stack.gatewayUrl.replace(/\/graphql$/, '');
    const signer = await ExportLinkSigner.fromJwk(secrets.exportPrivateJwk, () => base);
    const me = await as('client')<{ me: { id: string } }>('{ me { id } }');
    // The client user reads cafe-boquete but has no GL.Export, and has no access at all to the other.
    for (const slug of ['cafe-boquete', 'ferreteria-colon']) {
      const l = await signer.sign({
        tenantId: tenantId[slug] as string,
        tenantSlug: slug,
        format: 'GL_CSV',
        from: `${year}-01-01`,
        to: `${year}-12-31`,
        userId: me.data?.me.id as string,
        email: 'client@demo.firm',
      });
      expect((await fetch(l.url)).status).toBe(403);
    }
  });

  it('answers HEAD on a link 405 and records no download', async () => {
    const url = await link('cafe-boquete');
    const before = await auditActions('cafe-boquete');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('GET');
    expect(await auditActions('cafe-boquete')).toEqual(before);
    expect((await fetch(url)).status).toBe(200);
  });

  it('refuses a caller without GL.Export and records nothing', async () => {
    const before = await auditActions('cafe-boquete');
    const r = await as('client', 'cafe-boquete')(EXPORT, {
      format: 'GL_CSV',
      from: `${year}-01-01`,
      to: `${year}-12-31`,
    });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(await auditActions('cafe-boquete')).toEqual(before);
    const bad = await as('senior', 'cafe-boquete')(EXPORT, {
      format: 'GL_CSV',
      from: `${year}-12-31`,
      to: `${year}-01-01`,
    });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(await auditActions('cafe-boquete')).toEqual(before);
  });

  it('streams the hledger journal and the documents CSV', async () => {
    const journal = await (await fetch(await link('cafe-boquete', 'HLEDGER'))).text();
    expect(journal).toContain('commodity PAB');
    expect(journal).toMatch(/\(JE-\d{4}-\d{6}\) cafe-boquete sale 2\n/);
    expect(journal).toContain(
      '    assets:1110 Banco general — cuenta corriente  PAB 200.00  ; cafe-boquete cash',
    );
    expect(journal).not.toContain('ferreteria');
    const res = await fetch(await link('cafe-boquete', 'DOCUMENTS_CSV'));
    expect(res.status).toBe(200);
    expect((await res.text()).split('\r\n')[0]).toBe(
      'number,kind,status,document_date,posting_date,due_date,party_code,party_name,currency,exchange_rate,subtotal,tax,total,base_currency,base_total,reference,memo,bank_fee,net_amount,entry_number,voided,void_date,void_reason,void_entry_number',
    );
  });
});

describe('a link downloaded while the client is archived', () => {
  it('is refused TENANT_READ_ONLY (the download cannot be recorded), never a failure; unarchived, it serves', async () => {
    const url = await link('ferreteria-colon');
    const lifecycle = (mutation: string) =>
      as('admin')(
        `mutation { ${mutation}(tenant: "ferreteria-colon", reason: "Engagement paused for the whole year") { archived } }`,
      );
    expect((await lifecycle('archiveClient')).errors).toBeUndefined();
    const before = await auditActions('ferreteria-colon');
    const refused = await fetch(url);
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('TENANT_READ_ONLY');
    expect(await auditActions('ferreteria-colon')).toEqual(before);
    expect((await lifecycle('unarchiveClient')).errors).toBeUndefined();
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(await served.text()).toContain('ferreteria-colon');
  });
});

describe('reports and bulk posting through the gateway', () => {
  it('answers the reports with Money strings and refuses bulk posting without GL.Post', async () => {
    const r = await as('senior', 'cafe-boquete')<{
      trialBalance: { totalDebit: string; totalCredit: string };
      balanceSheet: { assets: { total: string }; totalLiabilitiesAndEquity: string; currentEarnings: string };
      incomeStatement: { netIncome: string };
      generalLedger: {
        openingBalance: string;
        edges: {
          node: {
            debit: string;
            credit: string;
            runningBalance: string;
            entryNumber: string;
            entry: { number: string };
          };
        }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    }>(
      `query R($asOf: Date!, $from: Date!) {
        trialBalance(asOf: $asOf) { totalDebit totalCredit }
        balanceSheet(asOf: $asOf) { assets { total } totalLiabilitiesAndEquity currentEarnings }
        incomeStatement(from: $from, to: $asOf) { netIncome }
        generalLedger(accountCode: "1110", from: $from, to: $asOf, first: 2) {
          openingBalance edges { node { debit credit runningBalance entryNumber entry { number } } } pageInfo { hasNextPage endCursor }
        }
      }`,
      { asOf: `${year}-12-31`, from: `${year}-01-01` },
    );
    expect(r.errors).toBeUndefined();
    const tb = r.data?.trialBalance;
    expect(tb?.totalDebit).toMatch(/^\d+\.\d{2}$/);
    expect(tb?.totalDebit).toBe(tb?.totalCredit);
    expect(r.data?.balanceSheet.assets.total).toBe(r.data?.balanceSheet.totalLiabilitiesAndEquity);
    expect(r.data?.incomeStatement.netIncome).toMatch(/^-?\d+\.\d{2}$/);
    const gl = r.data?.generalLedger;
    // Running balances in cents, exactly: opening + debit − credit, line after line.
    const cents = (m: string) => BigInt(m.replace('.', ''));
    let running = cents(gl?.openingBalance as string);
    for (const { node } of gl?.edges ?? []) {
      running += cents(node.debit) - cents(node.credit);
      expect(cents(node.runningBalance)).toBe(running);
    }
    expect(gl?.edges).toHaveLength(2);
    expect(gl?.edges[0]?.node.entry.number).toBe(gl?.edges[0]?.node.entryNumber);
    expect(gl?.pageInfo.hasNextPage).toBe(true);

    const junior = await as('junior', 'cafe-boquete')(POST_MANY, {
      input: [
        {
          postingDate: today,
          lines: [
            { accountCode: '1110', debit: '1.00' },
            { accountCode: '4101', credit: '1.00' },
          ],
        },
      ],
    });
    expect(codes(junior)).toEqual(['FORBIDDEN']);
    const after = await as(
      'senior',
      'cafe-boquete',
    )<{ trialBalance: { totalDebit: string } }>(`{ trialBalance(asOf: "${year}-12-31") { totalDebit } }`);
    expect(after.data?.trialBalance.totalDebit).toBe(tb?.totalDebit);
  });
});
