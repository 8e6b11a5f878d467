import { rm } from 'node:fs/promises';
import { control, withClient, withDatabase } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import {
  CONSOLE_DIST_DIR,
  ensureConsoleBuilt,
  loadOrCreateSecrets,
  type Stack,
  type StackOptions,
  startGatewayService,
  startStack,
} from '@cifra/ops';
import { dropTestDatabase, makeTestDir, TEST_APP_PASSWORD, type TestDatabase } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { gql } from './client.ts';
import { copyDemoFirm } from './demo-firm.ts';

export const DEMO_USERS = ['admin', 'senior', 'junior', 'reviewer', 'client'] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

export interface TestStack {
  stack: Stack;
  /** A GraphQL client through the gateway as a demo user (`senior` → senior@demo.firm). */
  as(who: DemoUser, tenant?: string): ReturnType<typeof gql>;
  token(who: DemoUser): string;
  /** The control plane as its owner (for assertions and set-up). */
  controlAdminUrl: string;
  /** The stack's DATA_DIR (its backups are below `backups/`). */
  dataDir: string;
  /** Run SQL as the owner, straight in one client's own database (for assertions and set-up). */
  tenantSql<T = Record<string, unknown>>(slug: string, sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * The all-in-one stack for an end-to-end test file: its own control plane on the shared test
 * server, the demo firm seeded (a copy of the run's one seed: demo-firm.ts), the gateway on a free
 * port, and real tokens for the demo users. The demo's books are three weeks of cash sales per
 * client unless `demoHistory` asks for the two fiscal years `pnpm start` seeds.
 */
export async function startTestStack(
  options: Pick<
    StackOptions,
    'perimeter' | 'tracing' | 'jobs' | 'backupS3' | 'externalAuth' | 'demoHistory' | 'worker'
  > & {
    logStream?: NodeJS.WritableStream;
    /** Serve the firm console at `/`, building it first when packages/console/dist is stale. */
    console?: boolean;
  } = {},
): Promise<TestStack> {
  const { logStream, console: withConsole, demoHistory, ...stackOptions } = options;
  if (withConsole) await ensureConsoleBuilt();
  const dataDir = await makeTestDir('cifra-e2e-');
  // A copy of the run's one seed of either demo (demo-firm.ts), made with the secrets the stack
  // starts with: the stack finds its firm there and seeds nothing.
  const db = await copyDemoFirm(await loadOrCreateSecrets(dataDir), demoHistory ?? false);
  const stack = await startStack({
    dataDir,
    port: 0,
    databaseUrl: db.adminUrl,
    appPassword: TEST_APP_PASSWORD,
    log: logStream ? pino({ level: 'info' }, logStream) : pino({ level: 'silent' }),
    console: withConsole ? { dir: CONSOLE_DIST_DIR } : undefined,
    ...stackOptions,
  });
  const tokens = new Map<DemoUser, string>();
  for (const who of DEMO_USERS)
    tokens.set(who, await signLocalToken(stack.authPrivateJwk, `${who}@demo.firm`));
  const token = (who: DemoUser) => tokens.get(who) as string;
  return {
    stack,
    token,
    controlAdminUrl: db.adminUrl,
    dataDir,
    as: (who, tenant) => gql(stack.gatewayUrl, token(who), tenant),
    tenantSql: async (slug, sql, params = []) => {
      const [t] = await stack.control.db.select().from(control.tenants).where(eq(control.tenants.slug, slug));
      if (!t) throw new Error(`no tenant ${slug}`);
      return withClient(
        withDatabase(db.adminUrl, t.databaseName),
        async (c) => (await c.query(sql, params)).rows,
      );
    },
    close: async () => {
      await closeStack(stack, db);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Close a stack and drop its databases with it, so that the test server holds only the running
 * files': its control plane (`database`) and every client it knows, those provisioned by the test
 * included. With no stack (its start failed), the control plane alone.
 */
export async function closeStack(
  stack: Stack | undefined,
  database: TestDatabase | undefined,
): Promise<void> {
  const clients = stack
    ? await stack.control.db.select({ database: control.tenants.databaseName }).from(control.tenants)
    : [];
  await stack?.close();
  await Promise.all([database?.drop(), ...clients.map((c) => dropTestDatabase(c.database))]);
}

/**
 * One more gateway instance in front of the stack's subgraphs and control plane, as a second
 * process of a split deployment would be (the same keys, its own caches and buckets).
 */
export function startAnotherGateway(
  t: TestStack,
  perimeter: Parameters<typeof startGatewayService>[0]['perimeter'],
  drainMs?: number,
): ReturnType<typeof startGatewayService> {
  return startGatewayService({
    port: 0,
    subgraphUrls: t.stack.subgraphUrls,
    auth: { kind: 'local', publicJwk: t.stack.gatewayKeys.authPublicJwk },
    contextPrivateJwk: t.stack.gatewayKeys.contextPrivateJwk,
    control: t.stack.appControl,
    log: pino({ level: 'silent' }),
    perimeter,
    drainMs,
  });
}

/**
 * A change written straight into the control plane (an expiry reached, as a test stages it) is not
 * a mutation through the gateway, so the gateway's remembered access may stand for its one second
 * (gateway/src/caches.ts): wait that out.
 */
export const outlastAccessCache = () => new Promise((resolve) => setTimeout(resolve, 1_100));
