import { DomainError } from '@cifra/domain';
import Cursor from 'pg-cursor';
import { dbErrorOf, pgErrorOf, SqlState } from './db-errors.ts';
import { CANCEL_GRACE_MS, cancelStatement } from './investigation-cancel.ts';
import { isQuery, NOT_A_QUERY } from './investigation-statement.ts';
import { investigationTypes } from './investigation-values.ts';
import { appLoginOn, clientLoginRole, derivedPassword, refreshLogin } from './logins.ts';
import { type pg, quoteIdent, withClient } from './pg.ts';
import { takingTurns } from './servers.ts';
import { withCredentials, withDatabase } from './url.ts';

/**
 * The secret every client's investigator login password is derived from (`${NAME}` in the
 * services' secrets): HMAC-SHA256(secret, role). Nothing per client is stored; rotating the
 * secret and running `pnpm migrate` re-derives every password.
 */
export const INVESTIGATOR_SECRET = 'INVESTIGATOR_DB_SECRET';

/**
 * A client database's logins (re)made with the server's admin connection: the application's, its
 * password derived from `appSecret` (TENANT_DB_SECRET), and the investigator's when `secrets` hold
 * INVESTIGATOR_SECRET — both on one session, taking turns once. What provisioning, a restore, a
 * move and `pnpm migrate` each give a database.
 */
export async function ensureClientLogins(
  serverAdminUrl: string,
  databaseName: string,
  appSecret: string,
  secrets: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const investigatorSecret = secrets[INVESTIGATOR_SECRET];
  await withClient(withDatabase(serverAdminUrl, 'postgres'), (c) =>
    takingTurns(c, async () => {
      await appLoginOn(c, databaseName, appSecret);
      if (investigatorSecret) await investigatorLoginOn(c, databaseName, investigatorSecret);
    }),
  );
  if (investigatorSecret) await grantInvestigator(serverAdminUrl, databaseName);
}

/**
 * Temporary disk space one investigation's session may use (sorts, hashes and materialisations
 * past `work_mem`): the login's `temp_file_limit`. Past it the statement fails, QUERY_DISK_LIMIT.
 */
export const INVESTIGATOR_TEMP_FILE_LIMIT = '256MB';

/** At most this many investigations at once on one client: the login's own connection limit. */
export const INVESTIGATOR_CONNECTION_LIMIT = 3;

/** The login a client's investigations run as: `ix_` and a digest of the database name. */
export const investigatorRole = (databaseName: string) => clientLoginRole('ix', databaseName);

/** The investigator login's connection limit is reached: as many investigations as allowed are running. */
export function investigatorBusy(err: unknown): boolean {
  return dbErrorOf(err)?.sqlState === '53300';
}

/** How a client's investigations connect: its database, as its own investigator login. */
export function investigatorUrl(serverAddress: string, databaseName: string, secret: string): string {
  const role = investigatorRole(databaseName);
  return withCredentials(withDatabase(serverAddress, databaseName), role, derivedPassword(secret, role));
}

/**
 * Create (or refresh) a client's investigator login, with the server's admin connection: a login
 * that is member of no role — so no SET ROLE, set_config('role') or SET SESSION AUTHORIZATION
 * reaches anything — with CONNECT on its own client's database only, SELECT on that database's
 * tables (business, history and audit; tables later migrations create too), read-only sessions,
 * a statement timeout, a temporary-file limit it cannot override (INVESTIGATOR_TEMP_FILE_LIMIT),
 * no parallel workers, and at most INVESTIGATOR_CONNECTION_LIMIT connections. It cannot see other
 * sessions' statements nor signal any backend: PostgreSQL allows both only for one's own role.
 */
export async function ensureInvestigatorLogin(
  serverAdminUrl: string,
  databaseName: string,
  secret: string,
): Promise<string> {
  await withClient(withDatabase(serverAdminUrl, 'postgres'), (c) =>
    takingTurns(c, () => investigatorLoginOn(c, databaseName, secret)),
  );
  return grantInvestigator(serverAdminUrl, databaseName);
}

