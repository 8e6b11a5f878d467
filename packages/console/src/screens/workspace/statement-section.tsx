import { Link } from 'react-aria-components';
import { useWorkspace } from './context.ts';
import { money } from './format.ts';
import { workspacePath } from './paths.ts';

interface Row {
  accountCode?: string | null;
  accountName: string;
  amount: string;
}

/** One section of a statement (income, assets…): its rows, each account opening its ledger, and its total. */
export function StatementSection({
  title,
  rows,
  total,
  from,
}: {
  title: string;
  rows: readonly Row[];
  total: string;
  /** The ledger's first day when an account is opened. */
  from: string;
}) {
  const ws = useWorkspace();
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <tbody aria-labelledby={id} data-section={title}>
      <tr className="section-head">
        <th scope="rowgroup" colSpan={2} id={id}>
          {title}
        </th>
      </tr>
      {rows.length === 0 && (
        <tr>
          <td colSpan={2} className="muted">
            Nothing in this section.
          </td>
        </tr>
      )}
      {rows.map((r) => (
        <tr key={`${r.accountCode ?? ''}:${r.accountName}`} data-account={r.accountCode ?? ''}>
          <th scope="row">
            {r.accountCode ? (
              <Link
                className="link"
                href={workspacePath(
                  ws.slug,
                  { kind: 'ledger', accountCode: r.accountCode },
                  { date: ws.date, from },
                )}
              >
                {r.accountCode} {r.accountName}
              </Link>
            ) : (
              r.accountName
            )}
          </th>
          <td className="number" data-amount={r.amount}>
            {money(r.amount, ws.currency)}
          </td>
        </tr>
      ))}
      <tr className="section-total">
        <th scope="row">Total {title.toLowerCase()}</th>
        <td className="number" data-amount={total}>
          {money(total, ws.currency)}
        </td>
      </tr>
    </tbody>
  );
}
