import { useState } from 'react';
import {
  Button,
  Dialog,
  Heading,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  ModalOverlay,
  Popover,
  Select,
  SelectValue,
} from 'react-aria-components';
import type { ConsoleMemberFragment, RoleCluster } from '../../__generated__/graphql.ts';
import { ReasonField } from '../../components/reason-field.tsx';
import { RefusalNotice } from '../../components/refusal.tsx';
import { MeQuery } from '../../operations.ts';
import { useQuery } from '../../use-query.ts';
import { ClientPicker, type PickedClient } from './client-picker.tsx';
import {
  useAssignClientRole,
  useChangeFirmRole,
  useDeactivateFirmMember,
  useReactivateFirmMember,
  useRemoveFirmMember,
  useRevokeClientRole,
} from './data.ts';
import { REASON_MIN, ROLES, roleLabel } from './labels.ts';

type Outcome = { ok: true; message: string } | { ok: false; title: string; error: unknown };
/** Run one change: `title` if it is refused, `message` once it is done. */
type Run = (title: string, change: () => Promise<unknown>, message: string) => Promise<void>;
/** What every section of the dialog works with: the member, the reason typed, and how to run a change. */
interface Section {
  member: ConsoleMemberFragment;
  reason: string;
  run: Run;
}
/** The reason as the API takes it where it is optional: none when nothing is typed. */
const optional = (reason: string) => reason.trim() || null;

function FirmRole({ member, reason, run, grantable }: Section & { grantable: Set<RoleCluster> }) {
  const [firmRole, setFirmRole] = useState<RoleCluster | 'NONE'>(member.firmRole ?? 'NONE');
  const [changeFirmRole] = useChangeFirmRole();
  const role = firmRole === 'NONE' ? null : firmRole;
  return (
    <div className="filters">
      <RoleSelect
        label="New firm-wide role"
        value={firmRole}
        onChange={(r) => setFirmRole(r as RoleCluster | 'NONE')}
        roles={ROLES.filter((r) => r.role !== 'NO_ACCESS' && grantable.has(r.role))}
        withNone
      />
      <Button
        className="button"
        onPress={() =>
          run(
            'The firm-wide role was not changed',
            () => changeFirmRole({ variables: { userId: member.userId, role, reason: optional(reason) } }),
            `${member.displayName}'s firm-wide role is now: ${roleLabel(role)}.`,
          )
        }
      >
        Change firm-wide role
      </Button>
    </div>
  );
}

/** The member's roles on single clients, each revocable, and a role given on one more. */
function ClientRoles({
  member,
  reason,
  run,
  grantable,
  manageable,
}: Section & { grantable: Set<RoleCluster>; manageable: boolean }) {
  const [client, setClient] = useState<PickedClient | null>(null);
  const [clientRole, setClientRole] = useState<RoleCluster>('SENIOR');
  const [assign] = useAssignClientRole();
  const [revoke] = useRevokeClientRole();
  const name = member.displayName;
  return (
    <>
      {member.clientRoles.length === 0 ? (
        <p className="muted">None: the firm-wide role applies on every client.</p>
      ) : (
        <ul className="plain role-list">
          {member.clientRoles.map((r) => (
            <li key={r.tenant.id}>
              {r.tenant.name}: <strong>{roleLabel(r.role)}</strong>{' '}
              {manageable && (
                <Button
                  className="button"
                  aria-label={`Revoke ${name}'s role on ${r.tenant.name}`}
                  onPress={() =>
                    run(
                      `The role on ${r.tenant.name} was not revoked`,
                      () => revoke({ variables: { userId: member.userId, tenant: r.tenant.slug, reason } }),
                      `${name}'s role on ${r.tenant.name} is revoked: the firm-wide role applies there again.`,
                    )
                  }
                >
                  Revoke
                </Button>
              )}
            </li>
          ))}
        </ul>
      )}
      {manageable && (
        <div className="filters">
          <ClientPicker onChange={setClient} />
          <RoleSelect
            label="Role on that client"
            value={clientRole}
            onChange={(r) => setClientRole(r as RoleCluster)}
            roles={ROLES.filter((r) => grantable.has(r.role))}
          />
          <Button
            className="button"
            isDisabled={client === null}
            onPress={() => {
              const t = client;
              if (!t) return;
              return run(
                `The role on ${t.name} was not given`,
                () =>
                  assign({
                    variables: {
                      userId: member.userId,
                      tenant: t.slug,
                      role: clientRole,
                      reason: optional(reason),
                    },
                  }),
                `${name} is now ${roleLabel(clientRole)} on ${t.name}.`,
              );
            }}
          >
            Give this role
          </Button>
        </div>
      )}
    </>
  );
}