/** The investigator's login itself, on a session to the server's `postgres` database that holds `takingTurns`. */
async function investigatorLoginOn(c: pg.Client, databaseName: string, secret: string): Promise<void> {
  const role = investigatorRole(databaseName);
  await refreshLogin(c, {
    role,
    password: derivedPassword(secret, role),
    databaseName,
    attributes: `NOINHERIT CONNECTION LIMIT ${INVESTIGATOR_CONNECTION_LIMIT}`,
    // No parallel workers: each would be a process of its own with its own work_mem and
    // temp_file_limit, and its own share of the server's cores — one investigation would take up to
    // three times the memory, disk and CPU its limits say, from every client on the server.
    settings: {
      default_transaction_read_only: 'on',
      statement_timeout: '30s',
      max_parallel_workers_per_gather: '0',
    },
  });
  // Only a superuser (or a role granted SET on it) may set temp_file_limit, and so only one may
  // override it: the login cannot. Where the admin may not set it (some managed services), the
  // login keeps the server's, with a warning, as tenant migrations 0048 and 0051 do.
  await c.query(`DO $$ BEGIN
      ALTER ROLE ${quoteIdent(role)} SET temp_file_limit = '${INVESTIGATOR_TEMP_FILE_LIMIT}';
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE WARNING 'cifraHQ: the admin role may not set temp_file_limit; investigations keep the server''s';
    END $$`);
}

/** What the investigator may read in its client's database, granted there; its role's name. */
async function grantInvestigator(serverAdminUrl: string, databaseName: string): Promise<string> {
  const role = investigatorRole(databaseName);
  await withClient(withDatabase(serverAdminUrl, databaseName), async (c) => {
    // An archived client's database refuses writes to every session by default (archiveClient);
    // granting is the operator's, on this session alone.
    await c.query('SET default_transaction_read_only = off');
    await c.query(`GRANT USAGE ON SCHEMA public TO ${quoteIdent(role)}`);
    await c.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${quoteIdent(role)}`);
    await c.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${quoteIdent(role)}`);
    // The read-only functions the migrations open to investigators (the chain verification) —
    // never one that takes an advisory lock: a read-only transaction may, and the period gates
    // would then hold the client's postings (tenant migration 0048).
    const fns = await c.query<{ signature: string }>(
      `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p
        WHERE has_function_privilege('readonly_investigator', p.oid, 'EXECUTE')
          AND p.pronamespace = 'public'::regnamespace AND p.prorettype <> 'trigger'::regtype
          AND p.prosrc NOT ILIKE '%advisory%lock%'`,
    );
    for (const { signature } of fns.rows)
      await c.query(`GRANT EXECUTE ON FUNCTION ${signature} TO ${quoteIdent(role)}`);
  });
  return role;
}

export interface InvestigationLimits {
  /**
   * How long the statement may run, in milliseconds, from its first read to its last: the
   * session's `statement_timeout` and a deadline this process keeps across every read (`Deadline`).
   */
  timeoutMs: number;
  /** Rows returned at most; the query is not read past this (the cursor is closed). */
  maxRows: number;
  /** Bytes of the answer (as JSON) at most; past it the investigation is refused, nothing returned. */
  maxBytes: number;
}

export const DEFAULT_INVESTIGATION_LIMITS: InvestigationLimits = {
  timeoutMs: 10_000,
  maxRows: 1_000,
  maxBytes: 5_000_000,
};

/** What a row's message may carry beyond the answer's bytes: its framing, and the JSON it is counted as. */
const MESSAGE_HEADROOM = 65_536;

const tooLarge = (maxBytes: number) =>
  new DomainError(
    'INVESTIGATION_TOO_LARGE',
    `The answer is larger than ${maxBytes} bytes: select fewer or narrower rows`,
    { maxBytes },
  );

type ProtocolStream = NodeJS.ReadableStream & { destroy(error?: Error): void };

/**
 * The connection is cut, rather than read on, as soon as one message from the server announces
 * more than `maxMessageBytes` — one row wider than the whole answer may be. Such a value is never
 * buffered whole nor decoded: a single text value of half a gigabyte (`repeat('x', 600000000)`)
 * would otherwise throw inside the driver's socket handler, where nothing can catch it, and stop
 * the process. The guard reads each message's header (a type byte and a 32-bit length) on the
 * protocol stream the driver itself reads (the TLS stream when there is one), from the message
 * boundary the finished connect leaves, and fails the statement with INVESTIGATION_TOO_LARGE.
 */
