import { type ControlDb, control } from '@cifra/db';
import { nextLocalRun, settingsSchema } from '@cifra/domain';
import { and, eq } from 'drizzle-orm';

export interface BackupDispatchDeps {
  control: ControlDb;
  /** The clock: injectable so tests drive the schedule through days without waiting. */
  now?: () => Date;
  /** Queue one client's backup (an Agenda job in the worker). */
  enqueue(tenantId: string): Promise<void>;
}

export interface BackupDispatchResult {
  /** Clients whose backup this tick queued. */
  enqueued: string[];
  /** Clients whose next backup was (re)computed: new clients, or a changed local time or time zone. */
  rescheduled: string[];
}

const TIME_KEY = 'backupLocalTime' satisfies keyof typeof settingsSchema.shape;
const DEFAULT_TIME = settingsSchema.shape.backupLocalTime.parse(undefined);

/**
 * The daily backup schedule. Each active client has a next run in `backup_schedules`: the next
 * instant its own clock reads `backupLocalTime` (the firm's value unless the client overrides it;
 * 02:00 by default) in its own time zone — luxon, DST-correct (`nextLocalRun`). A tick queues
 * every client whose run is due and moves the run to the following local occurrence, conditionally
 * on the run it read, so two workers ticking at once queue a client once; a worker that was down
 * queues one catch-up backup, not one per missed day. Suspended or deleted clients are not queued.
 */
export async function dispatchDueBackups(deps: BackupDispatchDeps): Promise<BackupDispatchResult> {
  const now = (deps.now ?? (() => new Date()))();
  const db = deps.control;
  const [clients, firmTimes, ownTimes, schedules] = await Promise.all([
    db
      .select({ id: control.tenants.id, firmId: control.tenants.firmId, timezone: control.tenants.timezone })
      .from(control.tenants)
      .where(eq(control.tenants.status, 'ACTIVE')),
    db.select().from(control.firmSettings).where(eq(control.firmSettings.key, TIME_KEY)),
    db.select().from(control.tenantSettingOverrides).where(eq(control.tenantSettingOverrides.key, TIME_KEY)),
    db.select().from(control.backupSchedules),
  ]);
  const firmTime = new Map(firmTimes.map((r) => [r.firmId, r.value]));
  const ownTime = new Map(ownTimes.map((r) => [r.tenantId, r.value]));
  const schedule = new Map(schedules.map((s) => [s.tenantId, s]));
  const result: BackupDispatchResult = { enqueued: [], rescheduled: [] };
  const s = control.backupSchedules;

  for (const client of clients) {
    const parsed = settingsSchema.shape.backupLocalTime.safeParse(
      ownTime.get(client.id) ?? firmTime.get(client.firmId),
    );
    const upcoming = nextLocalRun(now, client.timezone, parsed.success ? parsed.data : DEFAULT_TIME);
    const current = schedule.get(client.id);
    if (!current) {
      await db.insert(s).values({ tenantId: client.id, nextRunAt: upcoming }).onConflictDoNothing();
      result.rescheduled.push(client.id);
    } else if (current.nextRunAt.getTime() <= now.getTime()) {
      const claimed = await db
        .update(s)
        .set({ nextRunAt: upcoming, lastQueuedAt: now, updatedAt: now })
        .where(and(eq(s.tenantId, client.id), eq(s.nextRunAt, current.nextRunAt)))
        .returning({ tenantId: s.tenantId });
      if (claimed.length === 0) continue;
      await deps.enqueue(client.id);
      result.enqueued.push(client.id);
    } else if (current.nextRunAt.getTime() !== upcoming.getTime()) {
      // The local time or the time zone changed since the run was planned.
      await db.update(s).set({ nextRunAt: upcoming, updatedAt: now }).where(eq(s.tenantId, client.id));
      result.rescheduled.push(client.id);
    }
  }
  return result;
}

/**
 * Run `task` for every item with at most `limit` at once (scheduled backups in a worker, `pnpm
 * backup --all`); every item runs whatever the others do, and the results keep the items' order.
 */
export async function boundedEach<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      try {
        results[i] = { status: 'fulfilled', value: await task(items[i] as T) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
