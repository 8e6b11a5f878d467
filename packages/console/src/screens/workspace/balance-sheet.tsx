import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { BalanceSheetQuery } from './data.ts';
import { dateLabel, money } from './format.ts';
import { StatementSection } from './statement-section.tsx';

/** Assets, liabilities and equity at the end of the chosen day (current earnings shown in equity). */
export default function BalanceSheet() {
  const ws = useWorkspace();
  const { data, error, loading } = useQuery(BalanceSheetQuery, { variables: { asOf: ws.date } });
  const bs = data?.balanceSheet;
  // A balance-sheet account's ledger runs from the fiscal year's start, its opening balance carried.
  const from = ws.yearStart;
  return (
    <section aria-labelledby="bs-title">
      <h2 id="bs-title">Balance sheet at the end of {dateLabel(ws.date)}</h2>
      {error && <RefusalNotice error={error} title="The balance sheet could not be loaded" />}
      {loading && !bs && <Loading what="the balance sheet" />}
      {bs && (
        <ScrollRegion label="Balance sheet table">
          <table className="report statement" data-testid="balance-sheet">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" className="number">
                  Amount ({bs.currency})
                </th>
              </tr>
            </thead>
            <StatementSection title="Assets" rows={bs.assets.rows} total={bs.assets.total} from={from} />
            <StatementSection
              title="Liabilities"
              rows={bs.liabilities.rows}
              total={bs.liabilities.total}
              from={from}
            />
            {/* The API's equity rows end with current earnings (not yet closed), an account-less line. */}
            <StatementSection title="Equity" rows={bs.equity.rows} total={bs.equity.total} from={from} />
            <tfoot>
              <tr>
                <th scope="row">Liabilities and equity</th>
                <td className="number" data-amount={bs.totalLiabilitiesAndEquity}>
                  {money(bs.totalLiabilitiesAndEquity, bs.currency)}
                </td>
              </tr>
            </tfoot>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
