import { isUuid } from '@cifra/domain';
import {
  FIRM_SCOPED,
  isPermission,
  type Permission,
  permissionsOf,
  ROLE_PERMISSIONS,
  RoleClusters,
} from '@cifra/permissions';
import { and, asc, eq, ilike, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { integrationFirmGrants, integrationGrants, integrations } from './control/integrations.ts';
import { firmMemberships, tenantRoleAssignments, tenants, users } from './control/schema.ts';
import type { ControlDb } from './drizzle.ts';

export type RoleName = (typeof firmMemberships.firmRole.enumValues)[number];
export type TenantRow = typeof tenants.$inferSelect;

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  firmId: string;
  firmRole: RoleName | null;
}

/** An active user and their firm membership, or null. */
export async function findMemberByEmail(control: ControlDb, email: string): Promise<Member | null> {
  const [row] = await control
    .select({
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      firmId: firmMemberships.firmId,
      firmRole: firmMemberships.firmRole,
    })
    .from(users)
    .innerJoin(firmMemberships, eq(firmMemberships.userId, users.id))
    .where(and(eq(users.email, email.toLowerCase()), eq(users.active, true)));
  return row ?? null;
}

/**
 * Whether the email is a firm member whose user was deactivated (deactivateFirmMember): asked only
 * when findMemberByEmail found nobody, so that the refusal can say why.
 */
export async function isDeactivatedMember(control: ControlDb, email: string): Promise<boolean> {
  const [row] = await control
    .select({ id: users.id })
    .from(users)
    .innerJoin(firmMemberships, eq(firmMemberships.userId, users.id))
    .where(and(eq(users.email, email.toLowerCase()), eq(users.active, false)));
  return row !== undefined;
}

/** Every active member of every firm, with their firm role and their roles on single clients. */
export async function listActiveMembers(
  control: ControlDb,
): Promise<(Member & { clientRoles: { slug: string; role: RoleName }[] })[]> {
  const members = await control
    .select({
      userId: users.id,
      email: users.email,
      displayName: users.displayName,
      firmId: firmMemberships.firmId,
      firmRole: firmMemberships.firmRole,
    })
    .from(users)
    .innerJoin(firmMemberships, eq(firmMemberships.userId, users.id))
    .where(eq(users.active, true))
    .orderBy(asc(users.email));
  const roles = await control
    .select({ userId: tenantRoleAssignments.userId, slug: tenants.slug, role: tenantRoleAssignments.role })
    .from(tenantRoleAssignments)
    .innerJoin(tenants, eq(tenants.id, tenantRoleAssignments.tenantId))
    .orderBy(asc(tenants.slug));
  return members.map((m) => ({
    ...m,
    clientRoles: roles.filter((r) => r.userId === m.userId).map(({ slug, role }) => ({ slug, role })),
  }));
}

/**
 * The caller's role on a client: a role assigned on that client wins over the firm-wide role, and
 * a user with neither has no access. Only active clients of the caller's own firm count.
 */
const effectiveRole = sql<RoleName | null>`coalesce(${tenantRoleAssignments.role}, ${firmMemberships.firmRole})`;

/**
 * Every client of the person's firm, whatever its status, with their role there (`role`, named so that a
 * query reading a page as its subquery, `visibleClientsPageQuery`, finds it). Only while they are an
 * active user: a person a FirmAdmin deactivated has no access here either, whoever asks — the
 * gateway refuses them first, but a batch acting as the person who started it, or a service
 * asking about someone else, must not find access the gateway would refuse.
 */
function accessQuery(control: ControlDb, userId: string) {
  return control
    .select({ tenant: tenants, role: effectiveRole.as('role') })
    .from(tenants)
    .innerJoin(
      firmMemberships,
      and(eq(firmMemberships.firmId, tenants.firmId), eq(firmMemberships.userId, userId)),
    )
    .innerJoin(users, and(eq(users.id, firmMemberships.userId), eq(users.active, true)))
    .leftJoin(
      tenantRoleAssignments,
      and(eq(tenantRoleAssignments.tenantId, tenants.id), eq(tenantRoleAssignments.userId, userId)),
    );
}

