import { readFileSync } from 'node:fs';
import { PANAMA, PeriodStates, periodAcceptsPosting, SourceKinds } from '@cifra/domain';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { withClient } from '../src/index.ts';

/**
 * Migration 0032 for clients whose books existed before it: BadDebt and SmallDifferences are bound
 * (6602 Cuentas incobrables when free, else a new 6609; a new 7204), and running it twice changes
 * nothing. The binding statement is run again on books laid down as before 0032 (no such roles).
 */
const statements = readFileSync(
  new URL('../migrations/tenant/0032_bad_debt_write_offs.sql', import.meta.url),
  'utf8',
).split('--> statement-breakpoint');
const binding = statements.find((s) => s.includes("VALUES ('BadDebt', target)")) as string;

let db: TestDatabase;
const admin = (sql: string, params: unknown[] = []) => withClient(db.adminUrl, (c) => c.query(sql, params));
const NEW_ROLES = new Set(['BadDebt', 'SmallDifferences']);

/** A fresh client database with the Panama chart bound as before 0032. */
async function booksBefore0032(opts: { taken6602: boolean }) {
  await db?.drop();
  db = await createTestTenantDatabase();
  // 7204 came into the template with 0032.
  for (const a of PANAMA.accounts.filter((x) => x.code !== '7204')) {
    await admin('INSERT INTO accounts (code, name, type) VALUES ($1, $2, $3)', [a.code, a.name, a.type]);
  }
  for (const a of PANAMA.accounts.filter((x) => x.role && !NEW_ROLES.has(x.role))) {
    await admin(
      'INSERT INTO account_role_bindings (role, account_id) SELECT $1, id FROM accounts WHERE code = $2',
      [a.role, a.code],
    );
  }
  // A client that renumbered: 6602 now holds bank fees.
  if (opts.taken6602) {
    await admin(
      "UPDATE account_role_bindings SET account_id = (SELECT id FROM accounts WHERE code = '6602') WHERE role = 'BankFees'",
    );
  }
}

const bound = async () =>
  (
    await admin(
      `SELECT b.role::text AS role, a.code, a.name, a.type::text AS type FROM account_role_bindings b
         JOIN accounts a ON a.id = b.account_id WHERE b.role IN ('BadDebt', 'SmallDifferences') ORDER BY 1`,
    )
  ).rows;

afterAll(() => db?.drop());

describe('migration 0032 on existing books', () => {
  it('binds BadDebt to 6602 Cuentas incobrables and SmallDifferences to a new 7204, once', async () => {
    await booksBefore0032({ taken6602: false });
    await admin(binding);
    const expected = [
      { role: 'BadDebt', code: '6602', name: 'Cuentas incobrables', type: 'EXPENSE' },
      { role: 'SmallDifferences', code: '7204', name: 'Diferencias menores en cobros', type: 'EXPENSE' },
    ];
    expect(await bound()).toEqual(expected);
    const accounts = Number((await admin('SELECT count(*) AS n FROM accounts')).rows[0].n);
    await admin(binding);
    expect(await bound()).toEqual(expected);
    expect(Number((await admin('SELECT count(*) AS n FROM accounts')).rows[0].n)).toBe(accounts);
  });

  it('creates 6609 Cuentas incobrables when 6602 already carries another role', async () => {
    await booksBefore0032({ taken6602: true });
    await admin(binding);
    expect((await bound())[0]).toEqual({
      role: 'BadDebt',
      code: '6609',
      name: 'Cuentas incobrables',
      type: 'EXPENSE',
    });
  });

  it('binds nothing in a database without books (provisioning binds from the template)', async () => {
    await db?.drop();
    db = await createTestTenantDatabase();
    await admin(binding);
    expect(await bound()).toEqual([]);
  });

  // 0032 replaces the period rule 0031 wrote: it must keep 0031's refunds and credit applications
  // on their sides, as the domain's rule does for every kind.
  it('leaves the database period rule equal to periodAcceptsPosting for every source kind and state', async () => {
    await db?.drop();
    db = await createTestTenantDatabase();
    const { rows } = await admin(
      `SELECT k.enumlabel AS kind, s.enumlabel AS state,
              cifra_period_accepts(s.enumlabel::period_state, k.enumlabel::source_kind) AS accepts
         FROM pg_enum k, pg_enum s
        WHERE k.enumtypid = 'source_kind'::regtype AND s.enumtypid = 'period_state'::regtype`,
    );
    expect(new Set(rows.map((r) => r.kind))).toEqual(new Set(SourceKinds));
    const expected = SourceKinds.flatMap((kind) =>
      PeriodStates.map((state) => ({ kind, state, accepts: periodAcceptsPosting(state, kind) })),
    );
    const key = (r: { kind: string; state: string }) => `${r.kind}/${r.state}`;
    expect([...rows].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      expected.sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});
