import { tenant } from '@cifra/db';
import type { TenantTx } from '@cifra/engine';
import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from './store.ts';

/** The bank feature's matches (a statement's lines with the books' lines) and matching rules. */

export type MatchRow = typeof tenant.bankMatches.$inferSelect;
export type RuleRow = typeof tenant.bankRules.$inferSelect;

export async function insertMatch(
  tx: TenantTx,
  m: { bankAccountId: string; kind: 'SUGGESTED' | 'MANUAL' | 'CREATED'; matchedBy: string | null },
  statementLineIds: readonly string[],
  glLineIds: readonly bigint[],
): Promise<MatchRow> {
  const [match] = await tx.insert(tenant.bankMatches).values(m).returning();
  await tx
    .insert(tenant.bankMatchItems)
    .values([
      ...statementLineIds.map((statementLineId) => ({ matchId: match!.id, statementLineId })),
      ...glLineIds.map((glLineId) => ({ matchId: match!.id, glLineId })),
    ]);
  return match!;
}

export async function lockMatch(tx: TenantTx, id: string): Promise<MatchRow | undefined> {
  const [row] = await tx.select().from(tenant.bankMatches).where(eq(tenant.bankMatches.id, id)).for('update');
  return row;
}

export async function matchById(db: Db, id: string): Promise<MatchRow | undefined> {
  const [row] = await db.select().from(tenant.bankMatches).where(eq(tenant.bankMatches.id, id));
  return row;
}

export async function matchItems(
  db: Db,
  matchIds: readonly string[],
): Promise<(typeof tenant.bankMatchItems.$inferSelect)[]> {
  if (!matchIds.length) return [];
  return db
    .select()
    .from(tenant.bankMatchItems)
    .where(inArray(tenant.bankMatchItems.matchId, [...matchIds]))
    .orderBy(asc(tenant.bankMatchItems.id));
}

export async function markUnmatched(
  tx: TenantTx,
  id: string,
  by: string | null,
  reason: string,
): Promise<MatchRow> {
  await tx
    .update(tenant.bankMatchItems)
    .set({ active: false })
    .where(and(eq(tenant.bankMatchItems.matchId, id), eq(tenant.bankMatchItems.active, true)));
  const [row] = await tx
    .update(tenant.bankMatches)
    .set({ unmatchedAt: sql`now()`, unmatchedBy: by, unmatchReason: reason })
    .where(eq(tenant.bankMatches.id, id))
    .returning();
  return row!;
}

export async function insertRule(
  tx: TenantTx,
  values: { bankAccountId: string | null; pattern: string; accountId: string; createdBy: string | null },
): Promise<RuleRow> {
  const [row] = await tx.insert(tenant.bankRules).values(values).returning();
  return row!;
}

/**
 * Rules that apply to the bank account, oldest first: the active ones (the first that fits wins),
 * or with `withInactive` the deactivated ones too, for listing.
 */
export async function rulesFor(db: Db, accountId: string | null, withInactive = false): Promise<RuleRow[]> {
  return db
    .select()
    .from(tenant.bankRules)
    .where(
      and(
        withInactive ? undefined : eq(tenant.bankRules.active, true),
        accountId
          ? or(isNull(tenant.bankRules.bankAccountId), eq(tenant.bankRules.bankAccountId, accountId))
          : undefined,
      ),
    )
    .orderBy(asc(tenant.bankRules.createdAt), asc(tenant.bankRules.id));
}

export async function lockRule(tx: TenantTx, id: string): Promise<RuleRow | undefined> {
  const [row] = await tx.select().from(tenant.bankRules).where(eq(tenant.bankRules.id, id)).for('update');
  return row;
}

export async function setRuleActive(tx: TenantTx, id: string, active: boolean): Promise<RuleRow> {
  const [row] = await tx
    .update(tenant.bankRules)
    .set({ active })
    .where(eq(tenant.bankRules.id, id))
    .returning();
  return row!;
}

/**
 * The match an entry posted from a statement line was made with (since unmatched or not), with
 * that statement line, if any.
 */
export async function createdMatchOf(
  db: Db,
  glLineIds: readonly bigint[],
): Promise<(MatchRow & { statementLineId: string }) | undefined> {
  if (!glLineIds.length) return undefined;
  const statementSide = alias(tenant.bankMatchItems, 'statement_side');
  const [row] = await db
    .select({ match: tenant.bankMatches, statementLineId: statementSide.statementLineId })
    .from(tenant.bankMatchItems)
    .innerJoin(tenant.bankMatches, eq(tenant.bankMatches.id, tenant.bankMatchItems.matchId))
    .innerJoin(
      statementSide,
      and(eq(statementSide.matchId, tenant.bankMatches.id), isNotNull(statementSide.statementLineId)),
    )
    .where(
      and(inArray(tenant.bankMatchItems.glLineId, [...glLineIds]), eq(tenant.bankMatches.kind, 'CREATED')),
    )
    .orderBy(asc(tenant.bankMatches.createdAt))
    .limit(1);
  return row && { ...row.match, statementLineId: row.statementLineId! };
}
