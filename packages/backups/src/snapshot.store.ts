import type { pg } from '@cifra/db';
import { quoteIdent } from '@cifra/db';
import type { SchemaVersion } from './backup-manifest.ts';

/**
 * Everything the backup and the restore ask a client database, on one connection as its owner.
 * The tables come from the catalog, so a table a later migration adds is backed up without a
 * change here (docs/adr/0006-client-backups.md).
 */

export interface TableInfo {
  /** `schema.table`, unquoted. */
  table: string;
  /** Quoted, for SQL. */
  sqlName: string;
  /** The stored columns (no generated ones), in order. */
  columns: string[];
}

const SYSTEM_SCHEMAS = `n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

export const sqlNameOf = (table: string) => {
  const [schema = '', name = ''] = table.split('.');
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
};

/** Every table of the database, parents before the tables whose foreign keys refer to them. */
export async function tablesInLoadOrder(c: pg.Client): Promise<TableInfo[]> {
  const tables = await c.query<{ oid: number; table: string; columns: string[] }>(
    `SELECT c.oid::int AS oid, n.nspname || '.' || c.relname AS table,
            array_agg(a.attname::text ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND ${SYSTEM_SCHEMAS}
      GROUP BY c.oid, n.nspname, c.relname
      ORDER BY 2`,
  );
  const edges = await c.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint
      WHERE contype = 'f' AND conrelid <> confrelid`,
  );
  const parentsOf = new Map<number, number[]>();
  for (const e of edges.rows) parentsOf.set(e.child, [...(parentsOf.get(e.child) ?? []), e.parent]);
  const byOid = new Map(tables.rows.map((t) => [t.oid, t]));
  const ordered: TableInfo[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (oid: number) => {
    const seen = state.get(oid);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error('foreign keys form a cycle between tables: no load order');
    state.set(oid, 'visiting');
    for (const parent of parentsOf.get(oid) ?? []) if (byOid.has(parent)) visit(parent);
    state.set(oid, 'done');
    const t = byOid.get(oid);
    if (t) ordered.push({ table: t.table, sqlName: sqlNameOf(t.table), columns: t.columns });
  };
  for (const t of tables.rows) visit(t.oid);
  return ordered;
}

export const columnList = (columns: readonly string[]) => columns.map(quoteIdent).join(', ');

export async function sequences(
  c: pg.Client,
): Promise<{ name: string; lastValue: string; isCalled: boolean }[]> {
  const names = await c.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'S' AND ${SYSTEM_SCHEMAS} ORDER BY 1`,
  );
  const out = [];
  for (const { name } of names.rows) {
    const r = await c.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${name}`,
    );
    const row = r.rows[0];
    if (row) out.push({ name, lastValue: row.last_value, isCalled: row.is_called });
  }
  return out;
}

export async function setSequences(
  c: pg.Client,
  values: readonly { name: string; lastValue: string; isCalled: boolean }[],
): Promise<void> {
  for (const s of values)
    await c.query('SELECT setval($1::regclass, $2::bigint, $3)', [s.name, s.lastValue, s.isCalled]);
}

/** How many migrations the database has applied, and the tag of the last (from the journal). */
export async function schemaVersion(
  c: pg.Client,
  journal: readonly { when: number; tag: string }[],
): Promise<SchemaVersion> {
  const r = await c.query<{ applied: number; last: string | null }>(
    'SELECT count(*)::int AS applied, max(created_at)::text AS last FROM drizzle.__drizzle_migrations',
  );
  const { applied = 0, last = null } = r.rows[0] ?? {};
  const entry = journal.find((e) => String(e.when) === last);
  return { applied, tag: entry?.tag ?? `unknown-${last}` };
}

export async function auditChainHead(c: pg.Client): Promise<{ seq: string; hash: string | null }> {
  const r = await c.query<{ seq: string; hash: string | null }>(
    'SELECT chain_seq::text AS seq, hash FROM audit_chain_head',
  );
  return r.rows[0] ?? { seq: '0', hash: null };
}

/**
 * SHA-256 over each account's totals in base currency and in each original currency, ordered by
 * account code: equal digests, equal trial balances at every level of detail the books keep.
 */
export async function trialBalanceDigest(c: pg.Client): Promise<string> {
  const r = await c.query<{ digest: string }>(
    `SELECT encode(sha256(convert_to(coalesce(string_agg(line, ';' ORDER BY line), ''), 'UTF8')), 'hex') AS digest
       FROM (SELECT concat_ws('|', a.code, l.original_currency, sum(l.amount_minor), sum(l.original_amount_minor),
                              count(*)) AS line
               FROM gl_lines l JOIN accounts a ON a.id = l.account_id
              GROUP BY a.code, l.original_currency) t`,
  );
  return r.rows[0]?.digest ?? '';
}

export async function rowCount(c: pg.Client, sqlName: string): Promise<number> {
  const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sqlName}`);
  return Number(r.rows[0]?.n ?? 0);
}

export async function verifyAuditChain(
  c: pg.Client,
): Promise<{ problem: string | null; headSeq: string | null; headHash: string | null }> {
  const r = await c.query<{ problem: string | null; head_seq: string | null; head_hash: string | null }>(
    'SELECT problem, head_seq::text AS head_seq, head_hash FROM cifra_verify_audit_chain()',
  );
  const row = r.rows[0];
  return { problem: row?.problem ?? null, headSeq: row?.head_seq ?? null, headHash: row?.head_hash ?? null };
}
