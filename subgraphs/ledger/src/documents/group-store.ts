import { randomUUID } from 'node:crypto';
import {
  type Actor,
  auditJson,
  type NamedRiding,
  pg,
  rideNamed,
  rowsOf,
  sendRiders,
  simpleQueries,
  tenant,
  uuidArray,
} from '@cifra/db';
import { hasIsoDateShape, type IsoDate, isUuid } from '@cifra/domain';
import { type Period, periodsByDate, type TenantTx } from '@cifra/engine';
import { type ClientFx, latestRatesOfDocumentsSql, type RateAnswer } from '@cifra/fx';
import { type SQL, sql } from 'drizzle-orm';
import type {
  AccountRole,
  CompanyRow,
  DocumentKind,
  DocumentLineRow,
  DocumentRow,
  LiveAllocation,
  PartyRow,
  TaxCodeRow,
} from './store.ts';

/**
 * The books' lane's door to the database for documents (post-each.ts, apply-credit-each.ts,
 * write-offs-each.ts, staged.ts): what a group reads of its drafts and the invoices they settle,
 * each in one round trip, and the one call that inserts the drafts it made and posts every row.
 */

type Allocation = { invoiceId: string; amountMinor: bigint };

/** What the documents' pass reads for a group: its drafts locked, their parties and lines, the client's setup. */
export interface LaneReads {
  docs: Map<string, DocumentRow>;
  company: CompanyRow | undefined;
  parties: Map<string, PartyRow>;
  lines: Map<string, LineInForce[]>;
  taxes: Map<string, TaxCodeRow>;
  roles: Map<AccountRole, string>;
  /** A receipt's or payment's proposed allocations, in order, by document. */
  allocations: Map<string, Allocation[]>;
  /**
   * The rows deciding the rate of each foreign draft read here on its document date, before the
   * staleness limit (`latestRatesOfDocumentsSql`; `ratesFromRows` decides).
   */
  rates: Record<string, unknown>[];
}

/**
 * What the pass before the documents' pass holds of some of its drafts: the write-offs the group
 * drafted itself, as they will be inserted (`draftRowOf`; no lines), with their proposed
 * allocations, their parties and the invoices they settle, locked by that pass with what settles
 * them (`draftWriteOffs`). Nobody else sees those drafts before the group commits, and nothing
 * changed those invoices since: the documents' pass takes them as they are instead of reading and
 * locking them again.
 */
export interface KnownDrafts {
  docs: ReadonlyMap<string, DocumentRow>;
  allocations: ReadonlyMap<string, Allocation[]>;
  parties: ReadonlyMap<string, PartyRow>;
  locked: LockedSettlements;
  /** The rates in force that pass read for them (foreign invoices), by `rateKey`. */
  rates: ReadonlyMap<string, RateAnswer>;
}

/** The documents' pass's reads of some drafts, asked (`askLaneReads`), their rows to come. */
export interface LaneReadsAsked {
  /** The drafts asked for: only UUIDs, each once. */
  ids: readonly string[];
  riding: NamedRiding<keyof ReturnType<typeof laneStatements>>;
}

/**
 * The documents' pass's reads in one round trip: up to seven statements sent as one query (the
 * simple protocol, no parameters: the ids are inlined, and only ids that are UUIDs — any other can
 * name no document, and its posting runs alone), run by the server one after the other. The drafts
 * are locked by the first (in id order); each later statement takes its own snapshot after it, so
 * every read sees the drafts as locked, as separate statements did. With `fx`, the client's
 * currencies, the last statement reads the rows that decide the foreign drafts' rates on their
 * document dates (rates are never changed, only added: read with the drafts, as good as after their
 * lock), where a statement of its own cost a round trip a group of foreign documents. Asked now,
 * riding ahead of the transaction's next round trip (`ride`): the write-offs' lock carries them when
 * the group has write-offs, which are then locked after the drafts, as a lone posting locks its
 * draft before what it settles; else `laneReads` sends them.
 */
