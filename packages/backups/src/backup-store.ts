import type { Readable, Writable } from 'node:stream';

/**
 * Where backups are kept. One backup is one `location` (`<firm id>/<client id>/<backup id>`): its
 * parts and its manifest. A store never overwrites a backup, and a backup is visible — `open`
 * finds its manifest — only once `seal` has written the manifest; until then it lies under a
 * temporary name. A directory today (`directory-backup.store.ts`); an S3-compatible bucket is the
 * same contract with a multipart upload per part and the manifest written last.
 */
export interface BackupStore {
  /** Start a backup; refused when anything exists at `location` already. */
  create(location: string): Promise<BackupWriter>;
  open(location: string): BackupReader;
  /**
   * Remove what an unsealed backup left at `location` (its writer's process died before sealing or
   * aborting); a sealed backup there is left alone. Nothing there is not an error.
   */
  discard(location: string): Promise<void>;
  /** Remove a sealed backup (pruning); nothing there is not an error. */
  remove(location: string): Promise<void>;
}

export interface BackupWriter {
  /** A part's bytes; the stream ends when the part is written. */
  part(file: string): Writable;
  /** Write the sealed manifest, make everything durable, then make the backup visible at once. */
  seal(manifest: Buffer): Promise<void>;
  /** Remove what was written (a failed backup). */
  abort(): Promise<void>;
}

export interface BackupReader {
  /** The sealed manifest, or null when the backup is not (or not completely) there. */
  manifest(): Promise<Buffer | null>;
  /** A part's bytes; null when it is missing. */
  part(file: string): Promise<Readable | null>;
}

export const MANIFEST_FILE = 'manifest.json';