function refuseLargeMessages(client: pg.Client, maxMessageBytes: number): void {
  const stream = (client as unknown as { connection: { stream: ProtocolStream } }).connection.stream;
  let header = Buffer.alloc(0);
  let skip = 0;
  const guard = (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        continue;
      }
      const part = chunk.subarray(i, i + 5 - header.length);
      header = Buffer.concat([header, part]);
      i += part.length;
      if (header.length < 5) return;
      const body = header.readUInt32BE(1) - 4;
      header = Buffer.alloc(0);
      if (body > maxMessageBytes) {
        stream.removeListener('data', guard);
        stream.destroy(tooLarge(maxMessageBytes - MESSAGE_HEADROOM));
        return;
      }
      skip = body;
    }
  };
  stream.prependListener('data', guard);
}

/**
 * A statement that is no query (`isQuery`), or answers with a copy rather than rows: the
 * investigation refuses it.
 */
export class NotAQuery extends Error {}

type CopyConnection = { stream: ProtocolStream };

/**
 * The cursor the statement runs on, with its values read exactly (investigation-values.ts). `COPY …
 * TO STDOUT` is allowed in a read-only transaction and over the extended protocol; the driver hands
 * its copy messages to the active query, and pg-cursor has no handler for them: the driver threw
 * inside its socket handler, where nothing catches, and the whole process stopped. Here the first
 * copy message fails the statement as NotAQuery and cuts the connection (made for this statement
 * alone), nothing more of the copy read.
 */
class InvestigationCursor extends Cursor {
  /** pg-cursor's own: fails the read under way (absent from its type declarations). */
  declare handleError: (error: Error) => void;
  private refused = false;
  constructor(statement: string) {
    super(statement, [], { rowMode: 'array', types: investigationTypes });
  }
  handleCopyData(_message: unknown, connection: CopyConnection): void {
    this.refuseCopy(connection);
  }
  handleCopyInResponse(connection: CopyConnection): void {
    this.refuseCopy(connection);
  }
  private refuseCopy(connection: CopyConnection): void {
    if (this.refused) return;
    this.refused = true;
    connection.stream.destroy();
    this.handleError(new NotAQuery(COPY_REFUSED));
  }
}

const COPY_REFUSED = 'COPY is not answered by an investigation: ask with SELECT';

/** Rows read from the cursor at a time, so the answer's size is checked as it grows. */
const BATCH_ROWS = 50;

/** The statement ran past the investigation's time bound: canceled (SQLSTATE 57014, query_canceled). */
export class InvestigationTimedOut extends Error {
  /** The SQLSTATE the server reports for a canceled statement, its own timeout's included. */
  readonly code = SqlState.QUERY_CANCELED;
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(timedOutMessage(timeoutMs), options);
  }
}

/** What a person is told of a timeout: the limit in seconds, and what to do about it. */
export function timedOutMessage(timeoutMs: number): string {
  const seconds = timeoutMs / 1000;
  return `The investigation ran longer than its limit of ${seconds} second${seconds === 1 ? '' : 's'} and was cancelled: narrow it (a tighter WHERE, fewer rows, joins or sorts, a LIMIT) and run it again`;
}

/**
 * The investigation's time bound, kept by this process across every read of the cursor. The
 * session's `statement_timeout` cannot hold it alone: the statement may change it — its first row
 * calling `set_config('statement_timeout', '0', true)` switched it off for the cursor's next read,
 * and the statement ran on for as long as it liked. At the deadline the statement is canceled
 * (`cancelStatement`); if its read has not ended `CANCEL_GRACE_MS` later, the connection is cut
 * (and canceled once more, so that a backend busy where it cannot yet be interrupted stops at its
 * next chance rather than when it next writes). Once expired, the investigation's outcome is a
 * timeout whatever arrives after.
 */
class Deadline {
  expired = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(client: pg.Client, timeoutMs: number, cut: (error: Error) => void) {
    this.timers.push(
      setTimeout(() => {
        this.expired = true;
        cancelStatement(client);
        this.timers.push(
          setTimeout(() => {
            cancelStatement(client);
            cut(new InvestigationTimedOut(timeoutMs));
          }, CANCEL_GRACE_MS),
        );
      }, timeoutMs),
    );
  }

  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
  }
}

export interface InvestigationResult {
  columns: string[];
  /** Each row as an array of JSON-safe values, in column order. */
  rows: unknown[][];
  /** Rows returned (at most `maxRows`). */
  rowCount: number;
  /** True when the query had more rows than `maxRows`. */
  truncated: boolean;
}

