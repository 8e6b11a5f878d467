import { control } from '@cifra/db';
import { DomainError } from '@cifra/domain';
import { inArray } from 'drizzle-orm';
import type { TestStack } from './stack.ts';

/** Every table of a client database with its row count and a digest of all its rows (in a canonical order). */
export async function tableDigests(t: TestStack, slug: string): Promise<Record<string, string>> {
  const tables = await t.tenantSql<{ name: string }>(
    slug,
    `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await t.tenantSql<{ n: string; d: string | null }>(
      slug,
      `SELECT count(*)::text AS n, md5(string_agg(r::text, E'\\n' ORDER BY r::text)) AS d FROM ${name} r`,
    );
    out[name] = `${row?.n}:${row?.d}`;
  }
  return out;
}

/**
 * `tableDigests` without the close board's outbox (`close_board_changes`): the worker's projector
 * drains it whenever it runs, in the original and in a restored copy alike, so it is no part of the
 * books a restore must reproduce and comparing it would race the worker.
 */
export async function booksDigests(t: TestStack, slug: string): Promise<Record<string, string>> {
  const { 'public.close_board_changes': _outbox, ...books } = await tableDigests(t, slug);
  return books;
}

/**
 * What a refused restore must not leave in this stack's control plane: no directory row, and no
 * restore begun in the firm's trail (a restore claims its directory row, recorded as
 * `tenant.restore_started`, before it creates a database or a login). The test server is shared
 * with other suites running at the same time, so its database and role lists are not compared
 * wholesale; a restore that fails after its claim is checked database by database instead.
 */
export async function restoreFootprint(t: TestStack) {
  const tenants = await t.stack.control.db.select({ slug: control.tenants.slug }).from(control.tenants);
  const restores = await t.stack.control.db
    .select({ id: control.controlAuditEvents.id })
    .from(control.controlAuditEvents)
    .where(inArray(control.controlAuditEvents.action, ['tenant.restore_started', 'tenant.restore_failed']));
  return { tenants: tenants.map((r) => r.slug).sort(), restoresBegun: restores.length };
}

/** The domain code a promise is refused with. */
export const domainCode = async (p: Promise<unknown>) =>
  p.then(
    () => 'RESOLVED',
    (err: unknown) => (err instanceof DomainError ? err.code : `not a DomainError: ${String(err)}`),
  );
