import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTestDir, reservedPort } from '@cifra/testing';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../scripts/compile.ts';
import { clientToday } from '../support/books-year.ts';
import { gql, type Nodes, nodes } from '../support/client.ts';
import { API_AUDIENCE, CONSOLE_CLIENT_ID, startTestProvider } from '../support/oidc-provider.ts';

/**
 * The product as a newcomer runs it: `pnpm start` as a child process on a fresh DATA_DIR, stopped
 * with a signal and started again on the same data; then as production runs it (compiled), and
 * with an external identity provider, on that data. Runs as root too (the embedded server then
 * runs as the unprivileged postgres user, which must be able to enter DATA_DIR).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUN = path.join(ROOT, 'ops/bin/run.mjs');
const CONSOLE_INDEX = path.join(ROOT, 'packages/console/dist/index.html');
const run = promisify(execFile);

let dataDir: string;
let port: number;
let env: NodeJS.ProcessEnv;
let current: Running | undefined;

interface Running {
  child: ChildProcess;
  output: () => string;
  /** Resolves when every process of the group (pnpm, tsx, node, postgres) has gone and output ended. */
  gone: Promise<void>;
}

beforeAll(async () => {
  dataDir = await makeTestDir('cifra-cli-');
  port = await reservedPort();
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  env = { ...inherited, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
});

afterAll(async () => {
  // A test that failed midway: its stack's group, and its PostgreSQL, which runs in a group of its own.
  const postmaster = Number(
    (existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))
      ? readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8')
      : ''
    ).split('\n')[0],
  );
  for (const target of [current?.child.pid ? -current.child.pid : 0, postmaster]) {
    if (!target) continue;
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await rm(dataDir, { recursive: true, force: true });
});

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

function start(extraEnv: NodeJS.ProcessEnv = {}): Running {
  // Its own process group, like a command in a terminal: a signal to the group is a Ctrl-C.
  const child = spawn('pnpm', ['start'], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d) => {
    out += d.toString();
  });
  const ended = new Promise<void>((resolve) => child.stdout?.on('close', () => resolve()));
  const gone = ended.then(async () => {
    while (groupAlive(child.pid!)) await new Promise((r) => setTimeout(r, 100));
  });
  current = { child, output: () => out, gone };
  return current;
}

