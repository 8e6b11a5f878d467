import { Link } from 'react-aria-components';
import type { YearEndCloseLineKind } from '../../__generated__/graphql.ts';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { firmLocale } from '../../locale.ts';
import { formatMoney } from '../../money.ts';
import { useWorkspace } from './context.ts';
import { dateLabel, money, sumDecimals } from './format.ts';
import { workspacePath } from './paths.ts';

export interface DraftLine {
  lineNumber: number;
  kind: YearEndCloseLineKind;
  postingDate: string;
  accountCode: string;
  accountName: string;
  debit: string;
  credit: string;
  originalCurrency: string;
  originalAmount: string;
  reversesEntryId?: string | null;
  explanation: string;
}

const KIND_LABEL: Record<YearEndCloseLineKind, string> = {
  CLOSING: 'Closing entry',
  ACCRUAL_REVERSAL: 'Accrual reversal',
};
const TOTAL_LABEL: Record<YearEndCloseLineKind, string> = {
  CLOSING: 'Total of the closing entry',
  ACCRUAL_REVERSAL: 'Total of the accrual reversals',
};

/**
 * The draft line by line, as the API gives each line — its entry, posting day, account, debit and
 * credit in the base currency, the amount in its own currency, the accrual it reverses — with the
 * line's explanation; each entry's totals (every entry balances), summed exactly.
 */
export function YearEndLines({ lines, currency }: { lines: readonly DraftLine[]; currency: string }) {
  const ws = useWorkspace();
  if (lines.length === 0)
    return (
      <p className="notice" role="status" data-testid="draft-no-lines">
        This close has no line: no income or expense account has a balance in the year, and no accrual is to
        be reversed.
      </p>
    );
  const kinds = (['CLOSING', 'ACCRUAL_REVERSAL'] as const).filter((k) => lines.some((l) => l.kind === k));
  return (
    <ScrollRegion label="Year-end close lines">
      <table className="report year-end-lines" data-testid="year-end-lines">
        <caption>The draft line by line, amounts in {currency}, with why each line is there</caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              #
            </th>
            <th scope="col">Entry</th>
            <th scope="col">Posts on</th>
            <th scope="col">Account</th>
            <th scope="col" className="number">
              Debit ({currency})
            </th>
            <th scope="col" className="number">
              Credit ({currency})
            </th>
            <th scope="col" className="number">
              Original amount
            </th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l) => (
            <tr key={l.lineNumber} data-line={l.lineNumber}>
              <td className="number">{l.lineNumber}</td>
              <td>
                {KIND_LABEL[l.kind]}
                {l.reversesEntryId ? (
                  <>
                    {' '}
                    (
                    <Link
                      className="link"
                      href={workspacePath(ws.slug, { kind: 'entry', entryId: l.reversesEntryId })}
                    >
                      the accrual
                    </Link>
                    )
                  </>
                ) : null}
              </td>
              <td>{dateLabel(l.postingDate)}</td>
              <th scope="row">
                {l.accountCode} {l.accountName}
              </th>
              <td className="number" data-amount={l.debit}>
                {money(l.debit, currency, true)}
              </td>
              <td className="number" data-amount={l.credit}>
                {money(l.credit, currency, true)}
              </td>
              <td className="number" data-amount={l.originalAmount} data-currency={l.originalCurrency}>
                {formatMoney(l.originalAmount, l.originalCurrency, firmLocale())}
              </td>
              <td className="explanation">{l.explanation}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {kinds.map((k) => {
            const of = lines.filter((l) => l.kind === k);
            const debit = sumDecimals(of.map((l) => l.debit));
            const credit = sumDecimals(of.map((l) => l.credit));
            return (
              <tr key={k} data-testid={`total-${k}`}>
                <th scope="row" colSpan={4}>
                  {TOTAL_LABEL[k]} ({of.length} {of.length === 1 ? 'line' : 'lines'})
                </th>
                <td className="number" data-amount={debit}>
                  {money(debit, currency)}
                </td>
                <td className="number" data-amount={credit}>
                  {money(credit, currency)}
                </td>
                <td colSpan={2} />
              </tr>
            );
          })}
        </tfoot>
      </table>
    </ScrollRegion>
  );
}
