import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ControlDb, control, controlDb, pg, TenantRegistry, withClient } from '@cifra/db';
import { ISO_4217 } from '@cifra/domain';
import {
  createTestControlDatabase,
  createTestTenantDatabase,
  TEST_LEGAL_DETAILS_SQL,
  type TestDatabase,
  testServerUrl,
  testServiceSecrets,
} from '@cifra/testing';

/** A local HTTP server standing in for a rate provider: tests set what each path answers. */
export interface FakeProvider {
  url(path: string): string;
  set(path: string, answer: { status?: number; body: string; type?: string }): void;
  fail(path: string, status?: number): void;
  hits(path: string): number;
  close(): Promise<void>;
}

export async function startFakeProvider(): Promise<FakeProvider> {
  const answers = new Map<string, { status: number; body: string; type: string }>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const a = answers.get(path) ?? { status: 404, body: 'not found', type: 'text/plain' };
    res.writeHead(a.status, { 'content-type': a.type });
    res.end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    set: (path, a) =>
      answers.set(path, { status: a.status ?? 200, body: a.body, type: a.type ?? 'text/xml' }),
    fail: (path, status = 503) => answers.set(path, { status, body: 'unavailable', type: 'text/plain' }),
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An ECB reference-rate file (eurofxref-daily.xml format) for the given days. */
export function ecbXml(days: Record<string, Record<string, string>>): string {
  const cubes = Object.entries(days)
    .map(
      ([time, rates]) =>
        `\t\t<Cube time='${time}'>\n${Object.entries(rates)
          .map(([c, r]) => `\t\t\t<Cube currency='${c}' rate='${r}'/>`)
          .join('\n')}\n\t\t</Cube>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
${cubes}
\t</Cube>
</gesmes:Envelope>`;
}

export interface TestClient {
  id: string;
  slug: string;
  db: TestDatabase;
}

export interface ClientSpec {
  slug: string;
  timezone: string;
  baseCurrency: string;
  region?: string;
}

/** A control plane with one firm and real client databases registered in it, as provisioning leaves them. */
export interface FxWorld {
  control: ControlDb;
  controlDbInfo: TestDatabase;
  registry: TenantRegistry;
  firmId: string;
  clients: TestClient[];
  addClient(spec: ClientSpec): Promise<TestClient>;
  close(): Promise<void>;
}

export async function createFxWorld(specs: ClientSpec[]): Promise<FxWorld> {
  const controlDbInfo = await createTestControlDatabase();
  const pool = new pg.Pool({ connectionString: controlDbInfo.adminUrl, max: 4 });
  const db = controlDb(pool);
  await db.insert(control.currencies).values(ISO_4217.map((c) => ({ ...c })));
  const [firm] = await db.insert(control.firms).values({ slug: 'test-firm', name: 'Test Firm' }).returning();
  const [server] = await db
    .insert(control.dbServers)
    .values({ name: 'test', adminUrl: testServerUrl() })
    .returning();
  const registry = new TenantRegistry({ control: db, secrets: testServiceSecrets });
  const clients: TestClient[] = [];
  const addClient = async (spec: ClientSpec): Promise<TestClient> => {
    const tdb = await createTestTenantDatabase();
    const region = spec.region ?? 'PA';
    await withClient(tdb.adminUrl, async (c) => {
      await c.query(
        `INSERT INTO company (legal_name, region, base_currency, base_minor_units, timezone) VALUES ($1, $2, $3, 2, $4)`,
        [spec.slug, region, spec.baseCurrency, spec.timezone],
      );
      await c.query(TEST_LEGAL_DETAILS_SQL);
    });
    const [row] = await db
      .insert(control.tenants)
      .values({
        firmId: firm!.id,
        slug: spec.slug,
        name: spec.slug,
        region,
        baseCurrency: spec.baseCurrency,
        timezone: spec.timezone,
        serverId: server!.id,
        databaseName: tdb.name,
        status: 'ACTIVE',
      })
      .returning();
    const client = { id: row!.id, slug: spec.slug, db: tdb };
    clients.push(client);
    return client;
  };
  for (const spec of specs) await addClient(spec);
  return {
    control: db,
    controlDbInfo,
    registry,
    firmId: firm!.id,
    clients,
    addClient,
    close: async () => {
      await registry.close();
      await pool.end();
      for (const c of clients) await c.db.drop().catch(() => undefined);
      await controlDbInfo.drop().catch(() => undefined);
    },
  };
}

/** Rows as the owner sees them, straight in the client's database. */
export async function rows<T = Record<string, unknown>>(
  db: TestDatabase,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withClient(db.adminUrl, async (c) => (await c.query(text, params)).rows as T[]);
}
