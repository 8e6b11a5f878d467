import { parseArgs } from 'node:util';
import { signLocalToken } from '@cifra/gateway';
import { readEnv } from '../env.ts';
import { gatewayInvestigate, runInvestigateConsole } from '../investigate-console.ts';
import { runningStack } from '../running-stack.ts';
import { readSecrets } from '../secrets.ts';

const usage = `usage: pnpm investigate --tenant <slug> [--as <email>] [--url <gateway url>] [--max-rows <n>]

Opens the investigator console on one client's database. Every statement goes through the
gateway's audited investigate mutation as the signed-in user (Audit.Investigate), runs as the
readonly_investigator role in a read-only transaction, and is recorded in the client's audit trail.
Sign in with --as <email> (the embedded default's local issuer, like pnpm token) or a bearer token
in CIFRA_TOKEN. End a statement with ";"; \\q quits. Pipe statements in to run them unattended.`;

const { values } = parseArgs({
  options: {
    tenant: { type: 'string' },
    as: { type: 'string' },
    url: { type: 'string' },
    'max-rows': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help || !values.tenant) {
  process.stderr.write(`${usage}\n`);
  process.exit(values.help ? 0 : 2);
}
const env = readEnv();
let token = env.CIFRA_TOKEN;
if (values.as) {
  const secrets = await readSecrets(env.dataDir).catch((err: Error) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  });
  token = await signLocalToken(secrets.authPrivateJwk, values.as);
}
if (!token) {
  process.stderr.write(`Sign in: pass --as <email> or set CIFRA_TOKEN\n\n${usage}\n`);
  process.exit(2);
}
// As pnpm start recorded it under DATA_DIR, unless named; port 4000 only when nothing says otherwise.
const url =
  values.url ??
  env.CIFRA_GATEWAY_URL ??
  runningStack(env.dataDir)?.gatewayUrl ??
  `http://${env.HOST}:${env.PORT || 4000}/graphql`;
const interactive = Boolean(process.stdin.isTTY);
const summary = await runInvestigateConsole({
  input: process.stdin,
  output: process.stdout,
  interactive,
  banner: `cifraHQ investigator console — ${values.tenant} via ${url}\nEvery statement is recorded in the client's audit trail. End statements with ";", \\q to quit.`,
  investigate: gatewayInvestigate({
    url,
    token,
    tenant: values.tenant,
    maxRows: values['max-rows'] ? Number(values['max-rows']) : undefined,
  }),
});
process.exitCode = summary.failed > 0 && !interactive ? 1 : 0;
