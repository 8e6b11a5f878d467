import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { inTransaction, markRecordedTime, recordAuditEvent, tenant } from '@cifra/db';
import { DomainError, parseInput } from '@cifra/domain';
import type { TenantTx } from '@cifra/engine';
import { and, asc, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Books, Constraints, isUniqueViolation } from './books.ts';

export type PartyRow = typeof tenant.parties.$inferSelect;
export type PartyKind = (typeof tenant.partyKind.enumValues)[number];

const code = z.string().trim().min(1).max(40);
const name = z.string().trim().min(1).max(200);
const taxId = z.string().trim().max(40).nullish();
const terms = z.number().int().min(0).max(3650);
const email = z.string().trim().email().max(200).nullish();
const currency = z
  .string()
  .trim()
  .regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code such as USD');

export const createPartyInput = z.object({
  kind: z.enum(['CUSTOMER', 'VENDOR']),
  code,
  name,
  taxId,
  currency: currency.nullish(),
  paymentTermsDays: terms.nullish(),
  email,
});
export const updatePartyInput = z.object({
  name: name.nullish(),
  taxId,
  currency: currency.nullish(),
  paymentTermsDays: terms.nullish(),
  email,
  active: z.boolean().nullish(),
});

export async function createParty(books: Books, raw: z.input<typeof createPartyInput>): Promise<PartyRow> {
  const input = parseInput(createPartyInput, raw);
  const cur = input.currency ?? books.company.baseCurrency;
  await books.minorUnits(cur);
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const [row] = await tx
        .insert(tenant.parties)
        .values({
          kind: input.kind,
          code: input.code,
          name: input.name,
          taxId: input.taxId ?? null,
          currency: cur,
          paymentTermsDays: input.paymentTermsDays ?? 30,
          email: input.email ?? null,
        })
        .returning();
      if (!row) throw new Error('party insert returned nothing');
      await recordAuditEvent(tx, books.actor, {
        action: 'party.created',
        entityType: 'Party',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.partyCode)) {
      throw new DomainError(
        'CONFLICT',
        `A ${input.kind.toLowerCase()} with code ${input.code} already exists`,
        {
          field: 'code',
          value: input.code,
        },
      );
    }
    throw err;
  }
}

