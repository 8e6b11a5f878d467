import { PostgresJobRepository } from '@agendajs/postgres-backend';
import { pg, withClient } from '@cifra/db';
import { createEmptyDatabase, createTestControlDatabase, type TestDatabase } from '@cifra/testing';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The services' role cannot create tables, so Agenda's `agenda_jobs` comes from control migration
 * 0007 instead of the backend's own schema code. This keeps the two the same: columns (type,
 * default, nullability), indexes and the trigger the backend would create itself.
 */

const made: TestDatabase[] = [];
afterAll(async () => {
  for (const db of made) await db.drop();
});

const shape = (url: string) =>
  withClient(url, async (c) => ({
    columns: (
      await c.query(
        `SELECT column_name, data_type, character_maximum_length, column_default, is_nullable
           FROM information_schema.columns WHERE table_name = 'agenda_jobs' ORDER BY column_name`,
      )
    ).rows,
    indexes: (
      await c.query(
        `SELECT indexname, regexp_replace(indexdef, ' ON [^ ]+ ', ' ON t ') AS def
           FROM pg_indexes WHERE tablename = 'agenda_jobs' ORDER BY indexname`,
      )
    ).rows,
    triggers: (
      await c.query(
        `SELECT tgname FROM pg_trigger WHERE tgrelid = 'agenda_jobs'::regclass AND NOT tgisinternal ORDER BY tgname`,
      )
    ).rows,
    checks: (
      await c.query(
        `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'agenda_jobs'::regclass ORDER BY 1`,
      )
    ).rows,
  }));

describe("the job queue's table", () => {
  it('is the one @agendajs/postgres-backend creates itself', async () => {
    const byLibrary = await createEmptyDatabase();
    const migrated = await createTestControlDatabase();
    made.push(byLibrary, migrated);
    const pool = new pg.Pool({ connectionString: byLibrary.adminUrl, max: 1 });
    try {
      await new PostgresJobRepository({ pool, ensureSchema: true }).connect();
    } finally {
      await pool.end();
    }
    const expected = await shape(byLibrary.adminUrl);
    expect(expected.columns.length).toBeGreaterThan(20);
    expect(await shape(migrated.adminUrl)).toEqual(expected);
  });
});
