import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button } from 'react-aria-components';
import type { ConsoleRecurringTemplateFragment } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { useQuery } from '../../use-query.ts';
import { type Outcome, OutcomeNotice } from './action-fields.tsx';
import { mayRunRecurring, useWorkspace } from './context.ts';
import { dateLabel, money } from './format.ts';
import {
  EndRecurringTemplateMutation,
  RecurringAutoPostQuery,
  RecurringTemplatesQuery,
} from './recurring-data.ts';
import { RecurringForm } from './recurring-form.tsx';
import { RecurringRun } from './recurring-run.tsx';
import { makesLabel, RUN_LABELS, scheduleLabel } from './recurring-words.ts';

type Template = ConsoleRecurringTemplateFragment;

/**
 * The client's recurring journal templates (`recurringEntryTemplates`, ended ones too): name,
 * schedule, next occurrence, active or ended, what it makes (drafts or posted entries), its total
 * and last run. For the roles holding GL.Post: write a new one, edit or end one, make what is due
 * now ("Run now", up to a day) and post the due reversals of accruals.
 */
export default function RecurringTemplates({ mayReadSettings }: { mayReadSettings: boolean }) {
  const ws = useWorkspace();
  const may = mayRunRecurring(ws.role);
  const { data, error, loading, refetch } = useQuery(RecurringTemplatesQuery, {
    fetchPolicy: 'cache-and-network',
  });
  // The client's setting needs Tenant.Manage: asked of a firm admin only, never refused to others.
  const setting = useQuery(RecurringAutoPostQuery, { skip: !mayReadSettings, errorPolicy: 'all' });
  const autoPost = setting.data?.tenant?.settings?.effective.recurringEntriesAutoPost ?? null;
  const [editing, setEditing] = useState<Template | 'new' | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [end, { loading: ending }] = useMutation(EndRecurringTemplateMutation);
  const templates = data?.recurringEntryTemplates ?? [];
  const endTemplate = async (t: Template) => {
    setOutcome(null);
    try {
      await end({ variables: { id: t.id } });
      setOutcome({ done: `“${t.name}” is ended: nothing more is made from it; it stays on record.` });
    } catch (e) {
      setOutcome({ error: e, title: `“${t.name}” was not ended` });
    }
  };
  return (
    <section aria-labelledby="recurring-title">
      <h2 id="recurring-title">Recurring entries</h2>
      {error && <RefusalNotice error={error} title="The recurring templates could not be loaded" />}
      {loading && !data && <Loading what="the recurring templates" />}
      {data && templates.length === 0 && (
        <p className="notice" role="status">
          No recurring template yet{may ? ': write one below' : ''}.
        </p>
      )}
      {templates.length > 0 && (
        <ScrollRegion label="Recurring templates">
          <table className="report" data-testid="recurring-templates">
            <caption className="muted">Every template, ended ones too, by name</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next date</th>
                <th scope="col">State</th>
                <th scope="col">Makes</th>
                <th scope="col" className="number">
                  Amount ({ws.currency})
                </th>
                <th scope="col">Last run</th>
                {may && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <tr key={t.id} data-template={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>
                    {scheduleLabel(t)}, from {dateLabel(t.startDate)}
                    {t.endDate ? ` to ${dateLabel(t.endDate)}` : ''}
                    {t.autoReverse ? ' · reversed the next month' : ''}
                  </td>
                  <td>{t.nextOccurrence ? dateLabel(t.nextOccurrence) : 'none left'}</td>
                  <td>{t.active ? 'Active' : 'Ended'}</td>
                  <td>{makesLabel(autoPost, t.runs[0]?.status ?? null)}</td>
                  <td className="number" data-amount={t.totalDebit}>
                    {money(t.totalDebit, ws.currency)}
                  </td>
                  <td>
                    {t.runs[0]
                      ? `${dateLabel(t.runs[0].occurrenceDate)}: ${RUN_LABELS[t.runs[0].status]}`
                      : 'never'}
                  </td>
                  {may && (
                    <td>
                      {t.active && (
                        <div className="actions">
                          <Button
                            className="button"
                            onPress={() => setEditing(t)}
                            aria-label={`Edit ${t.name}`}
                          >
                            Edit
                          </Button>
                          <Button
                            className="button"
                            isDisabled={ending}
                            onPress={() => void endTemplate(t)}
                            aria-label={`End ${t.name}`}
                          >
                            End
                          </Button>
                        </div>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollRegion>
      )}
      <OutcomeNotice outcome={outcome} />
      {may && editing === null && (
        <Button
          className="button"
          onPress={() => {
            setOutcome(null);
            setEditing('new');
          }}
        >
          New template
        </Button>
      )}
      {may && editing !== null && (
        <RecurringForm
          key={editing === 'new' ? 'new' : editing.id}
          templateId={editing === 'new' ? null : editing.id}
          onCancel={() => setEditing(null)}
          onDone={async (done) => {
            setEditing(null);
            // The list is read again before the page says so; a read that fails is not the save's failure.
            await refetch().catch(() => undefined);
            setOutcome({ done });
          }}
        />
      )}
      {may && <RecurringRun onRan={() => refetch()} />}
    </section>
  );
}
