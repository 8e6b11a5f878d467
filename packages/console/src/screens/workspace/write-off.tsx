import { useMutation } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Button } from 'react-aria-components';
import type { ConsoleDocumentQuery } from '../../__generated__/graphql.ts';
import { ReasonField } from '../../components/reason-field.tsx';
import { AmountField, DateField, type Outcome, OutcomeNotice } from './action-fields.tsx';
import { mayVoidWriteOff, mayWriteOff, useWorkspace } from './context.ts';
import { amountProblem, newIdempotencyKey } from './credit-words.ts';
import { VoidBadDebtWriteOffMutation, WriteOffBadDebtMutation } from './credits-data.ts';
import { documentName } from './document-labels.ts';
import { isIsoDate, isZero, money, todayIn } from './format.ts';
import { workspacePath } from './paths.ts';

type Doc = NonNullable<ConsoleDocumentQuery['document']>;

/** The API's minimum for a write-off's reason and a void's (REASON_TOO_SHORT below it). */
export const REASON_MIN = 20;

/**
 * "Write off as bad debt" on an open sales invoice (writeOffBadDebt: Invoice.Approve) and "Void
 * the write-off" on a write-off (voidBadDebtWriteOff: Invoice.Void), each with its reason counted
 * as typed and its day in the client's calendar. Offered only to the roles the API allows.
 */
export function WriteOff({ d, onChanged }: { d: Doc; onChanged: () => Promise<unknown> }) {
  const ws = useWorkspace();
  // Kept here: a void (or a write-off of all that is open) takes its form away, not what it said.
  const [outcome, setOutcome] = useState<Outcome>(null);
  const posted = d.status === 'POSTED' && !d.voided;
  const props = { d, onChanged, setOutcome };
  return (
    <>
      {d.kind === 'SALES_INVOICE' &&
        posted &&
        d.openBalance &&
        !isZero(d.openBalance) &&
        mayWriteOff(ws.role) && <WriteOffForm {...props} open={d.openBalance} />}
      {d.kind === 'BAD_DEBT_WRITE_OFF' && posted && mayVoidWriteOff(ws.role) && (
        <VoidWriteOffForm {...props} />
      )}
      <OutcomeNotice outcome={outcome} />
    </>
  );
}

interface FormProps {
  d: Doc;
  onChanged: () => Promise<unknown>;
  setOutcome: (o: Outcome) => void;
}

function WriteOffForm({ d, open, onChanged, setOutcome }: FormProps & { open: string }) {
  const ws = useWorkspace();
  const [shown, setShown] = useState(false);
  const [amount, setAmount] = useState(open);
  const [date, setDate] = useState(todayIn(ws.timezone));
  const [reason, setReason] = useState('');
  const [writeOff, { loading }] = useMutation(WriteOffBadDebtMutation);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one key per intent — a new one when what is sent changes
  const key = useMemo(newIdempotencyKey, [amount, date, reason]);
  const problem = amountProblem(amount, d.currency, open);
  const submit = async () => {
    setOutcome(null);
    let outcome: Outcome;
    try {
      const { data } = await writeOff({
        variables: {
          input: {
            invoiceId: d.id,
            amount: amount.trim(),
            documentDate: date,
            reason: reason.trim(),
            idempotencyKey: key,
          },
        },
      });
      const w = data?.writeOffBadDebt;
      const a = w?.allocations[0];
      outcome = {
        done: `Written off: ${money(amount.trim(), d.currency)} of ${documentName(d)}${
          a?.realizedFx && !isZero(a.realizedFx)
            ? `, realized exchange ${a.realizedFx.startsWith('-') ? 'loss' : 'gain'} ${money(a.realizedFx.replace(/^-/, ''), ws.currency)}`
            : ''
        }.`,
        link: w
          ? {
              href: workspacePath(ws.slug, { kind: 'document', documentId: w.id }),
              label: `Open ${documentName(w)}`,
            }
          : undefined,
      };
      setShown(false);
      setReason('');
    } catch (e) {
      setOutcome({ error: e, title: 'Nothing was written off' });
      return;
    }
    // The invoice is read again before the page says what happened; a read that fails is not the
    // write-off's failure.
    await onChanged().catch(() => undefined);
    setOutcome(outcome);
  };
  return (
    <section aria-labelledby="write-off-title" data-testid="write-off">
      <h3 id="write-off-title">Bad debt</h3>
      <Button
        className="button"
        aria-expanded={shown}
        onPress={() => {
          setShown(!shown);
          setOutcome(null);
        }}
      >
        Write off as bad debt
      </Button>
      {shown && (
        <form
          className="reopen"
          aria-label="Write off as bad debt"
          onSubmit={(e) => {
            e.preventDefault();
            if (!problem && isIsoDate(date)) void submit();
          }}
        >
          <p className="muted">
            What the customer will not pay, at most the {money(open, d.currency)} still open, tax included
            (the output ITBMS declared is not recovered). It posts to the bad-debt expense at once.
          </p>
          <AmountField value={amount} onChange={setAmount} currency={d.currency} limit={open} />
          <DateField label="Write-off day" value={date} onChange={setDate} />
          <ReasonField
            value={reason}
            onChange={setReason}
            min={REASON_MIN}
            when="why the debt cannot be collected: the write-off's memo"
          />
          <Button
            className="button button-danger"
            type="submit"
            isDisabled={loading || !!problem || !isIsoDate(date)}
          >
            Write off {problem ? '' : money(amount.trim(), d.currency)}
          </Button>
        </form>
      )}
    </section>
  );
}

function VoidWriteOffForm({ d, onChanged, setOutcome }: FormProps) {
  const ws = useWorkspace();
  const [date, setDate] = useState(todayIn(ws.timezone));
  const [reason, setReason] = useState('');
  const [voidIt, { loading }] = useMutation(VoidBadDebtWriteOffMutation);
  const submit = async () => {
    setOutcome(null);
    try {
      await voidIt({ variables: { id: d.id, reason: reason.trim(), voidDate: date } });
    } catch (e) {
      setOutcome({ error: e, title: 'The write-off was not voided' });
      return;
    }
    // Read again first (the void takes this form away); a read that fails is not the void's failure.
    await onChanged().catch(() => undefined);
    setOutcome({ done: 'The write-off is voided: the invoice is open again by what it wrote off.' });
  };
  return (
    <section aria-labelledby="void-write-off-title" data-testid="void-write-off">
      <form
        className="reopen"
        aria-labelledby="void-write-off-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (isIsoDate(date)) void submit();
        }}
      >
        <h3 id="void-write-off-title">Void the write-off</h3>
        <DateField label="Reversal day" value={date} onChange={setDate} />
        <ReasonField value={reason} onChange={setReason} min={REASON_MIN} when="asked to void it" />
        <Button className="button" type="submit" isDisabled={loading || !isIsoDate(date)}>
          Void the write-off
        </Button>
      </form>
    </section>
  );
}
