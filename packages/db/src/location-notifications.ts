import { EventEmitter } from 'node:events';
import { sql } from 'drizzle-orm';
import { pg } from './pg.ts';

/**
 * The control-plane channel on which a change of where a client's books are is announced (a move
 * to another server or database, a restore in place): the payload is the client's id. Every process
 * holding a tenant registry listens, and forgets the client's location and pool at once instead of
 * when its location cache lapses (docs/architecture/backups.md, "Telling the other processes").
 */
export const LOCATION_CHANNEL = 'cifra_tenant_location';

/**
 * Announce, inside the transaction that changes where the client is (or once its books were
 * swapped): PostgreSQL delivers a NOTIFY at commit, and not at all if the transaction rolls back.
 */
export async function announceLocationChange(
  tx: { execute(query: ReturnType<typeof sql>): Promise<unknown> },
  tenantId: string,
): Promise<void> {
  await tx.execute(sql`SELECT pg_notify(${LOCATION_CHANNEL}, ${tenantId})`);
}

export interface LocationListenerOptions {
  /** How to reach the control plane (a dedicated connection is opened with it, never a pooled one). */
  connection: pg.ClientConfig;
  /** A client's location changed. */
  onChange(tenantId: string): void;
  /**
   * The listener (re)connected after having been down: announcements may have been missed, so every
   * cached location is to be read again.
   */
  onResumed(): void;
  onError?(err: unknown): void;
  /** First wait before reconnecting; doubled after each failure up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * One LISTEN connection on the control plane that outlives drops: a connection lost (the server
 * restarting, the session terminated) is reopened with backoff, never ends the process, and on
 * resuming reports that announcements may have been missed. Events: 'listening' after each LISTEN,
 * 'change' (tenantId) after `onChange`, 'lost' (error) when the connection drops, 'failed' (error)
 * when an attempt to listen fails (another follows after the backoff).
 */
export class LocationListener extends EventEmitter {
  private client: pg.Client | undefined;
  /** The connection being opened or listening, ended by close(). */
  private current: pg.Client | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private readonly loop: Promise<void>;
  private connectedOnce = false;

  constructor(private readonly opts: LocationListenerOptions) {
    super();
    this.loop = this.run();
  }

  /** Resolves once the listener first listens (for callers that must not miss the next announcement). */
  ready(): Promise<void> {
    if (this.client) return Promise.resolve();
    return new Promise((resolve) => this.once('listening', () => resolve()));
  }

  get listening(): boolean {
    return this.client !== undefined;
  }

  private async run(): Promise<void> {
    let backoffMs = this.opts.minBackoffMs ?? 500;
    const maxMs = this.opts.maxBackoffMs ?? 30_000;
    while (!this.closed) {
      const client = new pg.Client({
        connectionTimeoutMillis: 10_000,
        ...this.opts.connection,
        application_name: 'cifra-location-listener',
      });
      this.current = client;
      let lost!: (err: unknown) => void;
      const dropped = new Promise<unknown>((resolve) => {
        lost = resolve;
      });
      client.on('error', (err) => lost(err));
      client.on('end', () => lost(new Error('the location listener connection ended')));
      client.on('notification', (msg) => {
        if (msg.channel !== LOCATION_CHANNEL || !msg.payload) return;
        this.opts.onChange(msg.payload);
        this.emit('change', msg.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${LOCATION_CHANNEL}`);
      } catch (err) {
        await client.end().catch(() => undefined);
        if (this.closed) return;
        this.opts.onError?.(err);
        this.emit('failed', err);
        await this.sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxMs);
        continue;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      backoffMs = this.opts.minBackoffMs ?? 500;
      this.client = client;
      // Whatever was announced while no connection listened is unknown: read every location again.
      if (this.connectedOnce) this.opts.onResumed();
      this.connectedOnce = true;
      this.emit('listening');
      const err = await dropped;
      this.client = undefined;
      await client.end().catch(() => undefined);
      if (this.closed) return;
      this.opts.onError?.(err);
      this.emit('lost', err);
      await this.sleep(backoffMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
      this.timer.unref();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.current?.end().catch(() => undefined);
    await this.loop;
  }
}
