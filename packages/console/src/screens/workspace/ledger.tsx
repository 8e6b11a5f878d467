import { useState } from 'react';
import { Button, Link } from 'react-aria-components';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { GeneralLedgerQuery } from './data.ts';
import { dateLabel, isIsoDate, money } from './format.ts';
import { workspacePath } from './paths.ts';

/** Lines a page of the general ledger shows. */
export const LEDGER_PAGE = 50;

/**
 * One account's general ledger from `from` (default the fiscal year's first day) to the chosen
 * day, LEDGER_PAGE lines a page (the API's cursors: next, and back through the pages seen);
 * an entry's number opens the entry.
 */
export default function Ledger({ accountCode }: { accountCode: string }) {
  const ws = useWorkspace();
  const fromParam = ws.search.get('from');
  const from = isIsoDate(fromParam) && fromParam <= ws.date ? fromParam : ws.yearStart;
  // The cursors of the pages before this one (the first page has none).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const { data, error, loading } = useQuery(GeneralLedgerQuery, {
    variables: { accountCode, from, to: ws.date, first: LEDGER_PAGE, after },
  });
  const gl = data?.generalLedger;
  const page = cursors.length;
  const firstLine = (page - 1) * LEDGER_PAGE + 1;
  const entryLink = (id: string) => workspacePath(ws.slug, { kind: 'entry', entryId: id }, { date: ws.date });
  return (
    <section aria-labelledby="gl-title">
      <p>
        <Link className="link" href={workspacePath(ws.slug, { kind: 'trial-balance' }, { date: ws.date })}>
          ← Trial balance
        </Link>
      </p>
      <h2 id="gl-title">
        General ledger of {gl?.account ? `${gl.account.code} ${gl.account.name}` : `account ${accountCode}`},{' '}
        {dateLabel(from)} to {dateLabel(ws.date)}
      </h2>
      {error && (
        <RefusalNotice error={error} title={`The ledger of account ${accountCode} could not be loaded`} />
      )}
      {loading && !gl && <Loading what="the ledger" />}
      {gl && (
        <>
          <dl className="facts facts-inline">
            <dt>Opening balance</dt>
            <dd data-amount={gl.openingBalance} data-testid="gl-opening">
              {money(gl.openingBalance, gl.currency)}
            </dd>
            <dt>Debits</dt>
            <dd data-amount={gl.totalDebit}>{money(gl.totalDebit, gl.currency)}</dd>
            <dt>Credits</dt>
            <dd data-amount={gl.totalCredit}>{money(gl.totalCredit, gl.currency)}</dd>
            <dt>Closing balance</dt>
            <dd data-amount={gl.closingBalance} data-testid="gl-closing">
              {money(gl.closingBalance, gl.currency)}
            </dd>
          </dl>
          {gl.edges.length === 0 ? (
            <p className="notice" role="status">
              No line was posted to this account in these dates.
            </p>
          ) : (
            <ScrollRegion label="General ledger lines">
              <table className="report" data-testid="general-ledger">
                <caption className="muted">
                  Lines {firstLine}–{firstLine + gl.edges.length - 1}
                  {gl.pageInfo.hasNextPage ? ', more on the next page' : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Entry</th>
                    <th scope="col">Memo</th>
                    <th scope="col">Original</th>
                    <th scope="col" className="number">
                      Debit
                    </th>
                    <th scope="col" className="number">
                      Credit
                    </th>
                    <th scope="col" className="number">
                      Balance
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {gl.edges.map(({ cursor, node: l }) => (
                    <tr key={cursor} data-entry={l.entryNumber}>
                      <td>{dateLabel(l.postingDate)}</td>
                      <th scope="row">
                        {l.entry ? (
                          <Link className="link" href={entryLink(l.entry.id)}>
                            {l.entryNumber}
                          </Link>
                        ) : (
                          l.entryNumber
                        )}
                        <span className="muted"> line {l.lineNumber}</span>
                      </th>
                      <td>
                        {l.lineMemo || l.memo}
                        {l.partyName ? <span className="muted"> · {l.partyName}</span> : null}
                      </td>
                      <td data-amount={l.originalAmount}>
                        {l.originalCurrency === gl.currency
                          ? ''
                          : formatMoney(l.originalAmount, l.originalCurrency, firmLocale())}
                      </td>
                      <td className="number" data-amount={l.debit}>
                        {money(l.debit, gl.currency, true)}
                      </td>
                      <td className="number" data-amount={l.credit}>
                        {money(l.credit, gl.currency, true)}
                      </td>
                      <td className="number" data-amount={l.runningBalance}>
                        {money(l.runningBalance, gl.currency)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
          <div className="pager">
            <Button
              className="button"
              isDisabled={page === 1}
              onPress={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous page
            </Button>
            <span className="muted">Page {page}</span>
            <Button
              className="button"
              isDisabled={!gl.pageInfo.hasNextPage || !gl.pageInfo.endCursor}
              onPress={() => setCursors((c) => [...c, gl.pageInfo.endCursor ?? null])}
            >
              Next page
            </Button>
          </div>
        </>
      )}
    </section>
  );
}
