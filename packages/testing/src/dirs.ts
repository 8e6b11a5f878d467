import { accessSync, constants, statfsSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Where tests keep their files: in memory (`/dev/shm`, a tmpfs on Linux) when the machine has one,
 * else the system's temporary directory. The test server's databases are copied, written and
 * dropped hundreds of times a run, and the embedded servers of `pnpm start`'s tests sync every
 * commit: on a virtual disk that is most of their CPU (a copy of a client database cost 230–450 ms
 * of the server's CPU on disk, 25–85 ms in memory). Nothing a test asserts depends on the disk.
 * A small tmpfs (a container's default is 64 MB) is passed over: a run's databases peak near 2 GB.
 */
const MEMORY = '/dev/shm';
const ENOUGH = 6 * 2 ** 30;

function memoryBacked(): string | undefined {
  try {
    accessSync(MEMORY, constants.W_OK | constants.X_OK);
    const fs = statfsSync(MEMORY);
    return fs.bavail * fs.bsize >= ENOUGH ? MEMORY : undefined;
  } catch {
    return undefined;
  }
}

const base = memoryBacked() ?? os.tmpdir();

/**
 * A new directory for a test's files, named after `prefix`, that other users may enter: as root, an
 * embedded server runs as the unprivileged postgres user, which must reach its data directory.
 */
export async function makeTestDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(base, prefix));
  await chmod(dir, 0o755);
  return dir;
}
