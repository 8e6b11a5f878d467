import { useMutation } from '@apollo/client/react';
import { useMemo, useState } from 'react';
import { Button, Input, Label, Text, TextField } from 'react-aria-components';
import type { ConsoleDocumentQuery, ConsoleOpenInvoiceFragment } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { useQuery } from '../../use-query.ts';
import { AmountField, DateField, type Outcome, OutcomeNotice } from './action-fields.tsx';
import { mayApplyCredit, useWorkspace } from './context.ts';
import { amountProblem, newIdempotencyKey, sameRate, smaller } from './credit-words.ts';
import {
  ApplyCustomerCreditMutation,
  ApplyVendorCreditMutation,
  CreateCustomerRefundMutation,
  CreateVendorRefundMutation,
  DiscardDraftMutation,
  OpenInvoicesQuery,
  PostRefundMutation,
} from './credits-data.ts';
import { documentName } from './document-labels.ts';
import { dateLabel, decimal, isIsoDate, isZero, money, todayIn } from './format.ts';
import { workspacePath } from './paths.ts';

type Doc = NonNullable<ConsoleDocumentQuery['document']>;
type Invoice = ConsoleOpenInvoiceFragment;

/** Which side of the books a credit is on: a customer's (receipt, credit note) or ours with a vendor. */
const sideOf = (kind: Doc['kind']) =>
  kind === 'CUSTOMER_RECEIPT' || kind === 'CREDIT_NOTE'
    ? ({ invoiceKind: 'SALES_INVOICE', who: 'customer' } as const)
    : ({ invoiceKind: 'PURCHASE_INVOICE', who: 'vendor' } as const);

/** Receipts, payments and notes carry an open credit (`Document.openCredit`); other kinds none. */
export const hasCredit = (d: Doc) => d.openCredit !== null && d.openCredit !== undefined;

/**
 * A receipt's, payment's or note's credit left on the party's account: how much, and — for the
 * roles holding Payment.Post — "Apply credit" to one of the party's open invoices of the same
 * currency, or "Refund" it. The amount is checked as the API checks it before it is sent; the
 * API decides, and its refusal is shown with its code.
 */
export function CreditActions({ d, onChanged }: { d: Doc; onChanged: () => Promise<unknown> }) {
  const ws = useWorkspace();
  const [mode, setMode] = useState<'apply' | 'refund' | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  if (!hasCredit(d)) return null;
  const credit = d.openCredit!;
  const open = d.status === 'POSTED' && !d.voided && !isZero(credit);
  const may = mayApplyCredit(ws.role);
  // After an application or a refund the document is read again, and only then does the page say
  // what happened; a read that fails is not the step's failure.
  const done = async (o: NonNullable<Outcome>) => {
    if (!('error' in o)) {
      setMode(null);
      await onChanged().catch(() => undefined);
    }
    setOutcome(o);
  };
  const toggle = (m: 'apply' | 'refund') => {
    setOutcome(null);
    setMode(mode === m ? null : m);
  };
  return (
    <section aria-labelledby="credit-title" data-testid="document-credit">
      <h3 id="credit-title">Open credit</h3>
      <p data-testid="open-credit" data-amount={credit}>
        {isZero(credit)
          ? 'Nothing left on the account: all of it is applied or refunded.'
          : `${money(credit, d.currency)} left on the ${sideOf(d.kind).who}’s account, not yet applied or refunded.`}
      </p>
      {open && may && (
        <div className="actions">
          <Button className="button" aria-expanded={mode === 'apply'} onPress={() => toggle('apply')}>
            Apply credit
          </Button>
          <Button className="button" aria-expanded={mode === 'refund'} onPress={() => toggle('refund')}>
            Refund
          </Button>
        </div>
      )}
      {mode === 'apply' && <ApplyCredit d={d} credit={credit} onDone={done} />}
      {mode === 'refund' && <RefundCredit d={d} credit={credit} onDone={done} />}
      <OutcomeNotice outcome={outcome} />
    </section>
  );
}

