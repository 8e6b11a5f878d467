import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ControlDb, control, controlDb, pg } from '@cifra/db';
import { documentChecker, type Permission } from '@cifra/permissions';
import { createTestControlDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTrustedDocuments } from '../src/documents-check.ts';
import { SUBGRAPH_NAMES, SUPERGRAPH_SDL_PATH, subgraphDefinition } from '../src/services.ts';

let database: TestDatabase;
let pool: pg.Pool;
let db: ControlDb;
const current = readFileSync(SUPERGRAPH_SDL_PATH, 'utf8');
const ACCOUNTS = 'query Accounts { accounts { code name } }';
const TRAIL = 'query Trail { auditEvents(first: 1) { edges { node { action } } } }';
const idOf = (doc: string) => `sha256:${createHash('sha256').update(doc).digest('hex')}`;

beforeAll(async () => {
  database = await createTestControlDatabase();
  pool = new pg.Pool({ connectionString: database.adminUrl, max: 2 });
  db = controlDb(pool);
  const [firm] = await db.insert(control.firms).values({ slug: 'docs-firm', name: 'Docs Firm' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 's', adminUrl: 'postgres://h/db' })
    .returning();
  await db.insert(control.currencies).values({ code: 'PAB', name: 'Balboa', minorUnits: 2 });
  const [tenant] = await db
    .insert(control.tenants)
    .values({
      firmId: firm!.id,
      slug: 'docs-client',
      name: 'Docs Client',
      region: 'PA',
      baseCurrency: 'PAB',
      timezone: 'America/Panama',
      serverId: server!.id,
      databaseName: 'cifra_c_000000000000000000000000',
      status: 'ACTIVE',
    })
    .returning();
  const made = await db
    .insert(control.integrations)
    .values([
      { firmId: firm!.id, name: 'Live Partner', contact: 'a@b.example' },
      { firmId: firm!.id, name: 'Gone Partner', contact: 'a@b.example', status: 'DELETED' },
    ])
    .returning();
  const [live, gone] = made as [(typeof made)[0], (typeof made)[0]];
  await db
    .insert(control.integrationGrants)
    .values({ integrationId: live.id, tenantId: tenant!.id, permissions: ['GL.Read', 'Audit.Read'] });
  const doc = (integrationId: string, appVersion: string, document: string, retired = false) => ({
    integrationId,
    appVersion,
    documentId: idOf(document),
    document,
    retiredAt: retired ? new Date() : null,
  });
  await db
    .insert(control.trustedDocuments)
    .values([
      doc(live.id, '1.0.0', ACCOUNTS),
      doc(live.id, '1.0.0', TRAIL),
      doc(live.id, '0.9.0', '{ accounts { code } }', true),
      doc(gone.id, '1.0.0', ACCOUNTS),
    ]);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('pnpm documents:check', () => {
  it('finds nothing to report against the schema the documents were published for', async () => {
    expect(await checkTrustedDocuments(db, current)).toEqual({ checked: 2, broken: [] });
  });

  it('names the documents a candidate schema would break, by integration and version', async () => {
    // A breaking change: the root field `accounts` renamed.
    const candidate = current.replace(/^ {2}accounts: /m, '  accountList: ');
    expect(candidate).not.toBe(current);
    const { checked, broken } = await checkTrustedDocuments(db, candidate);
    expect(checked).toBe(2);
    expect(broken).toEqual([
      expect.objectContaining({
        integration: 'Live Partner',
        appVersion: '1.0.0',
        documentId: idOf(ACCOUNTS),
        problem: expect.stringContaining('accounts'),
      }),
    ]);
  });

  it('reports a document its integration is no longer granted enough for', async () => {
    await db.update(control.integrationGrants).set({ permissions: ['GL.Read'] });
    const { broken } = await checkTrustedDocuments(db, current);
    expect(broken.map((b) => [b.documentId, b.problem])).toEqual([
      [idOf(TRAIL), expect.stringContaining('Audit.Read')],
    ]);
    await db.update(control.integrationGrants).set({ permissions: ['GL.Read', 'Audit.Read'] });
    expect((await checkTrustedDocuments(db, current)).broken).toEqual([]);
  });
});

describe('the example partner manifest (docs/examples/partner)', () => {
  it('is valid against the checked-in supergraph and within an invoicing grant', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../docs/examples/partner/persisted-documents.json', import.meta.url), 'utf8'),
    ) as Record<string, string>;
    const check = documentChecker(
      () => current,
      () => SUBGRAPH_NAMES.map((name) => subgraphDefinition(name, { secrets: {} })),
    );
    const grant = new Set<Permission>(['GL.Read', 'Invoice.Create']);
    const problems = Object.entries(manifest).map(([id, document]) => ({
      id,
      hashMatches: id === idOf(document),
      problems: check(document, grant),
    }));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems).toEqual(problems.map((p) => ({ id: p.id, hashMatches: true, problems: [] })));
  });
});
