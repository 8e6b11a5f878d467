import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Checkbox, Input, Label, TextField } from 'react-aria-components';
import type {
  ConsoleRecurringTemplateFragment,
  ConsoleRecurringTemplateLinesFragment,
  RecurrenceFrequency,
} from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { useQuery } from '../../use-query.ts';
import { DateField } from './action-fields.tsx';
import { useWorkspace } from './context.ts';
import { toMinor } from './credit-words.ts';
import { isIsoDate, money, sumDecimals, todayIn } from './format.ts';
import {
  CreateRecurringTemplateMutation,
  RecurringTemplateQuery,
  UpdateRecurringTemplateMutation,
} from './recurring-data.ts';
import {
  blankTemplate,
  emptyLine,
  FREQUENCY_LABELS,
  formOf,
  inputOf,
  type LineForm,
  type TemplateForm,
} from './recurring-words.ts';

/** The sum of a column of the form, counting only what is an amount already (exact: sumDecimals). */
const columnTotal = (lines: LineForm[], side: 'debit' | 'credit', currency: string) =>
  sumDecimals(['0', ...lines.map((l) => l[side].trim()).filter((a) => toMinor(a, currency) !== null)]);

/**
 * Write a template or replace one's schedule and lines (occurrences already made stay as they
 * are). Lines in the base currency, a debit or a credit each; the totals as typed; the API decides
 * (UNBALANCED_ENTRY, an inactive account, dates: BAD_USER_INPUT), its refusal shown with its code.
 */
export function RecurringForm({
  templateId,
  onCancel,
  onDone,
}: {
  templateId: string | null;
  onCancel: () => void;
  onDone: (done: string) => Promise<void>;
}) {
  // Editing reads the template's lines first (the list does not carry them).
  const { data, error, loading } = useQuery(RecurringTemplateQuery, {
    variables: { id: templateId ?? '' },
    skip: !templateId,
    fetchPolicy: 'network-only',
  });
  if (!templateId) return <TemplateEditor template={null} onCancel={onCancel} onDone={onDone} />;
  if (error) return <RefusalNotice error={error} title="The template could not be loaded" />;
  if (loading || !data) return <Loading what="the template" />;
  if (!data.recurringEntryTemplate)
    return (
      <p className="notice" role="status">
        This template is gone.
      </p>
    );
  return <TemplateEditor template={data.recurringEntryTemplate} onCancel={onCancel} onDone={onDone} />;
}

type SetField = <K extends keyof TemplateForm>(k: K, v: TemplateForm[K]) => void;

/** When the template's entries fall: frequency, day of the month, first and last day. */
function ScheduleFields({ f, set }: { f: TemplateForm; set: SetField }) {
  return (
    <div className="filters">
      <div className="select">
        <label className="group-label" htmlFor="template-frequency">
          Frequency
        </label>
        <select
          id="template-frequency"
          className="input"
          value={f.frequency}
          onChange={(e) => set('frequency', e.target.value as RecurrenceFrequency)}
        >
          {(Object.keys(FREQUENCY_LABELS) as RecurrenceFrequency[]).map((k) => (
            <option key={k} value={k}>
              {FREQUENCY_LABELS[k]}
            </option>
          ))}
        </select>
      </div>
      <TextField className="text-field" value={f.dayOfMonth} onChange={(v) => set('dayOfMonth', v)}>
        <Label>Day of the month (1–31)</Label>
        <Input className="input" inputMode="numeric" />
      </TextField>
      <DateField label="First day" value={f.startDate} onChange={(v) => set('startDate', v)} />
      <TextField className="date-field" value={f.endDate} onChange={(v) => set('endDate', v)}>
        <Label className="group-label">Last day (empty: until ended)</Label>
        <Input className="input" type="date" />
      </TextField>
    </div>
  );
}

