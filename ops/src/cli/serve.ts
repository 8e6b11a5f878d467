/**
 * Split mode: `pnpm serve <gateway|tenancy|ledger|period|fx|audit|worker>` starts one service alone
 * from the environment (see the README). Exits 2 with the missing variables named.
 */
import { readEnv } from '../env.ts';
import { serveFromCli } from '../serve.ts';

await serveFromCli(process.argv[2], readEnv());
