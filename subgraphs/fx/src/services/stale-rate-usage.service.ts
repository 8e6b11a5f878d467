import {
  type Caller,
  type ControlDb,
  clientsWithoutStaleRates,
  type FanOutOptions,
  fanOut,
  firmView,
  type TenantDb,
  type TenantRegistry,
  type tenant,
  type UnavailableCode,
  visibleClients,
} from '@cifra/db';
import { badInput, type IsoDate, parseIsoDate, scopedId } from '@cifra/domain';
import { type Permission, Permissions } from '@cifra/permissions';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';

export interface FirmFxDeps {
  control: ControlDb;
  registry: TenantRegistry;
  fanOut: FanOutOptions;
}

/** One posted entry that translated an amount at a fallback or overridden rate, with the rate's provenance. */
export interface StaleRateEntry {
  entryId: string;
  entryNumber: string;
  postingDate: IsoDate;
  /** The document the entry posted, if any (INV-2026-000001). */
  documentNumber: string | null;
  sourceKind: (typeof tenant.sourceKind.enumValues)[number];
  currency: string;
  /** The rate as stored (exact decimal text, canonical). */
  rate: string;
  rateDate: IsoDate;
  /** ECB, a JSON provider's id, OVERRIDE, DOCUMENT (typed on the document) or PEG. */
  source: string;
  exchangeRateId: string;
  /** The rate was older than the document's date when it was used. */
  isFallback: boolean;
  /** A rate forced by a person: an override for its date, or typed on the document. */
  isOverride: boolean;
  overrideByEmail: string | null;
  overrideReason: string | null;
}

export interface ClientRef {
  id: string;
  slug: string;
  name: string;
  /** A sandbox client (listed only when the view asks for sandboxes). */
  sandbox: boolean;
}

export type StaleRateClient = { client: ClientRef } & (
  | {
      availability: 'AVAILABLE';
      entries: StaleRateEntry[];
      truncated: boolean;
      /** The answer is at least this fresh: the live read's start, or the read model's snapshot. */
      asOf: Date;
    }
  | { availability: 'UNAVAILABLE'; code: UnavailableCode; reason: string }
);

export interface StaleRateUsage {
  from: IsoDate;
  to: IsoDate;
  clients: StaleRateClient[];
  unavailableCount: number;
}

/** Entries listed per client at most; beyond it the client's row says `truncated`. */
export const MAX_ENTRIES_PER_CLIENT = 1_000;
/** The longest range asked at once. */
export const MAX_RANGE_DAYS = 366;

/** What a caller's role on a client must grant for that client to appear: its books and its rates. */
const NEEDED: readonly Permission[] = [Permissions.GL.Read, Permissions.FX.Read];

const canonical = (numeric: string) =>
  numeric.includes('.') ? numeric.replace(/0+$/, '').replace(/\.$/, '') : numeric;

/**
 * One client's entries posted between two dates (posting date, inclusive) whose lines cite a
 * fallback rate (`gl_lines.rate_is_fallback`) or an overridden one (the cited `exchange_rates` row
 * is an override: forced for its date, or typed on the document): one row per entry and rate.
 * Reads only, through the provenance columns the posting engine writes.
 */
export async function readStaleRateUsage(
  db: Pick<TenantDb, 'execute'>,
  from: IsoDate,
  to: IsoDate,
  limit = MAX_ENTRIES_PER_CLIENT,
): Promise<{ entries: StaleRateEntry[]; truncated: boolean }> {
  const { rows } = await db.execute<{
    entry_id: string;
    number: string;
    posting_date: string;
    source_kind: (typeof tenant.sourceKind.enumValues)[number];
    document_number: string | null;
    currency: string;
    rate: string;
    rate_date: string;
    source: string;
    rate_id: string;
    is_fallback: boolean;
    is_override: boolean;
    override_by_email: string | null;
    override_reason: string | null;
  }>(sql`
    SELECT e.id AS entry_id, e.number, e.posting_date::text AS posting_date, e.source_kind::text AS source_kind,
           (SELECT d.number FROM documents d WHERE d.entry_id = e.id LIMIT 1) AS document_number,
           l.original_currency AS currency, r.rate::text AS rate, r.rate_date::text AS rate_date, r.source,
           r.id::text AS rate_id, bool_or(l.rate_is_fallback) AS is_fallback, r.is_override,
           r.override_by_email, r.override_reason
      FROM gl_lines l
      JOIN journal_entries e ON e.id = l.entry_id
      JOIN exchange_rates r ON r.id = l.exchange_rate_id
     WHERE l.posting_date BETWEEN ${from}::date AND ${to}::date
       AND (l.rate_is_fallback OR r.is_override)
     GROUP BY e.id, l.original_currency, r.id
     ORDER BY e.posting_date, e.number, l.original_currency, r.id
     LIMIT ${limit + 1}`);
  return {
    truncated: rows.length > limit,
    entries: rows.slice(0, limit).map((r) => ({
      entryId: r.entry_id,
      entryNumber: r.number,
      postingDate: r.posting_date,
      documentNumber: r.document_number,
      sourceKind: r.source_kind,
      currency: r.currency.trim(),
      rate: canonical(r.rate),
      rateDate: r.rate_date,
      source: r.source,
      exchangeRateId: r.rate_id,
      isFallback: r.is_fallback,
      isOverride: r.is_override,
      overrideByEmail: r.override_by_email,
      overrideReason: r.override_reason,
    })),
  };
}