/** The template's lines, a debit or a credit each, with their totals; two at least. */
function TemplateLines({ lines, onLines }: { lines: LineForm[]; onLines: (lines: LineForm[]) => void }) {
  const ws = useWorkspace();
  const debit = columnTotal(lines, 'debit', ws.currency);
  const credit = columnTotal(lines, 'credit', ws.currency);
  return (
    <>
      <table className="report" data-testid="template-lines">
        <caption className="muted">Lines, in {ws.currency}: a debit or a credit each</caption>
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Account code</th>
            <th scope="col">Debit</th>
            <th scope="col">Credit</th>
            <th scope="col">Memo</th>
            <th scope="col">
              <span className="visually-hidden">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.map((l, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: a line of the form is its position
            <tr key={i}>
              <td>{i + 1}</td>
              {(['accountCode', 'debit', 'credit', 'memo'] as const).map((k) => (
                <td key={k}>
                  <input
                    className="input"
                    aria-label={`Line ${i + 1} ${k === 'accountCode' ? 'account code' : k}`}
                    inputMode={k === 'debit' || k === 'credit' ? 'decimal' : undefined}
                    value={l[k]}
                    onChange={(e) =>
                      onLines(lines.map((x, j) => (j === i ? { ...x, [k]: e.target.value } : x)))
                    }
                  />
                </td>
              ))}
              <td>
                <Button
                  className="button"
                  isDisabled={lines.length <= 2}
                  onPress={() => onLines(lines.filter((_, j) => j !== i))}
                  aria-label={`Remove line ${i + 1}`}
                >
                  Remove
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Totals
            </th>
            <td data-amount={debit}>{money(debit, ws.currency)}</td>
            <td data-amount={credit}>{money(credit, ws.currency)}</td>
            <td colSpan={2} data-testid="template-balance">
              {toMinor(debit, ws.currency) === toMinor(credit, ws.currency) ? 'Balanced' : 'Not balanced yet'}
            </td>
          </tr>
        </tfoot>
      </table>
      <div className="actions">
        <Button className="button" onPress={() => onLines([...lines, emptyLine()])}>
          Add a line
        </Button>
      </div>
    </>
  );
}

type FullTemplate = ConsoleRecurringTemplateFragment & Pick<ConsoleRecurringTemplateLinesFragment, 'lines'>;

function TemplateEditor({
  template,
  onCancel,
  onDone,
}: {
  template: FullTemplate | null;
  onCancel: () => void;
  onDone: (done: string) => Promise<void>;
}) {
  const ws = useWorkspace();
  const [f, setF] = useState<TemplateForm>(() =>
    template ? formOf(template) : blankTemplate(todayIn(ws.timezone)),
  );
  const [error, setError] = useState<unknown>(null);
  const [create, { loading: creating }] = useMutation(CreateRecurringTemplateMutation);
  const [update, { loading: updating }] = useMutation(UpdateRecurringTemplateMutation);
  const set: SetField = (k, v) => setF((x) => ({ ...x, [k]: v }));
  const checked = inputOf(f, ws.currency);
  const save = async () => {
    if ('problem' in checked) return;
    setError(null);
    try {
      if (template) await update({ variables: { id: template.id, input: checked.input } });
      else await create({ variables: { input: checked.input } });
      await onDone(template ? `“${checked.input.name}” is saved.` : `“${checked.input.name}” is written.`);
    } catch (e) {
      setError(e);
    }
  };
  const title = template ? `Edit “${template.name}”` : 'New recurring template';
  return (
    <form
      className="reopen"
      aria-labelledby="template-form-title"
      data-testid="recurring-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h3 id="template-form-title">{title}</h3>
      <div className="filters">
        <TextField className="text-field" value={f.name} onChange={(v) => set('name', v)} isRequired>
          <Label>Name</Label>
          <Input className="input" />
        </TextField>
        <TextField className="text-field" value={f.memo} onChange={(v) => set('memo', v)}>
          <Label>Memo of the entries (empty: the name)</Label>
          <Input className="input" />
        </TextField>
      </div>
      <ScheduleFields f={f} set={set} />
      <Checkbox className="checkbox" isSelected={f.autoReverse} onChange={(v) => set('autoReverse', v)}>
        An accrual: each entry reversed on the first day of the next month
      </Checkbox>
      <TemplateLines lines={f.lines} onLines={(lines) => set('lines', lines)} />
      <p
        className={'problem' in checked ? 'hint-short' : 'muted'}
        data-testid="template-check"
        aria-live="polite"
      >
        {'problem' in checked ? checked.problem : 'Ready to save.'}
      </p>
      <div className="actions">
        <Button
          className="button"
          type="submit"
          isDisabled={creating || updating || 'problem' in checked || !isIsoDate(f.startDate)}
        >
          {template ? 'Save the template' : 'Write the template'}
        </Button>
        <Button className="button" onPress={onCancel}>
          Cancel
        </Button>
      </div>
      {error ? <RefusalNotice error={error} title="The template was not saved" /> : null}
    </form>
  );
}