function ApplyCredit({
  d,
  credit,
  onDone,
}: {
  d: Doc;
  credit: string;
  onDone: (o: NonNullable<Outcome>) => Promise<void>;
}) {
  const ws = useWorkspace();
  const side = sideOf(d.kind);
  const { data, error, loading } = useQuery(OpenInvoicesQuery, {
    variables: { partyId: d.party?.id ?? '', kind: side.invoiceKind },
    skip: !d.party,
    fetchPolicy: 'network-only',
  });
  const invoices = useMemo(
    () =>
      [...(data?.open?.edges ?? []), ...(data?.partly?.edges ?? [])]
        .map((e) => e.node)
        .filter((i) => i.currency === d.currency && i.openBalance && !isZero(i.openBalance))
        .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '')),
    [data, d.currency],
  );
  const [invoiceId, setInvoiceId] = useState('');
  const [amount, setAmount] = useState('');
  const [date, setDate] = useState(todayIn(ws.timezone));
  const [apply, { loading: busy }] = useMutation(
    side.who === 'customer' ? ApplyCustomerCreditMutation : ApplyVendorCreditMutation,
  );
  const invoice = invoices.find((i) => i.id === invoiceId) ?? null;
  const limit = invoice?.openBalance ? smaller(credit, invoice.openBalance, d.currency) : credit;
  // biome-ignore lint/correctness/useExhaustiveDependencies: one key per intent — a new one when what is sent changes
  const key = useMemo(newIdempotencyKey, [invoiceId, amount, date]);
  const pick = (id: string) => {
    setInvoiceId(id);
    const i = invoices.find((x) => x.id === id);
    if (i?.openBalance) setAmount(smaller(credit, i.openBalance, d.currency));
  };
  const problem = !invoice ? 'Pick an invoice.' : amountProblem(amount, d.currency, limit);
  const submit = async () => {
    if (problem || !invoice || !isIsoDate(date)) return;
    try {
      const { data: r } = await apply({
        variables: {
          input: { creditId: d.id, invoiceId: invoice.id, amount: amount.trim(), date, idempotencyKey: key },
        },
      });
      // One of the two mutations ran, whichever side the credit is on.
      const answer = r as
        | { applyCustomerCredit?: Applied | null; applyVendorCredit?: Applied | null }
        | undefined;
      const doc = answer?.applyCustomerCredit ?? answer?.applyVendorCredit;
      await onDone(appliedOutcome(doc ?? null, invoice, amount.trim(), d.currency, ws.currency, ws.slug));
    } catch (e) {
      await onDone({ error: e, title: 'The credit was not applied' });
    }
  };
  return (
    <form
      className="reopen"
      aria-labelledby="apply-title"
      data-testid="apply-credit"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h4 id="apply-title">Apply the credit to an open invoice</h4>
      {error && <RefusalNotice error={error} title="The open invoices could not be loaded" />}
      {loading && !data && <Loading what="the open invoices" />}
      {data && invoices.length === 0 && (
        <p className="notice" role="status">
          {d.party?.name ?? 'This party'} has no open {side.who === 'customer' ? 'invoice' : 'bill'} in{' '}
          {d.currency}: a credit settles only invoices of its own currency.
        </p>
      )}
      {invoices.length > 0 && (
        <>
          <div className="select">
            <label className="group-label" htmlFor="credit-invoice">
              Invoice to settle
            </label>
            <select
              id="credit-invoice"
              className="input"
              value={invoiceId}
              onChange={(e) => pick(e.target.value)}
            >
              <option value="">Pick one of {invoices.length}</option>
              {invoices.map((i) => (
                <option key={i.id} value={i.id}>
                  {documentName(i)} · {i.dueDate ? `due ${dateLabel(i.dueDate)}` : dateLabel(i.documentDate)}{' '}
                  · open {money(i.openBalance!, i.currency)}
                </option>
              ))}
            </select>
          </div>
          <AmountField value={amount} onChange={setAmount} currency={d.currency} limit={limit} />
          <DateField label="Posting day" value={date} onChange={setDate} />
          {invoice && <FxNote d={d} invoice={invoice} baseCurrency={ws.currency} />}
          <Button className="button" type="submit" isDisabled={busy || !!problem || !isIsoDate(date)}>
            Apply {amount && !problem ? money(amount.trim(), d.currency) : 'credit'}
          </Button>
        </>
      )}
    </form>
  );
}

type Applied = {
  id: string;
  kind: Doc['kind'];
  number?: string | null;
  status: Doc['status'];
  allocations: readonly { amount: string; baseAmount?: string | null; realizedFx?: string | null }[];
};

/** What the API says it did: the new document, the receivable or payable cleared and the realized FX. */
function appliedOutcome(
  doc: Applied | null,
  invoice: Invoice,
  amount: string,
  currency: string,
  base: string,
  slug: string,
): NonNullable<Outcome> {
  const a = doc?.allocations[0];
  const fx =
    a?.realizedFx && !isZero(a.realizedFx)
      ? `, realized exchange ${a.realizedFx.startsWith('-') ? 'loss' : 'gain'} ${money(a.realizedFx.replace(/^-/, ''), base)}`
      : ', no exchange difference';
  return {
    done: `Applied ${money(amount, currency)} to ${documentName(invoice)}${a?.baseAmount ? `: ${money(a.baseAmount, base)} cleared` : ''}${fx}.`,
    link: doc
      ? {
          href: workspacePath(slug, { kind: 'document', documentId: doc.id }),
          label: `Open ${documentName(doc)}`,
        }
      : undefined,
  };
}