const GRANTS = new Map<RoleName, readonly Permission[]>();

/** A role's permissions, worked out once per role: a list of 1,500 clients has a handful of roles. */
function grantsOf(role: RoleName): readonly Permission[] {
  let grants = GRANTS.get(role);
  if (!grants) {
    grants = Object.freeze(permissionsOf([role]));
    GRANTS.set(role, grants);
  }
  return grants;
}

/** `NoAccess` on a client is an ethical wall: it wins over the firm-wide role and grants nothing. */
const hasAccess = sql`${effectiveRole} IS NOT NULL AND ${effectiveRole} <> 'NoAccess'`;

export async function accessibleTenants(
  control: ControlDb,
  userId: string,
  match?: SQL,
): Promise<{ tenant: TenantRow; role: RoleName }[]> {
  const rows = await accessQuery(control, userId)
    .where(and(eq(tenants.status, 'ACTIVE'), hasAccess, match))
    .orderBy(asc(tenants.name));
  return rows.filter(
    (r): r is { tenant: TenantRow; role: RoleName } => r.role !== null && r.role !== 'NoAccess',
  );
}

/** What a write refused TENANT_READ_ONLY is told when the client is archived (isArchived). */
export const ARCHIVED_READ_ONLY =
  'This client is archived: its books are read-only and nothing was written; unarchive it (unarchiveClient) to write again';

/**
 * Whether a client is archived: what a TENANT_READ_ONLY refusal means for it (the database cannot
 * say whether its books are read-only because the client is archived or for a moment while they
 * are switched). False when it cannot be read: the refusal then keeps its retry hint.
 */
export async function isArchived(control: ControlDb, tenantId: string): Promise<boolean> {
  return control
    .select({ archivedAt: tenants.archivedAt })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .then(([row]) => !!row?.archivedAt)
    .catch(() => false);
}

/**
 * A person's role on one client (by slug or id), or null: no such active client of their firm, a
 * wall there, no role there — or the person is not an active member (removed, or deactivated).
 */
export async function tenantAccess(
  control: ControlDb,
  userId: string,
  where: { slug: string } | { id: string },
): Promise<{ tenant: TenantRow; role: RoleName } | null> {
  const match = 'slug' in where ? eq(tenants.slug, where.slug) : eq(tenants.id, where.id);
  const [row] = await accessQuery(control, userId).where(and(match, eq(tenants.status, 'ACTIVE')));
  return row?.role && row.role !== 'NoAccess' ? { tenant: row.tenant, role: row.role } : null;
}

/**
 * Who is asking, as the gateway-signed context says: a person, or a partner integration (its id is
 * the context's user id) whose token may narrow its grants to a scope.
 */
export interface Caller {
  userId: string;
  integration?: { scope?: readonly string[] | null } | null;
}

/** One client the caller may act on, with what they may do there. */
export interface ClientAccess {
  tenant: TenantRow;
  /** The person's role there (null for an integration). */
  role: RoleName | null;
  /** The role's permissions, or the integration's grant narrowed by its token's scope. */
  permissions: readonly Permission[];
}

const firmScoped = new Set<Permission>(FIRM_SCOPED);

/** A grant's permissions as the token may use them: known client-level constants within the scope. */
export function usableGrant(granted: readonly string[], scope?: readonly string[] | null): Permission[] {
  return granted
    .filter(isPermission)
    .filter((p) => grantUsable(p, scope))
    .sort();
}

/** Whether an integration's token may use `p` at all: a client-level constant within its scope. */
function grantUsable(p: Permission, scope?: readonly string[] | null): boolean {
  return !firmScoped.has(p) && (!scope || scope.includes(p));
}

/**
 * An integration's live grants: the integration ACTIVE, each grant unexpired, on an active client
 * of the integration's own firm.
 */
