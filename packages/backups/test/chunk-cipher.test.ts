import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { DomainError } from '@cifra/domain';
import { describe, expect, it } from 'vitest';
import { backupKeyId, backupKeyring } from '../src/backup-keys.ts';
import { CHUNK_BYTES, decryptChunks, encryptChunks } from '../src/chunk-cipher.ts';

const key = randomBytes(32);
const encrypt = (plain: Buffer) => buffer(Readable.from([plain]).pipe(encryptChunks(key)));
const decrypt = (sealed: Buffer, k = key) =>
  buffer(Readable.from([sealed]).pipe(decryptChunks(k, 'test.part')));
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'RESOLVED',
    (err: unknown) => (err instanceof DomainError ? err.code : String(err)),
  );
const FRAME = 5 + CHUNK_BYTES + 16;

describe('chunked AES-256-GCM', () => {
  const plain = randomBytes(CHUNK_BYTES * 2 + 1000);

  it('gives back exactly what went in, across chunks and for nothing at all', async () => {
    expect((await decrypt(await encrypt(plain))).equals(plain)).toBe(true);
    expect((await decrypt(await encrypt(Buffer.alloc(0)))).length).toBe(0);
  });

  it('refuses a flipped bit, a dropped or reordered chunk, a cut stream and another key', async () => {
    const sealed = await encrypt(plain);
    const flipped = Buffer.from(sealed);
    flipped[FRAME + 100] = (flipped[FRAME + 100] ?? 0) ^ 1;
    expect(await codeOf(decrypt(flipped))).toBe('BACKUP_TAMPERED');
    const dropped = Buffer.concat([sealed.subarray(0, FRAME), sealed.subarray(2 * FRAME)]);
    expect(await codeOf(decrypt(dropped))).toBe('BACKUP_TAMPERED');
    const swapped = Buffer.concat([
      sealed.subarray(FRAME, 2 * FRAME),
      sealed.subarray(0, FRAME),
      sealed.subarray(2 * FRAME),
    ]);
    expect(await codeOf(decrypt(swapped))).toBe('BACKUP_TAMPERED');
    // Cut at a frame boundary: every frame left authenticates, but the last one never came.
    expect(await codeOf(decrypt(sealed.subarray(0, 2 * FRAME)))).toBe('BACKUP_INCOMPLETE');
    expect(await codeOf(decrypt(sealed.subarray(0, sealed.length - 3)))).toBe('BACKUP_INCOMPLETE');
    // A non-last frame relabelled as last, to pass a truncation off as the end.
    const relabelled = Buffer.from(sealed.subarray(0, FRAME));
    relabelled[0] = 1;
    expect(await codeOf(decrypt(relabelled))).toBe('BACKUP_TAMPERED');
    expect(await codeOf(decrypt(sealed, randomBytes(32)))).toBe('BACKUP_TAMPERED');
  });
});

describe('backup keys', () => {
  it('name themselves by a digest, and old keys stay readable after a rotation', () => {
    const a = randomBytes(32);
    const b = randomBytes(32);
    const ring = backupKeyring(b.toString('base64'), a.toString('base64'));
    expect(ring.current.id).toBe(backupKeyId(b));
    expect(ring.readable.map((k) => k.id)).toEqual([backupKeyId(b), backupKeyId(a)]);
    expect(backupKeyId(a)).not.toBe(backupKeyId(b));
    expect(() => backupKeyring(randomBytes(16).toString('base64'))).toThrow('32 bytes');
  });
});
