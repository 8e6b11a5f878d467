import { signLocalToken } from '@cifra/gateway';
import { readEnv } from '../env.ts';
import { readSecrets } from '../secrets.ts';

const email = process.argv[2];
if (!email) {
  process.stderr.write('usage: pnpm --silent token <email>\n');
  process.exit(2);
}
const secrets = await readSecrets(readEnv().dataDir);
process.stdout.write(`${await signLocalToken(secrets.authPrivateJwk, email)}\n`);
