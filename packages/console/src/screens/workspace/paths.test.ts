import { describe, expect, it } from 'vitest';
import { isIsoDate, isZero, sumDecimals, todayIn } from './format.ts';
import { parseWorkspacePath, switchedPath, workspacePath } from './paths.ts';

describe('workspace paths', () => {
  it('reads each view, and nothing else, from a path', () => {
    expect(parseWorkspacePath('/clients')).toEqual({ slug: null, view: null });
    expect(parseWorkspacePath('/clients/')).toEqual({ slug: null, view: null });
    expect(parseWorkspacePath('/clients/cafe')).toEqual({ slug: 'cafe', view: { kind: 'trial-balance' } });
    expect(parseWorkspacePath('/clients/cafe/balance-sheet').view).toEqual({ kind: 'balance-sheet' });
    expect(parseWorkspacePath('/clients/cafe/close').view).toEqual({ kind: 'close' });
    expect(parseWorkspacePath('/clients/cafe/year-end').view).toEqual({ kind: 'year-end' });
    expect(parseWorkspacePath('/clients/cafe/aging').view).toEqual({ kind: 'aging' });
    expect(parseWorkspacePath('/clients/cafe/audit').view).toEqual({ kind: 'audit' });
    expect(parseWorkspacePath('/clients/cafe/recurring').view).toEqual({ kind: 'recurring' });
    expect(parseWorkspacePath('/clients/cafe/statement').view).toEqual({ kind: 'statement' });
    expect(parseWorkspacePath('/clients/cafe/itbms-return').view).toEqual({ kind: 'itbms-return' });
    expect(parseWorkspacePath('/clients/cafe/opening-balances').view).toEqual({ kind: 'opening-balances' });
    expect(parseWorkspacePath('/clients/cafe/statement/x').view).toBeNull();
    // A statement names one client's party: switching keeps the dates, never the party.
    expect(
      switchedPath(
        { kind: 'statement' },
        new URLSearchParams('party=p1&from=2026-01-01&to=2026-03-31'),
        'other',
      ),
    ).toBe('/clients/other/statement?from=2026-01-01&to=2026-03-31');
    expect(parseWorkspacePath('/clients/cafe/ledger/1110').view).toEqual({
      kind: 'ledger',
      accountCode: '1110',
    });
    expect(parseWorkspacePath('/clients/cafe/entries/abc').view).toEqual({ kind: 'entry', entryId: 'abc' });
    expect(parseWorkspacePath('/clients/cafe/documents').view).toEqual({ kind: 'documents' });
    expect(parseWorkspacePath('/clients/cafe/documents/d%2F1').view).toEqual({
      kind: 'document',
      documentId: 'd/1',
    });
    // Unknown or malformed: no view (the workspace says there is no such page), never a throw.
    for (const p of [
      '/clients/cafe/nope',
      '/clients/cafe/ledger',
      '/clients/cafe/ledger/1/2',
      '/clients/cafe/balance-sheet/x',
      '/clients/cafe/trial-balance/x',
      '/clients/cafe/entries',
      '/clients/cafe/documents/a/b',
      '/clients/cafe/audit/x',
      '/clients/cafe/year-end/2025',
      '/clients/cafe/recurring/x',
    ])
      expect(parseWorkspacePath(p).view, p).toBeNull();
    // A malformed escape is kept as typed rather than thrown on.
    expect(parseWorkspacePath('/clients/%E0%A4%A/ledger/%zz').view).toEqual({
      kind: 'ledger',
      accountCode: '%zz',
    });
  });

  it('round-trips any slug and account code through a path', () => {
    for (const code of ['1110', 'a/b', '?x=1#y', 'ñandú 1', '%41']) {
      const path = workspacePath('s/l?ug', { kind: 'ledger', accountCode: code }, { date: '2026-01-31' });
      const url = new URL(path, 'http://x');
      expect(parseWorkspacePath(url.pathname)).toEqual({
        slug: 's/l?ug',
        view: { kind: 'ledger', accountCode: code },
      });
      expect(url.searchParams.get('date')).toBe('2026-01-31');
    }
  });

  it('keeps the place when switching client, except an entry (one client’s own)', () => {
    const q = new URLSearchParams(
      'date=2026-03-31&from=2026-01-01&after=cursor-of-the-other-client&year=2026&month=3',
    );
    expect(switchedPath({ kind: 'ledger', accountCode: '1110' }, q, 'other')).toBe(
      '/clients/other/ledger/1110?date=2026-03-31&from=2026-01-01&year=2026&month=3',
    );
    expect(switchedPath({ kind: 'close' }, q, 'other')).toBe(
      '/clients/other/close?date=2026-03-31&from=2026-01-01&year=2026&month=3',
    );
    expect(switchedPath({ kind: 'year-end' }, new URLSearchParams('year=2025'), 'other')).toBe(
      '/clients/other/year-end?year=2025',
    );
    expect(switchedPath({ kind: 'entry', entryId: 'e1' }, q, 'other')).toBe(
      '/clients/other/trial-balance?date=2026-03-31',
    );
    expect(switchedPath(null, new URLSearchParams(), 'other')).toBe('/clients/other/trial-balance');
    // A document, or a list filtered by one client's party: the other client's list, same dates.
    const docs = new URLSearchParams(
      'date=2026-03-31&from=2026-03-01&party=p-of-this-client&kind=SALES_INVOICE',
    );
    expect(switchedPath({ kind: 'document', documentId: 'd1' }, docs, 'other')).toBe(
      '/clients/other/documents?date=2026-03-31&from=2026-03-01',
    );
    expect(switchedPath({ kind: 'documents' }, docs, 'other')).toBe(
      '/clients/other/documents?date=2026-03-31&from=2026-03-01',
    );
  });
});

