import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inTransaction } from '@cifra/db';
import { postEntries } from '@cifra/engine';
import { streamExport } from '@cifra/exports';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trialBalance } from '../src/services/trial-balance.service.ts';
import { type AppConnection, connectApp, prng, randomEntries, seedTestBooks, TEST_ACTOR } from './books.ts';

/**
 * The oracle: an independent program (hledger, from Debian) recomputes every account's balance
 * from the exported journal; it must equal our trial balance to the cent. In CI (`.ci/run` installs
 * hledger and sets CI) a missing hledger fails the test; on a developer machine it is skipped loudly.
 */
const run = promisify(execFile);
const ENTRIES = Number(process.env.ORACLE_ENTRIES ?? 3000);

async function hledgerVersion(): Promise<string | null> {
  try {
    const { stdout } = await run('hledger', ['--version']);
    return stdout.trim();
  } catch {
    return null;
  }
}

const version = await hledgerVersion();
const inCi = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
if (!version && !inCi) {
  console.warn(
    '\n!!! hledger is not installed: the hledger oracle test is SKIPPED on this machine.\n' +
      '!!! Install it (apt-get install -y hledger) to run it; in CI it is required and fails when missing.\n',
  );
}

let tdb: TestDatabase;
let app: AppConnection;
let dir: string;

describe.skipIf(!version && !inCi)('hledger oracle', () => {
  beforeAll(async () => {
    tdb = await createTestTenantDatabase();
    await seedTestBooks(tdb.adminUrl, [2025, 2026]);
    app = await connectApp(tdb.appUrl);
    dir = await mkdtemp(path.join(os.tmpdir(), 'cifra-oracle-'));
    const { rows } = await app.pool.query<{ id: string }>('SELECT id FROM accounts');
    const random = prng(20260331);
    const entries = randomEntries(random, ENTRIES, {
      accountIds: rows.map((r) => r.id),
      from: '2025-01-01',
      to: '2026-12-31',
      currency: 'PAB',
    });
    // In a few transactions, as imports would post them.
    for (let i = 0; i < entries.length; i += 1000) {
      await inTransaction(app.db, TEST_ACTOR, (tx) =>
        postEntries(tx, TEST_ACTOR, entries.slice(i, i + 1000)),
      );
    }
  });

  afterAll(async () => {
    await app?.close();
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function hledgerBalances(from: string, to: string): Promise<Map<string, bigint>> {
    const file = path.join(dir, `books-${from}-${to}.journal`);
    const out = createWriteStream(file);
    await streamExport({
      pool: app.pool,
      claims: {
        tenantId: '00000000-0000-4000-8000-000000000000',
        tenantSlug: 'oracle',
        format: 'HLEDGER',
        from,
        to,
        userId: TEST_ACTOR.userId as string,
        email: TEST_ACTOR.email as string,
        exportId: '00000000-0000-4000-8000-000000000001',
        expiresAt: new Date(Date.now() + 60_000),
      },
      minorUnitsOf: () => 2,
      out,
    });
    const { stdout } = await run('hledger', ['-f', file, 'balance', '--flat', '--no-total', '-O', 'csv'], {
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const balances = new Map<string, bigint>();
    for (const line of stdout.trim().split('\n').slice(1)) {
      const m = /^"([^"]*)","([^"]*)"$/.exec(line.trim());
      if (!m) throw new Error(`unexpected hledger output line: ${line}`);
      const [, account = '', amount = ''] = m;
      const code = account.split(':')[1]?.split(' ')[0] as string;
      const a = /^PAB (-?)(\d+)\.(\d{2})$/.exec(amount);
      if (!a) throw new Error(`unexpected hledger amount: ${amount}`);
      const minor = BigInt(`${a[2]}${a[3]}`);
      balances.set(code, a[1] ? -minor : minor);
    }
    expect(await readFile(file, 'utf8')).toContain('commodity PAB');
    return balances;
  }

  async function ours(asOf: string): Promise<Map<string, bigint>> {
    return new Map((await trialBalance(app.db, asOf)).map((r) => [r.accountCode, r.balanceMinor]));
  }

  it(`recomputes the trial balance of ${ENTRIES} random entries to the cent`, async () => {
    expect(version ?? 'hledger missing in CI: .ci/run must install it').toMatch(/^hledger /);
    const expected = await ours('2026-12-31');
    expect(expected.size).toBeGreaterThan(30);
    expect(await hledgerBalances('2025-01-01', '2026-12-31')).toEqual(expected);
  });

  it('agrees on a range that starts mid-books (opening balances) and ends mid-period', async () => {
    expect(await hledgerBalances('2025-07-16', '2026-05-20')).toEqual(await ours('2026-05-20'));
  });
});