/** When the credit and the invoice were booked at different rates, the API realizes the difference. */
function FxNote({ d, invoice, baseCurrency }: { d: Doc; invoice: Invoice; baseCurrency: string }) {
  if (d.currency === baseCurrency) return null;
  const same = d.exchangeRate && invoice.exchangeRate && sameRate(d.exchangeRate, invoice.exchangeRate);
  return (
    <p className="muted" data-testid="credit-fx">
      {same
        ? `Booked at the same rate (1 ${d.currency} = ${decimal(d.exchangeRate)} ${baseCurrency}): no exchange difference.`
        : `The credit was booked at 1 ${d.currency} = ${decimal(d.exchangeRate)} ${baseCurrency}, the invoice at ${decimal(invoice.exchangeRate)}: the difference is realized as an exchange gain or loss (the client’s FX variance mode), shown once applied.`}
    </p>
  );
}

function RefundCredit({
  d,
  credit,
  onDone,
}: {
  d: Doc;
  credit: string;
  onDone: (o: NonNullable<Outcome>) => Promise<void>;
}) {
  const ws = useWorkspace();
  const side = sideOf(d.kind);
  const [amount, setAmount] = useState(credit);
  const [date, setDate] = useState(todayIn(ws.timezone));
  const [bank, setBank] = useState('');
  const [busy, setBusy] = useState(false);
  const [create] = useMutation(
    side.who === 'customer' ? CreateCustomerRefundMutation : CreateVendorRefundMutation,
  );
  const [post] = useMutation(PostRefundMutation);
  const [discard] = useMutation(DiscardDraftMutation);
  // biome-ignore lint/correctness/useExhaustiveDependencies: one key per intent — a new one when what is sent changes
  const key = useMemo(newIdempotencyKey, [amount, date, bank]);
  const problem = amountProblem(amount, d.currency, credit);
  const submit = async () => {
    if (problem || !isIsoDate(date) || !d.party) return;
    setBusy(true);
    let draftId: string | null = null;
    try {
      const input = {
        partyId: d.party.id,
        documentDate: date,
        currency: d.currency,
        amount: amount.trim(),
        bankAccountCode: bank.trim() || undefined,
        idempotencyKey: key,
        allocations: [{ invoiceId: d.id, amount: amount.trim() }],
      };
      const { data } = await create({ variables: { input } });
      // One of the two mutations ran, whichever side the credit is on.
      const answer = data as
        | { createCustomerRefund?: { id: string } | null; createVendorRefund?: { id: string } | null }
        | undefined;
      const made = answer?.createCustomerRefund ?? answer?.createVendorRefund;
      draftId = made?.id ?? null;
      if (!draftId) throw new Error('The API answered no refund.');
      const { data: p } = await post({ variables: { id: draftId } });
      const refund = p?.postPayment;
      await onDone({
        done: `Refunded ${money(amount.trim(), d.currency)} of the credit.`,
        link: refund
          ? {
              href: workspacePath(ws.slug, { kind: 'document', documentId: refund.id }),
              label: `Open ${documentName(refund)}`,
            }
          : undefined,
      });
    } catch (e) {
      // A refund the books refuse to post leaves no draft behind: the console made it, it drops it.
      if (draftId) await discard({ variables: { id: draftId } }).catch(() => undefined);
      await onDone({ error: e, title: 'Nothing was refunded' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="reopen"
      aria-labelledby="refund-title"
      data-testid="refund-credit"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h4 id="refund-title">Refund the credit</h4>
      <AmountField value={amount} onChange={setAmount} currency={d.currency} limit={credit} />
      <DateField label="Refund day" value={date} onChange={setDate} />
      <TextField className="text-field" value={bank} onChange={setBank}>
        <Label>Bank or cash account code</Label>
        <Input className="input" autoComplete="off" />
        <Text slot="description" className="muted">
          Empty: the account bound to Cash.
        </Text>
      </TextField>
      <Button className="button" type="submit" isDisabled={busy || !!problem || !isIsoDate(date)}>
        Refund {amount && !problem ? money(amount.trim(), d.currency) : ''}
      </Button>
    </form>
  );
}