describe('workspace formats', () => {
  it('takes today in the client’s time zone, not the browser’s', () => {
    // 03:00 UTC on 1 January is still 31 December in Panama (UTC−5) and already 1 January in Tokyo.
    const instant = new Date('2027-01-01T03:00:00Z');
    expect(todayIn('America/Panama', instant)).toBe('2026-12-31');
    expect(todayIn('Asia/Tokyo', instant)).toBe('2027-01-01');
    expect(todayIn('UTC', instant)).toBe('2027-01-01');
  });

  it('accepts only real ISO dates, and knows a zero amount', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    for (const d of [
      '2026-02-31',
      '2027-02-29',
      '2026-13-01',
      '2026-1-01',
      '',
      null,
      undefined,
      '2026-01-01T00:00',
      'yesterday',
    ])
      expect(isIsoDate(d), String(d)).toBe(false);
    for (const z of ['0', '0.00', '-0.00', '000.0']) expect(isZero(z), z).toBe(true);
    for (const n of ['0.01', '-0.001', '10', '100.00']) expect(isZero(n), n).toBe(false);
  });

  it('sums the API’s decimal strings exactly, whatever their decimals and signs', () => {
    expect(sumDecimals([])).toBe('0');
    expect(sumDecimals(['0.10', '0.20'])).toBe('0.30');
    expect(sumDecimals(['1200.00', '-1200.00'])).toBe('0.00');
    expect(sumDecimals(['-0.05', '0.01'])).toBe('-0.04');
    expect(sumDecimals(['1.5', '2.25', '3'])).toBe('6.75');
    expect(sumDecimals(['-1.000', '0.1'])).toBe('-0.900');
    // Past a float's 15–17 significant digits: still exact.
    expect(sumDecimals(['99999999999999999999.99', '0.01'])).toBe('100000000000000000000.00');
    for (const bad of ['1e3', '', '1.', '.5', '1,000.00', ' 1'])
      expect(() => sumDecimals([bad]), bad).toThrow();
  });
});
