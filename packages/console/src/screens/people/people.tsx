import { useState } from 'react';
import {
  Button,
  Form,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  SearchField,
  Select,
  SelectValue,
  TextField,
} from 'react-aria-components';
import type { ConsoleMemberFragment, RoleCluster } from '../../__generated__/graphql.ts';
import { Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { dateTimeFormat } from '../../locale.ts';
import { MeQuery } from '../../operations.ts';
import { useQuery } from '../../use-query.ts';
import { MEMBERS_PAGE, useAddFirmMember, useFirmMembers } from './data.ts';
import { FirmLocale } from './firm-locale.tsx';
import { ROLES, roleLabel } from './labels.ts';
import { MemberDialog } from './member-dialog.tsx';

/** In the firm's locale. */
const day = () => dateTimeFormat({ dateStyle: 'medium' });

/**
 * People and roles: the firm's members a page at a time (by email, 25 a page, with a search over
 * email and name), their firm-wide and client roles and walls; add and manage.
 */
export default function PeopleScreen() {
  const [search, setSearch] = useState('');
  // The cursors of the pages before this one: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors.at(-1) ?? null;
  const { data, previousData, error, loading } = useFirmMembers(search, after);
  const [open, setOpen] = useState<string | null>(null);
  // While the next page loads, the one shown stays (no flash of an empty table).
  const shown = data ?? previousData;
  const members = shown?.firmMembersConnection.edges.map((e) => e.node) ?? [];
  const pageInfo = shown?.firmMembersConnection.pageInfo;
  const member = members.find((m) => m.userId === open);
  const first = (cursors.length - 1) * MEMBERS_PAGE + 1;
  const onSearch = (text: string) => {
    setSearch(text);
    setCursors([null]);
  };
  return (
    <section aria-labelledby="people-title">
      <div className="screen-head">
        <h1 id="people-title">People and roles</h1>
      </div>
      {error && <RefusalNotice error={error} title="The firm's people could not be loaded" />}
      {loading && !shown && <Loading what="the firm's people" />}
      {shown && (
        <>
          <div className="filters">
            <SearchField className="search" value={search} onChange={onSearch}>
              <Label>Search people</Label>
              <Input className="input" placeholder="Email or name" />
            </SearchField>
          </div>
          <ScrollRegion label="Members table">
            <table className="members" aria-busy={loading}>
              <caption className="visually-hidden">The firm's members and their roles</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Firm-wide role</th>
                  <th scope="col">Roles on single clients</th>
                  <th scope="col">Walled off</th>
                  <th scope="col">Member since</th>
                  <th scope="col">
                    <span className="visually-hidden">Manage</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {members.map((m) => (
                  <MemberRow key={m.userId} member={m} onManage={() => setOpen(m.userId)} />
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          <nav className="pager" aria-label="Pages of members">
            <Button
              className="button"
              isDisabled={cursors.length === 1 || loading}
              onPress={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous
            </Button>
            <span role="status" data-testid="members-shown">
              {members.length === 0
                ? search.trim()
                  ? `Nobody matches “${search.trim()}”.`
                  : 'The firm has no members.'
                : `Members ${first}–${first + members.length - 1}${pageInfo?.hasNextPage ? '' : ` of ${first + members.length - 1}`}`}
            </span>
            <Button
              className="button"
              isDisabled={!pageInfo?.hasNextPage || loading}
              onPress={() => pageInfo?.endCursor && setCursors((c) => [...c, pageInfo.endCursor ?? null])}
            >
              Next
            </Button>
          </nav>
          <AddMember />
          <FirmLocale />
        </>
      )}
      {member && <MemberDialog member={member} onClose={() => setOpen(null)} />}
    </section>
  );
}

function MemberRow({ member: m, onManage }: { member: ConsoleMemberFragment; onManage: () => void }) {
  const roles = m.clientRoles.filter((r) => r.role !== 'NO_ACCESS');
  const walls = m.clientRoles.filter((r) => r.role === 'NO_ACCESS');
  return (
    <tr data-email={m.email}>
      <th scope="row">
        {m.displayName}
        <div className="muted">
          {m.email}
          {m.active ? '' : ' · deactivated'}
        </div>
      </th>
      <td data-field="firm-role">{roleLabel(m.firmRole)}</td>
      <td data-field="client-roles">
        {roles.length === 0 ? (
          '—'
        ) : (
          <ul className="plain">
            {roles.map((r) => (
              <li key={r.tenant.id}>
                {r.tenant.name}: {roleLabel(r.role)}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-field="walls">
        {walls.length === 0 ? (
          '—'
        ) : (
          <ul className="plain">
            {walls.map((r) => (
              <li key={r.tenant.id}>{r.tenant.name}</li>
            ))}
          </ul>
        )}
      </td>
      <td>{day().format(new Date(m.memberSince))}</td>
      <td>
        <Button className="button" aria-label={`Manage ${m.displayName}`} onPress={onManage}>
          Manage
        </Button>
      </td>
    </tr>
  );
}

/**
 * Add someone to the firm: email, name and a firm-wide role (or none: client roles only), among
 * the roles the API says the caller may grant (`me.grantableRoles`, as the member dialog offers).
 */
function AddMember() {
  const me = useQuery(MeQuery, { fetchPolicy: 'cache-first' }).data?.me;
  const grantable = new Set<RoleCluster>(me?.grantableRoles ?? []);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [firmRole, setFirmRole] = useState<RoleCluster | 'NONE'>('JUNIOR');
  const [add, added] = useAddFirmMember();
  const [done, setDone] = useState<string | null>(null);
  const submit = async () => {
    setDone(null);
    const r = await add({
      variables: { input: { email, displayName, firmRole: firmRole === 'NONE' ? null : firmRole } },
    }).catch(() => null); // the refusal is shown from the mutation's state
    const m = r?.data?.addFirmMember;
    if (m) {
      setDone(`${m.displayName} (${m.email}) is now a member: ${roleLabel(m.firmRole)}.`);
      setEmail('');
      setDisplayName('');
    }
  };
  return (
    <section className="subsection" aria-labelledby="add-member-title">
      <h2 id="add-member-title">Add a member</h2>
      <Form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <TextField className="search" value={email} onChange={setEmail} isRequired type="email">
          <Label>Email</Label>
          <Input className="input" />
        </TextField>
        <TextField className="search" value={displayName} onChange={setDisplayName} isRequired>
          <Label>Name</Label>
          <Input className="input" />
        </TextField>
        <Select
          className="select"
          selectedKey={firmRole}
          onSelectionChange={(k) => setFirmRole(k as RoleCluster | 'NONE')}
        >
          <Label>Firm-wide role</Label>
          <Button className="button select-button">
            <SelectValue />
            <span aria-hidden="true"> ▾</span>
          </Button>
          <Popover className="popover">
            <ListBox className="listbox">
              {ROLES.filter((r) => r.role !== 'NO_ACCESS' && grantable.has(r.role)).map((r) => (
                <ListBoxItem key={r.role} id={r.role} className="option">
                  {r.label}
                </ListBoxItem>
              ))}
              <ListBoxItem id="NONE" className="option">
                {roleLabel(null)}
              </ListBoxItem>
            </ListBox>
          </Popover>
        </Select>
        <Button type="submit" className="button button-primary" isDisabled={added.loading}>
          {added.loading ? 'Adding…' : 'Add to the firm'}
        </Button>
      </Form>
      {added.error && <RefusalNotice error={added.error} title="The member was not added" />}
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </section>
  );
}
