import type { ApolloClient } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Input, Label, Link, Text, TextField } from 'react-aria-components';
import { ReasonField } from '../../components/reason-field.tsx';
import { RefusalNotice } from '../../components/refusal.tsx';
import { ROUTES } from '../../router.ts';
import { ArchiveClientMutation, DeleteSandboxMutation, UnarchiveClientMutation } from './actions-data.ts';
import { useWorkspace } from './context.ts';
import { instantLabel } from './format.ts';

const REASON_MIN = 20;

interface AdminTenant {
  slug: string;
  name: string;
  sandbox: boolean;
  archived: boolean;
  archivedAt?: string | null;
}

/** Whether what was typed to confirm a deletion names the client: its slug or its name, exactly (spaces around aside). */
export const confirmsClient = (typed: string, t: { slug: string; name: string }) =>
  typed.trim() !== '' && (typed.trim() === t.slug || typed.trim() === t.name);

/**
 * The client's administration, for a firm admin (Tenant.Manage firm-wide and on the client:
 * `mayManageClient`): archive a client (its books read-only, out of the firm's views) or make it
 * writable again, and delete a sandbox — never a live client — with a reason kept in the firm's
 * trail and the client's slug or name typed to confirm. The mutations are the firm's (the client
 * named by slug, sent without `X-Tenant`); the API decides, and its refusal is shown with its code.
 */
export default function ClientAdmin({
  firm,
  tenant,
  mayManage,
  onChanged,
}: {
  firm: ApolloClient;
  tenant: AdminTenant;
  mayManage: boolean;
  onChanged: () => Promise<unknown>;
}) {
  const ws = useWorkspace();
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState('');
  const [outcome, setOutcome] = useState<{ done?: string; error?: unknown } | null>(null);
  const [deleted, setDeleted] = useState<{ slug: string; backupsDeleted: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [archive] = useMutation(ArchiveClientMutation, { client: firm });
  const [unarchive] = useMutation(UnarchiveClientMutation, { client: firm });
  const [remove] = useMutation(DeleteSandboxMutation, { client: firm });
  const variables = { tenant: tenant.slug, reason: reason.trim() };

  const act = async (done: string, run: () => Promise<unknown>) => {
    setBusy(true);
    setOutcome(null);
    try {
      await run();
      setOutcome({ done });
      setReason('');
      // The client read again; a read that fails is not the step's failure.
      await onChanged().catch(() => undefined);
    } catch (e) {
      setOutcome({ error: e });
    } finally {
      setBusy(false);
    }
  };
  const deleteSandbox = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const { data } = await remove({ variables });
      if (data?.deleteSandboxClient) setDeleted(data.deleteSandboxClient);
    } catch (e) {
      setOutcome({ error: e });
    } finally {
      setBusy(false);
    }
  };

  if (deleted)
    return (
      <section aria-labelledby="admin-title">
        <h2 id="admin-title">Client admin</h2>
        <p className="notice" role="status" data-testid="admin-outcome">
          The sandbox {deleted.slug} is deleted: its database and logins are gone
          {deleted.backupsDeleted > 0 ? `, with its ${deleted.backupsDeleted} backups` : ''}. Its slug is free
          for a new client.{' '}
          <Link className="link" href={ROUTES.clients}>
            Back to your clients
          </Link>
        </p>
      </section>
    );
  return (
    <section aria-labelledby="admin-title">
      <h2 id="admin-title">Client admin</h2>
      <p data-testid="admin-state">
        {tenant.sandbox
          ? 'A sandbox client: a trial, which may be deleted. '
          : 'A live client: never deleted. '}
        {tenant.archived
          ? `Archived${tenant.archivedAt ? ` since ${instantLabel(tenant.archivedAt, ws.timezone)}` : ''}: its books are read-only and the firm’s views leave it out.`
          : 'Its books are writable.'}
      </p>
      {!mayManage ? (
        <p className="notice" role="status" data-testid="admin-not-allowed">
          Archiving a client or deleting a sandbox needs a firm admin (Tenant.Manage), on the firm and on this
          client.
        </p>
      ) : (
        <form
          className="reopen"
          aria-labelledby="archive-title"
          onSubmit={(e) => {
            e.preventDefault();
          }}
        >
          <h3 id="archive-title">{tenant.archived ? 'Unarchive the client' : 'Archive the client'}</h3>
          <ReasonField
            value={reason}
            onChange={setReason}
            min={REASON_MIN}
            when={tenant.sandbox ? 'asked to archive, unarchive or delete' : 'asked to archive or unarchive'}
          />
          <div className="actions">
            {tenant.archived ? (
              <Button
                className="button"
                isDisabled={busy}
                onPress={() =>
                  act('Unarchived: its books are writable again', () => unarchive({ variables }))
                }
              >
                Unarchive
              </Button>
            ) : (
              <Button
                className="button"
                isDisabled={busy}
                onPress={() => act('Archived: its books are read-only', () => archive({ variables }))}
              >
                Archive client
              </Button>
            )}
          </div>
          {tenant.sandbox && (
            <div className="danger-zone" data-testid="delete-sandbox">
              <h3>Delete the sandbox</h3>
              <p className="muted">
                Its database, its logins and its backups are deleted for good; the firm’s trail keeps the
                reason. Give the reason above, then type the client’s slug ({tenant.slug}) or name to confirm.
              </p>
              <TextField className="text-field" value={confirm} onChange={setConfirm}>
                <Label>Type {tenant.slug} to confirm</Label>
                <Input className="input" autoComplete="off" />
                <Text slot="description" className="muted">
                  {confirmsClient(confirm, tenant) ? 'Confirmed.' : 'Not confirmed yet.'}
                </Text>
              </TextField>
              <Button
                className="button button-danger"
                isDisabled={busy || !confirmsClient(confirm, tenant)}
                onPress={deleteSandbox}
              >
                Delete sandbox
              </Button>
            </div>
          )}
        </form>
      )}
      {outcome?.done && (
        <p className="notice" role="status" data-testid="admin-outcome">
          {outcome.done}.
        </p>
      )}
      {outcome?.error ? <RefusalNotice error={outcome.error} title="The client was not changed" /> : null}
    </section>
  );
}