export function askLaneReads(tx: TenantTx, ids: readonly string[], fx?: ClientFx): LaneReadsAsked {
  const valid = [...new Set(ids.filter(isUuid))];
  return { ids: valid, riding: rideNamed(tx, laneStatements(valid, fx)) };
}

/**
 * The documents `of` (a uuid[] literal) locked FOR UPDATE in id order, by `cifra_lock_documents`
 * (tenant migration 0060), whose query the connection keeps planned: inlined, it was planned afresh
 * each time, up to four times a group.
 */
const lockDocumentsSql = (of: string) => `SELECT * FROM cifra_lock_documents(${of})`;

/** The documents' pass's reads of the drafts `ids` (only UUIDs), those of no draft left out (''). */
const laneStatements = (ids: readonly string[], fx?: ClientFx) => {
  const of = uuidArray(ids);
  const drafts = ids.length > 0;
  return {
    docs: drafts ? lockDocumentsSql(of) : '',
    company: 'SELECT * FROM company',
    parties: drafts ? partiesOfSql(of) : '',
    lines: drafts ? linesInForceSql(of) : '',
    taxes: 'SELECT * FROM tax_codes',
    roles: 'SELECT * FROM account_role_bindings',
    allocations: drafts
      ? `SELECT * FROM cifra_draft_allocations_of(${of}) ORDER BY document_id, line_number`
      : '',
    rates: fx && drafts ? latestRatesOfDocumentsSql(fx, of) : '',
  };
};

/**
 * The reads `askLaneReads` asked, with the `known` drafts (never read: they are not inserted yet)
 * taken as given.
 */
export async function laneReads({ ids, riding }: LaneReadsAsked, known?: KnownDrafts): Promise<LaneReads> {
  const all = [...ids, ...(known?.docs.keys() ?? [])];
  const lines = new Map<string, LineInForce[]>(all.map((id) => [id, []]));
  const allocations = new Map<string, Allocation[]>(
    all.map((id) => [id, [...(known?.allocations.get(id) ?? [])]]),
  );
  const docs = new Map(known?.docs);
  const parties = new Map(known?.parties);
  const { of: rows } = await riding.rows();
  for (const line of linesInForceOf(rows('lines'))) lines.get(line.documentId)?.push(line);
  for (const a of rowsOf(tenant.draftAllocations, rows('allocations'))) {
    allocations.get(a.documentId)?.push({ invoiceId: a.invoiceId, amountMinor: a.amountMinor });
  }
  for (const d of rowsOf(tenant.documents, rows('docs'))) docs.set(d.id, d);
  for (const p of rowsOf(tenant.parties, rows('parties'))) parties.set(p.id, p);
  return {
    docs,
    company: rowsOf(tenant.company, rows('company'))[0],
    parties,
    lines,
    taxes: new Map(rowsOf(tenant.taxCodes, rows('taxes')).map((t) => [t.code, t])),
    roles: new Map(rowsOf(tenant.accountRoleBindings, rows('roles')).map((r) => [r.role, r.accountId])),
    allocations,
    rates: rows('rates'),
  };
}

/** A draft's line with the rate its tax code has in force on the document's date (null: no code). */
export type LineInForce = DocumentLineRow & { rateInForce: string | null };

/**
 * The documents' lines in order, each with its tax code's rate in force on its document's date: the
 * latest dated rate on or before it, else the code's own (as `taxCodes(db, on)` reads it).
 *
 * Read by `cifra_lines_in_force` (tenant migration 0056), whose query the connection keeps planned:
 * sent inlined, as the lane's reads are, it was planned afresh each group, which took longer than
 * running it. Driven from the ids (`unnest`), each document and its lines found by their keys.
 * Filtered with `= ANY` instead, the planner joined the lines to every document by a hash of the
 * whole table whatever its statistics said — a scan of all the client's documents for each group,
 * 1.6 ms at 7,000 documents and growing with them.
 */
const linesInForceSql = (of: string) =>
  `SELECT (f.line).*, f.rate_in_force FROM cifra_lines_in_force(${of}) f
    ORDER BY (f.line).document_id, (f.line).line_number`;

