import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Constraints,
  dbErrorOf,
  inTransaction,
  isUniqueViolation,
  pg,
  type TenantDb,
  tenant,
  tenantDb,
  translateDbError,
} from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { createTestTenantDatabase, type TestDatabase } from '@cifra/testing';
import { DrizzleQueryError, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The one translation of database errors, against a real server: what drizzle 0.45 actually
// throws (DrizzleQueryError with the PostgreSQL error in `.cause`) is what is translated.

let tdb: TestDatabase;
let pool: pg.Pool;
let db: TenantDb;
const actor = { userId: '11111111-1111-4111-8111-111111111111', email: 'x@test', requestId: 'db-errors' };

beforeAll(async () => {
  tdb = await createTestTenantDatabase();
  pool = new pg.Pool({ connectionString: tdb.appUrl, max: 2 });
  db = tenantDb(pool);
});
afterAll(async () => {
  await pool?.end();
  await tdb?.drop();
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the statement to fail');
    },
    (e: unknown) => e,
  );

describe('translating what the database refuses', () => {
  it('unwraps DrizzleQueryError and names the constraint of a unique violation', async () => {
    await db.insert(tenant.items).values({ code: 'DUP', name: 'first' });
    const err = await failure(db.insert(tenant.items).values({ code: 'DUP', name: 'second' }));
    expect(err).toBeInstanceOf(DrizzleQueryError);
    expect((err as { code?: unknown }).code).toBeUndefined();
    expect(dbErrorOf(err)).toMatchObject({ kind: 'UNIQUE_VIOLATION', constraint: Constraints.itemCode });
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, Constraints.itemCode)).toBe(true);
    expect(isUniqueViolation(err, Constraints.journalEntryIdempotencyKey)).toBe(false);
    const translated = translateDbError(err);
    expect(translated).toBeInstanceOf(DomainError);
    expect(translated).toMatchObject({ code: 'CONFLICT', details: { constraint: 'items_code_unique' } });
    // Nothing of the server's message (values of other rows) leaks into the domain error.
    expect(translated?.message).not.toContain('DUP');
  });

  it('unwraps a violation raised inside a transaction (a second wrapper)', async () => {
    await db.insert(tenant.items).values({ code: 'TX', name: 'first' });
    const err = await failure(
      inTransaction(db, actor, (tx) => tx.insert(tenant.items).values({ code: 'TX', name: 'again' })),
    );
    expect(isUniqueViolation(new Error('outer', { cause: err }), Constraints.itemCode)).toBe(true);
  });

  it.each([
    [
      'a number out of range',
      [sql`SELECT 9223372036854775807::bigint + 1`],
      'OUT_OF_RANGE',
      'BAD_USER_INPUT',
    ],
    [
      'a cancelled statement',
      [sql`SET LOCAL statement_timeout = 1`, sql`SELECT pg_sleep(1)`],
      'QUERY_CANCELED',
      'CONFLICT',
    ],
    [
      'a foreign key',
      [sql`INSERT INTO account_role_bindings (role, account_id) VALUES ('Cash', gen_random_uuid())`],
      'FOREIGN_KEY_VIOLATION',
      'NOT_FOUND',
    ],
  ])('classifies %s', async (_name, statements, kind, code) => {
    const outcome = await failure(
      db.transaction(async (tx) => {
        for (const statement of statements) await tx.execute(statement);
      }),
    );
    expect(dbErrorOf(outcome)?.kind).toBe(kind);
    expect(translateDbError(outcome)?.code).toBe(code);
  });

  it('leaves errors that are not the database alone', () => {
    expect(dbErrorOf(new Error('plain'))).toBeNull();
    expect(translateDbError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBeNull();
    const domain = new DomainError('NOT_FOUND', 'x');
    expect(translateDbError(domain)).toBe(domain);
  });
});

describe('no service reads a SQLSTATE itself', () => {
  it('keeps literal SQLSTATEs out of every source file but packages/db/src', () => {
    const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
    const files = execFileSync('git', ['ls-files', '*.ts'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      // Tests may assert the SQLSTATE a guard raises; the translation itself lives in packages/db/src.
      .filter((f) => !f.startsWith('packages/db/src/') && !/\.test\.ts$|(^|\/)test\/|(^|\/)bench\//.test(f));
    expect(files.length).toBeGreaterThan(50);
    // A quoted five-character SQLSTATE of an error class (PostgreSQL appendix A).
    const literal = /['"`](0[0-9A-Z]|2[0-9A-Z]|4[0-9A-Z]|5[0-9A-Z]|F0|HV|P0|XX)[0-9A-Z]{3}['"`]/;
    const offenders = files.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (literal.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });
});
