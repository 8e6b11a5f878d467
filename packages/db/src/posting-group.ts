import { DomainError } from '@cifra/domain';
import { sql } from 'drizzle-orm';
import { isRetryableConflict } from './db-errors.ts';
import { type TenantDb, tenantDb } from './drizzle.ts';
import { inLazyTransaction } from './lazy-begin.ts';
import { pg } from './pg.ts';
import { poolOf } from './shared-reads.ts';
import type { Actor, TxOf } from './tx.ts';
import { isConnectionFailure } from './unavailable.ts';

/**
 * Group commit for postings (docs/architecture/posting.md, "Group commit").
 *
 * Every posting takes its client's gapless number under the `number_sequences` row lock and holds it
 * until its commit's fsync, so postings of one client queue behind each other one fsync at a time.
 * Here the postings of one client that are waiting at the same moment share one transaction, one
 * fsync: a posting that finds no group running starts one at the end of the event loop's turn (no
 * timer; the postings asked in that turn share it), and those that arrive while it commits form the
 * next group, at most `maxSize` of them. A posting that reads before it joins sets out first
 * (`onTheWay`): the group about to start waits for it, so it is not left to a smaller group behind.
 *
 * Each posting runs in its own SAVEPOINT with its own actor (the history triggers' settings) and
 * its deferred checks run before its savepoint is released: a posting that is refused rolls back to
 * its savepoint — only itself — and gets its own error. Its neighbours' numbers follow without a
 * gap, in the order the group ran them, which is the order they commit in. Outcomes are delivered
 * only once the group's COMMIT has answered: a commit that fails (the connection lost) fails every
 * posting of the group with TENANT_UNAVAILABLE, having written nothing; a retry with the same
 * idempotency key is safe either way.
 *
 * Groups are per client database pool in one process. Several processes posting to one client each
 * make their own groups, which still serialise on the number row: a group waits for the other
 * process's group to commit, as single postings do today.
 */

/** At most this many postings share one transaction. */
export const POSTING_GROUP_MAX = 64;

/**
 * The deferred checks of the work done so far, run now. journal_entries_have_lines is the one
 * deferrable constraint (INITIALLY DEFERRED, 0001_guards): checked now, an entry without lines is
 * its posting's refusal, not the group's commit failing.
 */
const CHECK =
  'SET CONSTRAINTS journal_entries_have_lines IMMEDIATE; SET CONSTRAINTS journal_entries_have_lines DEFERRED';
/** A statement that leaves a posting's deferred checks done and its savepoint released. */
const RELEASE = `${CHECK}; RELEASE SAVEPOINT posting`;
const ROLLBACK = 'ROLLBACK TO SAVEPOINT posting; RELEASE SAVEPOINT posting';

type Tx = TxOf<TenantDb>;

/** What became of one posting: posted (what it answers) or refused (its error). */
export type PostingOutcome = { ok: true; value: unknown } | { ok: false; error: unknown };
type Outcome = PostingOutcome;

/** One posting a lane is given: its author and what it asks. */
export interface LanePosting<R> {
  actor: Actor;
  request: R;
}

/**
 * A way to post many postings of a group together, in a constant number of statements, each still
 * checked and refused on its own (the ledger's books' lane, `BOOKS_LANE`: manual entries, documents,
 * credit applications and write-offs together). Per posting it answers an outcome, or undefined to
 * decline it: a declined posting runs in a transaction of its own once the group has committed (one
 * by one in the group, its postings would queue on its one connection where transactions of their
 * own overlap — credit notes 0.77× and receipts 0.85× a transaction each on the group-commit bench,
 * before they had the documents lane), and sees what the group committed (a key or document asked
 * twice, an invoice an earlier posting of the group settles).
 * Throwing has every posting of the lane declined (its work is rolled back first); the first lane's
 * throw, which has no savepoint to roll back to, runs the whole group again with every posting in
 * its own savepoint. Either way a refusal nobody foresaw fails only its own posting.
 */
export interface PostingLane<R> {
  postEach(tx: Tx, postings: LanePosting<R>[]): Promise<(Outcome | undefined)[]>;
}

/** A posting that a lane can post with others: the lane and what it needs of this posting. */
export interface Batchable<R> {
  lane: PostingLane<R>;
  request: R;
}

