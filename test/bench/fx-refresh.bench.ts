/**
 * Benchmark of the FX refresh fan-out (`pnpm bench`): 500 clients (the five demo clients plus
 * `CREATE DATABASE … TEMPLATE` copies of one provisioned client), all due at once, refreshed by the
 * real job worker — the dispatcher job queues one Agenda job per client on the control-plane
 * database, each job fetches (through the shared snapshot cache) from a local ECB-format server,
 * crosses the rates and appends them to the client's history. Prints one table.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { control, createDatabase, ensureAppRole, withDatabase } from '@cifra/db';
import { startEmbeddedPostgres } from '@cifra/db/embedded';
import { startStack } from '@cifra/ops';
import { createProviders } from '@cifra/subgraph-fx';
import { isNotNull, sql } from 'drizzle-orm';
import pino from 'pino';
import { cloneClients } from '../support/clients.ts';

const CLIENTS = Number(process.env.BENCH_FX_CLIENTS ?? 500);

// A local stand-in for the ECB daily file.
let hits = 0;
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
<Cube><Cube time="2026-11-20"><Cube currency="USD" rate="1.0812"/><Cube currency="JPY" rate="162.53"/><Cube currency="GBP" rate="0.8543"/></Cube></Cube>
</gesmes:Envelope>`;
const http = createServer((_req, res) => {
  hits += 1;
  res.writeHead(200, { 'content-type': 'text/xml' });
  res.end(xml);
});
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const ecbUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/eurofxref-daily.xml`;

const dir = await mkdtemp(path.join(os.tmpdir(), 'cifra-bench-fx-'));
await chmod(dir, 0o755);
const server = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), password: 'bench', durable: true });
await ensureAppRole(server.url, 'bench-app');
await createDatabase(server.url, 'bench_control');
const controlUrl = withDatabase(server.url, 'bench_control');
const stack = await startStack({
  dataDir: path.join(dir, 'data'),
  port: 0,
  databaseUrl: controlUrl,
  appPassword: 'bench-app',
  log: pino({ level: 'silent' }),
  jobs: { processEveryMs: 200 },
  fxProviders: createProviders({ ecbUrl }),
});
const db = stack.control.db;
const agenda = stack.worker!.agenda;

async function untilAll(predicate: () => Promise<number>, total: number): Promise<void> {
  for (;;) {
    if ((await predicate()) >= total) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const planned = async () =>
  (await db.select({ n: sql<number>`count(*)::int` }).from(control.fxRefreshStatus))[0]!.n;
const refreshed = async () =>
  (
    await db
      .select({ n: sql<number>`count(*)::int` })
      .from(control.fxRefreshStatus)
      .where(isNotNull(control.fxRefreshStatus.lastSuccessAt))
  )[0]!.n;

try {
  const t0 = performance.now();
  await cloneClients(db, controlUrl, 'panaderia-valle', CLIENTS - 5, 'fx');
  const cloneMs = performance.now() - t0;

  // The dispatcher plans every client's next local run.
  const t1 = performance.now();
  await agenda.now('fx.dispatch-refresh');
  await untilAll(planned, CLIENTS);
  const planMs = performance.now() - t1;

  // Worst case: every client due at the same instant.
  await db.update(control.fxRefreshStatus).set({ nextRunAt: new Date(Date.now() - 60_000) });
  let maxConnections = 0;
  const sampler = setInterval(() => {
    maxConnections = Math.max(maxConnections, stack.registry.stats().connections);
  }, 20);
  const t2 = performance.now();
  await agenda.now('fx.dispatch-refresh');
  await untilAll(refreshed, CLIENTS);
  const fanOutMs = performance.now() - t2;
  clearInterval(sampler);
  const failed = (
    await db
      .select({ n: sql<number>`count(*)::int` })
      .from(control.fxRefreshStatus)
      .where(sql`${control.fxRefreshStatus.lastError} IS NOT NULL`)
  )[0]!.n;

  const rows = [
    [
      `make ${CLIENTS - 5} clients by TEMPLATE`,
      `${(cloneMs / 1000).toFixed(1)} s`,
      `${(cloneMs / (CLIENTS - 5)).toFixed(0)} ms/client`,
    ],
    [
      `dispatcher: plan ${CLIENTS} clients`,
      `${planMs.toFixed(0)} ms`,
      `${(planMs / CLIENTS).toFixed(2)} ms/client (incl. one poll)`,
    ],
    [
      `refresh fan-out, ${CLIENTS} clients due at once`,
      `${(fanOutMs / 1000).toFixed(1)} s`,
      `${(CLIENTS / (fanOutMs / 1000)).toFixed(1)} clients/s`,
    ],
    ['provider requests', `${hits}`, `for ${CLIENTS} clients (snapshot cache)`],
    ['peak tenant connections', `${maxConnections}`, `registry bound 50 pools × 4`],
    ['clients with an error', `${failed}`, ''],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  process.stdout.write('\nfx refresh fan-out (Agenda worker, refresh job concurrency 4)\n');
  for (const r of rows)
    process.stdout.write(`  ${r.map((c, i) => c.padEnd(widths[i] as number)).join('  ')}\n`);
} finally {
  await stack.close();
  await server.stop();
  http.close();
  await rm(dir, { recursive: true, force: true });
}