function integrationGrantsQuery(control: ControlDb, integrationId: string, match?: SQL) {
  return control
    .select({ tenant: tenants, permissions: integrationGrants.permissions })
    .from(integrationGrants)
    .innerJoin(integrations, eq(integrations.id, integrationGrants.integrationId))
    .innerJoin(
      tenants,
      and(eq(tenants.id, integrationGrants.tenantId), eq(tenants.firmId, integrations.firmId)),
    )
    .where(
      and(
        eq(integrationGrants.integrationId, integrationId),
        eq(integrations.status, 'ACTIVE'),
        eq(tenants.status, 'ACTIVE'),
        sql`(${integrationGrants.expiresAt} IS NULL OR ${integrationGrants.expiresAt} > now())`,
        match,
      ),
    );
}

/**
 * Which of the caller's clients a list shows. Access itself never depends on it (a sandbox or an
 * archived client is reached by its slug like any other); the firm's views pass `firmView(args)`,
 * so sandboxes and archived clients stay out of their rows and totals unless asked for.
 */
export interface ClientListFilter {
  includeSandboxes: boolean;
  includeArchived: boolean;
}

/** Every client, sandboxes and archived ones too: what access decisions and batches use. */
export const ALL_CLIENTS: ClientListFilter = { includeSandboxes: true, includeArchived: true };

/** A firm view's filter from its arguments: sandboxes and archived clients out unless asked for. */
export const firmView = (args: {
  includeSandboxes?: boolean | null;
  includeArchived?: boolean | null;
}): ClientListFilter => ({
  includeSandboxes: args.includeSandboxes ?? false,
  includeArchived: args.includeArchived ?? false,
});

function listed(filter: ClientListFilter): SQL | undefined {
  return and(
    filter.includeSandboxes ? undefined : eq(tenants.sandbox, false),
    filter.includeArchived ? undefined : isNull(tenants.archivedAt),
  );
}

/**
 * Every client the caller may see, with what they may do on each: a person's clients by their role
 * (an ethical wall hides a client), an integration's by its live grants. The firm-level views (the
 * close board, exceptions, stale rates, batches) start here, so an integration granted the firm
 * dashboard sees exactly the clients it was granted.
 */
export async function visibleClients(
  control: ControlDb,
  caller: Caller,
  filter: ClientListFilter = ALL_CLIENTS,
): Promise<ClientAccess[]> {
  if (caller.integration) {
    const rows = await integrationGrantsQuery(control, caller.userId, listed(filter)).orderBy(
      asc(tenants.name),
    );
    return rows.map((r) => ({
      tenant: r.tenant,
      role: null,
      permissions: usableGrant(r.permissions, caller.integration?.scope),
    }));
  }
  return (await accessibleTenants(control, caller.userId, listed(filter))).map(({ tenant, role }) => ({
    tenant,
    role,
    permissions: grantsOf(role),
  }));
}

/** The caller's access to one client (by slug or id), or null: absent, inactive or not theirs alike. */
export async function clientAccess(
  control: ControlDb,
  caller: Caller,
  where: { slug: string } | { id: string },
): Promise<ClientAccess | null> {
  if (caller.integration) {
    const match = 'slug' in where ? eq(tenants.slug, where.slug) : eq(tenants.id, where.id);
    const [row] = await integrationGrantsQuery(control, caller.userId, match);
    return row
      ? {
          tenant: row.tenant,
          role: null,
          permissions: usableGrant(row.permissions, caller.integration.scope),
        }
      : null;
  }
  const access = await tenantAccess(control, caller.userId, where);
  return access ? { ...access, permissions: grantsOf(access.role) } : null;
}

/**
 * The caller's access to each of these clients (by id) in one query: what `clientAccess` answers
 * for each, absent from the map where it answers null (an id that is no UUID names no client).
 * For the federation references of a firm view, which name hundreds of clients in one request.
 */
