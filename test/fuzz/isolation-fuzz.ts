import { signLocalToken } from '@cifra/gateway';
import { exportJWK, generateKeyPair } from 'jose';
import { loadApiSchema, OperationGenerator, type Rng, seededRng, type ValuePools } from './operations.ts';
import { documentedCodes, expectedAccess, type FuzzRequest, judge } from './oracle.ts';
import type { World, WorldClient, WorldUser } from './world.ts';

/** Root fields that read or change the firm rather than one client; every other field is the client's. */
export const FIRM_LEVEL_FIELDS = new Set([
  'me',
  'tenants',
  'tenantsConnection',
  'firmMembers',
  'firmMembersConnection',
  'firmSettings',
  'firmAuditEvents',
  'firmHistory',
  'firmHistoryConnection',
  'verifyFirmAuditChain',
  'currencies',
  'errorCodes',
  'currency',
  'staleRateUsage',
  'closeBoard',
  'closeExceptions',
  'batchOperation',
  'batchOperations',
  'startBatchPeriodOperation',
  'provisionTenant',
  'deleteSandboxClient',
  'archiveClient',
  'unarchiveClient',
  'addFirmMember',
  'changeFirmRole',
  'removeFirmMember',
  'deactivateFirmMember',
  'reactivateFirmMember',
  'assignClientRole',
  'revokeClientRole',
  'updateFirmSettings',
  'updateClientSettings',
  'integrations',
  'integrationsConnection',
  'integration',
  'integrationUsage',
  'createIntegration',
  'suspendIntegration',
  'resumeIntegration',
  'deleteIntegration',
  'grantIntegrationAccess',
  'revokeIntegrationAccess',
  'grantIntegrationFirmAccess',
  'revokeIntegrationFirmAccess',
  'createIntegrationSecret',
  'revokeIntegrationSecret',
  'publishTrustedDocuments',
  'retireTrustedDocuments',
  'allowArbitraryDocuments',
  'entityKeys',
  'entityKeysConnection',
  'createEntityKey',
]);

/**
 * Each provisioning creates and migrates a database (seconds); the provisioning suites cover it.
 * Archiving would leave a client's books read-only for the rest of the run, so that most writes
 * there test nothing; test/e2e/sandbox-clients.e2e.test.ts covers it. (deleteSandboxClient stays:
 * the world holds no sandbox, so every one is refused, walls and all.)
 */
const EXCLUDED_FIELDS = new Set(['provisionTenant', 'archiveClient', 'unarchiveClient']);

/** What an investigator may try: its own books, and every way out of them that PostgreSQL offers. */
export const INVESTIGATOR_STATEMENTS = [
  'SELECT memo FROM journal_entries',
  'SELECT name FROM parties',
  'SELECT datname FROM pg_database',
  'SELECT datname, numbackends, xact_commit, tup_inserted FROM pg_stat_database',
  'SELECT usename, datname, query FROM pg_stat_activity',
  "SELECT set_config('role', 'cifra_app', false), current_user",
  'SET ROLE cifra_app',
  'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
  'SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()',
  "SELECT pg_read_file('postgresql.conf')",
  "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(x int)",
  'SELECT rolname FROM pg_roles',
  'SELECT current_database(), current_user, session_user',
];

export interface FuzzOptions {
  seed: number;
  requests: number;
}

export interface Violation {
  index: number;
  who: string;
  tenant?: string;
  field: string;
  query: string;
  variables?: Record<string, unknown>;
  problems: string[];
}

export interface FuzzReport {
  seed: number;
  requests: number;
  answered: number;
  byCode: Record<string, number>;
  writesAccepted: number;
  violations: Violation[];
}

/**
 * Random user × random client header × every root operation, with ids, cursors and export links
 * from every client of both firms. One request at a time, so the access expected for each request
 * is the control plane's state just before it (the fuzzer changes roles too).
 */