/** A database value as JSON: int8 and numeric stay strings (exact), bytea becomes hex, times ISO 8601. */
function jsonSafe(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (typeof value === 'bigint') return value.toString();
  // NaN and the infinities (a float's, a timestamp's 'infinity') have no JSON number: their text.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}

/**
 * Run one statement on a connection of the client's investigator login (`ensureInvestigatorLogin`)
 * in a READ ONLY transaction that is always rolled back, with a time bound, a row cap and a byte
 * cap. The statement goes through the extended protocol, so it is exactly one statement
 * (`;`-chained commands are refused by the server), and it must be a query (`isQuery`: no SET,
 * no DO block, no COPY — NotAQuery, nothing sent). With `set_config` closed to the login (tenant
 * migration 0051), the session's settings — `work_mem`, `hash_mem_multiplier`, the timeouts — are
 * the ones it connected with: the statement cannot raise them. Use a dedicated connection and
 * close it afterwards: nothing the statement does to the session may reach anyone else. Past its time the
 * statement is canceled and InvestigationTimedOut thrown, whatever it set (`Deadline`); the
 * connection is then idle with its transaction rolled back, or cut.
 */
export async function runInvestigation(
  client: pg.Client,
  statement: string,
  limits: InvestigationLimits = DEFAULT_INVESTIGATION_LIMITS,
): Promise<InvestigationResult> {
  if (!isQuery(statement)) throw new NotAQuery(NOT_A_QUERY);
  const timeoutMs = Math.max(1, Math.floor(limits.timeoutMs));
  refuseLargeMessages(client, limits.maxBytes + MESSAGE_HEADROOM);
  const stream = (client as unknown as { connection: { stream: ProtocolStream } }).connection.stream;
  let deadline: Deadline | undefined;
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // The server's own bound too: it also holds if this process stops keeping the deadline.
    await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
    // The first query takes the transaction's snapshot; from then on SET TRANSACTION READ WRITE
    // is refused, so the statement cannot make its own transaction writable.
    await client.query('SELECT 1');
    deadline = new Deadline(client, timeoutMs, (error) => stream.destroy(error));
    const timedOut = (cause?: unknown) => new InvestigationTimedOut(timeoutMs, { cause });
    const cursor = client.query(new InvestigationCursor(statement));
    // A cursor closes when the server says it is ready for the next query, which a cut
    // connection never says: the close ends with the connection, rather than waiting for ever.
    const cut = new Promise<void>((resolve) => stream.once('close', () => resolve()));
    const close = () => Promise.race([cursor.close(), cut]);
    const read = (n: number) =>
      new Promise<{ rows: unknown[][]; fields: { name: string }[] }>((resolve, reject) => {
        cursor.read(n, (err, rows, result) =>
          err ? reject(err) : resolve({ rows: rows as unknown[][], fields: result?.fields ?? [] }),
        );
      });
    const kept: unknown[][] = [];
    let columns: string[] = [];
    let bytes = 0;
    let more = true;
    while (more && kept.length <= limits.maxRows) {
      let batch: Awaited<ReturnType<typeof read>>;
      try {
        batch = await read(Math.min(BATCH_ROWS, limits.maxRows + 1 - kept.length));
      } catch (err) {
        // Canceled at the deadline, by the server's own timeout, or cut after the grace.
        if (deadline.expired || pgErrorOf(err)?.code === SqlState.QUERY_CANCELED) throw timedOut(err);
        throw err;
      }
      if (deadline.expired) {
        // The read ended as the deadline passed: the cancel found the session idle.
        await close().catch(() => undefined);
        throw timedOut();
      }
      if (batch.fields.length) columns = batch.fields.map((f) => f.name);
      for (const row of batch.rows) {
        const safe = row.map(jsonSafe);
        bytes += Buffer.byteLength(JSON.stringify(safe));
        if (bytes > limits.maxBytes) {
          await close().catch(() => undefined);
          throw tooLarge(limits.maxBytes);
        }
        kept.push(safe);
      }
      more = batch.rows.length > 0;
    }
    await close();
    if (deadline.expired) throw timedOut();
    return {
      columns,
      rows: kept.slice(0, limits.maxRows),
      rowCount: Math.min(kept.length, limits.maxRows),
      truncated: kept.length > limits.maxRows,
    };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    // Kept until the rollback has ended: a session that does not answer it is cut too.
    deadline?.clear();
  }
}