export async function clientAccessByIds(
  control: ControlDb,
  caller: Caller,
  ids: readonly string[],
): Promise<Map<string, ClientAccess>> {
  const found = new Map<string, ClientAccess>();
  const wanted = [...new Set(ids)].filter(isUuid);
  if (wanted.length === 0) return found;
  const match = inArray(tenants.id, wanted);
  if (caller.integration) {
    for (const row of await integrationGrantsQuery(control, caller.userId, match)) {
      found.set(row.tenant.id, {
        tenant: row.tenant,
        role: null,
        permissions: usableGrant(row.permissions, caller.integration.scope),
      });
    }
    return found;
  }
  const rows = await accessQuery(control, caller.userId).where(and(match, eq(tenants.status, 'ACTIVE')));
  for (const { tenant, role } of rows) {
    if (role && role !== 'NoAccess') found.set(tenant.id, { tenant, role, permissions: grantsOf(role) });
  }
  return found;
}

/** The firm-level permissions of an integration's unexpired firm grant (none without one). */
export async function integrationFirmPermissions(
  control: ControlDb,
  integrationId: string,
  scope?: readonly string[] | null,
): Promise<Permission[]> {
  const [row] = await control
    .select({ permissions: integrationFirmGrants.permissions })
    .from(integrationFirmGrants)
    .where(
      and(
        eq(integrationFirmGrants.integrationId, integrationId),
        sql`(${integrationFirmGrants.expiresAt} IS NULL OR ${integrationFirmGrants.expiresAt} > now())`,
      ),
    );
  return (row?.permissions ?? [])
    .filter(isPermission)
    .filter((p) => firmScoped.has(p) && (!scope || scope.includes(p)))
    .sort();
}

/** Where a page of the caller's clients starts and how much of it to read. */
export interface ClientPageQuery {
  /** The (name, id) of the last client of the previous page: the page starts after it. */
  after?: readonly [name: string, id: string] | null;
  /** Rows to read (the caller asks one more than it shows, to learn whether a page follows). */
  limit: number;
  /** Case-insensitive substring of the client's name or slug. */
  search?: string | null;
  /** Sandboxes and archived clients: every client unless a view says otherwise. */
  filter?: ClientListFilter;
  /** Only the clients where the caller holds this permission (their role's, or their grant's). */
  holding?: Permission;
  /** Only this client (by id). */
  id?: string | null;
  /** Names in code point order (`COLLATE "C"`) rather than the database's collation. */
  byCodePoint?: boolean;
}

/**
 * The filter to the clients where the caller's role holds `p` (an ethical wall's `NoAccess` never
 * does); none when every role but NoAccess holds it, as `hasAccess` already keeps exactly those
 * (the close board's permission, held by every role). The planner takes such a filter for a
 * further cut: at 1,500 clients it counted the caller's clients as one row, and the board's totals
 * took 6.2–6.7 ms with it against 4.3–4.5 without (docs/benchmarks.md, "Session 46").
 */
function roleHolding(p: Permission): SQL | undefined {
  const holding = RoleClusters.filter((r) => ROLE_PERMISSIONS[r].includes(p));
  const everyRole = RoleClusters.every((r) => r === 'NoAccess' || holding.includes(r));
  return everyRole ? undefined : inArray(effectiveRole, holding);
}

