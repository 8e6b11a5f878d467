import { signLocalToken } from '@cifra/gateway';
import { readEnv } from '../env.ts';
import { readSecrets } from '../secrets.ts';

const email = process.argv[2];
if (!email) {
  process.stderr.write('usage: pnpm --silent token <email>\n');
  process.exit(2);
}
const env = readEnv();
if (env.AUTH_ISSUER) {
  // The gateway verifies the firm's provider's tokens then: a local one would be refused.
  process.stderr.write(`AUTH_ISSUER is set: get a token from ${env.AUTH_ISSUER}, not from pnpm token\n`);
  process.exit(2);
}
const secrets = await readSecrets(env.dataDir);
process.stdout.write(`${await signLocalToken(secrets.authPrivateJwk, email)}\n`);
