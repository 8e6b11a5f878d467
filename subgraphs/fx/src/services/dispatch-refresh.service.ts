import { type ControlDb, control } from '@cifra/db';
import { nextLocalRun, settingsSchema } from '@cifra/domain';
import { and, eq, isNull } from 'drizzle-orm';

export interface DispatcherDeps {
  control: ControlDb;
  /** The clock: injectable so tests drive the dispatcher through days without waiting. */
  now?: () => Date;
  /** Queue one client's refresh (an Agenda job in the worker). */
  enqueue(tenantId: string): Promise<void>;
}

export interface DispatchResult {
  /** Clients whose refresh was queued by this tick. */
  enqueued: string[];
  /** Clients whose next run was (re)computed: new clients, or a changed local time or time zone. */
  rescheduled: string[];
}

const REFRESH_TIME_KEY = 'fxRefreshLocalTime' satisfies keyof typeof settingsSchema.shape;
const DEFAULT_TIME = settingsSchema.shape.fxRefreshLocalTime.parse(undefined);

/**
 * The per-client fan-out. Each active client has a next run in `fx_refresh_status`: the next instant
 * its own clock reads `fxRefreshLocalTime` in its own time zone (luxon, DST-correct), so clients do
 * not all refresh at the same UTC hour. A tick queues every client whose run is due and moves its
 * next run to the following local occurrence; the move is conditional on the run it saw, so two
 * workers ticking at once queue a client once. A worker that was down queues one catch-up run, not
 * one per missed day.
 */
export async function dispatchDueRefreshes(deps: DispatcherDeps): Promise<DispatchResult> {
  const now = (deps.now ?? (() => new Date()))();
  const db = deps.control;
  const [clients, firmTimes, ownTimes, statuses] = await Promise.all([
    db
      .select({ id: control.tenants.id, firmId: control.tenants.firmId, timezone: control.tenants.timezone })
      .from(control.tenants)
      // An archived client's books refuse writes: no rates are refreshed into them.
      .where(and(eq(control.tenants.status, 'ACTIVE'), isNull(control.tenants.archivedAt))),
    db.select().from(control.firmSettings).where(eq(control.firmSettings.key, REFRESH_TIME_KEY)),
    db
      .select()
      .from(control.tenantSettingOverrides)
      .where(eq(control.tenantSettingOverrides.key, REFRESH_TIME_KEY)),
    db.select().from(control.fxRefreshStatus),
  ]);
  const firmTime = new Map(firmTimes.map((r) => [r.firmId, r.value]));
  const ownTime = new Map(ownTimes.map((r) => [r.tenantId, r.value]));
  const status = new Map(statuses.map((s) => [s.tenantId, s]));
  const result: DispatchResult = { enqueued: [], rescheduled: [] };

  for (const client of clients) {
    const parsed = settingsSchema.shape.fxRefreshLocalTime.safeParse(
      ownTime.get(client.id) ?? firmTime.get(client.firmId),
    );
    const localTime = parsed.success ? parsed.data : DEFAULT_TIME;
    const upcoming = nextLocalRun(now, client.timezone, localTime);
    const current = status.get(client.id);
    if (!current) {
      await db
        .insert(control.fxRefreshStatus)
        .values({ tenantId: client.id, nextRunAt: upcoming })
        .onConflictDoNothing();
      result.rescheduled.push(client.id);
      continue;
    }
    if (current.nextRunAt.getTime() <= now.getTime()) {
      const claimed = await db
        .update(control.fxRefreshStatus)
        .set({ nextRunAt: upcoming, updatedAt: now })
        .where(
          and(
            eq(control.fxRefreshStatus.tenantId, client.id),
            eq(control.fxRefreshStatus.nextRunAt, current.nextRunAt),
          ),
        )
        .returning({ tenantId: control.fxRefreshStatus.tenantId });
      if (claimed.length === 0) continue;
      await deps.enqueue(client.id);
      result.enqueued.push(client.id);
    } else if (current.nextRunAt.getTime() !== upcoming.getTime()) {
      // The local time or the time zone changed since the run was planned.
      await db
        .update(control.fxRefreshStatus)
        .set({ nextRunAt: upcoming, updatedAt: now })
        .where(eq(control.fxRefreshStatus.tenantId, client.id));
      result.rescheduled.push(client.id);
    }
  }
  return result;
}
