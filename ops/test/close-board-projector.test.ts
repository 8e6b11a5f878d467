import { createServer, type Socket } from 'node:net';
import { control, TenantRegistry } from '@cifra/db';
import { testServiceSecrets } from '@cifra/testing';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardFirm, openBoardFirm } from '../../subgraphs/period/test/board-firm.ts';
import { periodId, waitFor } from '../../subgraphs/period/test/support.ts';
import { closeBoardJobs } from '../src/jobs/close-board.ts';
import { type RunningWorker, startWorker } from '../src/worker.ts';

/**
 * The worker's close board projector with a client on a database server that accepts connections
 * and never answers: another client's change still reaches the board, while the silent client is
 * shown UNAVAILABLE. In one loop the silent client, always the oldest behind, held every pass.
 */
let firm: BoardFirm;
let registry: TenantRegistry;
let worker: RunningWorker | undefined;
const held: Socket[] = [];
let letGo = false;
const silent = createServer((socket) => {
  socket.on('error', () => undefined);
  if (letGo) socket.destroy();
  else held.push(socket);
});

beforeAll(async () => {
  firm = await openBoardFirm(['alpha', 'beta']);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  // The worker's own registry waits for a connection as long as the test may run: only the test
  // lets the silent server's connections go.
  registry = new TenantRegistry({
    control: firm.deps.control,
    secrets: testServiceSecrets,
    connectionTimeoutMs: 600_000,
  });
});

afterAll(async () => {
  // From now on the silent server drops every connection at once, those made meanwhile too.
  letGo = true;
  for (const socket of held) socket.destroy();
  await worker?.stop();
  await registry?.close();
  silent.close();
  await firm?.close();
});

const projection = (tenantId: string) =>
  firm.deps.control
    .select()
    .from(control.clientCloseProjections)
    .where(eq(control.clientCloseProjections.tenantId, tenantId))
    .then((rows) => rows[0]);

describe("the worker's close board projector", () => {
  it('projects a change of one client while another client’s server never answers', async () => {
    const [alpha, beta] = firm.clients as [BoardFirm['clients'][number], BoardFirm['clients'][number]];
    const port = (silent.address() as { port: number }).port;
    const [server] = await firm.deps.control
      .insert(control.dbServers)
      .values({
        name: 'silent',
        adminUrl: `postgres://nobody:nothing@127.0.0.1:${port}/postgres`,
        acceptsNewTenants: false,
      })
      .returning();
    await firm.deps.control
      .update(control.tenants)
      .set({ serverId: server!.id })
      .where(eq(control.tenants.id, beta.id));
    // Beta did not answer last time and is behind, its retry due: the oldest client behind.
    await firm.deps.control.execute(sql`
      INSERT INTO client_close_projections (tenant_id, changed_at, unavailable_code, unavailable_reason, unavailable_at)
      VALUES (${beta.id}, now() - interval '1 hour', 'TIMEOUT', 'No answer', now())`);

    worker = await startWorker({
      pool: firm.controlPool,
      deps: {
        control: firm.deps.control,
        registry,
        log: pino({ level: 'silent' }),
        limits: { closeBoardPollMs: 20, closeBoardFanOut: { timeoutMs: 600_000 } },
      },
      modules: [closeBoardJobs],
      processEvery: 100,
      stopWaitMs: 200,
    });
    // The projector (or the sweep) is reading beta, and will until the test lets it go.
    await waitFor('a read of the silent server', async () => held.length > 0);

    // Alpha's March is locked and announced, as a mutation announces.
    await firm.deps.control.execute(sql`
      INSERT INTO client_close_projections (tenant_id) VALUES (${alpha.id}) ON CONFLICT DO NOTHING`);
    await alpha.books.owner.query(`UPDATE posting_periods SET state = 'LOCK_SALES' WHERE id = $1`, [
      await periodId(alpha.books, 2026, 3),
    ]);
    await firm.deps.control.execute(sql`
      UPDATE client_close_projections SET change_seq = change_seq + 1, changed_at = coalesce(changed_at, now())
       WHERE tenant_id = ${alpha.id}`);
    await waitFor("alpha's change on the board", async () => {
      const p = await projection(alpha.id);
      return p !== undefined && p.changedAt === null && p.projectedSeq >= p.changeSeq;
    });
    const [march] = await firm.deps.control
      .select()
      .from(control.clientCloseMonths)
      .where(sql`tenant_id = ${alpha.id} AND year = 2026 AND month = 3`);
    expect(march?.periodState).toBe('LOCK_SALES');
    // Beta is still being read, still shown UNAVAILABLE, its last rows kept.
    expect(held.some((s) => !s.destroyed)).toBe(true);
    expect((await projection(beta.id))?.unavailableCode).toBe('TIMEOUT');
  });
});