interface Job {
  /** The handle the posting came with (a request's traced view of the pool, when tracing is on). */
  db: TenantDb;
  actor: Actor;
  work: (tx: Tx) => Promise<unknown>;
  batch?: Batchable<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export interface PostingGroupOptions {
  /** At most this many postings per transaction (default 64). */
  maxSize?: number;
  /** Runs in the group's transaction after its last posting, before COMMIT (tests and benches). */
  beforeCommit?: (tx: Tx, size: number) => Promise<void>;
  /** Told, once each group is settled, how many postings it answered (those declined not counted). */
  onGroup?: (size: number, committed: boolean) => void;
  /**
   * Each posting in a transaction of its own, concurrently, as before group commit: the bench's
   * "today" side, measured in the same run.
   */
  alone?: boolean;
}

/** The settings `inTransaction` sets, for one posting inside the group's transaction. */
function actorSettings(actor: Actor): string {
  const lit = (v: string | null | undefined) => pg.escapeLiteral(v ?? '');
  return `SELECT set_config('cifra.actor_id', ${lit(actor.userId)}, true),
    set_config('cifra.actor_email', ${lit(actor.email)}, true),
    set_config('cifra.reason', ${lit(actor.reason)}, true),
    set_config('cifra.request_id', ${lit(actor.requestId)}, true)`;
}

export class PostingGroups {
  private queue: Job[] = [];
  private running = false;
  private waiters: { count: number; resolve: () => void }[] = [];
  /** Postings on their way (see `onTheWay`), and the groups about to start that wait for some. */
  private readonly onTheWay = new Set<Arrival>();
  private awaiting: { pending: Set<Arrival>; resolve: () => void }[] = [];
  private readonly maxSize: number;
  private readonly pool: pg.Pool | undefined;

  constructor(
    private readonly db: TenantDb,
    private readonly options: PostingGroupOptions = {},
  ) {
    this.maxSize = options.maxSize ?? POSTING_GROUP_MAX;
    this.pool = poolOf(db);
  }

