import { DEFAULT_FAN_OUT } from '@cifra/db';
import {
  type ClaimFrom,
  clientPeriodPort,
  type ProjectionDeps,
  projectBehind,
  SweepMemory,
  sweepClientChanges,
} from '@cifra/subgraph-period';
import type { JobModule } from '../worker.ts';

export const CLOSE_BOARD_SWEEP_JOB = 'close-board.sweep';
/** How often the projector looks for clients that announced a change (a cheap indexed query). */
export const DEFAULT_PROJECTOR_POLL_MS = 250;
/** A projector's hold on a client: one that dies lets another take the client after this. */
export const PROJECTOR_LEASE_MS = 60_000;
/**
 * The projector's per-client time limit. Nobody waits on it, so it is longer than a person's
 * (CLOSE_BOARD_CLIENT_TIMEOUT_MS): a client merely slow on a busy server is not marked UNAVAILABLE.
 */
export const PROJECTOR_CLIENT_TIMEOUT_MS = 30_000;
/**
 * Clients one worker's projector reads at once: background work, kept below the fan-out a person
 * waits for so that it never starves requests and batch items of CPU and connections.
 */
export const DEFAULT_PROJECTOR_CONCURRENCY = 4;

/**
 * The close board's read model (docs/architecture/close-board.md, "The read model"). A loop in every
 * worker projects the clients that announced a change — claimed under a lease, so two workers never
 * read one client at once and a killed worker's clients are retaken — four at a time by default;
 * apart from them, one at a time, the clients whose database did not answer last time.
 * Every minute (and at worker start) a sweep enrols new clients, finds changes no announcement
 * covered, and marks clients whose database does not answer; after its first pass it asks only the
 * clients whose books may have moved since (and a fifteenth of the rest in turn).
 */
export const closeBoardJobs: JobModule = async (agenda, deps) => {
  const configured = { ...DEFAULT_FAN_OUT, ...deps.limits?.closeBoardFanOut };
  const fanOut = {
    concurrency:
      deps.limits?.closeBoardProjectorConcurrency ??
      Math.min(configured.concurrency, DEFAULT_PROJECTOR_CONCURRENCY),
    timeoutMs: Math.max(configured.timeoutMs, PROJECTOR_CLIENT_TIMEOUT_MS),
  };
  const projection: ProjectionDeps = {
    control: deps.control,
    registry: deps.registry,
    port: clientPeriodPort,
    fanOut,
  };
  // What this worker's sweeps found clean: a client whose database's counts have not moved since
  // is not asked again (close-board-sweep.service.ts).
  const memory = new SweepMemory({ secrets: deps.secrets });
  agenda.define(
    CLOSE_BOARD_SWEEP_JOB,
    async () => {
      const swept = await sweepClientChanges(projection, memory);
      // Every pass at debug (how many clients it asked); at info when it found something.
      deps.log[swept.behind + swept.unavailable > 0 ? 'info' : 'debug'](swept, 'close board sweep');
    },
    { concurrency: 1 },
  );
  await agenda.every('1 minute', CLOSE_BOARD_SWEEP_JOB);

  const pollMs = deps.limits?.closeBoardPollMs ?? DEFAULT_PROJECTOR_POLL_MS;
  let stopped = false;
  const wakers = new Set<() => void>();
  // Two loops: the clients whose database answered last time, `concurrency` at a time, and apart
  // from them, one at a time, those whose database did not. A database that does not answer holds
  // its read for up to the time limit: in one loop, a server that hangs held up every other
  // client's change behind its clients, which were always the oldest behind.
  const loop = (from: ClaimFrom, limit: number) =>
    (async () => {
      while (!stopped) {
        let projected = 0;
        try {
          projected = await projectBehind(projection, { limit, leaseMs: PROJECTOR_LEASE_MS, from });
        } catch (err) {
          if (!stopped) deps.log.warn({ err, from }, 'close board projector pass failed');
        }
        if (projected === 0 && !stopped) {
          await new Promise<void>((resolve) => {
            const wake = () => {
              wakers.delete(wake);
              resolve();
            };
            wakers.add(wake);
            setTimeout(wake, pollMs).unref();
          });
        }
      }
    })();
  const loops = Promise.all([loop('answering', fanOut.concurrency * 2), loop('unavailable', 1)]);
  // Stopping waits for the passes under way, at most as long as one client may take, so a pass stuck
  // on a database that does not answer cannot hold up shutdown; such a pass is left to end on its own.
  return async () => {
    stopped = true;
    for (const wake of wakers) wake();
    await Promise.race([loops, new Promise((resolve) => setTimeout(resolve, fanOut.timeoutMs).unref())]);
  };
};
