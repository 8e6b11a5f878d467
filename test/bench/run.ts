/**
 * `pnpm bench [name …]`: every benchmark in order, or the ones named. Sizes come from `BENCH_*`
 * variables (see each benchmark). Exits non-zero when a benchmark fails.
 */
import auditTriggers from './audit-triggers.bench.ts';
import backups from './backups.bench.ts';
import consoleBoard from './console-board.bench.ts';
import demandControl from './demand-control.bench.ts';
import firmView from './firm-view.bench.ts';
import fxRefresh from './fx-refresh.bench.ts';
import gateway from './gateway.bench.ts';
import groupCommit from './group-commit.bench.ts';
import { runBenches } from './harness.ts';
import ledger from './ledger.bench.ts';
import observability from './observability.bench.ts';
import persistedDocuments from './persisted-documents.bench.ts';
import provisioning from './provisioning.bench.ts';
import scale from './scale.bench.ts';
import tenantLogins from './tenant-logins.bench.ts';

const ALL = [
  gateway,
  demandControl,
  observability,
  persistedDocuments,
  ledger,
  auditTriggers,
  groupCommit,
  tenantLogins,
  provisioning,
  firmView,
  consoleBoard,
  fxRefresh,
  scale,
  backups,
];

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
