import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindAccountRole, createAccount, deactivateAccount, updateAccount } from '../src/accounts/index.ts';
import { aging } from '../src/aging/aging.ts';
import { createDraft, type DocumentRow, postDocument } from '../src/documents/index.ts';
import type { Books } from '../src/services/books.ts';
import { createParty } from '../src/services/parties.service.ts';
import { postJournalEntry } from '../src/services/post-journal-entry.service.ts';
import { actor, openTestBooks, refusal, type TestBooks } from './test-books.ts';

/** Account maintenance against a real client database: create, rename, deactivate, bind roles. */
let t: TestBooks;
let books: Books;
let customer: string;

beforeAll(async () => {
  t = await openTestBooks();
  books = await t.books();
  customer = (await createParty(books, { kind: 'CUSTOMER', code: 'C1', name: 'Hotel Boquete' })).id;
});
afterAll(() => t.close());

/** Everything an account change could write. */
const footprint = async () => ({
  accounts: (await t.admin.query('SELECT code, name, description, active FROM accounts ORDER BY code')).rows,
  bindings: (await t.admin.query('SELECT role, account_id FROM account_role_bindings ORDER BY role')).rows,
  accountVersions: await t.count('accounts_history'),
  bindingVersions: await t.count('account_role_bindings_history'),
  audit: await t.count('audit_events'),
});

const accountId = async (code: string) =>
  (await t.admin.query('SELECT id FROM accounts WHERE code = $1', [code])).rows[0].id as string;

const linesOf = async (doc: DocumentRow) =>
  (
    await t.admin.query(
      `SELECT a.code, l.amount_minor::text AS base FROM gl_lines l JOIN accounts a ON a.id = l.account_id
        WHERE l.entry_id = $1 ORDER BY l.line_number`,
      [doc.entryId],
    )
  ).rows;

async function sale(amount: string, date = '2026-03-10') {
  const draft = await createDraft(books, 'SALES_INVOICE', {
    partyId: customer,
    documentDate: date,
    lines: [
      { description: 'Café', accountCode: '4101', quantity: '1', unitPrice: amount, taxCode: 'ITBMS7' },
    ],
  });
  return postDocument(books, draft.id, 'SALES');
}

async function receipt(invoice: DocumentRow, amount: string) {
  const draft = await createDraft(books, 'CUSTOMER_RECEIPT', {
    partyId: customer,
    documentDate: '2026-03-20',
    amount,
    allocations: [{ invoiceId: invoice.id, amount }],
  });
  return postDocument(books, draft.id, 'PAYMENT');
}

const entry = (lines: { accountCode: string; debit?: string; credit?: string; partyId?: string }[]) =>
  postJournalEntry(books.db, books.company, actor, { postingDate: '2026-03-05', memo: 'test', lines });

