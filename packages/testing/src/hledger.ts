import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The hledger oracle: an independent program (Debian's hledger) recomputes every account's balance
 * from a journal the product exported. In CI (`.ci/run` installs hledger and sets CI) a missing
 * hledger fails; on a developer machine the tests that need it are skipped loudly.
 */
const run = promisify(execFile);

export async function hledgerVersion(): Promise<string | null> {
  try {
    const { stdout } = await run('hledger', ['--version']);
    return stdout.trim();
  } catch {
    return null;
  }
}

/** Whether the oracle's tests run here: hledger installed, or CI (where its absence must fail). */
export async function hledgerOracleRuns(): Promise<boolean> {
  const version = await hledgerVersion();
  const inCi = !!process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0';
  if (!version && !inCi) {
    console.warn(
      '\n!!! hledger is not installed: the hledger oracle tests are SKIPPED on this machine.\n' +
        '!!! Install it (apt-get install -y hledger) to run them; in CI it is required and fails when missing.\n',
    );
  }
  return !!version || inCi;
}

/**
 * Every account's balance as hledger computes it from `file`, in minor units of `base` (with
 * `minorUnits` decimals, two unless given), by account code (the export names accounts
 * `<type>:<code> <name>`).
 */
export async function hledgerBalances(
  file: string,
  base = 'PAB',
  minorUnits = 2,
): Promise<Map<string, bigint>> {
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
    const decimals = minorUnits > 0 ? `\\.(\\d{${minorUnits}})` : '()';
    const a = new RegExp(`^${base} (-?)(\\d+)${decimals}$`).exec(amount);
    if (!a) throw new Error(`unexpected hledger amount: ${amount}`);
    const minor = BigInt(`${a[2]}${a[3]}`);
    balances.set(code, a[1] ? -minor : minor);
  }
  return balances;
}