export async function runIsolationFuzz(world: World, opts: FuzzOptions): Promise<FuzzReport> {
  const rng = seededRng(opts.seed);
  const schema = loadApiSchema();
  const pools: ValuePools = {
    ids: [],
    idsByClient: new Map(),
    cursors: [],
    slugs: [...world.clients.map((c) => c.slug), 'no-such-client'],
    accountCodes: ['1110', '4101', '1201', '2101', '2201', '6501', '9999'],
    statements: INVESTIGATOR_STATEMENTS,
  };
  const generator = new OperationGenerator(schema, rng, pools);
  await harvest(world, generator, pools);
  const documented = documentedCodes();
  const controlUrl = world.test.controlAdminUrl;
  const forged = await forgedUser();
  const fields = {
    query: generator.rootFields('query').filter((f) => !EXCLUDED_FIELDS.has(f)),
    mutation: generator.rootFields('mutation').filter((f) => !EXCLUDED_FIELDS.has(f)),
  };
  const report: FuzzReport = {
    seed: opts.seed,
    requests: opts.requests,
    answered: 0,
    byCode: {},
    writesAccepted: 0,
    violations: [],
  };
  let expected = await expectedAccess(controlUrl);
  for (let index = 0; index < opts.requests; index++) {
    const user = pickUser(rng, world.users, forged);
    await user?.user?.refresh?.();
    const client = pickClient(
      rng,
      world.clients,
      user?.user ? expected.clients.get(user.user.email) : undefined,
    );
    const tenant = client?.slug ?? (rng.chance(0.2) ? 'no-such-client' : undefined);
    if (rng.chance(0.03)) {
      const problems = await fetchExportLink(world, rng);
      if (problems.length)
        report.violations.push({ index, who: 'link', field: 'GET /exports', query: '', problems });
      continue;
    }
    const kind = rng.chance(0.35) ? 'mutation' : 'query';
    const field = rng.pick(fields[kind]);
    const firmLevel = FIRM_LEVEL_FIELDS.has(field);
    // A firm-level write may legitimately reach several clients (a batch), so it carries no client's mark.
    const op = generator.operation(kind, field, firmLevel ? 'WNZJX' : (client?.writeMark ?? 'WNZJX'), tenant);
    // A forged token must be treated exactly as no token at all.
    const req: FuzzRequest = {
      user: user?.forged ? undefined : user?.user,
      tenant,
      field,
      kind,
      firmLevel,
      variables: op.variables,
    };
    const res = await world.request(user?.token, tenant, op.query, op.variables);
    const verdict = judge(req, res, world.clients, expected, documented);
    for (const code of verdict.codes.length ? verdict.codes : ['OK']) {
      report.byCode[code] = (report.byCode[code] ?? 0) + 1;
    }
    if (!res.errors?.length) report.answered++;
    if (verdict.violations.length) {
      report.violations.push({
        index,
        who: user?.forged ? 'forged token' : (user?.user?.email ?? 'anonymous'),
        tenant,
        field,
        query: op.query,
        variables: op.variables,
        problems: verdict.violations,
      });
    }
    collect(res.data, pools, firmLevel ? undefined : tenant);
    if (kind === 'mutation' && res.data && Object.values(res.data).some((v) => v !== null)) {
      report.writesAccepted++;
      if (FIRM_LEVEL_FIELDS.has(field)) expected = await expectedAccess(controlUrl);
    }
  }
  report.violations.push(...(await strayWrites(world)));
  return report;
}

/** Mostly a client the caller may use (so requests get past the door), sometimes any, sometimes none. */
function pickClient(
  rng: Rng,
  clients: WorldClient[],
  allowed: Set<string> | undefined,
): WorldClient | undefined {
  const own = clients.filter((c) => allowed?.has(c.slug));
  if (own.length && rng.chance(0.6)) return rng.pick(own);
  return rng.chance(0.15) ? undefined : rng.pick(clients);
}

type Caller = { user?: WorldUser; token?: string; forged?: boolean } | undefined;

function pickUser(rng: Rng, users: WorldUser[], forged: WorldUser): Caller {
  if (rng.chance(0.06)) return undefined;
  if (rng.chance(0.04)) return { user: forged, token: forged.token, forged: true };
  const user = rng.pick(users);
  return { user, token: user.token };
}

/** A token for a real member, signed by a key the gateway has never seen. */
async function forgedUser(): Promise<WorldUser> {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  return {
    email: 'admin@demo.firm',
    firm: 'demo',
    token: await signLocalToken(await exportJWK(privateKey), 'admin@demo.firm'),
  };
}