describe('createAccount and updateAccount', () => {
  it('creates 4150, renames it twice (three versions kept) and an invoice coded to it still posts 100.00 there', async () => {
    const created = await createAccount(books, {
      code: '4150',
      name: 'Ventas de repostería',
      type: 'INCOME',
      description: 'Pasteles y galletas',
    });
    expect(created).toMatchObject({
      code: '4150',
      type: 'INCOME',
      active: true,
      description: 'Pasteles y galletas',
    });
    await updateAccount(books, created.id, { name: 'Ventas de panadería' });
    const renamed = await updateAccount(books, created.id, { name: '  Ventas de pan  ', description: '' });
    expect(renamed).toMatchObject({ code: '4150', name: 'Ventas de pan', description: '' });
    const versions = await t.admin.query(
      `SELECT name FROM accounts_history WHERE hist_entity_id = $1 ORDER BY valid_from, hist_id`,
      [created.id],
    );
    expect(versions.rows.map((r) => r.name)).toEqual([
      'Ventas de repostería',
      'Ventas de panadería',
      'Ventas de pan',
    ]);
    const actions = await t.admin.query(
      `SELECT action FROM audit_events WHERE entity_type = 'Account' AND entity_id = $1 ORDER BY id`,
      [created.id],
    );
    expect(actions.rows.map((r) => r.action)).toEqual([
      'account.created',
      'account.updated',
      'account.updated',
    ]);

    const draft = await createDraft(books, 'SALES_INVOICE', {
      partyId: customer,
      documentDate: '2026-03-02',
      lines: [{ accountCode: '4150', quantity: '4', unitPrice: '25', taxCode: 'ITBMS7' }],
    });
    const posted = await postDocument(books, draft.id, 'SALES');
    // 4 × 25.00 = 100.00 on 4150, 7.00 ITBMS, 107.00 receivable.
    expect(await linesOf(posted)).toEqual([
      { code: '1201', base: '10700' },
      { code: '4150', base: '-10000' },
      { code: '2201', base: '-700' },
    ]);
    // An unchanged update writes no version.
    const before = await footprint();
    await updateAccount(books, created.id, { name: 'Ventas de pan' });
    expect(await footprint()).toEqual(before);
  });

  it('refuses a taken code, a bad code, an empty name or an unknown account, writing nothing', async () => {
    const before = await footprint();
    const taken = await refusal(createAccount(books, { code: '4101', name: 'Otra', type: 'INCOME' }));
    expect(taken.code).toBe('ACCOUNT_CODE_TAKEN');
    expect(taken.details).toMatchObject({ field: 'code', value: '4101' });
    for (const code of ['', ' ', '-12', '12 34', 'x'.repeat(21), "1'; DROP TABLE accounts;--"]) {
      const bad = await refusal(createAccount(books, { code, name: 'Mala', type: 'ASSET' }));
      expect(bad.code).toBe('BAD_USER_INPUT');
      expect(bad.details).toMatchObject({ field: 'code' });
    }
    const noName = await refusal(createAccount(books, { code: '1999', name: '   ', type: 'ASSET' }));
    expect(noName.details).toMatchObject({ field: 'name' });
    const long = await refusal(
      updateAccount(books, await accountId('1101'), { description: 'x'.repeat(2001) }),
    );
    expect(long.details).toMatchObject({ field: 'description' });
    const missing = await refusal(
      updateAccount(books, '00000000-0000-4000-8000-000000000000', { name: 'Nada' }),
    );
    expect(missing.code).toBe('NOT_FOUND');
    expect(await footprint()).toEqual(before);
  });

  it('two renames of one account at once both land, one after the other, each a version of its own', async () => {
    const id = (await createAccount(books, { code: '6190', name: 'Gastos varios', type: 'EXPENSE' })).id;
    const names = ['Gastos varios A', 'Gastos varios B'];
    const results = await Promise.all(names.map((name) => updateAccount(books, id, { name })));
    expect(results.map((r) => r.name).sort()).toEqual(names);
    const versions = await t.admin.query(
      `SELECT name FROM accounts_history WHERE hist_entity_id = $1 ORDER BY valid_from, hist_id`,
      [id],
    );
    expect(versions.rows).toHaveLength(3);
    const last = versions.rows[2].name as string;
    expect(names).toContain(last);
    expect((await t.admin.query('SELECT name FROM accounts WHERE id = $1', [id])).rows[0].name).toBe(last);
    // Each audit event's `before` is the version the other left: no update was lost.
    const events = await t.admin.query(
      `SELECT before->>'name' AS before, after->>'name' AS after FROM audit_events
        WHERE entity_type = 'Account' AND entity_id = $1 AND action = 'account.updated' ORDER BY id`,
      [id],
    );
    expect(events.rows).toEqual([
      { before: 'Gastos varios', after: events.rows[0].after },
      { before: events.rows[0].after, after: last },
    ]);
  });
});

