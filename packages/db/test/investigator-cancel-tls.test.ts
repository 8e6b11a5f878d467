import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TLSSocket } from 'node:tls';
import { createTestTenantDatabase, type TestDatabase, testServerUrl } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_INVESTIGATION_LIMITS,
  ensureInvestigatorLogin,
  investigatorUrl,
  pg,
  runInvestigation,
  withClient,
} from '../src/index.ts';

/**
 * An investigation's cancel on a session that uses TLS goes over TLS too: the CancelRequest carries
 * the session's secret key, which in the clear would let anyone on the path cancel its statements.
 * The test server is switched to TLS (a certificate made for the run), and the investigation
 * connects through a relay that records how each connection begins.
 */
const SECRET = 'investigator-tls-secret';
const SSL_REQUEST = 80_877_103;
const CANCEL_REQUEST = 80_877_102;
let db: TestDatabase;
let role: string;
let certs: string;
let relay: Server;
let relayPort: number;
/** The code of each connection's first packet through the relay, in order. */
const openings: number[] = [];

const admin = (sql: string) => withClient(testServerUrl(), (c) => c.query(sql));

async function serverUsesTls(): Promise<boolean> {
  const c = new pg.Client({ connectionString: testServerUrl(), ssl: { rejectUnauthorized: false } });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  certs = mkdtempSync(path.join(tmpdir(), 'cifra-tls-'));
  const [key, cert] = [path.join(certs, 'server.key'), path.join(certs, 'server.crt')];
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-days', '2', '-subj', '/CN=localhost', '-keyout', key, '-out', cert],
    ],
    { stdio: 'ignore' },
  );
  // The server reads them as its own user (another one when the tests run as root).
  const dataDir = (await admin('SHOW data_directory')).rows[0].data_directory as string;
  const owner = statSync(dataDir);
  chmodSync(certs, 0o755);
  for (const file of [key, cert]) chownSync(file, owner.uid, owner.gid);
  chmodSync(key, 0o600);
  await admin(`ALTER SYSTEM SET ssl_cert_file = '${cert}'`);
  await admin(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
  await admin('ALTER SYSTEM SET ssl = on');
  await admin('SELECT pg_reload_conf()');
  // The reload is asynchronous: wait until a connection gets TLS (a minute at most, on a busy machine).
  for (let i = 0; i < 1_200 && !(await serverUsesTls()); i++) await new Promise((r) => setTimeout(r, 50));

  db = await createTestTenantDatabase();
  role = await ensureInvestigatorLogin(testServerUrl(), db.name, SECRET);
  const server = new URL(testServerUrl());
  relay = createServer((inbound) => {
    const outbound = createConnection(Number(server.port), server.hostname);
    inbound.once('data', (first: Buffer) => {
      if (first.length >= 8) openings.push(first.readInt32BE(4));
    });
    inbound.pipe(outbound).pipe(inbound);
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.address() as { port: number }).port;
});

afterAll(async () => {
  relay?.close();
  await admin('ALTER SYSTEM RESET ssl');
  await admin('ALTER SYSTEM RESET ssl_cert_file');
  await admin('ALTER SYSTEM RESET ssl_key_file');
  await admin('SELECT pg_reload_conf()');
  await db?.drop();
  rmSync(certs, { recursive: true, force: true });
});

describe("an investigation's cancel on a TLS session", () => {
  it('is sent over TLS, and the statement stops at the deadline', async () => {
    const url = new URL(investigatorUrl(testServerUrl(), db.name, SECRET));
    url.hostname = '127.0.0.1';
    url.port = String(relayPort);
    const c = new pg.Client({ connectionString: url.toString(), ssl: { rejectUnauthorized: false } });
    c.on('error', () => undefined);
    await c.connect();
    const pid = (c as unknown as { processID: number }).processID;
    const stream = (c as unknown as { connection: { stream: unknown } }).connection.stream;
    expect(stream).toBeInstanceOf(TLSSocket);
    // The server's own timeout switched off (set_config opened to the login for the test, as where
    // tenant migration 0051 could not close it): only the deadline's cancel stops the statement.
    await withClient(db.adminUrl, (a) =>
      a.query(`GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO ${role}`),
    );
    try {
      const statement = `SELECT g, CASE WHEN g = 1 THEN set_config('statement_timeout', '0', true) END,
        CASE WHEN g > 50 THEN pg_sleep(2)::text END FROM generate_series(1, 70) g`;
      await expect(
        runInvestigation(c, statement, { ...DEFAULT_INVESTIGATION_LIMITS, timeoutMs: 500 }),
      ).rejects.toMatchObject({ code: '57014' });
      // Canceled, not cut: the session is there, idle, holding no snapshot.
      const [session] = await withClient(
        db.adminUrl,
        async (a) =>
          (
            await a.query(
              'SELECT state, backend_xmin IS NULL AS "noSnapshot" FROM pg_stat_activity WHERE pid = $1',
              [pid],
            )
          ).rows,
      );
      expect(session).toEqual({ state: 'idle', noSnapshot: true });
    } finally {
      await c.end().catch(() => undefined);
      await withClient(db.adminUrl, (a) =>
        a.query(`REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM ${role}`),
      );
    }
    // The session's connection, then the cancel's: both began by asking for TLS; none in the clear.
    expect(openings).toEqual([SSL_REQUEST, SSL_REQUEST]);
    expect(openings).not.toContain(CANCEL_REQUEST);
  });
});
