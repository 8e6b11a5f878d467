import { Input, Label, TextField } from 'react-aria-components';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { navigate } from '../../router.ts';
import { useQuery } from '../../use-query.ts';
import { useWorkspace } from './context.ts';
import { IncomeStatementQuery } from './data.ts';
import { dateLabel, isIsoDate, money } from './format.ts';
import { StatementSection } from './statement-section.tsx';

/** Income and expenses from the first day of the fiscal year (or a day chosen) to the chosen day. */
export default function IncomeStatement() {
  const ws = useWorkspace();
  const fromParam = ws.search.get('from');
  const from = isIsoDate(fromParam) ? fromParam : ws.yearStart;
  // A first day after the last is said so (as a party's statement does), never silently replaced.
  const backwards = from > ws.date;
  const { data, error, loading } = useQuery(IncomeStatementQuery, {
    variables: { from, to: ws.date },
    skip: backwards,
  });
  const is = backwards ? undefined : data?.incomeStatement;
  const setFrom = (d: string) => {
    if (!isIsoDate(d)) return;
    const q = new URLSearchParams(ws.search);
    q.set('from', d);
    navigate(`${window.location.pathname}?${q}`, { replace: true });
  };
  return (
    <section aria-labelledby="is-title">
      <div className="filters">
        <TextField className="date-field" value={from} onChange={setFrom}>
          <Label className="group-label">From</Label>
          <Input className="input" type="date" />
        </TextField>
      </div>
      <h2 id="is-title">
        Income statement, {dateLabel(from)} to {dateLabel(ws.date)}
      </h2>
      {backwards && (
        <p className="notice" role="status" data-testid="is-backwards">
          The first day is after the last ({dateLabel(ws.date)}): no statement to show.
        </p>
      )}
      {error && <RefusalNotice error={error} title="The income statement could not be loaded" />}
      {loading && !is && <Loading what="the income statement" />}
      {is && (
        <ScrollRegion label="Income statement table">
          <table className="report statement" data-testid="income-statement">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col" className="number">
                  Amount ({is.currency})
                </th>
              </tr>
            </thead>
            <StatementSection title="Income" rows={is.income.rows} total={is.income.total} from={from} />
            <StatementSection
              title="Expenses"
              rows={is.expenses.rows}
              total={is.expenses.total}
              from={from}
            />
            <tfoot>
              <tr>
                <th scope="row">Net income</th>
                <td className="number" data-amount={is.netIncome} data-testid="net-income">
                  {money(is.netIncome, is.currency)}
                </td>
              </tr>
            </tfoot>
          </table>
        </ScrollRegion>
      )}
    </section>
  );
}
