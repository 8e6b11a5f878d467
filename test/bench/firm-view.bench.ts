/**
 * Benchmarks of the firm's view (`pnpm bench`): the close board at 10 and at 200 clients, and a
 * 100-client batch close (LOCK_SALES) run by the job worker — through the gateway, with real tokens,
 * on an embedded PostgreSQL server. Clients beyond the five demo clients are `CREATE DATABASE …
 * TEMPLATE` copies of one provisioned client. Prints one table; the ratios compare sizes measured
 * side by side in this one run.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDatabase, ensureAppRole, withDatabase } from '@cifra/db';
import { startEmbeddedPostgres } from '@cifra/db/embedded';
import { signLocalToken } from '@cifra/gateway';
import { startStack } from '@cifra/ops';
import pino from 'pino';
import { gql } from '../support/client.ts';
import { cloneClients } from '../support/clients.ts';

const BOARD_RUNS = Number(process.env.BENCH_BOARD_RUNS ?? 7);
const BOARD_CONCURRENCY = Number(process.env.CLOSE_BOARD_CONCURRENCY ?? 16);
const BATCH_CONCURRENCY = Number(process.env.BATCH_CONCURRENCY ?? 8);
const YEAR = new Date().getUTCFullYear();

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const dir = await mkdtemp(path.join(os.tmpdir(), 'cifra-bench-'));
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
  fanOut: { concurrency: BOARD_CONCURRENCY, timeoutMs: 10_000 },
  jobs: { processEveryMs: 500, periodBatchConcurrency: BATCH_CONCURRENCY },
});
const token = await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm');
const call = gql(stack.gatewayUrl, token);

const BOARD = `query($y: Int!, $m: Int!) { closeBoard(year: $y, month: $m) {
  unavailableCount clients { client { slug } availability periodState stage lastTransition { at } } } }`;

async function boardMs(expected: number): Promise<{ first: number; median: number; connections: number }> {
  const times: number[] = [];
  let connections = 0;
  for (let i = 0; i < BOARD_RUNS; i++) {
    const t0 = performance.now();
    const r = await call<{ closeBoard: { clients: unknown[]; unavailableCount: number } }>(BOARD, {
      y: YEAR,
      m: 3,
    });
    times.push(performance.now() - t0);
    if (
      r.errors ||
      r.data!.closeBoard.clients.length !== expected ||
      r.data!.closeBoard.unavailableCount !== 0
    ) {
      throw new Error(`close board answered wrongly: ${JSON.stringify(r.errors ?? r.data)}`);
    }
    connections = Math.max(connections, stack.registry.stats().connections);
  }
  return { first: times[0] as number, median: median(times.slice(1)), connections };
}

const rows: string[][] = [];
try {
  await cloneClients(stack.control.db, controlUrl, 'panaderia-valle', 5, 'b10');
  const at10 = await boardMs(10);
  await cloneClients(stack.control.db, controlUrl, 'panaderia-valle', 190, 'b200');
  const at200 = await boardMs(200);
  rows.push(
    [
      'closeBoard, 10 clients',
      `${at10.median.toFixed(1)} ms`,
      `${(at10.median / 10).toFixed(2)} ms/client`,
      `first ${at10.first.toFixed(0)} ms`,
    ],
    [
      'closeBoard, 200 clients',
      `${at200.median.toFixed(1)} ms`,
      `${(at200.median / 200).toFixed(2)} ms/client`,
      `first ${at200.first.toFixed(0)} ms`,
    ],
    [
      'ratio 200 / 10',
      `${(at200.median / at10.median).toFixed(1)}×`,
      `for 20× the clients`,
      `open pools ≤ ${stack.registry.stats().pools}`,
    ],
  );

  // A 100-client batch: LOCK_SALES for March on the first hundred clients (by name).
  const tenants = await call<{ tenants: { slug: string }[] }>('{ tenants { slug } }');
  const hundred = tenants.data!.tenants.slice(0, 100).map((t) => t.slug);
  const t0 = performance.now();
  const start = await call<{ startBatchPeriodOperation: { id: string } }>(
    `mutation($i: StartBatchPeriodOperationInput!) { startBatchPeriodOperation(input: $i) { id } }`,
    { i: { tenants: hundred, year: YEAR, month: 3, action: 'LOCK_SALES' } },
  );
  if (start.errors) throw new Error(JSON.stringify(start.errors));
  const accepted = performance.now() - t0;
  let done: { counts: Record<string, number> } | undefined;
  for (;;) {
    const r = await call<{ batchOperation: { status: string; counts: Record<string, number> } }>(
      `query($id: ID!) { batchOperation(id: $id) { status counts { done failed skipped } } }`,
      { id: start.data!.startBatchPeriodOperation.id },
    );
    if (r.data!.batchOperation.status === 'FINISHED') {
      done = r.data!.batchOperation;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const total = performance.now() - t0;
  if (done.counts.done !== 100)
    throw new Error(`batch did not finish cleanly: ${JSON.stringify(done.counts)}`);
  rows.push([
    'batch LOCK_SALES, 100 clients',
    `${total.toFixed(0)} ms`,
    `${(100 / (total / 1000)).toFixed(1)} clients/s`,
    `accepted in ${accepted.toFixed(0)} ms, worker concurrency ${BATCH_CONCURRENCY}`,
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  process.stdout.write(
    `\nfirm view (close board concurrency ${BOARD_CONCURRENCY}, ${BOARD_RUNS} runs, median of warm runs)\n`,
  );
  for (const r of rows)
    process.stdout.write(`  ${r.map((c, i) => c.padEnd(widths[i] as number)).join('  ')}\n`);
} finally {
  await stack.close();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
