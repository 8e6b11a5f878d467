import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTestDir, reservedPort } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../scripts/compile.ts';

/**
 * Production runs the compiled JavaScript of `pnpm build`, not the TypeScript sources: the
 * all-in-one product started with NODE_ENV=production through `ops/bin/run.mjs` (what `pnpm start`
 * runs) answers a signed-in user's query, says it runs compiled code, and stops on SIGTERM.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = path.join(ROOT, 'ops/bin/run.mjs');
let dataDir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  await compile();
  dataDir = await makeTestDir('cifra-compiled-');
}, 120_000);
afterAll(async () => {
  child?.kill('SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
});

const production = () => ({ ...process.env, NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'warn' });

describe('the product in production mode', () => {
  it('runs compiled JavaScript: starts, answers through the gateway, and stops on SIGTERM', {
    timeout: 300_000,
  }, async () => {
    const port = await reservedPort();
    const started = spawn(process.execPath, [RUN, 'start'], {
      cwd: ROOT,
      env: { ...production(), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));
    const banner = await new Promise<string>((resolve, reject) => {
      let out = '';
      const collect = (d: Buffer) => {
        out += d.toString();
        if (/Demo users/.test(out)) resolve(out);
      };
      started.stdout.on('data', collect);
      started.stderr.on('data', collect);
      started.on('exit', () => reject(new Error(`pnpm start exited:\n${out}`)));
    });
    expect(banner).toMatch(/cifraHQ is running \(production mode, compiled JavaScript;/);
    const graphql = /GraphQL\s+(\S+)/.exec(banner)?.[1];
    expect(graphql).toBe(`http://127.0.0.1:${port}/graphql`);

    const { stdout: token } = await promisify(execFile)(
      process.execPath,
      [RUN, 'token', 'senior@demo.firm'],
      {
        cwd: ROOT,
        env: production(),
      },
    );
    const res = await fetch(graphql as string, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token.trim()}`,
        'x-tenant': 'cafe-boquete',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ query: '{ accounts(first: 3) { code } }' }),
    });
    const body = (await res.json()) as { data?: { accounts: { code: string }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data?.accounts).toHaveLength(3);

    started.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = undefined;
  });

  it('refuses a command that has no compiled output, naming what to run', async () => {
    const run = promisify(execFile)(process.execPath, [RUN, 'no-such-command'], {
      cwd: ROOT,
      env: production(),
    });
    await expect(run).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/run pnpm build first/),
    });
  });
});