  /** Run `work` as one posting of the next group; resolves once the group has committed. */
  run<T, R = never>(
    actor: Actor,
    work: (tx: Tx) => Promise<T>,
    batch?: Batchable<R>,
    db: TenantDb = this.db,
    arrival?: Arrival,
  ): Promise<T> {
    if (this.options.alone) {
      arrival?.arrived();
      return alone(db, actor, work);
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        db,
        actor,
        work,
        ...(batch ? { batch: batch as Batchable<unknown> } : {}),
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      arrival?.arrived();
      this.waiters = this.waiters.filter((w) => {
        if (this.queue.length < w.count) return true;
        w.resolve();
        return false;
      });
      // The first group starts at the end of this turn of the event loop, not at once: the postings
      // submitted in the same turn (callers answered together by one group or one shared read) share
      // it, where the first of them would otherwise go alone and the rest form the next group.
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Postings queued behind the group in flight. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once at least `count` postings wait for the next group (tests build exact groups). */
  whenWaiting(count: number): Promise<void> {
    if (this.queue.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** A posting setting out for the next group (see `onTheWay`). */
  setOut(): Arrival {
    let done = false;
    const arrival: Arrival = {
      arrived: () => {
        if (done) return;
        done = true;
        this.onTheWay.delete(arrival);
        this.awaiting = this.awaiting.filter((w) => {
          w.pending.delete(arrival);
          if (w.pending.size > 0) return true;
          w.resolve();
          return false;
        });
      },
    };
    this.onTheWay.add(arrival);
    return arrival;
  }

  /**
   * Resolves once every posting on its way at this moment has joined the queue or given up — never
   * waiting for one that sets out later, so a steady stream cannot hold a group back.
   */
  private arrivals(): Promise<void> {
    if (this.onTheWay.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.awaiting.push({ pending: new Set(this.onTheWay), resolve }));
  }

  /**
   * Groups one after another while postings wait. While another group waits behind the one
   * starting, the groups keep one connection of the pool between them: given back after each
   * group, it went to the back of the pool's queue, behind the waiting postings' own reads, and
   * every group began by waiting for it. A group that loses its connection drops it.
   */
  private async drain(): Promise<void> {
    let kept: { client: pg.PoolClient; db: TenantDb } | undefined;
    try {
      while (this.queue.length > 0) {
        // Postings on their way join this group rather than form one of their own behind it. Waited
        // for holding no connection: they may need one of the pool to get here.
        if (this.onTheWay.size > 0) {
          kept?.client.release();
          kept = undefined;
          await this.arrivals();
        }
        const jobs = this.queue.splice(0, this.maxSize);
        // A pool that cannot give a connection now (its server down, the pool ended) keeps none:
        // the group runs on its first posting's handle and fails there as it would have.
        if (!kept && this.queue.length > 0 && this.pool) {
          const client = await this.pool.connect().catch(() => undefined);
          if (client) kept = { client, db: tenantDb(client) };
        }
        const lost = await this.commit(jobs, kept?.db);
        if (kept && (lost || this.queue.length === 0)) {
          kept.client.release(lost);
          kept = undefined;
        }
      }
    } finally {
      kept?.client.release();
      this.running = false;
    }
  }

  /** One group, on `db` when given (the kept connection); answers the connection failure that failed it. */
  private async commit(jobs: Job[], db?: TenantDb): Promise<Error | undefined> {
    const first = await this.attempt(jobs, true, db);
    // The first lane's work had no savepoint and left its deferred checks to COMMIT: a refusal
    // there rolled the whole group back, nothing written. Run it again, each posting in its own
    // savepoint, so the refusal is only its own posting's.
    const second = first === RETRY_ALONE ? await this.attempt(jobs, false, db) : first;
    const settled =
      second === RETRY_ALONE
        ? { ok: false as const, error: new Error('posting group retried twice'), lost: undefined }
        : second;
    const outcomes: (Outcome | undefined)[] = settled.ok
      ? settled.outcomes
      : jobs.map(() => ({ ok: false, error: settled.error }));
    this.options.onGroup?.(outcomes.filter((o) => o !== undefined).length, settled.ok);
    // Answered on the next turn of the event loop: the group queued behind this one has sent its
    // BEGIN by then, instead of waiting for the answered postings' callers to run first. A posting
    // its lane declined runs then in a transaction of its own.
    setImmediate(() =>
      jobs.forEach((job, i) => {
        const outcome = outcomes[i];
        if (!outcome) void alone(job.db, job.actor, job.work).then(job.resolve, job.reject);
        else if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      }),
    );
    return settled.ok ? undefined : settled.lost;
  }

  /**
   * The group's postings in one transaction. With `lanes`, the first lane posts its postings as the
   * transaction's first statements, without a savepoint, and its deferred checks run at COMMIT when
   * nothing follows it (two round trips fewer per group): any refusal that escapes then rolls the
   * group back and answers RETRY_ALONE.
   */
  private async attempt(jobs: Job[], lanes: boolean, db?: TenantDb): Promise<Attempt> {
    const outcomes: (Outcome | undefined)[] = jobs.map(() => undefined);
    // The postings a lane declined: not run in the group, handed back once it has committed.
    const declined = new Set<number>();
    let unchecked = false;
    const check = async (tx: Tx) => {
      if (!unchecked) return;
      await tx.execute(sql.raw(CHECK));
      unchecked = false;
    };
    try {
      // On the first posting's handle unless groups are queued (the kept connection): with tracing
      // on, a lone posting's or a quiet moment's group's statements are spans of the request that
      // opened it.
      await inLazyTransaction(db ?? (jobs[0] as Job).db, async (tx) => {
        // Postings a lane can post together go first, together; the rest (and any the lane left)
        // one by one, each in its own savepoint.
        for (const [k, idx] of (lanes ? laneBatches(jobs) : []).entries()) {
          const batch = idx.map((i) => jobs[i] as Job);
          let got: (Outcome | undefined)[];
          if (k === 0) {
            unchecked = true;
            got = await postLane(tx, batch);
          } else {
            await check(tx);
            got = await this.runLane(tx, batch);
          }
          got.forEach((o, n) => {
            if (o) outcomes[idx[n] as number] = o;
            else declined.add(idx[n] as number);
          });
        }
        for (const [i, job] of jobs.entries()) {
          if (outcomes[i] || declined.has(i)) continue;
          await check(tx);
          outcomes[i] = await this.runOne(tx, job);
        }
        await this.options.beforeCommit?.(tx, jobs.length);
      });
    } catch (error) {
      const lost = isConnectionFailure(error);
      if (unchecked && !lost) return RETRY_ALONE;
      return {
        ok: false,
        error: groupFailure(error, jobs.length),
        lost: lost ? (error as Error) : undefined,
      };
    }
    return { ok: true, outcomes };
  }

  /** A lane's postings together, in a savepoint: if the lane throws, none of them is posted by it. */
  private async runLane(tx: Tx, jobs: Job[]): Promise<(Outcome | undefined)[]> {
    await tx.execute(sql.raw('SAVEPOINT posting'));
    try {
      const got = await postLane(tx, jobs);
      await tx.execute(sql.raw(RELEASE));
      return got;
    } catch (error) {
      if (isConnectionFailure(error)) throw error;
      await tx.execute(sql.raw(ROLLBACK));
      return jobs.map(() => undefined);
    }
  }

  /** One posting in its own savepoint; a refusal rolls back to it, a lost connection fails the group. */
  private async runOne(tx: Tx, job: Job): Promise<Outcome> {
    await tx.execute(sql.raw(`SAVEPOINT posting; ${actorSettings(job.actor)}`));
    try {
      const value = await job.work(tx);
      await tx.execute(sql.raw(RELEASE));
      return { ok: true, value };
    } catch (error) {
      if (isConnectionFailure(error)) throw error;
      await tx.execute(sql.raw(ROLLBACK));
      return { ok: false, error };
    }
  }
}

/** What one try of a group gives: every posting's outcome, the group's failure, or a second try. */
const RETRY_ALONE = Symbol('retry the group, each posting in its own savepoint');
type Attempt =
  | { ok: true; outcomes: (Outcome | undefined)[] }
  | { ok: false; error: unknown; lost: Error | undefined }
  | typeof RETRY_ALONE;

/** The postings of `jobs` that lanes can post together: per lane with two or more, their indexes. */
function laneBatches(jobs: readonly Job[]): number[][] {
  const lanes = new Map<PostingLane<unknown>, number[]>();
  jobs.forEach((job, i) => {
    if (job.batch) lanes.set(job.batch.lane, [...(lanes.get(job.batch.lane) ?? []), i]);
  });
  return [...lanes.values()].filter((idx) => idx.length >= 2);
}

/** One lane's postings (all of `jobs` share it), posted together by the lane. */
function postLane(tx: Tx, jobs: readonly Job[]): Promise<(Outcome | undefined)[]> {
  const lane = (jobs[0] as Job).batch?.lane as PostingLane<unknown>;
  return lane.postEach(
    tx,
    jobs.map((j) => ({ actor: j.actor, request: j.batch?.request })),
  );
}

/** Every posting of a group that did not commit gets this: a connection lost is worth a retry. */
function groupFailure(err: unknown, size: number): unknown {
  if (!isConnectionFailure(err)) return err;
  return new DomainError(
    'TENANT_UNAVAILABLE',
    `The client's database dropped the connection before ${size === 1 ? 'this posting' : `a group of ${size} postings`} committed: nothing was written; retry (with the same idempotency key)`,
    { groupSize: size },
  );
}

const groups = new WeakMap<pg.Pool, PostingGroups>();

/**
 * The posting groups of the client database `db` runs on, one per pool in this process, created
 * with `options` on first use (tests and benches set them before the first posting).
 */
export function postingGroupsOf(db: TenantDb, options?: PostingGroupOptions): PostingGroups | undefined {
  const pool = poolOf(db);
  if (!pool) return undefined;
  let g = groups.get(pool);
  if (!g) {
    // Untraced: one group serves the postings of many requests.
    g = new PostingGroups(db.$client === pool ? db : tenantDb(pool), options);
    groups.set(pool, g);
  }
  return g;
}

/**
 * Run one posting (`fn`, as `inTransaction` would) in the next group commit of its client database.
 * `fn` must do all its work on `tx` (it shares the transaction with the group's other postings,
 * inside its own savepoint) and must not wait for another posting. With `batch`, the posting may be
 * posted together with the group's others of the same lane instead of by `fn` (same result), or,
 * declined by the lane, run by `fn` in a transaction of its own once the group has committed. On a database that is not a
 * pool (a single connection), it runs in a transaction of its own.
 */
export function inPostingGroup<T, R = never>(
  db: TenantDb,
  actor: Actor,
  fn: (tx: Tx) => Promise<T>,
  batch?: Batchable<R>,
  arrival?: Arrival,
): Promise<T> {
  const g = postingGroupsOf(db);
  if (g) return g.run(actor, fn, batch, db, arrival);
  arrival?.arrived();
  return alone(db, actor, fn);
}

/** A posting on its way to its client's next group; `arrived()` once it has joined or given up. */
export interface Arrival {
  arrived(): void;
}

/**
 * A posting that reads what it needs before it joins its client's next group (a keyed credit
 * application or write-off, its first answer under its key) sets out with this: a group about to
 * start waits for the postings on their way at that moment, so that they join it instead of
 * forming a smaller group of their own behind it (with a mix of kinds, those reading first trailed
 * the others by a round trip and the groups split in two, each posting's callers then coming back
 * apart). Pass it to `inPostingGroup`, which marks it arrived once it is queued; call `arrived()`
 * if the posting gives up before (always, in a `finally`: a group waits for it). Undefined on a
 * database that is not a pool.
 */
export function onTheWay(db: TenantDb): Arrival | undefined {
  return postingGroupsOf(db)?.setOut();
}

/** A posting in a transaction of its own is run at most this many times when it loses a deadlock. */
export const ALONE_ATTEMPTS = 3;

/**
 * One posting in a transaction of its own (what `inTransaction` does). A posting handed back by its
 * group's lane runs here beside the next group, and locks what it settles in its own order (its
 * draft, then the invoices), where the group's lanes may take an invoice before a draft: when
 * PostgreSQL breaks such a deadlock by aborting this transaction, nothing of it was written, and it
 * runs again — up to ALONE_ATTEMPTS times — to get its own answer (posted, or the refusal that is
 * its due, as OVER_ALLOCATION) rather than a CONFLICT that only means "retry".
 */
async function alone<T>(db: TenantDb, actor: Actor, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(async (tx) => {
        await tx.execute(sql.raw(actorSettings(actor)));
        return fn(tx);
      });
    } catch (error) {
      if (attempt >= ALONE_ATTEMPTS || !isRetryableConflict(error)) throw error;
    }
  }
}
