import { sql } from 'drizzle-orm';
import type { ControlDb } from './drizzle.ts';

/**
 * Announce that clients' books changed, so the close board's projector re-reads them soon
 * (docs/architecture/close-board.md, "The read model"). The change itself is already durable in the
 * client's own outbox (`close_board_changes`, written in the client's transaction): an announcement
 * lost to a crash only delays the board until the projector's sweep finds that outbox row.
 */
export async function announceClientChanges(
  control: Pick<ControlDb, 'execute'>,
  tenantIds: readonly string[],
): Promise<void> {
  if (tenantIds.length === 0) return;
  const ids = sql.join(
    [...new Set(tenantIds)].map((id) => sql`(${id}::uuid)`),
    sql`, `,
  );
  // Only clients still in the directory: a client deleted meanwhile has nothing left to show (a
  // deleted sandbox's row stays, DELETED: a late announcement must not enrol it again).
  await control.execute(sql`
    INSERT INTO client_close_projections AS p (tenant_id, changed_at)
    SELECT t.id, now() FROM (VALUES ${ids}) AS v(id) JOIN tenants t ON t.id = v.id AND t.status <> 'DELETED'
    ON CONFLICT (tenant_id) DO UPDATE
      SET change_seq = p.change_seq + 1, changed_at = coalesce(p.changed_at, excluded.changed_at)`);
}

/**
 * Announcements from one process, coalesced: the mutations that finish while one announcement is
 * being written share the next one, so a client posting 500 entries a second costs the control
 * plane far fewer statements than postings. `announce` resolves once the announcement is written, so
 * a caller who awaits it before answering gives read-your-writes: the board shows the change, or
 * marks the line BEHIND until it does. A failure is handed to `onError` and swallowed (the
 * projector's sweep is the safety net).
 */
export class ClientChangeAnnouncer {
  private pending = new Set<string>();
  private next: Promise<void> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly control: ControlDb,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  announce(tenantId: string): Promise<void> {
    this.pending.add(tenantId);
    this.next ??= this.writing.then(() => {
      // Everything announced while the previous write ran goes in this one.
      const ids = [...this.pending];
      this.pending = new Set();
      this.next = undefined;
      this.writing = announceClientChanges(this.control, ids).catch(this.onError);
      return this.writing;
    });
    return this.next;
  }
}

const announcers = new WeakMap<ControlDb, ClientChangeAnnouncer>();

/** One announcer per control-plane handle (each subgraph process shares it across requests). */
export function clientChangeAnnouncer(
  control: ControlDb,
  onError?: (err: unknown) => void,
): ClientChangeAnnouncer {
  let a = announcers.get(control);
  if (!a) {
    a = new ClientChangeAnnouncer(control, onError);
    announcers.set(control, a);
  }
  return a;
}