/**
 * `staleRateUsage(from, to)`: across the clients the caller may read (their own role there grants
 * GL.Read and FX.Read), the entries posted in the range on fallback or overridden rates. A client
 * the close board's read model shows current and without such entries in the range is answered from
 * it (no entries, with the summary's time); the others — some entries, summary behind or never read,
 * database down last time — are read live: one read-only read per client database, bounded in
 * concurrency and time (`fanOut`); a client that does not answer is UNAVAILABLE with the reason, the
 * others still answer.
 */
export async function staleRateUsage(
  deps: FirmFxDeps,
  caller: Caller,
  fromText: string,
  toText: string,
  opts: { includeSandboxes?: boolean | null } = {},
): Promise<StaleRateUsage> {
  const { from, to } = parseRange(fromText, toText);
  // Sandboxes only when asked for; archived clients never (their books take no more postings).
  const only = firmView({ includeSandboxes: opts.includeSandboxes, includeArchived: false });
  const clients = (await visibleClients(deps.control, caller, only))
    .filter(({ permissions }) => NEEDED.every((p) => permissions.includes(p)))
    .map(({ tenant }) => ({ id: tenant.id, slug: tenant.slug, name: tenant.name, sandbox: tenant.sandbox }));
  const known = await clientsWithoutStaleRates(
    deps.control,
    clients.map((c) => c.id),
    from,
    to,
  );
  const readAt = new Date();
  const live = await fanOut(
    deps.registry,
    clients.filter((c) => !known.has(c.id)).map((c) => c.id),
    (db) => readStaleRateUsage(db, from, to),
    deps.fanOut,
  );
  const liveOf = new Map(live.map((r) => [r.tenantId, r]));
  const rows = clients.map((client): StaleRateClient => {
    const summaryAt = known.get(client.id);
    if (summaryAt)
      return { client, availability: 'AVAILABLE', entries: [], truncated: false, asOf: summaryAt };
    const r = liveOf.get(client.id);
    if (!r) throw new Error(`staleRateUsage: no live read for client ${client.id}`);
    if (!r.ok) return { client, availability: 'UNAVAILABLE', code: r.code, reason: r.reason };
    // Rate rows are numbered per client: the id the caller sees names the client too.
    const entries = r.value.entries.map((e) => ({
      ...e,
      exchangeRateId: scopedId('ExchangeRateRecord', client.id, e.exchangeRateId),
    }));
    return { client, availability: 'AVAILABLE', ...r.value, entries, asOf: readAt };
  });
  return {
    from,
    to,
    clients: rows,
    unavailableCount: rows.filter((c) => c.availability === 'UNAVAILABLE').length,
  };
}

function parseRange(fromText: string, toText: string): { from: IsoDate; to: IsoDate } {
  const from = parseIsoDate(fromText, 'from');
  const to = parseIsoDate(toText, 'to');
  if (from > to) throw badInput('from: must not be after to', { field: 'from' });
  const days = DateTime.fromISO(to, { zone: 'UTC' }).diff(
    DateTime.fromISO(from, { zone: 'UTC' }),
    'days',
  ).days;
  if (days > MAX_RANGE_DAYS) {
    throw badInput(`to: ask for at most ${MAX_RANGE_DAYS} days at once`, { field: 'to' });
  }
  return { from, to };
}
