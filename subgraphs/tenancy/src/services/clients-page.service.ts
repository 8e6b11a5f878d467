import { decodeKeyCursor, encodeKeyCursor, type Page, pageOf, pageSize } from '@cifra/context';
import { type Caller, type ControlDb, firmView, visibleClientsPage } from '@cifra/db';
import { badInput, isUuid } from '@cifra/domain';
import type { Tenant } from '../mappers.ts';

export const DEFAULT_CLIENT_PAGE = 100;
export const MAX_CLIENT_PAGE = 500;

/**
 * One page of the clients the caller may use (`tenantsConnection`), by name then id. The cursor
 * carries that key, so a page keeps its place while clients are added or renamed before it; the
 * walls are `visibleClientsPage`'s (packages/db/src/access.ts). Sandboxes and archived clients only
 * when asked for.
 */
export async function pageClients(
  control: ControlDb,
  caller: Caller,
  args: {
    first?: number | null;
    after?: string | null;
    search?: string | null;
    includeSandboxes?: boolean | null;
    includeArchived?: boolean | null;
  },
): Promise<Page<Tenant>> {
  const first = pageSize(args.first, DEFAULT_CLIENT_PAGE, MAX_CLIENT_PAGE);
  const after = args.after ? clientKey(args.after) : null;
  const search = args.search?.trim() || null;
  const rows = await visibleClientsPage(control, caller, {
    after,
    limit: first + 1,
    search,
    filter: firmView(args),
  });
  const clients = rows.map(({ tenant, role }) => ({ ...tenant, role }));
  return pageOf(clients, first, args.after, (t) => encodeKeyCursor('client', [t.name, t.id]));
}

/** A cursor's (name, id), refused like any other foreign cursor when its id is not a uuid. */
function clientKey(cursor: string): [string, string] {
  const [name, id] = decodeKeyCursor('client', cursor, 2) as [string, string];
  if (!isUuid(id)) throw badInput('after: not a cursor this query returned', { field: 'after' });
  return [name, id];
}
