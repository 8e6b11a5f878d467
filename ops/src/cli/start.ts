import { createLogger } from '@cifra/context';
import { createProviders } from '@cifra/subgraph-fx';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '../console-build.ts';
import { DEMO_USERS } from '../demo.ts';
import { backupDirOf, perimeterOf, readEnv, tracingOf } from '../env.ts';
import { stopOnSignals } from '../shutdown.ts';
import { startStack } from '../stack.ts';

const env = readEnv();
const log = createLogger('cifra', env.LOG_LEVEL);
// The console is built once, and again only when its sources changed since (a few seconds).
if (await ensureConsoleBuilt((line) => log.info(line))) log.info('built the firm console');
const stack = await startStack({
  dataDir: env.dataDir,
  port: env.PORT,
  host: env.HOST,
  databaseUrl: env.DATABASE_URL,
  publicUrl: env.PUBLIC_URL,
  secrets: env.secrets,
  backupDir: backupDirOf(env),
  restoreKeepReplacedDays: env.RESTORE_KEEP_REPLACED_DAYS,
  log,
  fanOut: { concurrency: env.CLOSE_BOARD_CONCURRENCY, timeoutMs: env.CLOSE_BOARD_CLIENT_TIMEOUT_MS },
  jobs: {
    processEveryMs: env.JOB_PROCESS_EVERY_MS,
    lockLifetimeMs: env.JOB_LOCK_LIFETIME_MS,
    periodBatchConcurrency: env.BATCH_CONCURRENCY,
    backupConcurrency: env.BACKUP_CONCURRENCY,
    drillEveryDays: env.BACKUP_DRILL_EVERY_DAYS,
    // A fresh demo's clients are backed up and drilled in the background (docs/architecture/backups.md).
    firstBackupsOnStart: true,
  },
  fxProviders: createProviders({ ecbUrl: env.FX_ECB_URL, json: env.FX_JSON_PROVIDERS }),
  perimeter: perimeterOf(env),
  tracing: tracingOf(env, 'all-in-one'),
  maxTokenLifetimeSeconds: env.AUTH_MAX_TOKEN_LIFETIME,
  console: { dir: CONSOLE_DIST_DIR },
});

const users = DEMO_USERS.map(
  (u) => `    ${u.email.padEnd(22)} ${u.firmRole ?? 'ClientReadOnly on cafe-boquete'}`,
).join('\n');
process.stdout.write(`
cifraHQ is running (${env.NODE_ENV === 'production' ? 'production' : 'development'} mode; NODE_ENV=production for production).

  Console   ${stack.consoleUrl}
  GraphQL   ${stack.gatewayUrl}
  Health    ${stack.healthUrl}
  Data      ${env.dataDir}

  Demo users (get a token with: pnpm --silent token <email>):
${users}

`);

// Ctrl-C or SIGTERM: the gateway, the subgraphs, the worker, the pools, then PostgreSQL.
stopOnSignals(stack.close, log, { onStopped: () => process.stdout.write('cifraHQ stopped.\n') });
