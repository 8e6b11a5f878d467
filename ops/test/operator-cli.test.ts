import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// An operator command that cannot start says why in one line and exits 1: no stack trace.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'cifra-operator-cli-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function command(args: string[], env: Record<string, string>) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(DATA_DIR|DATABASE_URL|MIGRATE_CONCURRENCY)$/.test(k)),
  );
  const done = await run('node', ['ops/bin/run.mjs', ...args], {
    cwd: root,
    env: { ...inherited, ...env },
  }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  return { code: done.code, stdout: done.stdout, stderr: done.stderr.trim() };
}

describe('operator commands that cannot open the control plane', () => {
  it('pnpm firm: the control plane refusing to open is one line, exit 1', async () => {
    // A DATA_DIR the command cannot use stands for one a running `pnpm start` holds: either way
    // openControlPlane throws, and the refusal must come out as the command's one line.
    const blocked = path.join(scratch, 'not-a-directory');
    await writeFile(blocked, '');
    const r = await command(['firm', 'create', '--name', 'Zeta', '--admin', 'boss@zeta.example'], {
      DATA_DIR: blocked,
    });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^firm create failed: .*not-a-directory/)]);
  });

  it('pnpm migrate with a MIGRATE_CONCURRENCY that is not a number: one line naming it, exit 1', async () => {
    const r = await command(['migrate'], {
      DATA_DIR: path.join(scratch, 'data'),
      MIGRATE_CONCURRENCY: 'abc',
    });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual([expect.stringMatching(/^migrate failed: .*MIGRATE_CONCURRENCY/)]);
  });
});