/** What narrows a list of the caller's clients, besides the walls (shared by pages and id lists). */
function narrowing(caller: Caller, page: Omit<ClientPageQuery, 'limit' | 'after'>): SQL[] {
  const where: SQL[] = [];
  if (page.search) {
    const like = `%${page.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(tenants.name, like), ilike(tenants.slug, like)) as SQL);
  }
  if (page.id) where.push(isUuid(page.id) ? eq(tenants.id, page.id) : sql`false`);
  const only = listed(page.filter ?? ALL_CLIENTS);
  if (only) where.push(only);
  if (page.holding) {
    if (!caller.integration) {
      const filter = roleHolding(page.holding);
      if (filter) where.push(filter);
    } else if (!grantUsable(page.holding, caller.integration.scope)) where.push(sql`false`);
    else where.push(sql`${page.holding} = ANY(${integrationGrants.permissions})`);
  }
  return where;
}

/**
 * One page of `visibleClients`, by name then id (a total order, so a keyset cursor keeps its place
 * while clients are added): what the `tenantsConnection` fields and the close board's pages read.
 * The walls are the same query as `visibleClients`: a person's clients by role (an ethical wall
 * hides one), an integration's by its live grants; the page is cut in SQL, so a firm of 1,500
 * clients reads one page of them.
 */
export async function visibleClientsPage(
  control: ControlDb,
  caller: Caller,
  page: ClientPageQuery,
): Promise<ClientAccess[]> {
  if (caller.integration) {
    const rows = await integrationPage(control, caller, page);
    return rows.map((r) => ({ tenant: r.tenant, role: null, permissions: accessOf(caller, r) }));
  }
  const rows = await personPage(control, caller, page);
  return rows
    .filter((r): r is { tenant: TenantRow; role: RoleName } => r.role !== null && r.role !== 'NoAccess')
    .map(({ tenant, role }) => ({ tenant, role, permissions: grantsOf(role) }));
}

/**
 * `visibleClientsPage`'s page as a subquery, for a view that reads each client's own rows with its
 * page in one query: every column of `tenants` with the person's `role` there, or the integration's
 * granted `permissions` (the other null). Its rows come in no order: the view orders them again, by
 * name then id. `accessOf` makes a row's permissions what `visibleClientsPage` would say.
 */
export function visibleClientsPageQuery(control: ControlDb, caller: Caller, page: ClientPageQuery): SQL {
  return caller.integration
    ? sql`SELECT l.*, NULL::text AS role FROM (${integrationPage(control, caller, page)}) AS l`
    : sql`SELECT l.*, NULL::text[] AS permissions FROM (${personPage(control, caller, page)}) AS l`;
}

/** What the caller may do on a client of its page, from the row's `role` or `permissions`. */
export function accessOf(
  caller: Caller,
  row: { role?: string | null; permissions?: readonly string[] | null },
): readonly Permission[] {
  if (caller.integration) return usableGrant(row.permissions ?? [], caller.integration.scope);
  const role = row.role as RoleName | null | undefined;
  return role && role !== 'NoAccess' ? grantsOf(role) : [];
}

function pageWhere(caller: Caller, page: ClientPageQuery) {
  const name = page.byCodePoint ? sql`${tenants.name} COLLATE "C"` : sql`${tenants.name}`;
  const where = narrowing(caller, page);
  if (page.after) where.push(sql`(${name}, ${tenants.id}) > (${page.after[0]}, ${page.after[1]}::uuid)`);
  return { where, order: [asc(name), asc(tenants.id)] };
}

function personPage(control: ControlDb, caller: Caller, page: ClientPageQuery) {
  const { where, order } = pageWhere(caller, page);
  return accessQuery(control, caller.userId)
    .where(and(eq(tenants.status, 'ACTIVE'), hasAccess, ...where))
    .orderBy(...order)
    .limit(page.limit);
}

function integrationPage(control: ControlDb, caller: Caller, page: ClientPageQuery) {
  const { where, order } = pageWhere(caller, page);
  return integrationGrantsQuery(control, caller.userId, and(...where))
    .orderBy(...order)
    .limit(page.limit);
}

/**
 * The ids of every client `visibleClientsPage` would list (without a page), as a subquery the
 * database evaluates where it is used: what a firm view counts over without bringing its clients
 * out of the database.
 */
export function visibleClientIds(
  control: ControlDb,
  caller: Caller,
  query: Omit<ClientPageQuery, 'limit' | 'after' | 'byCodePoint'>,
): SQL {
  const where = and(...narrowing(caller, query));
  const listing = caller.integration
    ? integrationGrantsQuery(control, caller.userId, where)
    : accessQuery(control, caller.userId).where(and(eq(tenants.status, 'ACTIVE'), hasAccess, where));
  return sql`SELECT v.id FROM (${listing}) AS v`;
}
