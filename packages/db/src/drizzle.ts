import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import type pg from 'pg';
import * as controlSchema from './control/schema.ts';
import * as tenantSchema from './tenant/schema.ts';

export type ControlDb = NodePgDatabase<typeof controlSchema> & {
  $client: pg.Pool | pg.PoolClient | pg.Client;
};
export type TenantDb = NodePgDatabase<typeof tenantSchema> & { $client: pg.Pool | pg.PoolClient | pg.Client };

export function controlDb(client: pg.Pool | pg.PoolClient | pg.Client): ControlDb {
  return drizzle({ client, schema: controlSchema });
}

export function tenantDb(client: pg.Pool | pg.PoolClient | pg.Client): TenantDb {
  return drizzle({ client, schema: tenantSchema });
}

export { controlSchema, tenantSchema };