describe('deactivateAccount', () => {
  it('refuses while bound to a role, carrying 250.00, or named by a draft — each its own code — and writes nothing', async () => {
    const before = await footprint();
    const bound = await refusal(deactivateAccount(books, await accountId('1201')));
    expect(bound.code).toBe('ACCOUNT_HAS_ROLE');
    expect(bound.details).toMatchObject({ roles: ['DefaultAR'] });

    const equipment = await createAccount(books, { code: '1599', name: 'Equipo menor', type: 'ASSET' });
    await entry([
      { accountCode: '1599', debit: '250.00' },
      { accountCode: '1110', credit: '250.00' },
    ]);
    const balance = await refusal(deactivateAccount(books, equipment.id));
    expect(balance.code).toBe('ACCOUNT_HAS_BALANCE');
    expect(balance.details).toMatchObject({ balanceMinor: '25000' });

    const fees = await createAccount(books, { code: '6199', name: 'Honorarios', type: 'EXPENSE' });
    const draft = await createDraft(books, 'PURCHASE_INVOICE', {
      partyId: (await createParty(books, { kind: 'VENDOR', code: 'V1', name: 'Abogados' })).id,
      documentDate: '2026-03-03',
      lines: [{ accountCode: '6199', quantity: '1', unitPrice: '80', taxCode: 'ITBMS7' }],
    });
    const open = await refusal(deactivateAccount(books, fees.id));
    expect(open.code).toBe('ACCOUNT_HAS_OPEN_DOCUMENTS');
    expect(open.details).toMatchObject({ documents: [draft.id], journalDrafts: [] });

    const after = await footprint();
    expect(after.accounts.filter((a) => !a.active)).toEqual(before.accounts.filter((a) => !a.active));
    expect(await t.count('audit_events', "action = 'account.deactivated'")).toBe(0);
  });

  it('deactivates 1599 once its 250.00 is moved out; then no new line may use it, and again is a no-op', async () => {
    const id = await accountId('1599');
    await entry([
      { accountCode: '1110', debit: '250.00' },
      { accountCode: '1599', credit: '250.00' },
    ]);
    const off = await deactivateAccount(books, id);
    expect(off.active).toBe(false);
    const again = await deactivateAccount(books, id);
    expect(again.active).toBe(false);
    expect(await t.count('audit_events', `action = 'account.deactivated' AND entity_id = '${id}'`)).toBe(1);
    const refused = await refusal(
      entry([
        { accountCode: '1599', debit: '1.00' },
        { accountCode: '1110', credit: '1.00' },
      ]),
    );
    expect(refused.code).toBe('BAD_USER_INPUT');
    // Its history keeps both versions, active and not.
    const versions = await t.admin.query(
      'SELECT active FROM accounts_history WHERE hist_entity_id = $1 ORDER BY valid_from, hist_id',
      [id],
    );
    expect(versions.rows.map((r) => r.active)).toEqual([true, false]);
  });
});

