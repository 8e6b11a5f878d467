import { DomainError } from '@cifra/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Books } from '../src/services/books.ts';
import { createItem, listItems, pageItems, updateItem } from '../src/services/items.service.ts';
import { createParty, listParties, pageParties, updateParty } from '../src/services/parties.service.ts';
import { openTestBooks, type TestBooks } from './test-books.ts';

let t: TestBooks;
let books: Books;
beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
});
afterAll(() => t.close());

const refused = async (p: Promise<unknown>, code: string, field?: string) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  if (field) expect((err as DomainError).details.field).toBe(field);
};

describe('parties', () => {
  it('creates customers and vendors with the base currency and 30-day terms by default', async () => {
    const c = await createParty(books, {
      kind: 'CUSTOMER',
      code: 'C001',
      name: 'Hotel Boquete',
      taxId: '8-123-456',
    });
    expect(c).toMatchObject({ kind: 'CUSTOMER', currency: 'PAB', paymentTermsDays: 30, active: true });
    const v = await createParty(books, {
      kind: 'VENDOR',
      code: 'C001',
      name: 'Finca',
      currency: 'USD',
      paymentTermsDays: 15,
    });
    expect(v).toMatchObject({ kind: 'VENDOR', currency: 'USD', paymentTermsDays: 15 });
    expect(await t.count('audit_events', "action = 'party.created'")).toBe(2);
  });

  it('refuses a duplicate code, an unknown currency and negative terms, writing nothing', async () => {
    const before = await t.count('parties');
    await refused(createParty(books, { kind: 'CUSTOMER', code: 'C001', name: 'Again' }), 'CONFLICT', 'code');
    await refused(
      createParty(books, { kind: 'CUSTOMER', code: 'C002', name: 'X', currency: 'XYZ' }),
      'BAD_USER_INPUT',
      'currency',
    );
    await refused(
      createParty(books, { kind: 'CUSTOMER', code: 'C003', name: 'X', paymentTermsDays: -1 }),
      'BAD_USER_INPUT',
      'paymentTermsDays',
    );
    expect(await t.count('parties')).toBe(before);
  });

  it('updates, deactivates and filters', async () => {
    const [c] = await listParties(books, { kind: 'CUSTOMER', search: 'boquete' });
    expect(c?.code).toBe('C001');
    const updated = await updateParty(books, c!.id, { paymentTermsDays: 45, active: false });
    expect(updated).toMatchObject({ paymentTermsDays: 45, active: false, name: 'Hotel Boquete' });
    expect(await listParties(books, { kind: 'CUSTOMER', active: true })).toEqual([]);
    expect((await listParties(books, { search: '8-123' })).map((p) => p.code)).toEqual(['C001']);
    await refused(updateParty(books, '00000000-0000-4000-8000-000000000000', { name: 'x' }), 'NOT_FOUND');
  });

  it('stamps a version written after waiting for the row after the version it waited for', async () => {
    const party = await createParty(books, { kind: 'CUSTOMER', code: 'C090', name: 'Hotel Volcán' });
    // Another writer holds the row and, once our update is waiting for it, stamps its own version:
    // later than our update's start, earlier than the moment our update gets the row.
    const other = await t.admin.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM parties WHERE id = $1 FOR UPDATE', [party.id]);
      const waiting = updateParty(books, party.id, { name: 'Hotel Volcán Barú' });
      // Bounded poll on the server's own state (no clock): until our update waits for the row.
      for (let i = 0; ; i++) {
        const { rows } = await t.admin.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if (rows[0].n > 0) break;
        if (i > 2_000) throw new Error('the update never waited for the row');
        await new Promise((r) => setTimeout(r, 5));
      }
      await other.query('SELECT cifra_mark_recorded_time()');
      await other.query(`UPDATE parties SET name = 'Hotel del Volcán' WHERE id = $1`, [party.id]);
      await other.query('COMMIT');
      expect((await waiting).name).toBe('Hotel Volcán Barú');
    } finally {
      other.release();
    }
    const versions = await t.admin.query(
      'SELECT name, valid_to IS NULL AS current FROM parties_history WHERE hist_entity_id = $1 ORDER BY valid_from, hist_id',
      [party.id],
    );
    expect(versions.rows).toEqual([
      { name: 'Hotel Volcán', current: false },
      { name: 'Hotel del Volcán', current: false },
      { name: 'Hotel Volcán Barú', current: true },
    ]);
  });
});