/** The parties of the documents `of` names, by `cifra_parties_of_documents` (planned once a connection, 0056). */
const partiesOfSql = (of: string) => `SELECT * FROM cifra_parties_of_documents(${of})`;

const linesInForceOf = (rows: readonly Record<string, unknown>[]): LineInForce[] =>
  rowsOf(tenant.documentLines, rows).map((line, i) => ({
    ...line,
    rateInForce: (rows[i]?.rate_in_force as string | null) ?? null,
  }));

/** A document's lines with their rates in force (`linesInForceSql`), for a posting outside the lane. */
export async function linesInForce(tx: TenantTx, id: string): Promise<LineInForce[]> {
  const { rows } = await tx.execute<Record<string, unknown>>(sql.raw(linesInForceSql(uuidArray([id]))));
  return linesInForceOf(rows);
}

/** A draft a lane inserts, with the id it draws, its author and its proposed allocations. */
export interface DraftAs {
  values: typeof tenant.documents.$inferInsert & { id: string };
  actor: Actor;
  allocations?: readonly Allocation[];
}

/**
 * A draft as cifra_insert_drafts_as will insert it (the columns `draftArgs` sends, the table's
 * defaults for the rest), `at` standing for its times: for a group that posts drafts it has not yet
 * inserted (its write-offs, inserted by the call that posts them). The rows the group answers are
 * the database's.
 */
