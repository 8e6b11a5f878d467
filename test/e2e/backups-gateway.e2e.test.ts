import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { control } from '@cifra/db';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreFootprint } from '../support/backups.ts';
import { codes } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { wallOff } from '../support/walls.ts';

/**
 * backupClient, backups and restoreClient through the gateway, with the stack's own backup
 * directory (DATA_DIR/backups) and key (DATA_DIR/secrets.json). docs/architecture/backups.md.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

describe('through the gateway', () => {
  const BACKUP = `mutation($t: String!) { backupClient(tenant: $t) {
    id tenantSlug server status startedAt finishedAt sizeBytes durationMs keyId schemaVersion verified verifiedAt error } }`;
  const LIST = `query($t: String!) { backups(tenant: $t) { id status sizeBytes verified } }`;
  const RESTORE = `mutation($id: ID!, $as: String!) { restoreClient(backupId: $id, asSlug: $as) { slug status name } }`;
  type Backup = { id: string; status: string; sizeBytes: string; verified: boolean; [k: string]: unknown };

  it('backupClient, backups and restoreClient as the firm admin; the restored client answers', async () => {
    const admin = t.as('admin');
    // Walled off the client: walled off its copy too (the wall is on the books).
    await wallOff(t, 'reviewer@demo.firm', 'clinica-costa');
    const made = await admin<{ backupClient: Backup }>(BACKUP, { t: 'clinica-costa' });
    expect(made.errors).toBeUndefined();
    const backup = made.data!.backupClient;
    expect(backup).toMatchObject({
      tenantSlug: 'clinica-costa',
      status: 'COMPLETE',
      verified: false,
      error: null,
    });
    expect(BigInt(backup.sizeBytes)).toBeGreaterThan(0n);
    // The stack's own directory and key (DATA_DIR/backups, DATA_DIR/secrets.json).
    const [record] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, backup.id));
    const manifest = await readFile(
      path.join(t.dataDir, 'backups', record!.location, 'manifest.json'),
      'utf8',
    );
    expect(JSON.parse(manifest).body.client.slug).toBe('clinica-costa');

    const restored = await admin<{ restoreClient: { slug: string; status: string; name: string } }>(RESTORE, {
      id: backup.id,
      as: 'clinica-copia',
    });
    expect(restored.errors).toBeUndefined();
    expect(restored.data?.restoreClient).toMatchObject({ slug: 'clinica-copia', status: 'ACTIVE' });
    const listed = await admin<{ backups: Backup[] }>(LIST, { t: 'clinica-costa' });
    expect(listed.data?.backups).toEqual([
      { id: backup.id, status: 'COMPLETE', sizeBytes: backup.sizeBytes, verified: true },
    ]);
    const tb = '{ trialBalance(asOf: "2026-12-31") { totalDebit totalCredit } }';
    expect((await t.as('senior', 'clinica-copia')(tb)).data).toEqual(
      (await t.as('senior', 'clinica-costa')(tb)).data,
    );
    expect(codes(await t.as('reviewer', 'clinica-copia')(tb))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('reviewer', 'cafe-boquete')(tb))).toEqual([]);
  });

  it('refuses with stable codes: no permission, unknown client, bad id, a taken slug, a tampered backup', async () => {
    const codes = (r: { errors?: { extensions?: { code?: unknown } }[] }) =>
      (r.errors ?? []).map((e) => e.extensions?.code);
    expect(codes(await t.as('senior')(BACKUP, { t: 'clinica-costa' }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('junior')(LIST, { t: 'clinica-costa' }))).toEqual(['FORBIDDEN']);
    expect(codes(await t.as('admin')(BACKUP, { t: 'no-such-client' }))).toEqual(['NOT_FOUND']);
    expect(codes(await t.as('admin')(RESTORE, { id: 'not-an-id', as: 'x-copy' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(
      codes(await t.as('admin')(RESTORE, { id: '00000000-0000-4000-8000-000000000000', as: 'x-copy' })),
    ).toEqual(['BACKUP_NOT_FOUND']);
    const made = await t.as('admin')<{ backupClient: Backup }>(BACKUP, { t: 'panaderia-valle' });
    const id = made.data!.backupClient.id;
    expect(codes(await t.as('admin')(RESTORE, { id, as: 'cafe-boquete' }))).toEqual(['TENANT_EXISTS']);
    expect(codes(await t.as('admin')(RESTORE, { id, as: 'Not A Slug' }))).toEqual(['BAD_USER_INPUT']);
    const [record] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, id));
    const where = path.join(t.dataDir, 'backups', record!.location);
    const part = (await readdir(where)).find((f) => f.startsWith('public.journal_entries.'))!;
    const bytes = await readFile(path.join(where, part));
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    await writeFile(path.join(where, part), bytes);
    const before = await restoreFootprint(t);
    expect(codes(await t.as('admin')(RESTORE, { id, as: 'panaderia-copia' }))).toEqual(['BACKUP_TAMPERED']);
    expect(await restoreFootprint(t)).toEqual(before);
  });
});