describe('bindAccountRole', () => {
  it('moves Cash to 1115 from now on: a 107.00 receipt after lands there, the entries before stay on 1110', async () => {
    const inv1 = await sale('100');
    const paidBefore = await receipt(inv1, '107.00');
    expect((await linesOf(paidBefore))[0]).toEqual({ code: '1110', base: '10700' });
    await createAccount(books, { code: '1115', name: 'Banco nuevo', type: 'ASSET' });
    const bound = await bindAccountRole(books, 'Cash', '1115');
    expect(bound.code).toBe('1115');
    const inv2 = await sale('100');
    const paidAfter = await receipt(inv2, '107.00');
    expect((await linesOf(paidAfter))[0]).toEqual({ code: '1115', base: '10700' });
    expect(await linesOf(paidBefore)).toEqual([
      { code: '1110', base: '10700' },
      { code: '1201', base: '-10700' },
    ]);
    const [event] = (
      await t.admin.query(
        `SELECT entity_id, before->>'accountCode' AS before, after->>'accountCode' AS after
           FROM audit_events WHERE action = 'account_role.bound'`,
      )
    ).rows;
    expect(event).toEqual({ entity_id: 'Cash', before: '1110', after: '1115' });
    // Binding it again changes nothing and writes nothing.
    const before = await footprint();
    await bindAccountRole(books, 'Cash', '1115');
    expect(await footprint()).toEqual(before);
  });

  it("refuses a role's invariant broken — type, shared control account, open items, balance — writing nothing", async () => {
    await createAccount(books, { code: '1205', name: 'Clientes nuevos', type: 'ASSET' });
    await createAccount(books, { code: '2105', name: 'Otra cuenta por pagar', type: 'LIABILITY' });
    const open = await sale('50'); // 53.50 open on 1201
    const before = await footprint();
    expect((await refusal(bindAccountRole(books, 'DefaultAR', '2105'))).code).toBe(
      'ROLE_ACCOUNT_TYPE_MISMATCH',
    );
    expect((await refusal(bindAccountRole(books, 'Cash', '1201'))).code).toBe('ROLE_ACCOUNT_CONFLICT');
    expect((await refusal(bindAccountRole(books, 'DefaultAR', '1115'))).code).toBe('ROLE_ACCOUNT_CONFLICT');
    const items = await refusal(bindAccountRole(books, 'DefaultAR', '1205'));
    expect(items.code).toBe('ROLE_HAS_OPEN_ITEMS');
    expect(items.details).toMatchObject({ role: 'DefaultAR', accountCode: '1201' });
    expect((await refusal(bindAccountRole(books, 'DefaultAR', 'NOPE'))).code).toBe('BAD_USER_INPUT');
    expect((await refusal(bindAccountRole(books, 'Cash', '1599'))).code).toBe('BAD_USER_INPUT'); // inactive
    expect(await footprint()).toEqual(before);

    // Paid, the receivable has no open item: it moves, and the next 21.40 invoice posts to 1205,
    // where the aging finds it to the cent.
    // Pay what is open on the receivable: this 53.50 and the 107.00 of the first test.
    const openNow = await aging(books, 'SALES_INVOICE', '2026-12-31');
    expect(openNow.totalBase.total).toBe(5350n + 10700n);
    await receipt(open, '53.50');
    const [first] = (await t.admin.query("SELECT * FROM documents WHERE number = 'INV-2026-000001'")).rows;
    await receipt({ ...open, id: first.id }, '107.00');
    await entry([
      { accountCode: '1205', debit: '5.00' },
      { accountCode: '1110', credit: '5.00' },
    ]);
    const withBalance = await refusal(bindAccountRole(books, 'DefaultAR', '1205'));
    expect(withBalance.code).toBe('ACCOUNT_HAS_BALANCE');
    await entry([
      { accountCode: '1110', debit: '5.00' },
      { accountCode: '1205', credit: '5.00' },
    ]);
    await bindAccountRole(books, 'DefaultAR', '1205');
    const next = await sale('20');
    expect((await linesOf(next))[0]).toEqual({ code: '1205', base: '2140' });
    const report = await aging(books, 'SALES_INVOICE', '2026-12-31');
    expect(report.totalBase.total).toBe(2140n);
    const [ar] = (
      await t.admin.query(`SELECT sum(amount_minor)::text AS net FROM gl_lines WHERE account_id = $1`, [
        await accountId('1205'),
      ])
    ).rows;
    expect(ar.net).toBe('2140');
    // The old receivable is free now, and may be deactivated (it carries nothing).
    expect((await deactivateAccount(books, await accountId('1201'))).active).toBe(false);
  });

  it('two binds of one role at once take turns: both versions kept, the second judged after the first', async () => {
    await createAccount(books, { code: '6511', name: 'Comisiones A', type: 'EXPENSE' });
    await createAccount(books, { code: '6512', name: 'Comisiones B', type: 'EXPENSE' });
    const versionsBefore = await t.count('account_role_bindings_history', "hist_entity_id = 'BankFees'");
    await Promise.all([
      bindAccountRole(books, 'BankFees', '6511'),
      bindAccountRole(books, 'BankFees', '6512'),
    ]);
    expect(await t.count('account_role_bindings_history', "hist_entity_id = 'BankFees'")).toBe(
      versionsBefore + 2,
    );
    const events = (
      await t.admin.query(
        `SELECT before->>'accountCode' AS before, after->>'accountCode' AS after FROM audit_events
          WHERE action = 'account_role.bound' AND entity_id = 'BankFees' ORDER BY id`,
      )
    ).rows;
    expect(events).toHaveLength(2);
    expect(events[0].before).toBe('6501');
    expect(events[1].before).toBe(events[0].after);
    const [bound] = (
      await t.admin.query(
        `SELECT a.code FROM account_role_bindings b JOIN accounts a ON a.id = b.account_id WHERE b.role = 'BankFees'`,
      )
    ).rows;
    expect(bound.code).toBe(events[1].after);
  });
});
