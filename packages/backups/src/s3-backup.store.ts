import { Readable, Writable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type BackupReader, type BackupStore, type BackupWriter, MANIFEST_FILE } from './backup-store.ts';
import { safeLocation } from './directory-backup.store.ts';

/** An S3-compatible bucket (`BACKUP_S3_URL=s3://bucket/prefix`, docs/architecture/backups.md). */
export interface S3Target {
  bucket: string;
  /** Every key starts with it (no leading or trailing slash); '' for the bucket's root. */
  prefix: string;
  /** An S3-compatible server's address (MinIO, Ceph, a cloud's S3 API); AWS itself when absent. */
  endpoint?: string;
  region?: string;
  /** `bucket` in the path rather than the host name: what most S3-compatible servers want. */
  forcePathStyle?: boolean;
  /** Explicit keys; absent, the SDK's own chain (AWS_ACCESS_KEY_ID…, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Parts are uploaded in pieces of this size (S3's minimum for a multipart part is 5 MiB). */
const PART_SIZE = 8 * 1024 * 1024;

const isMissing = (err: unknown) =>
  err instanceof NoSuchKey || (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404);

/**
 * Backups in an S3-compatible bucket: one key prefix per backup
 * (`<prefix>/<firm id>/<client id>/<backup id>/`). Each part is streamed as a multipart upload; the
 * manifest is written last, only after every part's upload has completed, and a backup is
 * complete exactly when its manifest exists — a reader finds nothing before that. A location with
 * anything under it is never written again, and the manifest itself is written only if absent
 * (`If-None-Match: *`, where the server honours it).
 */
export function s3BackupStore(target: S3Target, client = s3Client(target)): BackupStore {
  const keyOf = (location: string, file = '') =>
    [target.prefix, ...safeLocation(location), file].filter(Boolean).join('/');
  const dirOf = (location: string) => `${keyOf(location)}/`;

  async function keysUnder(location: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({
          Bucket: target.bucket,
          Prefix: dirOf(location),
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async function removeAll(location: string): Promise<void> {
    const keys = await keysUnder(location);
    for (let i = 0; i < keys.length; i += 1000) {
      await client.send(
        new DeleteObjectsCommand({
          Bucket: target.bucket,
          Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }

  async function getObject(key: string): Promise<Readable | null> {
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
      return got.Body as Readable;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  return {
    async create(location) {
      if ((await keysUnder(location)).length > 0) throw new Error(`a backup already exists at ${location}`);
      const uploads: Promise<unknown>[] = [];
      return {
        part(file) {
          const { sink, done } = uploadStream(client, target.bucket, keyOf(location, file));
          uploads.push(done);
          return sink;
        },
        async seal(manifest) {
          // Every part is complete before the manifest exists: the manifest is the seal.
          await Promise.all(uploads);
          await client.send(
            new PutObjectCommand({
              Bucket: target.bucket,
              Key: keyOf(location, MANIFEST_FILE),
              Body: manifest,
              IfNoneMatch: '*',
            }),
          );
        },
        async abort() {
          await Promise.allSettled(uploads);
          await removeAll(location);
        },
      } satisfies BackupWriter;
    },
    async discard(location) {
      const keys = await keysUnder(location);
      if (!keys.includes(keyOf(location, MANIFEST_FILE))) await removeAll(location);
    },
    remove: removeAll,
    open(location) {
      return {
        async manifest() {
          const body = await getObject(keyOf(location, MANIFEST_FILE));
          return body ? Buffer.concat(await body.toArray()) : null;
        },
        part: (file) => getObject(keyOf(location, file)),
      } satisfies BackupReader;
    },
  };
}

export function s3Client(target: S3Target): S3Client {
  return new S3Client({
    region: target.region ?? 'us-east-1',
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    forcePathStyle: target.forcePathStyle ?? Boolean(target.endpoint),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  });
}

/**
 * A writable whose end means the object is stored: bytes go to a multipart upload as they come,
 * `final` waits for the upload to complete, and a failed upload fails the stream.
 */
function uploadStream(
  client: S3Client,
  bucket: string,
  key: string,
): { sink: Writable; done: Promise<void> } {
  // Backpressure: a chunk the upload has no room for yet holds the writer until it reads again.
  let resume: (() => void) | undefined;
  const body = new Readable({
    read() {
      const waiting = resume;
      resume = undefined;
      waiting?.();
    },
  });
  const upload = new Upload({
    client,
    params: { Bucket: bucket, Key: key, Body: body },
    partSize: PART_SIZE,
  });
  const done = upload.done().then(() => undefined);
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (body.push(chunk)) callback();
      else resume = callback;
    },
    final(callback) {
      body.push(null);
      done.then(() => callback(), callback);
    },
    destroy(err, callback) {
      if (err) void upload.abort().catch(() => undefined);
      callback(err);
    },
  });
  done.catch((err: Error) => sink.destroy(err));
  return { sink, done };
}
