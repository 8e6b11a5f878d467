import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { inTransaction, markRecordedTime, recordAuditEvent, type TenantDb, tenant } from '@cifra/db';
import { badInput, DomainError, formatDecimal, parseDecimal, parseInput } from '@cifra/domain';
import { and, asc, eq, gt, ilike, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { taxCodeRef } from '../tax-codes/code.ts';
import { type Books, Constraints, isUniqueViolation } from './books.ts';

export type ItemRow = typeof tenant.items.$inferSelect;

/** items.unit_price and document_lines.unit_price are numeric(20, 6). */
export const PRICE_SCALE = 6;
export const PRICE_INTEGER_DIGITS = 14;

const optionalCode = z.string().trim().min(1).max(40).nullish();
export const createItemInput = z.object({
  code: z.string().trim().min(1).max(40),
  name: z.string().trim().min(1).max(200),
  unitPrice: z.string().nullish(),
  incomeAccountCode: optionalCode,
  expenseAccountCode: optionalCode,
  taxCode: taxCodeRef.nullish(),
});
export const updateItemInput = createItemInput
  .omit({ code: true })
  .extend({ name: z.string().trim().min(1).max(200).nullish(), active: z.boolean().nullish() });

export function parsePrice(text: string, field: string): string {
  return formatDecimal(
    parseDecimal(text, { maxScale: PRICE_SCALE, maxIntegerDigits: PRICE_INTEGER_DIGITS, field }),
  );
}

export async function accountIdByCode(db: Pick<TenantDb, 'select'>, code: string, field: string) {
  const [account] = await db.select().from(tenant.accounts).where(eq(tenant.accounts.code, code));
  if (!account) throw badInput(`${field}: no account with code ${code}`, { field, value: code });
  if (!account.active) throw badInput(`${field}: account ${code} is inactive`, { field, value: code });
  return account.id;
}

export async function requireTaxCode(db: Pick<TenantDb, 'select'>, code: string, field: string) {
  const [tax] = await db.select().from(tenant.taxCodes).where(eq(tenant.taxCodes.code, code));
  if (!tax) throw badInput(`${field}: no tax code ${code}`, { field, value: code });
  return tax;
}

async function resolveRefs(db: TenantDb, input: z.infer<typeof updateItemInput>) {
  const out: Partial<ItemRow> = {};
  if (input.unitPrice != null) out.unitPrice = parsePrice(input.unitPrice, 'unitPrice');
  if (input.incomeAccountCode != null)
    out.incomeAccountId = await accountIdByCode(db, input.incomeAccountCode, 'incomeAccountCode');
  if (input.expenseAccountCode != null)
    out.expenseAccountId = await accountIdByCode(db, input.expenseAccountCode, 'expenseAccountCode');
  if (input.taxCode != null) out.taxCode = (await requireTaxCode(db, input.taxCode, 'taxCode')).code;
  return out;
}

export async function createItem(books: Books, raw: z.input<typeof createItemInput>): Promise<ItemRow> {
  const input = parseInput(createItemInput, raw);
  const refs = await resolveRefs(books.db, input);
  try {
    return await inTransaction(books.db, books.actor, async (tx) => {
      const [row] = await tx
        .insert(tenant.items)
        .values({ code: input.code, name: input.name, ...refs })
        .returning();
      if (!row) throw new Error('item insert returned nothing');
      await recordAuditEvent(tx, books.actor, {
        action: 'item.created',
        entityType: 'Item',
        entityId: row.id,
        after: row,
      });
      return row;
    });
  } catch (err) {
    if (isUniqueViolation(err, Constraints.itemCode)) {
      throw new DomainError('CONFLICT', `An item with code ${input.code} already exists`, {
        field: 'code',
        value: input.code,
      });
    }
    throw err;
  }
}

export async function updateItem(
  books: Books,
  id: string,
  raw: z.input<typeof updateItemInput>,
): Promise<ItemRow> {
  const input = parseInput(updateItemInput, raw);
  const changes = await resolveRefs(books.db, input);
  if (input.name != null) changes.name = input.name;
  if (input.active != null) changes.active = input.active;
  return inTransaction(books.db, books.actor, async (tx) => {
    const [before] = await tx.select().from(tenant.items).where(eq(tenant.items.id, id)).for('update');
    await markRecordedTime(tx);
    if (!before) throw new DomainError('NOT_FOUND', `No item ${id}`, { id });
    const [after] = await tx
      .update(tenant.items)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(tenant.items.id, id))
      .returning();
    if (!after) throw new Error('item update returned nothing');
    await recordAuditEvent(tx, books.actor, {
      action: 'item.updated',
      entityType: 'Item',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export interface ItemFilter {
  active?: boolean | null;
  search?: string | null;
}

export const DEFAULT_ITEM_PAGE = 100;
export const MAX_ITEM_PAGE = 500;

/** One page of items by code (unique): the `items` connection, with a keyset cursor. */
export async function pageItems(
  db: Pick<TenantDb, 'select'>,
  args: { filter?: ItemFilter | null; first?: number | null; after?: string | null },
): Promise<Page<ItemRow>> {
  const first = pageSize(args.first, DEFAULT_ITEM_PAGE, MAX_ITEM_PAGE);
  const where = itemWhere(args.filter ?? {});
  if (args.after) {
    const [itemCode] = decodeKeyCursor('item', args.after, 1);
    where.push(gt(tenant.items.code, itemCode as string));
  }
  const rows = await db
    .select()
    .from(tenant.items)
    .where(and(...where))
    .orderBy(asc(tenant.items.code))
    .limit(first + 1);
  return pageOf(rows, first, args.after, (i) => encodeKeyCursor('item', [i.code]));
}

export async function listItems(db: Pick<TenantDb, 'select'>, filter: ItemFilter = {}): Promise<ItemRow[]> {
  return db
    .select()
    .from(tenant.items)
    .where(and(...itemWhere(filter)))
    .orderBy(asc(tenant.items.code));
}

function itemWhere(filter: ItemFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.active != null) where.push(eq(tenant.items.active, filter.active));
  if (filter.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(tenant.items.code, like), ilike(tenant.items.name, like)) as SQL);
  }
  return where;
}
