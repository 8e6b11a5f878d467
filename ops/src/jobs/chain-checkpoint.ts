import { CHECKPOINT_SECRET, control, takeCheckpoint } from '@cifra/db';
import { eq } from 'drizzle-orm';
import type { JobModule } from '../worker.ts';
import { jobFailed } from './job-failed.ts';

export const CHAIN_CHECKPOINT_JOB = 'audit.chain-checkpoint';
/** Clients checkpointed at once (each holds a tenant connection for two short queries). */
const CONCURRENCY = 4;

/**
 * Every day, each active client's audit chain head is checkpointed in the control plane (an
 * approved month close does it too): the last checkpoint is what a rewritten chain is measured
 * against (docs/architecture/audit.md). A client that cannot be reached is skipped until tomorrow.
 */
export const chainCheckpointJobs: JobModule = async (agenda, deps) => {
  agenda.define(
    CHAIN_CHECKPOINT_JOB,
    async () => {
      const secret = deps.registry.secret(CHECKPOINT_SECRET);
      if (!secret) return;
      const clients = await deps.control
        .select({ id: control.tenants.id })
        .from(control.tenants)
        .where(eq(control.tenants.status, 'ACTIVE'));
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < clients.length && !deps.stopping?.aborted; i = next++) {
          const id = (clients[i] as { id: string }).id;
          try {
            await takeCheckpoint(deps.control, await deps.registry.db(id), id, secret, 'daily');
          } catch (err) {
            jobFailed(deps, { err, tenantId: id }, 'chain checkpoint skipped');
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, clients.length) }, worker));
    },
    { concurrency: 1 },
  );
  await agenda.every('1 day', CHAIN_CHECKPOINT_JOB);
};
