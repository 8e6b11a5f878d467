/** Every benchmark `pnpm bench` runs, in the order it runs them. */
import auditTriggers from './audit-triggers.bench.ts';
import backups from './backups.bench.ts';
import consoleBoard from './console-board.bench.ts';
import demandControl from './demand-control.bench.ts';
import firmView from './firm-view.bench.ts';
import fxRefresh from './fx-refresh.bench.ts';
import gateway from './gateway.bench.ts';
import groupCommit from './group-commit.bench.ts';
import ledger from './ledger.bench.ts';
import observability from './observability.bench.ts';
import persistedDocuments from './persisted-documents.bench.ts';
import provisioning from './provisioning.bench.ts';
import scale from './scale.bench.ts';
import tenantLogins from './tenant-logins.bench.ts';

export const ALL = [
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
