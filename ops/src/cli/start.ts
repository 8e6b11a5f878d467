import { createLogger } from '@cifra/context';
import { createProviders } from '@cifra/subgraph-fx';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '../console-build.ts';
import { DEMO_USERS } from '../demo.ts';
import { backupDirOf, backupS3Of, externalAuthOf, perimeterOf, readEnv, tracingOf } from '../env.ts';
import { forgetRunningStack, recordRunningStack } from '../running-stack.ts';
import { stopOnSignals } from '../shutdown.ts';
import { startStack } from '../stack.ts';

const env = readEnv();
const log = createLogger('cifra', env.LOG_LEVEL);
const externalAuth = externalAuthOf(env);
// The console is built once, and again only when its sources changed since (a few seconds).
if (await ensureConsoleBuilt((line) => log.info(line))) log.info('built the firm console');
const stack = await startStack({
  dataDir: env.dataDir,
  // A fresh DATA_DIR gets the demo firm with two fiscal years of books (docs/demo.md).
  demoHistory: true,
  port: env.PORT,
  host: env.HOST,
  databaseUrl: env.DATABASE_URL,
  publicUrl: env.PUBLIC_URL,
  secrets: env.secrets,
  backupDir: backupDirOf(env),
  backupS3: backupS3Of(env),
  restoreKeepReplacedDays: env.RESTORE_KEEP_REPLACED_DAYS,
  restoreRequestExpiresHours: env.RESTORE_REQUEST_EXPIRES_HOURS,
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
  externalAuth,
});

// The command-line tools (pnpm investigate, …) find the gateway here rather than guess its port.
recordRunningStack(env.dataDir, { gatewayUrl: stack.gatewayUrl, consoleUrl: stack.consoleUrl });

const users = DEMO_USERS.map(
  (u) => `    ${u.email.padEnd(22)} ${u.firmRole ?? 'ClientReadOnly on cafe-boquete'}`,
).join('\n');
const mode = env.NODE_ENV === 'production' ? 'production' : 'development';
// pnpm build's output in production (ops/bin/run.mjs), the TypeScript sources otherwise.
const code = import.meta.url.endsWith('.js') ? 'compiled JavaScript' : 'TypeScript through tsx';
// With the firm's provider, people sign in there: no demo user is offered or can get a token here.
const signIn = externalAuth
  ? `  Sign-in at ${externalAuth.auth.issuer} (${
      externalAuth.consoleOidc
        ? `console client ${externalAuth.consoleOidc.clientId}`
        : 'no console client: set CONSOLE_OIDC_CLIENT_ID'
    })`
  : `  Demo users (get a token with: pnpm --silent token <email>):\n${users}`;
process.stdout.write(`
cifraHQ is running (${mode} mode, ${code}; NODE_ENV=production for production).

  Console   ${stack.consoleUrl}
  GraphQL   ${stack.gatewayUrl}
  Health    ${stack.healthUrl}
  Data      ${env.dataDir}

${signIn}

`);

// Ctrl-C or SIGTERM: the gateway, the subgraphs, the worker, the pools, then PostgreSQL.
stopOnSignals(
  async () => {
    forgetRunningStack(env.dataDir);
    await stack.close();
  },
  log,
  { onStopped: () => process.stdout.write('cifraHQ stopped.\n') },
);