async function healthy(running: Running): Promise<void> {
  const url = `http://127.0.0.1:${port}/healthz`;
  for (;;) {
    if (!groupAlive(running.child.pid!)) throw new Error(`pnpm start exited:\n${running.output()}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stop(running: Running, signal: NodeJS.Signals): Promise<void> {
  process.kill(-running.child.pid!, signal);
  await running.gone;
}

async function token(email: string): Promise<string> {
  const { stdout } = await run('pnpm', ['--silent', 'token', email], { cwd: ROOT, env });
  return stdout.trim();
}

/** `pnpm investigate` with statements on its standard input, without PORT: it must find the stack itself. */
function investigate(args: string[], sql: string) {
  const { PORT: _port, ...withoutPort } = env;
  const r = spawnSync(
    'pnpm',
    ['--silent', 'investigate', '--tenant', 'cafe-boquete', '--as', 'senior@demo.firm', ...args],
    {
      cwd: ROOT,
      env: withoutPort,
      input: sql,
      encoding: 'utf8',
    },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

const POST = `mutation Post($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
const JE = `query JE($id: ID!) { journalEntry(id: $id) { id number memo } }`;
const TB = `{ trialBalance(asOf: "2099-12-31") { totalDebit totalCredit } }`;
const ME = `{ me { tenantsConnection { edges { node { slug } } } } }`;

describe('pnpm start, stopped, pnpm migrate, and pnpm start again on the same DATA_DIR', () => {
  it('keeps the books and seeds the demo firm only once', { timeout: 600_000 }, async () => {
    const first = start();
    await healthy(first);
    expect(first.output()).toContain(`http://127.0.0.1:${port}/graphql`);
    expect(first.output()).toContain('seeded the demo firm');
    // The console's address comes first, and it answers with the console (built when stale).
    // (The banner is printed just after the gateway answers /healthz.)
    await expect.poll(() => first.output(), { timeout: 30_000 }).toContain('Demo users');
    const banner = first.output().slice(first.output().indexOf('cifraHQ is running'));
    expect(banner.match(/http:\/\/\S+/)?.[0]).toBe(`http://127.0.0.1:${port}/`);
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    const graphql = `http://127.0.0.1:${port}/graphql`;
    const senior = await token('senior@demo.firm');
    const cafe = gql(graphql, senior, 'cafe-boquete');
    const posted = await cafe<{ postJournalEntry: { id: string; number: string } }>(POST, {
      input: {
        postingDate: clientToday(),
        memo: 'Survives a restart',
        idempotencyKey: 'cli-restart',
        lines: [
          { accountCode: '1110', debit: '42.00' },
          { accountCode: '4101', credit: '42.00' },
        ],
      },
    });
    expect(posted.errors).toBeUndefined();
    const entry = posted.data!.postJournalEntry;
    const balance = await cafe(TB);
    const clients = await gql(graphql, senior)<{ me: { tenantsConnection: Nodes<{ slug: string }> } }>(ME);
    expect(nodes(clients.data?.me.tenantsConnection)).toHaveLength(5);

    // The command-line tools find the running stack where pnpm start recorded it (not on port 4000).
    const running = JSON.parse(readFileSync(path.join(dataDir, 'running.json'), 'utf8'));
    expect(running.gatewayUrl).toBe(graphql);
    const found = investigate([], "SELECT memo FROM journal_entries WHERE memo = 'Survives a restart';\n");
    expect(found.out).toContain('Survives a restart');
    expect(found.status).toBe(0);

    await stop(first, 'SIGTERM');
    expect(first.output()).toContain('cifraHQ stopped.');
    expect(existsSync(path.join(dataDir, 'running.json'))).toBe(false);
    // Nothing listening: the tool names the address it could not reach, not a bare "fetch failed".
    const down = investigate(['--url', graphql], 'SELECT 1;\n');
    expect(down.out).toContain(`could not reach the gateway at ${graphql}`);
    expect(down.out).not.toContain('fetch failed');
    expect(down.status).toBe(1);
    // PostgreSQL shut down cleanly: it removes its pid file.
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    // Between the two runs, `pnpm migrate` on the same DATA_DIR: the control plane, then every client.
    const migrated = await run('pnpm', ['--silent', 'migrate'], { cwd: ROOT, env });
    expect(migrated.stdout).toContain('control plane  migrated');
    expect(migrated.stdout).toContain('5 clients: 5 migrated, 0 failed, 0 skipped');
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);

    const second = start();
    await healthy(second);
    expect(second.output()).not.toContain('seeded the demo firm');
    // Same signing key: a token minted before the restart still works.
    const again = gql(graphql, senior, 'cafe-boquete');
    expect((await again(JE, { id: entry.id })).data).toEqual({
      journalEntry: { ...entry, memo: 'Survives a restart' },
    });
    expect(await again(TB)).toEqual(balance);
    expect(await gql(graphql, await token('senior@demo.firm'))(ME)).toEqual(clients);

    // Killed outright (SIGKILL to the stack's process alone, as a crash would): no shutdown runs,
    // and its PostgreSQL is left running on the files. While it runs under no live process, the
    // next start stops it and serves the same books.
    const { pid } = JSON.parse(readFileSync(path.join(dataDir, 'running.json'), 'utf8')) as { pid: number };
    const exited = new Promise((resolve) => second.child.once('exit', resolve));
    process.kill(pid, 'SIGKILL');
    await exited;
    const postmaster = Number(
      readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    expect(() => process.kill(postmaster, 0)).not.toThrow();
    const third = start();
    await healthy(third);
    expect(third.output()).toContain(
      `stopped the embedded PostgreSQL server ${postmaster} an earlier run left running`,
    );
    expect((await gql(graphql, senior, 'cafe-boquete')(JE, { id: entry.id })).data).toEqual({
      journalEntry: { ...entry, memo: 'Survives a restart' },
    });
    await second.gone;

    // Ctrl-C in a terminal: SIGINT to the whole group. PostgreSQL runs in a group of its own, so
    // the signal reaches the stack alone, which stops its services and then PostgreSQL: nothing of
    // the stack loses its connections to a server shutting down under it.
    const server = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const stat = readFileSync(`/proc/${server}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])).not.toBe(third.child.pid);
    const before = third.output().length;
    await stop(third, 'SIGINT');
    const shutdown = third.output().slice(before);
    expect(shutdown).toContain('cifraHQ stopped.');
    expect(shutdown).not.toContain('terminating connection due to administrator command');
    expect(shutdown).not.toContain('"level":40');
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('in production mode on the same DATA_DIR: compiled JavaScript starts, answers, and stops on SIGTERM', {
    timeout: 600_000,
  }, async () => {
    // What production runs: `pnpm build`'s JavaScript through ops/bin/run.mjs with NODE_ENV=production,
    // on the books the first test seeded (a fresh server would spend most of a minute seeding again).
    // The console the first test built is fresh: compiling (which writes ops/dist, the build step
    // included, after the console's build) must not make production build it again under a
    // gateway serving it — browser tests in the other worker were once handed an empty dist/.
    const consoleBuiltAt = statSync(CONSOLE_INDEX).mtimeMs;
    await compile();
    const production = { ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' };
    const started = spawn(process.execPath, [RUN, 'start'], {
      cwd: ROOT,
      env: production,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => started.on('exit', (code) => resolve(code)));
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = '';
        const collect = (d: Buffer) => {
          out += d.toString();
          if (/Demo users/.test(out)) resolve(out);
        };
        started.stdout.on('data', collect);
        started.stderr.on('data', collect);
        started.on('exit', () => reject(new Error(`the compiled product exited:\n${out}`)));
      });
      expect(banner).toMatch(/cifraHQ is running \(production mode, compiled JavaScript;/);
      const graphql = /GraphQL\s+(\S+)/.exec(banner)?.[1];
      expect(graphql).toBe(`http://127.0.0.1:${port}/graphql`);
      const { stdout: minted } = await run(process.execPath, [RUN, 'token', 'senior@demo.firm'], {
        cwd: ROOT,
        env: production,
      });
      const accounts = await gql(
        graphql as string,
        minted.trim(),
        'cafe-boquete',
      )<{
        accounts: { code: string }[];
      }>('{ accounts(first: 3) { code } }');
      expect(accounts.errors).toBeUndefined();
      expect(accounts.data?.accounts).toHaveLength(3);
      // A bank statement is read in a worker thread, which must load the compiled code too (module
      // hooks are not inherited by a worker): an OFX file whose closing balance given beside it is
      // not its own is read there and refused with the reader's own code, nothing written.
      const ofx = `OFXHEADER:100\nDATA:OFXSGML\n\n<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STMTRS><CURDEF>PAB
<BANKTRANLIST><DTSTART>20261101<DTEND>20261130
<STMTTRN><TRNTYPE>OTHER<DTPOSTED>20261105<TRNAMT>10.00<FITID>A1<NAME>X</STMTTRN>
</BANKTRANLIST><LEDGERBAL><BALAMT>105.00<DTASOF>20261130</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>`;
      const ask = gql(graphql as string, minted.trim(), 'cafe-boquete');
      const bound = await ask(
        `mutation ($input: BindBankAccountInput!) { bindBankAccount(input: $input) { currency } }`,
        { input: { accountCode: '1110' } },
      );
      expect(bound.errors).toBeUndefined();
      const imported = await ask(
        `mutation ($input: ImportBankStatementInput!) { importBankStatement(input: $input) { id } }`,
        { input: { accountCode: '1110', format: 'OFX', fileContent: ofx, closingBalance: '1.00' } },
      );
      expect(imported.errors?.map((e) => e.extensions?.code)).toEqual(['STATEMENT_UNBALANCED']);
      expect(statSync(CONSOLE_INDEX).mtimeMs, 'the console was not built again').toBe(consoleBuiltAt);
    } finally {
      started.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it("with AUTH_ISSUER: verifies the provider's tokens, offers no demo user, and says where to sign in", {
    timeout: 600_000,
  }, async () => {
    const provider = await startTestProvider({ 'senior@demo.firm': { name: 'Sergio Senior' } });
    provider.serve(`http://127.0.0.1:${port}`);
    const withProvider = {
      AUTH_ISSUER: provider.issuer,
      AUTH_JWKS_URL: provider.jwksUrl,
      AUTH_AUDIENCE: API_AUDIENCE,
      CONSOLE_OIDC_CLIENT_ID: CONSOLE_CLIENT_ID,
    };
    try {
      const running = start(withProvider);
      await healthy(running);
      await expect.poll(() => running.output(), { timeout: 30_000 }).toContain('Sign-in at');
      const banner = running.output().slice(running.output().indexOf('cifraHQ is running'));
      expect(banner).toContain(`Sign-in at ${provider.issuer} (console client ${CONSOLE_CLIENT_ID})`);
      expect(banner).not.toContain('Demo users');

      // The console is told to sign in at the provider; the local issuer's people are not offered.
      const config = await (await fetch(`http://127.0.0.1:${port}/auth/config`)).json();
      expect(config).toMatchObject({ mode: 'oidc', issuer: provider.issuer, clientId: CONSOLE_CLIENT_ID });
      expect((await fetch(`http://127.0.0.1:${port}/auth/local/users`)).status).toBe(404);

      // A token the provider signs is accepted; pnpm token refuses to mint one, and the local
      // issuer's token from the earlier run is refused.
      const graphql = `http://127.0.0.1:${port}/graphql`;
      const fromProvider = await new SignJWT({ email: 'senior@demo.firm', email_verified: true })
        .setProtectedHeader({ alg: 'RS256', kid: provider.privateJwk.kid })
        .setSubject('senior@demo.firm')
        .setIssuer(provider.issuer)
        .setAudience(API_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(await importJWK(provider.privateJwk, 'RS256'));
      const clients = await gql(
        graphql,
        fromProvider,
      )<{ me: { tenantsConnection: Nodes<{ slug: string }> } }>(ME);
      expect(clients.errors).toBeUndefined();
      expect(nodes(clients.data?.me.tenantsConnection)).toHaveLength(5);
      const minted = spawnSync('pnpm', ['--silent', 'token', 'senior@demo.firm'], {
        cwd: ROOT,
        env: { ...env, ...withProvider },
        encoding: 'utf8',
      });
      expect(minted.status).not.toBe(0);
      expect(minted.stderr).toContain(`get a token from ${provider.issuer}`);
      const local = await gql(graphql, await token('senior@demo.firm'))(ME);
      expect(local.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

      await stop(running, 'SIGTERM');
      expect(running.output()).toContain('cifraHQ stopped.');
    } finally {
      await provider.close();
    }
  });
});
