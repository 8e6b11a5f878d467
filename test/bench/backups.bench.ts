/**
 * Client backups (docs/architecture/backups.md): a backup and a restore with verification of one
 * client holding BENCH_BACKUP_LINES GL lines (1,000,000), in seconds, MB and MB/s; and a backup of
 * BENCH_BACKUP_CLIENTS small clients (500; `CREATE DATABASE … TEMPLATE` copies of a demo client),
 * BENCH_BACKUP_CONCURRENCY (2) at once, as `pnpm backup --all` does. The large client's lines are
 * loaded as its owner with its user triggers off (the volume is what is measured, not posting),
 * one two-line entry per pair of lines, spread over its accounts.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  backupClient,
  boundedEach,
  directoryBackupStore,
  keyringFromSecrets,
  restoreClient,
} from '@cifra/backups';
import { control, pg, withDatabase } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { cloneClients } from '../support/clients.ts';
import { type BenchRow, defineBench } from './harness.ts';

const ACTOR = { userId: null, email: 'bench@demo.firm', reason: 'backup benchmark' };
const MB = 1024 * 1024;
const mb = (bytes: bigint | number | null) => Number(bytes ?? 0) / MB;

export default defineBench({
  name: 'backups',
  title: 'Client backups: backup and verified restore of a large client, and many small clients',
  async run(ctx) {
    const LINES = ctx.size('backup_lines', 1_000_000);
    const CLIENTS = ctx.size('backup_clients', 500);
    const CONCURRENCY = ctx.size('backup_concurrency', 2);
    const { stack, controlUrl, dataDir } = await ctx.stack({ worker: false });
    const deps = {
      control: stack.appControl,
      secrets: stack.serviceSecrets,
      keys: keyringFromSecrets(stack.serviceSecrets),
      store: directoryBackupStore(path.join(dataDir, 'backups')),
    };
    const [large] = await stack.control.db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.slug, 'cafe-boquete'));
    if (!large) throw new Error('no demo client cafe-boquete');

    ctx.progress(`loading ${LINES.toLocaleString('en')} GL lines`);
    const owner = new pg.Client({ connectionString: withDatabase(controlUrl, large.databaseName) });
    await owner.connect();
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE journal_entries DISABLE TRIGGER USER');
    await owner.query('ALTER TABLE gl_lines DISABLE TRIGGER USER');
    await owner.query(
      `INSERT INTO journal_entries (id, number, fiscal_year, period_id, posting_date, source_kind, posted_by)
       SELECT md5('bench' || g)::uuid, 'BENCH-' || g, extract(year FROM p.start_date)::int, p.id, p.start_date, 'MANUAL',
              '00000000-0000-4000-8000-000000000000'
         FROM generate_series(1, $1::int) g,
              (SELECT id, start_date FROM posting_periods ORDER BY start_date LIMIT 1) p`,
      [LINES / 2],
    );
    await owner.query(
      `WITH acc AS (SELECT array_agg(id ORDER BY code) AS ids, count(*)::int AS n FROM accounts),
            p AS (SELECT start_date FROM posting_periods ORDER BY start_date LIMIT 1)
       INSERT INTO gl_lines (entry_id, line_number, account_id, posting_date, amount_minor, original_currency, original_amount_minor)
       SELECT md5('bench' || g)::uuid, s.n, acc.ids[1 + ((g * 7 + s.n * 13) % acc.n)], p.start_date,
              s.sign * (100 + g % 100000), 'PAB', s.sign * (100 + g % 100000)
         FROM generate_series(1, $1::int) g, acc, p,
              (VALUES (1::smallint, 1), (2::smallint, -1)) AS s(n, sign)`,
      [LINES / 2],
    );
    await owner.query('ALTER TABLE journal_entries ENABLE TRIGGER USER');
    await owner.query('ALTER TABLE gl_lines ENABLE TRIGGER USER');
    await owner.query('COMMIT');
    const size = await owner.query<{ bytes: string }>(
      'SELECT pg_database_size(current_database())::text AS bytes',
    );
    await owner.query('VACUUM ANALYZE');
    await owner.end();
    const dbMb = mb(BigInt(size.rows[0]?.bytes ?? '0'));

    ctx.progress('backing up the large client');
    let t0 = performance.now();
    const backup = await backupClient(deps, ACTOR, large.id);
    const backupS = (performance.now() - t0) / 1000;
    ctx.progress('restoring it, with verification');
    t0 = performance.now();
    const restored = await restoreClient(deps, ACTOR, large.firmId, backup.id, 'cafe-bench-restored');
    const restoreS = (performance.now() - t0) / 1000;
    if (restored.status !== 'ACTIVE') throw new Error('the restore did not verify');
    const backupMb = mb(backup.sizeBytes);

    ctx.progress(`cloning ${CLIENTS} small clients`);
    const small = await cloneClients(stack, controlUrl, 'panaderia-valle', CLIENTS, 'bk');
    ctx.progress(`backing up ${CLIENTS} small clients, ${CONCURRENCY} at once`);
    t0 = performance.now();
    const results = await boundedEach(small, CONCURRENCY, (c) => backupClient(deps, ACTOR, c.id));
    const allS = (performance.now() - t0) / 1000;
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed) throw new Error(`${failed} small clients failed their backup`);
    const allMb = results.reduce((s, r) => s + (r.status === 'fulfilled' ? mb(r.value.sizeBytes) : 0), 0);

    const lines = LINES.toLocaleString('en');
    return [
      {
        measure: `backup, ${lines} GL lines`,
        result: `${backupS.toFixed(1)} s`,
        note: `database ${dbMb.toFixed(0)} MB → backup ${backupMb.toFixed(1)} MB (compressed, encrypted); ${(dbMb / backupS).toFixed(1)} MB/s of database read`,
      },
      {
        measure: `restore with verification, ${lines} GL lines`,
        result: `${restoreS.toFixed(1)} s`,
        note: `check, load, migrate, verify chain and trial balance; ${(backupMb / restoreS).toFixed(1)} MB/s of backup, ${(dbMb / restoreS).toFixed(1)} MB/s of database written`,
      },
      {
        measure: `backup of ${CLIENTS} small clients, ${CONCURRENCY} at once`,
        result: `${allS.toFixed(1)} s`,
        note: `${((allS * 1000) / CLIENTS).toFixed(0)} ms a client on average; ${allMb.toFixed(1)} MB in all`,
      },
    ] satisfies BenchRow[];
  },
});
