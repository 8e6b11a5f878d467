import type { RoleCluster } from '../../__generated__/graphql.ts';

/** Each role as people read it, with what it may do (the schema's descriptions, shortened). */
export const ROLES: readonly { role: RoleCluster; label: string; hint: string }[] = [
  { role: 'FIRM_ADMIN', label: 'Firm admin', hint: 'runs the firm: people, roles, settings, clients' },
  { role: 'SENIOR', label: 'Senior', hint: 'posts, approves and closes; manages people up to Senior' },
  { role: 'JUNIOR', label: 'Junior', hint: 'drafts for someone else to approve; reads the books' },
  {
    role: 'EXTERNAL_REVIEWER',
    label: 'External reviewer',
    hint: 'reads the books and the trail; marks a year audited',
  },
  {
    role: 'CLIENT_READ_ONLY',
    label: 'Client, read only',
    hint: "a person of the client business: reads that client's books",
  },
  {
    role: 'NO_ACCESS',
    label: 'No access (ethical wall)',
    hint: 'on one client only: keeps the person away from it',
  },
];

export const roleLabel = (role: RoleCluster | null | undefined) =>
  role ? (ROLES.find((r) => r.role === role)?.label ?? role) : 'None (client roles only)';

/** The API asks for a reason of at least this many characters wherever a change takes permissions away. */
export const REASON_MIN = 20;