/** Ids and cursors from every client, read by each firm's own admin, to be offered to everyone else. */
async function harvest(world: World, generator: OperationGenerator, pools: ValuePools): Promise<void> {
  for (const c of world.clients) {
    const admin = world.users.find((u) => u.email === `admin@${c.firm === 'demo' ? 'demo' : 'zeta'}.firm`);
    for (const field of generator.rootFields('query')) {
      if (FIRM_LEVEL_FIELDS.has(field)) continue;
      const op = generator.operation('query', field, c.writeMark);
      collect((await world.request(admin?.token, c.slug, op.query, op.variables)).data, pools, c.slug);
    }
  }
}

function collect(data: unknown, pools: ValuePools, client?: string): void {
  const own = client ? (pools.idsByClient.get(client) ?? []) : [];
  if (client) pools.idsByClient.set(client, own);
  const walk = (v: unknown, key?: string) => {
    if (Array.isArray(v)) for (const x of v) walk(x, key);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
    else if (typeof v === 'string' && (key === 'id' || key?.endsWith('Id')) && ID_SHAPE.test(v)) {
      add(pools.ids, v);
      if (client) add(own, v);
    } else if (typeof v === 'string' && (key === 'cursor' || key === 'endCursor')) add(pools.cursors, v);
  };
  walk(data);
}

const POOL_LIMIT = 2_000;
/** Row ids (UUIDs) and scoped ids (`Type:scope:n`); free-text `…Id` fields such as `requestId` are not ids. */
const ID_SHAPE =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z]+:[0-9a-f-]{36}:[0-9]+)$/;
function add(pool: string[], value: string) {
  if (pool.length < POOL_LIMIT && !pool.includes(value)) pool.push(value);
}

/** An export link is a capability for one client: whoever holds it gets that client's file, never another's. */
async function fetchExportLink(world: World, rng: Rng): Promise<string[]> {
  const link = rng.pick(world.exportLinks);
  const tampered = rng.chance(0.3);
  const url = tampered ? `${link.url.slice(0, -4)}AAAA` : link.url;
  const res = await fetch(url, { headers: { 'x-tenant': rng.pick(world.clients).slug } });
  const body = await res.text();
  const problems: string[] = [];
  if (tampered && res.status === 200) problems.push('a tampered export link was served');
  if (res.status >= 500) problems.push(`export link answered ${res.status}`);
  for (const c of world.clients) {
    if (c.slug !== link.client.slug && (body.includes(c.dataMark) || body.includes(c.writeMark))) {
      problems.push(`${link.client.slug}'s export link served ${c.slug}'s data`);
    }
  }
  return problems;
}

/** Afterwards, in each client's own database: nothing written there may carry another client's mark. */
async function strayWrites(world: World): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const c of world.clients) {
    const columns = await world.test.tenantSql<{ table_name: string; column_name: string }>(
      c.slug,
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json')`,
    );
    // Every column in one statement: a statement (and a connection) per column took most of a minute.
    const marks = columns.map(
      ({ table_name: table, column_name: column }) =>
        `SELECT ${literal(`${table}.${column}`)} AS field, regexp_matches(${quote(column)}::text, '(?:W([0-9]+)ZJX|MK([0-9]+)QJX)', 'g') AS m FROM ${quote(table)}`,
    );
    const rows = await world.test.tenantSql<{ field: string; mark: string }>(
      c.slug,
      `SELECT DISTINCT field, coalesce(m[1], m[2]) AS mark FROM (${marks.join(' UNION ALL ')}) s ORDER BY field`,
    );
    const byField = new Map<string, number[]>();
    for (const r of rows) {
      const index = Number(r.mark);
      if (index !== c.index) byField.set(r.field, [...(byField.get(r.field) ?? []), index]);
    }
    for (const [field, strangers] of byField) {
      found.push({
        index: -1,
        who: 'database',
        tenant: c.slug,
        field,
        query: '',
        problems: strangers.map((i) => `${clientName(world.clients, i)}'s write landed in ${c.slug}`),
      });
    }
  }
  return found;
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;
const clientName = (clients: WorldClient[], index: number) => clients[index]?.slug ?? `client ${index}`;
