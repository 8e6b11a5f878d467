import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { type BackupReader, type BackupStore, type BackupWriter, MANIFEST_FILE } from './backup-store.ts';

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

/** A location's path segments, refused unless each is a plain name (no `..`, no separators). */
export const safeLocation = (location: string) => {
  const parts = location.split('/');
  if (parts.some((p) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p)))
    throw new Error(`not a backup location: ${location}`);
  return parts;
};

const fsyncFile = async (file: string) => {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};

/**
 * Backups as directories below `root` (`BACKUP_DIR`, `DATA_DIR/backups` by default). A backup is
 * written into `.partial-<backup id>` beside its final place and renamed to `<backup id>` only
 * after its manifest is written and every file is synced: a directory named like a backup always
 * holds a sealed manifest. Nothing here ever writes into an existing backup's directory.
 */
export function directoryBackupStore(root: string): BackupStore {
  const finalDir = (location: string) => path.join(root, ...safeLocation(location));
  const tempDir = (location: string) => {
    const parts = safeLocation(location);
    const last = parts.pop() ?? '';
    return path.join(root, ...parts, `.partial-${last}`);
  };
  return {
    async create(location) {
      const target = finalDir(location);
      const temp = tempDir(location);
      if (await exists(target)) throw new Error(`a backup already exists at ${location}`);
      await mkdir(path.dirname(temp), { recursive: true });
      // Exclusive: a second writer of the same location fails here.
      await mkdir(temp);
      return {
        part: (file) => createWriteStream(path.join(temp, path.basename(file)), { flags: 'wx' }),
        async seal(manifest) {
          const manifestPath = path.join(temp, MANIFEST_FILE);
          const handle = await open(manifestPath, 'wx');
          try {
            await handle.writeFile(manifest);
            await handle.sync();
          } finally {
            await handle.close();
          }
          for (const file of await readdir(temp)) await fsyncFile(path.join(temp, file));
          if (await exists(target)) throw new Error(`a backup already exists at ${location}`);
          await rename(temp, target);
          await fsyncFile(path.dirname(target));
        },
        abort: () => rm(temp, { recursive: true, force: true }),
      } satisfies BackupWriter;
    },
    discard: (location) => rm(tempDir(location), { recursive: true, force: true }),
    remove: (location) => rm(finalDir(location), { recursive: true, force: true }),
    open(location) {
      const dir = finalDir(location);
      return {
        manifest: () =>
          // Missing, or not a file at all (a directory in its place): no manifest, as for a backup
          // never finished (BACKUP_INCOMPLETE), never an error of the store's.
          readFile(path.join(dir, MANIFEST_FILE)).catch((err: NodeJS.ErrnoException) => {
            if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'ENOTDIR') return null;
            throw err;
          }),
        async part(file) {
          const p = path.join(dir, path.basename(file));
          const found = await stat(p).catch(() => null);
          return found?.isFile() ? (createReadStream(p) as Readable) : null;
        },
      } satisfies BackupReader;
    },
  };
}