export function draftRowOf(v: DraftAs['values'], at: Date): DocumentRow {
  return {
    id: v.id,
    kind: v.kind,
    status: 'DRAFT',
    number: null,
    partyId: v.partyId,
    documentDate: v.documentDate,
    postingDate: v.postingDate,
    dueDate: v.dueDate ?? null,
    currency: v.currency,
    exchangeRate: v.exchangeRate ?? null,
    exchangeRateId: null,
    rateIsFallback: false,
    reference: v.reference ?? null,
    memo: v.memo ?? '',
    appliesToId: v.appliesToId ?? null,
    bankAccountId: v.bankAccountId ?? null,
    bankFeeMinor: v.bankFeeMinor ?? 0n,
    subtotalMinor: v.subtotalMinor ?? 0n,
    taxMinor: v.taxMinor ?? 0n,
    totalMinor: v.totalMinor ?? 0n,
    baseTotalMinor: null,
    creditMinor: 0n,
    creditBaseMinor: 0n,
    entryId: null,
    idempotencyKey: v.idempotencyKey ?? null,
    idempotencyHash: v.idempotencyHash ?? null,
    openingImportId: null,
    originalTotalMinor: null,
    createdBy: v.createdBy ?? null,
    postedBy: null,
    postedAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

/** The arguments of cifra_insert_drafts_as for `drafts`: their provenance, one array a column. */
function draftArgs(drafts: readonly DraftAs[]): SQL {
  const lines = drafts.flatMap(({ values, allocations = [] }) =>
    allocations.map((a, k) => ({ documentId: values.id, lineNumber: k + 1, ...a })),
  );
  const provenance = Object.fromEntries(
    drafts.flatMap(({ values, actor }) => {
      const by = {
        actor_id: actor.userId ?? '',
        actor_email: actor.email ?? '',
        reason: actor.reason ?? '',
        request_id: actor.requestId ?? '',
      };
      const own = lines.filter((l) => l.documentId === values.id);
      return [[values.id, by], ...own.map((l) => [`${l.documentId}:${l.lineNumber}`, by])];
    }),
  );
  // One array a column (`unnest`), as the group's other statements: a multi-row insert built by
  // drizzle cost this process about a millisecond a group of 32 in building its parameters.
  const col = (f: (d: (typeof drafts)[number]['values']) => unknown) =>
    sql.param(drafts.map((d) => f(d.values) ?? null));
  const minor = (v: bigint | null | undefined) => String(v ?? 0n);
  const line = (f: (l: (typeof lines)[number]) => unknown) => sql.param(lines.map(f));
  // One call (tenant migration 0052): the provenance set, the drafts, their allocations, the
  // provenance cleared — four round trips before.
  return sql`${JSON.stringify(provenance)}::jsonb,
      ${col((d) => d.id)}::uuid[], ${col((d) => d.kind)}::document_kind[], ${col((d) => d.partyId)}::uuid[],
      ${col((d) => d.documentDate)}::date[], ${col((d) => d.postingDate)}::date[], ${col((d) => d.dueDate)}::date[],
      ${col((d) => d.currency)}::char(3)[], ${col((d) => d.exchangeRate)}::numeric[], ${col((d) => d.reference)}::text[],
      ${col((d) => d.memo ?? '')}::text[], ${col((d) => d.appliesToId)}::uuid[], ${col((d) => d.bankAccountId)}::uuid[],
      ${col((d) => minor(d.bankFeeMinor))}::bigint[], ${col((d) => minor(d.subtotalMinor))}::bigint[],
      ${col((d) => minor(d.taxMinor))}::bigint[], ${col((d) => minor(d.totalMinor))}::bigint[],
      ${col((d) => d.idempotencyKey)}::text[], ${col((d) => d.idempotencyHash)}::text[], ${col((d) => d.createdBy)}::uuid[],
      ${line((l) => l.documentId)}::uuid[], ${line((l) => l.lineNumber)}::smallint[], ${line((l) => l.invoiceId)}::uuid[],
      ${line((l) => String(l.amountMinor))}::bigint[]`;
}

/** What a document of a group records when it is posted. */
export interface PostedDocument {
  id: string;
  kind: DocumentKind;
  fiscalYear: number;
  entryId: string;
  exchangeRate: string;
  /** The rate row it cites (none in the base currency) and whether that row stood in as a fallback. */
  exchangeRateId: bigint | null;
  rateIsFallback: boolean;
  baseTotalMinor: bigint;
  /** What it leaves on the party's account, and that credit in base currency. */
  creditMinor: bigint;
  creditBaseMinor: bigint;
  /** The invoices it settles: the allocations it makes facts. */
  allocations: Omit<typeof tenant.allocations.$inferInsert, 'id' | 'sourceDocumentId' | 'createdAt'>[];
  actor: Actor;
  /** Its `document.posted` event; the database puts the document's number in `after.number`. */
  event: { action: string; entityType: string; before: unknown; after: unknown };
}

/**
 * A group's drafts posted in one call (cifra_post_documents_as, tenant migrations 0043 and 0046),
 * in the order given: each kind and year's numbers by one run (a version per number naming its
 * author), the allocations inserted (each version naming its document's author), the rows marked
 * posted with their rates and credits (each version naming its author), the events (each with its
 * author). The `drafts` the group inserts itself (its write-offs' and credit applications' rows) go in
 * first, in the same call (cifra_insert_and_post_documents_as, tenant migration 0053): with their
 * proposed allocations, each history version naming its own author — the history triggers read
 * `cifra.row_provenance` (tenant migrations 0041 and 0052), keyed by a document's id and by a draft
 * allocation's `document:line`. Each event's `number` and `entry` are the database's (0055).
 * Built here, in the process, while the database may still be writing the group's entries; sent by
 * `postDocumentsAs`. None for nothing to post.
 */
export function documentsCall(
  docs: readonly PostedDocument[],
  postedAt: Date,
  drafts: readonly DraftAs[] = [],
): SQL | undefined {
  if (docs.length === 0 && drafts.length === 0) return undefined;
  return drafts.length === 0
    ? sql`SELECT * FROM cifra_post_documents_as(${postArgs(docs, postedAt)})`
    : sql`SELECT * FROM cifra_insert_and_post_documents_as(${draftArgs(drafts)}, ${postArgs(docs, postedAt)})`;
}

/** A call `documentsCall` built, sent: the documents as they now stand, by id. */
export async function postDocumentsAs(tx: TenantTx, call: SQL): Promise<Map<string, DocumentRow>> {
  const { rows } = await tx.execute<Record<string, unknown>>(call);
  return new Map(rowsOf(tenant.documents, rows).map((d) => [d.id, d]));
}

/** The arguments of cifra_post_documents_as for `docs`: one array a column, their allocations' too. */
function postArgs(docs: readonly PostedDocument[], postedAt: Date): SQL {
  const col = (f: (d: PostedDocument) => unknown) => sql.param(docs.map(f));
  const allocations = docs.flatMap((d) =>
    d.allocations.map((a) => ({ ...a, id: randomUUID(), source: d.id })),
  );
  const of = (f: (a: (typeof allocations)[number]) => unknown) => sql.param(allocations.map(f));
  const minor = (v: bigint | null | undefined) => (v == null ? null : String(v));
  return sql`${col((d) => d.id)}::uuid[], ${col((d) => d.kind)}::text[], ${col((d) => d.fiscalYear)}::int[],
    ${col((d) => d.entryId)}::uuid[], ${col((d) => d.exchangeRate)}::numeric[],
    ${col((d) => minor(d.exchangeRateId))}::bigint[], ${col((d) => d.rateIsFallback)}::boolean[],
    ${col((d) => String(d.baseTotalMinor))}::bigint[], ${col((d) => String(d.creditMinor))}::bigint[],
    ${col((d) => String(d.creditBaseMinor))}::bigint[], ${postedAt.toISOString()}::timestamptz,
    ${col((d) => d.actor.userId ?? null)}::text[], ${col((d) => d.actor.email ?? null)}::text[],
    ${col((d) => d.actor.reason ?? null)}::text[], ${col((d) => d.actor.requestId ?? null)}::text[],
    ${col((d) => d.actor.clientName ?? null)}::text[], ${col((d) => d.actor.clientVersion ?? null)}::text[],
    ${col((d) => d.event.action)}::text[], ${col((d) => d.event.entityType)}::text[],
    ${col((d) => auditJson(d.event.before))}::jsonb[], ${col((d) => auditJson(d.event.after))}::jsonb[],
    ${of((a) => a.id)}::uuid[], ${of((a) => a.source)}::uuid[], ${of((a) => a.invoiceId)}::uuid[],
    ${of((a) => minor(a.amountMinor))}::bigint[], ${of((a) => minor(a.smallDifferenceMinor ?? 0n))}::bigint[],
    ${of((a) => minor(a.baseAmountMinor))}::bigint[], ${of((a) => minor(a.realizedFxMinor ?? 0n))}::bigint[]`;
}

/** The invoices a group's drafts settle, locked, with what settles them now and which are voided. */
export interface LockedSettlements {
  invoices: Map<string, DocumentRow>;
  /** Each invoice's live (not voided) settlements. */
  live: LiveAllocation[];
  /** What those settle of each invoice (document currency), 0 when nothing. */
  settled: Map<string, bigint>;
  voided: Set<string>;
}

/**
 * What postings settle (invoices, a refund's or application's credits), locked FOR UPDATE in id
 * order (concurrent postings queue rather than deadlock), then their live settlements and their
 * voids: three statements in one round trip, run in order, the last two after the lock. Only UUIDs
 * are inlined (`uuidArray`): any other id names no document. The statements riding on the
 * transaction (`ride`: a group's hold, its credit applications' reads) go first, in the same round
 * trip.
 */
export async function lockSettledInvoices(tx: TenantTx, ids: readonly string[]): Promise<LockedSettlements> {
  if (ids.length > 0) return lockedFrom(ids, await simpleQueries(tx, lockStatements(ids)));
  // None to lock: the statements meant to ride with the lock (`ride`) are sent now, alone.
  sendRiders(tx);
  return lockedFrom(ids, []);
}

/** What a pass drafting or applying against locked documents reads besides what it locks. */
export interface SettlingReads {
  /** The parties of the locked documents. */
  parties: Map<string, PartyRow>;
  roles: Map<AccountRole, string>;
  /** Which of the keys asked a document already carries. */
  taken: Set<string>;
  /** The periods covering the dates asked, by date (read, not held), and the books' start. */
  periods: Map<IsoDate, Period>;
  booksStart: IsoDate | null;
}

/** What a pass drafting or applying against locked documents asked (`askSettlingReads`). */
export type SettlingReadsAsked = () => Promise<{ locked: LockedSettlements } & SettlingReads>;

/**
 * The credit applications' and write-offs' reads in one round trip: what they settle locked as
 * `lockSettledInvoices` locks it, then — each statement after the lock, in the same query — the
 * parties of those documents, the client's role bindings, which of `keys` a document carries
 * (inlined as escaped literals), and the periods covering `dates` with the books' start (only ISO
 * dates are inlined; read, not held: the group holds them later, and its entries check both again).
 * Asked now, riding ahead of the transaction's next round trip (`ride`): the credit applications'
 * go with the round trip that locks what the group's documents settle. Answered when called.
 */
export function askSettlingReads(
  tx: TenantTx,
  ids: readonly string[],
  keys: readonly string[],
  dates: readonly IsoDate[] = [],
): SettlingReadsAsked {
  const days = [...new Set(dates.filter(hasIsoDateShape))].sort();
  // Only what there is to read (`rideNamed` leaves out a statement given as '').
  const riding = rideNamed(
    tx,
    {
      parties: ids.length ? partiesOfSql(uuidArray(ids)) : '',
      roles: 'SELECT * FROM account_role_bindings',
      taken: keys.length
        ? `SELECT idempotency_key AS key FROM documents WHERE idempotency_key = ANY (ARRAY[${keys
            .map((k) => pg.escapeLiteral(k))
            .join(', ')}]::text[])`
        : '',
      periods: days.length
        ? `SELECT * FROM posting_periods WHERE start_date <= '${days.at(-1)}' AND end_date >= '${days[0]}'`
        : '',
      booksStart: days.length ? 'SELECT cifra_books_start()::text AS books_start' : '',
    },
    ids.length > 0 ? lockStatements(ids) : [],
  );
  return async () => {
    const { first, of: rows } = await riding.rows();
    return {
      locked: lockedFrom(ids, first),
      parties: new Map(rowsOf(tenant.parties, rows('parties')).map((p) => [p.id, p])),
      roles: new Map(rowsOf(tenant.accountRoleBindings, rows('roles')).map((r) => [r.role, r.accountId])),
      taken: new Set(rows('taken').map((r) => String(r.key))),
      periods: periodsByDate(days, rowsOf(tenant.postingPeriods, rows('periods'))),
      booksStart: (rows('booksStart')[0]?.books_start as IsoDate | null | undefined) ?? null,
    };
  };
}

/** The three statements that lock `ids` and read what settles them (`lockSettledInvoices`). */
function lockStatements(ids: readonly string[]): string[] {
  const of = uuidArray(ids);
  return [
    lockDocumentsSql(of),
    `SELECT * FROM cifra_live_allocations(${of})`,
    `SELECT document_id FROM cifra_voided_documents(${of})`,
  ];
}

/** The locked settlements of `ids` from the rows of `lockStatements` (first in `results`). */
function lockedFrom(
  ids: readonly string[],
  results: readonly Record<string, unknown>[][],
): LockedSettlements {
  const settled = new Map<string, bigint>(ids.map((id) => [id, 0n]));
  if (ids.length === 0) return { invoices: new Map(), live: [], settled, voided: new Set() };
  const live = rowsOf(tenant.allocations, results[1] ?? []);
  for (const a of live) settled.set(a.invoiceId, (settled.get(a.invoiceId) ?? 0n) + a.amountMinor);
  return {
    invoices: new Map(rowsOf(tenant.documents, results[0] ?? []).map((d) => [d.id, d])),
    live,
    settled,
    voided: new Set((results[2] ?? []).map((r) => String(r.document_id))),
  };
}

/** Two sets of locked settlements of different invoices as one. */
export function mergeLocked(a: LockedSettlements, b: LockedSettlements): LockedSettlements {
  return {
    invoices: new Map([...a.invoices, ...b.invoices]),
    live: [...a.live, ...b.live],
    settled: new Map([...a.settled, ...b.settled]),
    voided: new Set([...a.voided, ...b.voided]),
  };
}
