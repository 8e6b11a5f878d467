import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const RUN = fileURLToPath(new URL('../bin/run.mjs', import.meta.url));
const run = promisify(execFile);
const dataDir = mkdtempSync(path.join(tmpdir(), 'cifra-refused-env-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A command's exit code and what it printed, with only `env` added to a clean environment. */
async function command(name: string, env: NodeJS.ProcessEnv) {
  const { DATABASE_URL: _a, PORT: _b, AUTH_ISSUER: _c, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, [RUN, name], {
      env: { ...inherited, DATA_DIR: dataDir, NODE_ENV: 'development', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** An operator's mistake in the environment is said in one line: no stack trace, nothing started. */
describe('a command given an environment it refuses', () => {
  it.each([
    ['start', { PORT: 'eighty' }, /^invalid environment: PORT: .+\n$/],
    ['start', { AUTH_JWKS_URL: 'https://id.example/jwks' }, /^AUTH_JWKS_URL set without AUTH_ISSUER\n$/],
    ['worker', { LOG_LEVEL: 'loud' }, /^invalid environment: LOG_LEVEL: .+\n$/],
  ])('pnpm %s with %o exits 2, saying only what is wrong', async (name, env, said) => {
    const result = await command(name, env);
    expect(result.stderr).toMatch(said);
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    // Nothing was started or written: no database server, no secrets.
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