describe('items', () => {
  it('creates an item with default accounts, tax code and an exact price', async () => {
    const item = await createItem(books, {
      code: 'CAFE-1KG',
      name: 'Café geisha 1 kg',
      unitPrice: '42.125',
      incomeAccountCode: '4101',
      expenseAccountCode: '5101',
      taxCode: 'ITBMS7',
    });
    expect(item).toMatchObject({ code: 'CAFE-1KG', taxCode: 'ITBMS7' });
    expect(item.unitPrice).toBe('42.125000');
    const changed = await updateItem(books, item.id, { unitPrice: '40', taxCode: 'EXENTO' });
    expect(changed.taxCode).toBe('EXENTO');
    expect((await listItems(t.db, { search: 'geisha' })).map((i) => i.code)).toEqual(['CAFE-1KG']);
  });

  it('refuses unknown accounts and tax codes, too many decimals and duplicates, writing nothing', async () => {
    const before = await t.count('items');
    await refused(
      createItem(books, { code: 'X1', name: 'x', incomeAccountCode: '9999' }),
      'BAD_USER_INPUT',
      'incomeAccountCode',
    );
    await refused(
      createItem(books, { code: 'X1', name: 'x', taxCode: 'IVA16' }),
      'BAD_USER_INPUT',
      'taxCode',
    );
    await refused(
      createItem(books, { code: 'X1', name: 'x', unitPrice: '1.0000001' }),
      'BAD_USER_INPUT',
      'unitPrice',
    );
    await refused(
      createItem(books, { code: 'X1', name: 'x', unitPrice: '1e3' }),
      'BAD_USER_INPUT',
      'unitPrice',
    );
    await refused(
      createItem(books, { code: 'X1', name: 'x', unitPrice: '-1' }),
      'BAD_USER_INPUT',
      'unitPrice',
    );
    await refused(createItem(books, { code: 'CAFE-1KG', name: 'dup' }), 'CONFLICT', 'code');
    expect(await t.count('items')).toBe(before);
  });
});

describe('parties and items as connections', () => {
  async function walk<T>(
    page: (
      after: string | null,
    ) => Promise<{ edges: { node: T }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>,
  ): Promise<T[]> {
    const all: T[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard += 1) {
      const p = await page(after);
      all.push(...p.edges.map((e) => e.node));
      if (!p.pageInfo.hasNextPage) return all;
      after = p.pageInfo.endCursor;
    }
    throw new Error('the connection never ended');
  }

  it('pages through every party (customers first, by code) and every item, none skipped or repeated', async () => {
    for (let i = 0; i < 7; i += 1) {
      await createParty(books, { kind: i % 2 ? 'VENDOR' : 'CUSTOMER', code: `PG-${i}`, name: `Paged ${i}` });
      await createItem(books, { code: `PG-ITEM-${i}`, name: `Paged item ${i}` });
    }
    const parties = await walk((after) => pageParties(books, { first: 3, after }));
    expect(parties.map((p) => p.id)).toEqual((await listParties(books)).map((p) => p.id));
    expect(new Set(parties.map((p) => p.id)).size).toBe(parties.length);
    const kinds = parties.map((p) => p.kind);
    expect(kinds.lastIndexOf('CUSTOMER')).toBeLessThan(kinds.indexOf('VENDOR'));
    const items = await walk((after) => pageItems(t.db, { first: 2, after }));
    expect(items.map((i) => i.id)).toEqual((await listItems(t.db)).map((i) => i.id));
    const vendors = await walk((after) =>
      pageParties(books, { filter: { kind: 'VENDOR', search: 'paged' }, first: 2, after }),
    );
    expect(vendors.map((p) => p.code)).toEqual(['PG-1', 'PG-3', 'PG-5']);
  });

  it('refuses a page size past 500 and a cursor of another list with BAD_USER_INPUT', async () => {
    await refused(pageParties(books, { first: 501 }), 'BAD_USER_INPUT', 'first');
    await refused(pageItems(t.db, { first: -1 }), 'BAD_USER_INPUT', 'first');
    const itemCursor = (await pageItems(t.db, { first: 1 })).pageInfo.endCursor as string;
    await refused(pageParties(books, { after: itemCursor }), 'BAD_USER_INPUT', 'after');
    await refused(pageItems(t.db, { after: 'garbage' }), 'BAD_USER_INPUT', 'after');
  });
});
