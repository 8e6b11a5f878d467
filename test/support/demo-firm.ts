import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  control,
  createDatabase,
  dropClientLogins,
  ensureAppLogin,
  ensureInvestigatorLogin,
  opaqueDatabaseName,
  TenantRegistry,
  withClient,
  withDatabase,
} from '@cifra/db';
import { type LocalSecrets, openControlPlane, seedDemoFirm } from '@cifra/ops';
import { clientPeriodPort, projectBehind, sweepClientChanges } from '@cifra/subgraph-period';
import {
  createTestControlDatabase,
  TEST_APP_PASSWORD,
  type TestDatabase,
  testServerUrl,
} from '@cifra/testing';
import pino from 'pino';
import { openBooksYears } from './books-year.ts';

/**
 * The demo firm an end-to-end stack starts with, seeded once per test run (and per day of its
 * clients) and copied for each stack by `CREATE DATABASE … TEMPLATE`: a stack's control plane and
 * its five clients' databases are copies of those the seed made, the clients under new names with
 * their own logins from the stack's own secrets. It is the state `pnpm start` seeds (ops/src/demo.ts)
 * once its worker has projected the close board's read model — in a fraction of the seed's time.
 */
interface DemoFirmTemplate {
  /** Two fiscal years of books (what `pnpm start` seeds), or three weeks of cash sales. */
  history: boolean;
  /** The control plane as seeded (never connected to again: a template). */
  control: string;
  clients: { id: string; database: string }[];
  /** Each client time zone's day of the seed: the sample books run up to it. */
  days: Record<string, string>;
}

/** The templates of this run, in the test server's maintenance database (both workers share it). */
const TEMPLATES = 'cifra_test_demo_firms';
const BUILD_LOCK = 726_101;

/** YYYY-MM-DD today in an IANA zone (en-CA writes dates so). */
const todayIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
const current = (t: DemoFirmTemplate) => Object.entries(t.days).every(([zone, day]) => todayIn(zone) === day);

const known = new Map<boolean, DemoFirmTemplate>();

/** The demo firm of today, seeding it first when this run has none for today (one worker at a time). */
async function demoFirmTemplate(history: boolean): Promise<DemoFirmTemplate> {
  const mine = known.get(history);
  if (mine && current(mine)) return mine;
  const server = testServerUrl();
  const template = await withClient(withDatabase(server, 'postgres'), async (c) => {
    await c.query('SELECT pg_advisory_lock($1)', [BUILD_LOCK]);
    try {
      await c.query(`CREATE TABLE IF NOT EXISTS ${TEMPLATES} (template jsonb NOT NULL)`);
      const built = await c.query<{ template: DemoFirmTemplate }>(`SELECT template FROM ${TEMPLATES}`);
      const usable = built.rows.map((r) => r.template).find((t) => t.history === history && current(t));
      if (usable) return usable;
      const seeded = await seedTemplate(server, history);
      await c.query(`INSERT INTO ${TEMPLATES} (template) VALUES ($1)`, [seeded]);
      return seeded;
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [BUILD_LOCK]);
    }
  });
  known.set(history, template);
  return template;
}

/** Seed the demo firm as a stack would, then leave its databases as templates with no logins. */
async function seedTemplate(server: string, history: boolean): Promise<DemoFirmTemplate> {
  const db = await createTestControlDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cifra-demo-'));
  const opened = await openControlPlane({
    dataDir,
    databaseUrl: db.adminUrl,
    log: pino({ level: 'silent' }),
    controlAppPassword: TEST_APP_PASSWORD,
  });
  try {
    const secrets = opened.serviceSecrets();
    const registry = new TenantRegistry({ control: opened.app.db, secrets });
    try {
      await seedDemoFirm({ control: opened.control.db, registry, secrets, history });
      // Three weeks of sales are books of the seed's year: the tests' year is opened too. (The
      // history's two years are the seed's year and the one before, which its tests read so.)
      if (!history) await openBooksYears(opened.control.db, registry);
      // The close board's read model as the stack's worker would leave it, so that no stack
      // projects the five clients again at its start.
      const projection = {
        control: opened.app.db,
        registry,
        port: clientPeriodPort,
        fanOut: { concurrency: 5, timeoutMs: 60_000 },
      };
      await sweepClientChanges(projection);
      while ((await projectBehind(projection, { limit: 5, leaseMs: 60_000 })) > 0);
    } finally {
      await registry.close();
    }
    const tenants = await opened.control.db.select().from(control.tenants);
    // Checkpoints are sealed with the seeding secrets, which no copy has: a seed must take none.
    const sealed = await opened.control.pool.query('SELECT 1 FROM audit_chain_checkpoints LIMIT 1');
    if (sealed.rowCount)
      throw new Error('the demo seed took an audit checkpoint: its copies could not verify it');
    // The seed's logins go: a copy is reached only by the logins made for it.
    for (const t of tenants) await dropClientLogins(server, t.databaseName);
    return {
      history,
      control: db.name,
      clients: tenants.map((t) => ({ id: t.id, database: t.databaseName })),
      days: Object.fromEntries(tenants.map((t) => [t.timezone, todayIn(t.timezone)])),
    };
  } finally {
    await opened.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * A copy of today's demo firm for one stack: its control plane (returned) and its clients'
 * databases, renamed in the copy's directory, each with logins derived from `secrets` (the stack's
 * DATA_DIR's, which it then starts with).
 */
export async function copyDemoFirm(secrets: LocalSecrets, history = false): Promise<TestDatabase> {
  const template = await demoFirmTemplate(history);
  const server = testServerUrl();
  const db = await createTestControlDatabase(template.control);
  const renamed = await Promise.all(
    template.clients.map(async (client) => {
      const name = opaqueDatabaseName();
      await createDatabase(server, name, client.database);
      await ensureAppLogin(server, name, secrets.tenantDbSecret);
      await ensureInvestigatorLogin(server, name, secrets.investigatorSecret);
      return { id: client.id, name };
    }),
  );
  await withClient(db.adminUrl, async (c) => {
    for (const { id, name } of renamed)
      await c.query('UPDATE tenants SET database_name = $1 WHERE id = $2', [name, id]);
  });
  return db;
}
