import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type BackupStore, type S3Target, s3BackupStore, s3Client } from '@cifra/backups';
import { control } from '@cifra/db';
import { makeTestDir } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booksDigests } from '../support/backups.ts';
import { richBooks } from '../support/books.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * Backups in an S3-compatible bucket (`s3BackupStore`), against a real S3-compatible server
 * (s3rver, on loopback): the store's contract — nothing visible before the seal, never
 * overwritten, multipart parts byte for byte — and a client backed up there and restored from it.
 */
const SLUG = 'cafe-boquete';
const BUCKET = 'cifra-backups';

let s3: S3rver;
let s3Dir: string;
let target: S3Target;
let store: BackupStore;

beforeAll(async () => {
  s3Dir = await makeTestDir('cifra-s3-');
  s3 = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: s3Dir,
    silent: true,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  const address = (await s3.run()) as AddressInfo;
  target = {
    bucket: BUCKET,
    prefix: 'firm-backups',
    endpoint: `http://127.0.0.1:${address.port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  store = s3BackupStore(target);
});
afterAll(async () => {
  await s3?.close();
  if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
});

const write = (writable: NodeJS.WritableStream, bytes: Buffer) => pipeline(Readable.from([bytes]), writable);
const readAll = async (r: Readable | null) => (r ? Buffer.concat(await r.toArray()) : null);
const keysUnder = async (prefix: string) =>
  (
    (await s3Client(target).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []
  ).map((o) => o.Key);

describe('the S3 store', () => {
  it('makes a backup visible only when sealed, with every part byte for byte (multipart included)', async () => {
    const location = 'firm-a/client-a/backup-1';
    const big = randomBytes(19 * 1024 * 1024); // three parts of a multipart upload
    const small = Buffer.from('a small part');
    const writer = await store.create(location);
    await write(writer.part('big.bin'), big);
    await write(writer.part('small.bin'), small);
    // Written but not sealed: a reader finds no backup.
    expect(await store.open(location).manifest()).toBeNull();
    await writer.seal(Buffer.from('{"sealed":true}'));
    const reader = store.open(location);
    expect((await reader.manifest())?.toString()).toBe('{"sealed":true}');
    expect((await readAll(await reader.part('big.bin')))?.equals(big)).toBe(true);
    expect((await readAll(await reader.part('small.bin')))?.equals(small)).toBe(true);
    expect(await reader.part('missing.bin')).toBeNull();
    // Under the firm's prefix, nothing outside it.
    expect((await keysUnder('')).every((k) => k?.startsWith('firm-backups/firm-a/client-a/backup-1/'))).toBe(
      true,
    );
  });

  it('never writes over a backup, and refuses a location that is not plain names', async () => {
    await expect(store.create('firm-a/client-a/backup-1')).rejects.toThrow(/already exists/);
    await expect(store.create('firm-a/../backup-1')).rejects.toThrow(/not a backup location/);
  });

  it('discards what an unsealed backup left, leaves a sealed one, and removes and aborts completely', async () => {
    const orphan = await store.create('firm-a/client-a/backup-2');
    await write(orphan.part('part.bin'), Buffer.from('half a backup'));
    await store.discard('firm-a/client-a/backup-2');
    expect(await keysUnder('firm-backups/firm-a/client-a/backup-2/')).toEqual([]);
    await store.discard('firm-a/client-a/backup-1');
    expect((await keysUnder('firm-backups/firm-a/client-a/backup-1/')).length).toBe(3);

    const failed = await store.create('firm-a/client-a/backup-3');
    await write(failed.part('part.bin'), Buffer.from('a failed backup'));
    await failed.abort();
    expect(await keysUnder('firm-backups/firm-a/client-a/backup-3/')).toEqual([]);

    await store.remove('firm-a/client-a/backup-1');
    expect(await keysUnder('firm-backups/firm-a/client-a/backup-1/')).toEqual([]);
    expect(await store.open('firm-a/client-a/backup-1').manifest()).toBeNull();
  });

  it('refuses a bucket that does not exist before writing anything', async () => {
    const broken = s3BackupStore({ ...target, bucket: 'no-such-bucket' });
    await expect(broken.create('firm-a/client-a/backup-4')).rejects.toThrow();
  });
});

describe('a stack configured for the bucket (BACKUP_S3_URL)', () => {
  let t: TestStack;

  beforeAll(async () => {
    t = await startTestStack({ backupS3: { ...target, prefix: 'stack' } });
    await richBooks(t, SLUG);
  }, 300_000);
  afterAll(() => t?.close());

  it('backs a client up into the bucket through the gateway and restores it equal, table by table', async () => {
    const admin = t.as('admin');
    const before = await booksDigests(t, SLUG);
    const made = await admin<{ backupClient: { id: string; status: string } }>(
      'mutation($t: String!) { backupClient(tenant: $t) { id status } }',
      { t: SLUG },
    );
    expect(made.errors).toBeUndefined();
    expect(made.data?.backupClient.status).toBe('COMPLETE');
    const [record] = await t.stack.control.db
      .select()
      .from(control.clientBackups)
      .where(eq(control.clientBackups.id, made.data!.backupClient.id));
    const keys = await keysUnder(`stack/${record!.location}/`);
    expect(keys).toContain(`stack/${record!.location}/manifest.json`);
    expect(keys.length).toBeGreaterThan(10);

    const restored = await admin<{ restoreClient: { slug: string; status: string } }>(
      'mutation($id: ID!, $as: String!) { restoreClient(backupId: $id, asSlug: $as) { slug status } }',
      { id: made.data!.backupClient.id, as: 'cafe-from-s3' },
    );
    expect(restored.errors).toBeUndefined();
    expect(restored.data?.restoreClient).toEqual({ slug: 'cafe-from-s3', status: 'ACTIVE' });
    expect(await booksDigests(t, 'cafe-from-s3')).toEqual(before);
  });
});
