import {
  createTableRelationsHelpers,
  type ExtractTablesWithRelations,
  extractTablesRelationalConfig,
  getTableColumns,
  type RelationalSchemaConfig,
} from 'drizzle-orm';
import { NodePgDatabase, NodePgSession } from 'drizzle-orm/node-postgres';
import { type PgColumn, PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import * as controlSchema from './control/schema.ts';
import * as tenantSchema from './tenant/schema.ts';

export type ControlDb = NodePgDatabase<typeof controlSchema> & {
  $client: pg.Pool | pg.PoolClient | pg.Client;
};
export type TenantDb = NodePgDatabase<typeof tenantSchema> & { $client: pg.Pool | pg.PoolClient | pg.Client };

/**
 * A schema's relational configuration, worked out once. drizzle() works it out on every call, and
 * a traced request gets a database of its own over a traced view of its pool
 * (packages/tracing/src/queries.ts): with every request traced, that was 4.5 % of the process's CPU
 * (docs/benchmarks.md). What follows is drizzle-orm 0.45's own `drizzle({ client, schema })` with
 * that one step done in advance.
 */
function relational<S extends Record<string, unknown>>(
  schema: S,
): RelationalSchemaConfig<ExtractTablesWithRelations<S>> {
  const { tables, tableNamesMap } = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  return { fullSchema: schema, schema: tables as ExtractTablesWithRelations<S>, tableNamesMap };
}
const controlRelations = relational(controlSchema);
const tenantRelations = relational(tenantSchema);

function database<S extends Record<string, unknown>>(
  client: pg.Pool | pg.PoolClient | pg.Client,
  relations: RelationalSchemaConfig<ExtractTablesWithRelations<S>>,
) {
  const dialect = new PgDialect();
  const session = new NodePgSession(client, dialect, relations, {});
  const db = new NodePgDatabase(dialect, session, relations) as NodePgDatabase<S> & {
    $client: typeof client;
  };
  db.$client = client;
  // As drizzle() leaves it when given no cache.
  (db as { $cache: unknown }).$cache = undefined;
  return db;
}

export function controlDb(client: pg.Pool | pg.PoolClient | pg.Client): ControlDb {
  return database(client, controlRelations);
}

export function tenantDb(client: pg.Pool | pg.PoolClient | pg.Client): TenantDb {
  return database(client, tenantRelations);
}

export { controlSchema, tenantSchema };

/**
 * Rows of `table` that a raw statement returned (a function returning `SETOF table`, which drizzle's
 * select cannot read from), decoded column by column as drizzle decodes a select of the table: the
 * statement ran on a drizzle session, whose type parsers leave dates and times to these decoders.
 */
export function rowsOf<T extends PgTable>(
  table: T,
  rows: readonly Record<string, unknown>[],
): T['$inferSelect'][] {
  const columns = decodersOf(table);
  return rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [key, name, column] of columns) {
      const value = raw[name];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T['$inferSelect'];
  });
}

type Decoder = readonly [key: string, name: string, column: PgColumn];
const decoders = new WeakMap<PgTable, readonly Decoder[]>();

/**
 * Each column of `table` with its key and its name in the database, listed once a table: a group
 * commit decodes a few hundred rows this way on its critical path, where listing the columns again
 * for every row, and building each row from a list of pairs, took half the time.
 */
function decodersOf(table: PgTable): readonly Decoder[] {
  let found = decoders.get(table);
  if (!found) {
    found = Object.entries(getTableColumns(table)).map(
      ([key, column]) => [key, column.name, column] as const,
    );
    decoders.set(table, found);
  }
  return found;
}
