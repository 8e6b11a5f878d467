import { Link } from 'react-aria-components';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { TrialBalanceQuery } from './data.ts';
import { dateLabel, money } from './format.ts';
import { workspacePath } from './paths.ts';

/** Every account with a balance at the end of the chosen day; an account opens its general ledger. */
export default function TrialBalance() {
  const ws = useWorkspace();
  const { data, error, loading } = useQuery(TrialBalanceQuery, { variables: { asOf: ws.date } });
  const tb = data?.trialBalance;
  return (
    <section aria-labelledby="tb-title">
      <h2 id="tb-title">Trial balance at the end of {dateLabel(ws.date)}</h2>
      {error && <RefusalNotice error={error} title="The trial balance could not be loaded" />}
      {loading && !tb && <Loading what="the trial balance" />}
      {tb && tb.rows.length === 0 && (
        <p className="notice" role="status">
          No account has a balance at the end of {dateLabel(ws.date)}.
        </p>
      )}
      {tb && tb.rows.length > 0 && (
        <ScrollRegion label="Trial balance table">
          <table className="report" data-testid="trial-balance">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Type</th>
                <th scope="col" className="number">
                  Debit ({tb.currency})
                </th>
                <th scope="col" className="number">
                  Credit ({tb.currency})
                </th>
              </tr>
            </thead>
            <tbody>
              {tb.rows.map((r) => (
                <tr key={r.accountCode} data-account={r.accountCode}>
                  <th scope="row">
                    <Link
                      className="link"
                      href={workspacePath(
                        ws.slug,
                        { kind: 'ledger', accountCode: r.accountCode },
                        { date: ws.date, from: ws.yearStart },
                      )}
                    >
                      {r.accountCode} {r.accountName}
                    </Link>
                  </th>
                  <td>{r.accountType}</td>
                  <td className="number" data-amount={r.debit}>
                    {money(r.debit, tb.currency, true)}
                  </td>
                  <td className="number" data-amount={r.credit}>
                    {money(r.credit, tb.currency, true)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={2}>
                  Total
                </th>
                <td className="number" data-amount={tb.totalDebit} data-testid="tb-total-debit">
                  {money(tb.totalDebit, tb.currency)}
                </td>
                <td className="number" data-amount={tb.totalCredit} data-testid="tb-total-credit">
                  {money(tb.totalCredit, tb.currency)}
                </td>
              </tr>
            </tfoot>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