export async function updateParty(
  books: Books,
  id: string,
  raw: z.input<typeof updatePartyInput>,
): Promise<PartyRow> {
  const input = parseInput(updatePartyInput, raw);
  if (input.currency) await books.minorUnits(input.currency);
  return inTransaction(books.db, books.actor, async (tx) => {
    const [before] = await tx.select().from(tenant.parties).where(eq(tenant.parties.id, id)).for('update');
    await markRecordedTime(tx);
    if (!before) throw new DomainError('NOT_FOUND', `No party ${id}`, { id });
    if (before.active && input.active === false) await refuseOpenItems(tx, before);
    const changes: Partial<PartyRow> = {};
    if (input.name != null) changes.name = input.name;
    if (input.taxId !== undefined) changes.taxId = input.taxId;
    if (input.currency != null) changes.currency = input.currency;
    if (input.paymentTermsDays != null) changes.paymentTermsDays = input.paymentTermsDays;
    if (input.email !== undefined) changes.email = input.email;
    if (input.active != null) changes.active = input.active;
    const [after] = await tx
      .update(tenant.parties)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(tenant.parties.id, id))
      .returning();
    if (!after) throw new Error('party update returned nothing');
    await recordAuditEvent(tx, books.actor, {
      action: 'party.updated',
      entityType: 'Party',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * A party is deactivated only with nothing left to do on it: no draft (it could not be posted), no
 * open invoice or bill (nothing could settle it), no credit on account (nothing could use or refund
 * it) and no active recurring template naming it (its next occurrence would be refused). Voided
 * documents and what voided documents settled do not count.
 */
async function refuseOpenItems(tx: TenantTx, party: PartyRow): Promise<void> {
  const live = (alias: string) =>
    sql`NOT EXISTS (SELECT 1 FROM ${tenant.voids} v WHERE v.document_id = ${sql.raw(alias)}.id)`;
  const [row] = (
    await tx.execute<{ drafts: number; open_invoices: number; open_credits: number; templates: number }>(sql`
      SELECT count(*) FILTER (WHERE d.status = 'DRAFT')::int AS drafts,
             count(*) FILTER (WHERE d.status = 'POSTED' AND d.kind IN ('SALES_INVOICE', 'PURCHASE_INVOICE')
                                AND d.total_minor > x.used_minor)::int AS open_invoices,
             count(*) FILTER (WHERE d.status = 'POSTED' AND d.credit_minor > x.used_minor)::int AS open_credits,
             (SELECT count(*) FROM ${tenant.recurringTemplates} t
               WHERE t.active AND EXISTS (SELECT 1 FROM ${tenant.recurringTemplateLines} l
                                           WHERE l.template_id = t.id AND l.party_id = ${party.id}))::int AS templates
        FROM ${tenant.documents} d
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(a.amount_minor), 0) AS used_minor
            FROM ${tenant.allocations} a JOIN ${tenant.documents} s ON s.id = a.source_document_id
           WHERE a.invoice_id = d.id AND ${live('s')}
        ) x
       WHERE d.party_id = ${party.id} AND ${live('d')}`)
  ).rows;
  const counts = {
    drafts: row?.drafts ?? 0,
    openInvoices: row?.open_invoices ?? 0,
    openCredits: row?.open_credits ?? 0,
    recurringTemplates: row?.templates ?? 0,
  };
  const what = [
    counts.drafts && `${counts.drafts} draft(s)`,
    counts.openInvoices &&
      `${counts.openInvoices} open ${party.kind === 'CUSTOMER' ? 'invoice(s)' : 'bill(s)'}`,
    counts.openCredits && `${counts.openCredits} credit(s) on account`,
    counts.recurringTemplates && `${counts.recurringTemplates} active recurring template(s)`,
  ].filter(Boolean);
  if (what.length === 0) return;
  throw new DomainError('PARTY_HAS_OPEN_ITEMS', `${party.code} still has ${what.join(', ')}`, {
    party: party.code,
    ...counts,
  });
}

export interface PartyFilter {
  kind?: PartyKind | null;
  active?: boolean | null;
  search?: string | null;
}

export const DEFAULT_PARTY_PAGE = 100;
export const MAX_PARTY_PAGE = 500;

/**
 * One page of parties, by kind then code (unique per kind, so a total order): the `parties`
 * connection. A keyset cursor keeps its place while parties are added.
 */
export async function pageParties(
  books: Pick<Books, 'db'>,
  args: { filter?: PartyFilter | null; first?: number | null; after?: string | null },
): Promise<Page<PartyRow>> {
  const first = pageSize(args.first, DEFAULT_PARTY_PAGE, MAX_PARTY_PAGE);
  const where = partyWhere(args.filter ?? {});
  if (args.after) {
    const [kind, partyCode] = decodeKeyCursor('party', args.after, 2);
    where.push(sql`(${tenant.parties.kind}::text, ${tenant.parties.code}) > (${kind}, ${partyCode})`);
  }
  const rows = await books.db
    .select()
    .from(tenant.parties)
    .where(and(...where))
    .orderBy(sql`${tenant.parties.kind}::text`, asc(tenant.parties.code))
    .limit(first + 1);
  return pageOf(rows, first, args.after, (p) => encodeKeyCursor('party', [p.kind, p.code]));
}

export async function listParties(books: Pick<Books, 'db'>, filter: PartyFilter = {}): Promise<PartyRow[]> {
  return books.db
    .select()
    .from(tenant.parties)
    .where(and(...partyWhere(filter)))
    .orderBy(asc(tenant.parties.kind), asc(tenant.parties.code));
}

function partyWhere(filter: PartyFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.kind) where.push(eq(tenant.parties.kind, filter.kind));
  if (filter.active != null) where.push(eq(tenant.parties.active, filter.active));
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        ilike(tenant.parties.code, like),
        ilike(tenant.parties.name, like),
        ilike(tenant.parties.taxId, like),
      ) as SQL,
    );
  }
  return where;
}
