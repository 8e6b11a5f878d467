import { Input, Label, Link, Text, TextField } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { useFocusWhen } from '../../components/use-focus.ts';
import { amountProblem } from './credit-words.ts';
import { money } from './format.ts';

/** The fields and the outcome line the workspace's action forms share (credits, write-offs, recurring entries). */

/** What an action did, with a link to what it made; or its refusal. */
export type Outcome =
  | { done: string; link?: { href: string; label: string } }
  | { error: unknown; title: string }
  | null;

export function OutcomeNotice({ outcome }: { outcome: Outcome }) {
  // The action's form is often gone after it (a write-off, a credit applied): the keyboard's place
  // moves to what happened, not to the top of the page (as the month's close does).
  const here = useFocusWhen<HTMLDivElement>(outcome);
  if (!outcome) return null;
  return (
    <div ref={here} tabIndex={-1} className="step-outcome">
      {'error' in outcome ? (
        <RefusalNotice error={outcome.error} title={outcome.title} />
      ) : (
        <p className="notice" role="status" data-testid="action-outcome">
          {outcome.done}
          {outcome.link && (
            <>
              {' '}
              <Link className="link" href={outcome.link.href}>
                {outcome.link.label}
              </Link>
            </>
          )}
        </p>
      )}
    </div>
  );
}

export function AmountField({
  value,
  onChange,
  currency,
  limit,
  label = 'Amount',
}: {
  value: string;
  onChange: (v: string) => void;
  currency: string;
  limit: string | null;
  label?: string;
}) {
  const problem = amountProblem(value, currency, limit);
  return (
    <TextField className="text-field" value={value} onChange={onChange} isInvalid={!!problem && value !== ''}>
      <Label>
        {label} ({currency})
      </Label>
      <Input className="input" inputMode="decimal" autoComplete="off" />
      <Text slot="description" className={problem ? 'hint-short' : 'muted'} data-testid="amount-hint">
        {problem ??
          `A decimal string such as 100.00, at most ${limit ? money(limit, currency) : 'what is open'}.`}
      </Text>
    </TextField>
  );
}

export function DateField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <TextField className="date-field" value={value} onChange={onChange} isRequired>
      <Label className="group-label">{label}</Label>
      <Input className="input" type="date" />
    </TextField>
  );
}
