/**
 * `pnpm backup <slug> | --all [--operator <email>]`: back up one client, or every active client
 * (BACKUP_CONCURRENCY at once, 2 by default), into BACKUP_DIR (DATA_DIR/backups by default) under
 * BACKUP_KEY. One line per client; a client that fails is named with its error, the others are
 * backed up all the same, and the command then exits 1.
 *
 * `pnpm backup --drill <slug> | --drill --all`: a restore drill now of the client's newest COMPLETE
 * backup (of every active client's, BACKUP_CONCURRENCY at once): restored into a scratch database,
 * verified, dropped, and the outcome recorded on the backup (docs/architecture/backups.md). One line
 * per client; exit 1 if any drill failed.
 */
import {
  backupClient,
  boundedEach,
  drillBackup,
  keyringFromSecrets,
  newestCompleteBackups,
} from '@cifra/backups';
import { control } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { backupDirOf, backupS3Of } from '../env.ts';
import { backupStoreOf } from '../services.ts';
import { operatorActor, parseArgs, withAdminControlPlane } from './operator-args.ts';

const argv = process.argv.slice(2);
const all = argv.includes('--all');
const drill = argv.includes('--drill');
const { words, flags } = parseArgs(argv.filter((a) => a !== '--all' && a !== '--drill'));
const slug = words[0];
if (all === Boolean(slug)) {
  process.stderr.write('usage: pnpm backup [--drill] <slug> | [--drill] --all [--operator <email>]\n');
  process.exit(2);
}
await withAdminControlPlane('backup', async (opened, env) => {
  const secrets = opened.serviceSecrets(env.secrets);
  const deps = {
    control: opened.control.db,
    secrets,
    keys: keyringFromSecrets(secrets),
    store: backupStoreOf({ backupDir: backupDirOf(env), backupS3: backupS3Of(env) }),
  };
  if (drill) {
    const newest = await newestCompleteBackups(deps.control, all ? {} : { slug });
    if (newest.length === 0)
      throw new Error(all ? 'no active client has a complete backup' : `no complete backup of ${slug}`);
    const actor = operatorActor(flags, 'operator: restore drill');
    let failed = 0;
    await boundedEach(newest, env.BACKUP_CONCURRENCY, async (b) => {
      try {
        const r = await drillBackup(deps, actor, b.backupId);
        if (r.outcome === 'FAILED') failed += 1;
        process.stdout.write(
          `${b.slug}: drill of backup ${b.backupId} ${r.outcome}${r.failureCode ? ` ${r.failureCode}: ${r.error}` : ''}\n`,
        );
      } catch (err) {
        failed += 1;
        process.stdout.write(`${b.slug}: drill of backup ${b.backupId} not run: ${(err as Error).message}\n`);
      }
    });
    if (failed) process.exitCode = 1;
    return;
  }
  const clients = await opened.control.db
    .select({ id: control.tenants.id, slug: control.tenants.slug })
    .from(control.tenants)
    .where(all ? eq(control.tenants.status, 'ACTIVE') : eq(control.tenants.slug, slug as string));
  if (clients.length === 0) throw new Error(all ? 'no active clients' : `no client ${slug}`);
  const actor = operatorActor(flags, 'operator: back up a client');
  let failed = 0;
  await boundedEach(clients, env.BACKUP_CONCURRENCY, async (client) => {
    try {
      const row = await backupClient(deps, actor, client.id);
      process.stdout.write(
        `${client.slug}: backup ${row.id} COMPLETE, ${row.sizeBytes} bytes in ${row.durationMs} ms\n`,
      );
    } catch (err) {
      failed += 1;
      process.stdout.write(`${client.slug}: FAILED ${(err as Error).message}\n`);
    }
  });
  if (failed) process.exitCode = 1;
});