/** Deactivation and reactivation, a firm admin's alone. */
function Access({ member, reason, run, allowed }: Section & { allowed: boolean }) {
  const [deactivate] = useDeactivateFirmMember();
  const [reactivate] = useReactivateFirmMember();
  const name = member.displayName;
  if (!allowed) {
    return (
      <p className="muted" data-testid="deactivation-not-yours">
        Only a firm admin deactivates or reactivates people.
      </p>
    );
  }
  return member.active ? (
    <>
      <p className="muted">
        Keeps {name} in the firm with every role, but refuses their sign-in and every request at once, until
        reactivated (a firm admin only; a reason of {REASON_MIN} characters).
      </p>
      <Button
        className="button button-danger"
        onPress={() =>
          run(
            `${name} was not deactivated`,
            () => deactivate({ variables: { userId: member.userId, reason } }),
            `${name} is deactivated: their next request is refused.`,
          )
        }
      >
        Deactivate {name}
      </Button>
    </>
  ) : (
    <>
      <p className="muted">{name} is deactivated: their roles are kept and apply again once reactivated.</p>
      <Button
        className="button"
        onPress={() =>
          run(
            `${name} was not reactivated`,
            () => reactivate({ variables: { userId: member.userId, reason: optional(reason) } }),
            `${name} is active again, with the same roles.`,
          )
        }
      >
        Reactivate {name}
      </Button>
    </>
  );
}

function Leave({ member, reason, run }: Section) {
  const [remove] = useRemoveFirmMember();
  const name = member.displayName;
  return (
    <>
      <h3>Leave the firm</h3>
      <p className="muted">
        Removes {name} from the firm with every role they hold on its clients but their ethical walls, which
        apply again if they are added back.
      </p>
      <Button
        className="button button-danger"
        onPress={() =>
          run(
            `${name} was not removed`,
            () => remove({ variables: { userId: member.userId, reason } }),
            `${name} is removed from the firm.`,
          )
        }
      >
        Remove {name} from the firm
      </Button>
    </>
  );
}

/**
 * One member's roles, changed: the firm-wide role, a role or a wall on one client, a client role
 * taken back, deactivation and reactivation, removal from the firm. One reason field serves every
 * change (the API asks for it when a change takes permissions away, and always to revoke or
 * remove); the last outcome is shown once, a refusal with its code.
 */
export function MemberDialog({ member, onClose }: { member: ConsoleMemberFragment; onClose: () => void }) {
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  /**
   * Run one change; its outcome replaces the last one. While one runs, presses are ignored (the
   * buttons stay enabled so that focus stays where it was, and Escape still closes the dialog).
   */
  const run: Run = async (title, change, message) => {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      await change();
      setOutcome({ ok: true, message: message.endsWith('..') ? message.slice(0, -1) : message });
    } catch (error) {
      setOutcome({ ok: false, title, error });
    } finally {
      setBusy(false);
    }
  };
  const name = member.displayName;
  // Each action is offered only to who may take it, as the API says (`me`): the console does not
  // guess from role names. The shell has already read `me`: the cache answers.
  const me = useQuery(MeQuery, { fetchPolicy: 'cache-first' }).data?.me;
  const grantable = new Set<RoleCluster>(me?.grantableRoles ?? []);
  const within = (role: RoleCluster | null | undefined) => !role || grantable.has(role);
  // A member whose roles are above one's own is not one's to change (the API refuses FORBIDDEN).
  const manageable = !!me && within(member.firmRole) && member.clientRoles.every((r) => within(r.role));
  const section: Section = { member, reason, run };

  return (
    <ModalOverlay className="modal-overlay" isOpen isDismissable onOpenChange={(open) => !open && onClose()}>
      <Modal className="modal modal-wide">
        <Dialog className="dialog">
          <Heading slot="title">
            {name} <span className="muted">({member.email})</span>
          </Heading>
          {me && !manageable && (
            <p className="notice" data-testid="not-yours">
              {name}'s roles are above your own: only someone holding them (a firm admin) may change {name}'s
              access.
            </p>
          )}
          {manageable && (
            <ReasonField
              value={reason}
              onChange={setReason}
              min={REASON_MIN}
              when="needed when a change takes permissions away, and always to revoke a client role, deactivate or remove someone"
            />
          )}
          {outcome &&
            (outcome.ok ? (
              <p className="notice" role="status">
                {outcome.message}
              </p>
            ) : (
              <RefusalNotice error={outcome.error} title={outcome.title} />
            ))}
          <h3>Firm-wide role: {roleLabel(member.firmRole)}</h3>
          {manageable && <FirmRole {...section} grantable={grantable} />}
          <h3>Roles on single clients</h3>
          <ClientRoles {...section} grantable={grantable} manageable={manageable} />
          <h3>Access: {member.active ? 'active' : 'deactivated'}</h3>
          <Access {...section} allowed={!!me?.mayDeactivatePeople && manageable} />
          {manageable && <Leave {...section} />}
          <div className="dialog-actions">
            <Button className="button" slot="close">
              Close
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

function RoleSelect({
  label,
  value,
  onChange,
  roles,
  withNone,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  roles: typeof ROLES;
  withNone?: boolean;
}) {
  return (
    <Select className="select" selectedKey={value} onSelectionChange={(k) => onChange(String(k))}>
      <Label>{label}</Label>
      <Button className="button select-button">
        <SelectValue />
        <span aria-hidden="true"> ▾</span>
      </Button>
      <Popover className="popover">
        <ListBox className="listbox">
          {roles.map((r) => (
            <ListBoxItem key={r.role} id={r.role} className="option" textValue={r.label}>
              {r.label} <span className="muted">— {r.hint}</span>
            </ListBoxItem>
          ))}
          {withNone && (
            <ListBoxItem id="NONE" className="option">
              {roleLabel(null)}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
