/**
 * `pnpm bench [name …]`: every benchmark in order, or the ones named. Sizes come from `BENCH_*`
 * variables (see each benchmark). Exits non-zero when a benchmark fails.
 *
 * Several benchmarks run the services in this process (group commit posts through the ledger's
 * services here): they are measured with the Node.js flags the services run with in production
 * (`SERVICE_NODE_FLAGS`, ops/bin/node-flags.mjs). Started without them, the runner starts itself
 * again with them.
 */
import { spawnSync } from 'node:child_process';
import { SERVICE_NODE_FLAGS } from '../../ops/bin/node-flags.mjs';

if (!SERVICE_NODE_FLAGS.every((flag) => process.execArgv.includes(flag))) {
  const again = spawnSync(
    process.execPath,
    [...SERVICE_NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit' },
  );
  process.exit(again.status ?? 1);
}

const { ALL } = await import('./all.ts');
const { runBenches } = await import('./harness.ts');
const wanted = process.argv.slice(2).filter((a) => a !== '--');
const unknown = wanted.filter((w) => !ALL.some((b) => b.name === w));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown benchmark ${unknown.join(', ')}; known: ${ALL.map((b) => b.name).join(', ')}\n`,
  );
  process.exit(2);
}
const ok = await runBenches(wanted.length > 0 ? ALL.filter((b) => wanted.includes(b.name)) : ALL);
process.exit(ok ? 0 : 1);
