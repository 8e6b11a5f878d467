/**
 * How the gateway's fetches to one subgraph share its connections (subgraph-http.ts) between the
 * clients asking: each client — a client's books (its tenant), or a person's firm-level requests —
 * has a lane of at most `perClient` fetches in flight. A fetch beyond that, or beyond the pool's
 * connections, waits in its own lane's queue, and the lanes waiting are served in turn as
 * connections free up; a fetch that waited `waitMs` is refused. So one client whose database is
 * slow holds at most its share of the way to a subgraph and never another client's place, and a
 * fetch, once let through, finds a connection free and leaves at once (its signed context is made
 * just then: subgraph-source.ts).
 */
export interface FetchLaneLimits {
  /** Fetches of one client in flight to one subgraph at most (`SUBGRAPH_FETCHES_PER_CLIENT`). */
  perClient: number;
  /** How long a fetch may wait for its lane before it is refused (`SUBGRAPH_FETCH_WAIT_MS`). */
  waitMs: number;
}

/**
 * Eight of a subgraph's 128 connections: twice a client database's pool in one process (4), so a
 * client's requests still fill its pool while at least sixteen clients are slow at once before the
 * rest wait at all; ten seconds, the time a subgraph waits for a connection to a client database.
 */
export const DEFAULT_FETCH_LANE_LIMITS: FetchLaneLimits = { perClient: 8, waitMs: 10_000 };

interface Waiter {
  start(): void;
  timer?: NodeJS.Timeout;
}

interface Lane {
  running: number;
  waiting: Waiter[];
}

export class FetchLanes {
  private inFlight = 0;
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with fetches waiting, in the order they are served (each moves to the back when served). */
  private readonly turns = new Set<string>();

  constructor(
    private readonly connections: number,
    private readonly limits: FetchLaneLimits,
  ) {}

  /**
   * Waits for `key`'s turn and resolves with the release to call once the fetch is answered; after
   * `waitMs` rejects with `refusal()` instead, having taken nothing.
   */
  enter(key: string, refusal: () => Error): Promise<() => void> {
    const lane = this.lanes.get(key) ?? { running: 0, waiting: [] };
    this.lanes.set(key, lane);
    if (lane.waiting.length === 0 && this.mayStart(lane)) return Promise.resolve(this.start(key, lane));
    if (this.limits.waitMs <= 0) {
      this.forget(key, lane);
      return Promise.reject(refusal());
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve(this.start(key, lane));
        },
      };
      waiter.timer = setTimeout(() => {
        lane.waiting.splice(lane.waiting.indexOf(waiter), 1);
        if (lane.waiting.length === 0) this.turns.delete(key);
        this.forget(key, lane);
        reject(refusal());
      }, this.limits.waitMs);
      lane.waiting.push(waiter);
      this.turns.add(key);
    });
  }

  private mayStart(lane: Lane): boolean {
    return this.inFlight < this.connections && lane.running < this.limits.perClient;
  }

  private start(key: string, lane: Lane): () => void {
    lane.running++;
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      lane.running--;
      this.inFlight--;
      this.forget(key, lane);
      this.serve();
    };
  }

  /** Lets waiting fetches go, one lane at a time in turn, while connections and shares allow. */
  private serve(): void {
    let served = true;
    while (served && this.inFlight < this.connections) {
      served = false;
      for (const key of [...this.turns]) {
        const lane = this.lanes.get(key);
        if (!lane || !this.mayStart(lane)) continue;
        this.turns.delete(key);
        if (lane.waiting.length > 1) this.turns.add(key);
        lane.waiting.shift()?.start();
        served = true;
        if (this.inFlight >= this.connections) return;
      }
    }
  }

  /** A lane with nothing in flight and nothing waiting is dropped: clients come and go. */
  private forget(key: string, lane: Lane): void {
    if (lane.running === 0 && lane.waiting.length === 0 && this.lanes.get(key) === lane)
      this.lanes.delete(key);
  }
}
