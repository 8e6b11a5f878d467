import { randomUUID } from 'node:crypto';
import {
  type Decimal,
  decimalEquals,
  formatDecimal,
  type IsoDate,
  isUuid,
  ONE,
  parseDecimal,
  parseId,
  parseIsoDate,
  parseMoney,
  peggedRate,
  translateAtRate,
} from '@cifra/domain';
import { clientFxOf, fromScaled } from '@cifra/fx';
import { KINDS } from '../documents/kinds.ts';
import type { Books } from '../services/books.ts';
import { attempt } from './check-lines.ts';
import type { OpenRow, PlannedItem, Problem } from './inputs.ts';
import {
  importCount,
  numberingPrefixes,
  numbersTaken,
  type PartyRow,
  partiesNamed,
  type Reader,
} from './store.ts';

type Parties = Awaited<ReturnType<typeof partiesNamed>>;
/** `openItems[3].rate`, `openCredits[0].date`: the input field of a row. */
const fieldOf = (item: OpenRow, name: string) => `${item.list}[${item.index}].${name}`;
const partyKindOf = (item: OpenRow) => KINDS[item.kind].partyKind;
const nounOf = (item: OpenRow) => (partyKindOf(item) === 'CUSTOMER' ? 'customer' : 'vendor');

/** The customer or vendor an item names, by id or by code; undefined with a problem. */
function partyOf(problems: Problem[], item: OpenRow, i: number, parties: Parties) {
  const kind = partyKindOf(item);
  const field = fieldOf(item, item.partyId ? 'partyId' : 'partyCode');
  const problem = (message: string) => {
    problems.push({ index: i, field, code: 'UNKNOWN_PARTY', message: `${field}: ${message}` });
    return undefined;
  };
  if (!item.partyId === !item.partyCode)
    return problem('give the party by partyId or by partyCode, one of them');
  let party: PartyRow | undefined;
  if (item.partyId) {
    const id = attempt(problems, { index: i, field, code: 'UNKNOWN_PARTY' }, () =>
      parseId(item.partyId as string, field),
    );
    if (!id) return undefined;
    party = parties.byId.get(id);
  } else party = parties.byKindCode.get(`${kind}/${(item.partyCode as string).trim()}`);
  if (!party || party.kind !== kind) return problem(`no ${nounOf(item)} ${item.partyId ?? item.partyCode}`);
  if (!party.active) return problem(`${nounOf(item)} ${party.code} is inactive`);
  return party;
}

/** Its dates: issued before the opening date, due on or after its issue. */
function datesOf(problems: Problem[], item: OpenRow, i: number, openingDate: IsoDate) {
  const at = (f: string) => ({ index: i, field: fieldOf(item, f), code: 'BAD_DATE' as const });
  const date = attempt(problems, at('date'), () => parseIsoDate(item.date, fieldOf(item, 'date')));
  const due = item.dueDate
    ? attempt(problems, at('dueDate'), () => parseIsoDate(item.dueDate as string, fieldOf(item, 'dueDate')))
    : date;
  if (!date || !due) return undefined;
  if (date >= openingDate) {
    problems.push({
      ...at('date'),
      message: `${fieldOf(item, 'date')}: ${date} is not before the opening date ${openingDate}`,
    });
    return undefined;
  }
  if (due < date) {
    problems.push({
      ...at('dueDate'),
      message: `${fieldOf(item, 'dueDate')}: ${due} is before its date ${date}`,
    });
    return undefined;
  }
  return { date, due };
}

/** The most decimal places an ISO 4217 currency has (CLF, UYW). */
const FINEST_MINOR_UNITS = 4;

/** Original and open amounts in the item's currency: open more than zero, at most the original. */
function amountsOf(problems: Problem[], item: OpenRow, i: number, minorUnits: number) {
  const parse = (f: 'originalAmount' | 'openAmount') => {
    const field = fieldOf(item, f);
    const minor = attempt(problems, { index: i, field, code: 'BAD_AMOUNT' }, () =>
      parseMoney(item[f], minorUnits, field),
    );
    if (minor !== undefined && minor <= 0n) {
      problems.push({
        index: i,
        field,
        code: 'BAD_AMOUNT',
        message: `${field}: ${item[f]} is not more than zero`,
      });
      return undefined;
    }
    return minor;
  };
  const original = parse('originalAmount');
  const open = parse('openAmount');
  if (original === undefined || open === undefined) return undefined;
  if (open > original) {
    const field = fieldOf(item, 'openAmount');
    problems.push({
      index: i,
      field,
      code: 'OPEN_EXCEEDS_ORIGINAL',
      message: `${field}: ${item.openAmount} is more than the original amount ${item.originalAmount}`,
    });
    return undefined;
  }
  return { original, open };
}

/**
 * The rate the item is carried at: 1 for the base currency, the peg for a pegged one (a typed rate
 * must agree), otherwise the rate typed, required (the previous system's historical rate).
 */
function rateOf(problems: Problem[], item: OpenRow, i: number, currency: string, books: Books) {
  const field = fieldOf(item, 'rate');
  const problem = (message: string) => {
    problems.push({ index: i, field, code: 'BAD_RATE', message: `${field}: ${message}` });
    return undefined;
  };
  const typed = item.rate
    ? attempt(problems, { index: i, field, code: 'BAD_RATE' }, () =>
        parseDecimal(item.rate as string, { maxScale: 12, maxIntegerDigits: 18, field, allowZero: false }),
      )
    : null;
  if (typed === undefined) return undefined;
  const fx = clientFxOf(books.company);
  const fixed: Decimal | null =
    currency === fx.baseCurrency
      ? ONE
      : ((p) => (p === null ? null : fromScaled(p)))(peggedRate(currency, fx.baseCurrency, fx.pegs));
  if (fixed) {
    if (typed && !decimalEquals(typed, fixed))
      return problem(
        `${currency} is carried at ${formatDecimal(fixed)} on this client; no other rate applies`,
      );
    return { rate: fixed, explicit: null };
  }
  if (!typed)
    return problem(
      `${currency} is a foreign currency: give the rate the previous system carries the item at`,
    );
  return { rate: typed, explicit: typed };
}

/**
 * Each open item and open credit checked (party, dates, currency, amounts, rate), every problem
 * reported on its own list's field.
 */
export async function checkItems(
  db: Reader,
  books: Books,
  items: readonly OpenRow[],
  openingDate: IsoDate,
  problems: Problem[],
): Promise<PlannedItem[]> {
  const ids = items.flatMap((it) => (it.partyId && isUuid(it.partyId) ? [it.partyId.toLowerCase()] : []));
  const parties = await partiesNamed(
    db,
    ids,
    items.flatMap((it) => (it.partyCode ? [it.partyCode.trim()] : [])),
  );
  const planned: PlannedItem[] = [];
  for (const item of items) {
    const i = item.index;
    const party = partyOf(problems, item, i, parties);
    const dates = datesOf(problems, item, i, openingDate);
    // No party and no currency: the party's problem is the one to report, not a missing currency;
    // its amounts are still checked against each other, at the finest scale a currency has.
    if (!party && !item.currency) {
      amountsOf(problems, item, i, FINEST_MINOR_UNITS);
      continue;
    }
    const currency = (item.currency ?? party?.currency ?? '').trim().toUpperCase();
    const minorUnits = currency
      ? await books.minorUnits(currency, fieldOf(item, 'currency')).catch(() => undefined)
      : undefined;
    if (minorUnits === undefined) {
      const field = fieldOf(item, 'currency');
      problems.push({
        index: i,
        field,
        code: 'BAD_CURRENCY',
        message: `${field}: ${currency || 'none'} is not a currency code (ISO 4217)`,
      });
      continue;
    }
    const amounts = amountsOf(problems, item, i, minorUnits);
    const rate = rateOf(problems, item, i, currency, books);
    if (!party || !dates || !amounts || !rate) continue;
    planned.push({
      id: randomUUID(),
      list: item.list,
      index: i,
      kind: item.kind,
      credit: item.credit,
      partyId: party.id,
      given: item.number.trim(),
      number: party.kind === 'CUSTOMER' ? item.number.trim() : `${party.code}-${item.number.trim()}`,
      date: dates.date,
      dueDate: item.credit ? null : dates.due,
      currency,
      minorUnits,
      openMinor: amounts.open,
      originalMinor: amounts.original,
      rate: rate.rate,
      explicitRate: rate.explicit,
      baseMinor: translateAtRate(amounts.open, rate.rate, minorUnits, books.company.baseMinorUnits),
    });
  }
  await checkNumbers(db, items, planned, problems);
  return planned;
}

/**
 * Numbers: given, unique within the import and among the client's documents, and not of the form
 * cifraHQ issues (`INV-2026-000001`), which a later posting would collide with.
 */
async function checkNumbers(
  db: Reader,
  items: readonly OpenRow[],
  planned: PlannedItem[],
  problems: Problem[],
) {
  // A number an open item of a voided import holds is taken again as `<number>/<n>`, n this
  // import's ordinal: the voided document keeps its own, as every posted document does.
  const ordinal = (await importCount(db)) + 1;
  const again = (n: string) => `${n}/${ordinal}`;
  const taken = await numbersTaken(
    db,
    planned.flatMap((p) => [p.number, again(p.number)]),
  );
  const prefixes = await numberingPrefixes(db);
  const ours = (n: string) =>
    prefixes.some((p) => new RegExp(`^${p.replace(/[^A-Za-z0-9]/g, '\\$&')}-\\d{4}-\\d+$`).test(n));
  const first = new Map<string, string>();
  const problem = (row: { list: OpenRow['list']; index: number }, message: string) => {
    const field = `${row.list}[${row.index}].number`;
    problems.push({ index: row.index, field, code: 'DUPLICATE_NUMBER', message: `${field}: ${message}` });
  };
  // Twice in the file (items and credits share the documents' numbers), whatever else is wrong
  // with either line: a vendor's document is numbered after its vendor.
  for (const it of items) {
    const n = it.number.trim();
    if (!n) {
      problem(it, 'a number is required');
      continue;
    }
    const key = partyKindOf(it) === 'CUSTOMER' ? n : `${it.partyId ?? it.partyCode}/${n}`;
    const earlier = first.get(key);
    if (earlier !== undefined) problem(it, `${n} is already ${earlier}`);
    else first.set(key, `${it.list}[${it.index}]`);
  }
  for (const p of planned) {
    if (!p.given) continue;
    if (taken.get(p.number) === true) p.number = again(p.number);
    if (taken.has(p.number)) problem(p, `${p.number} is the number of a document already in the books`);
    else if (ours(p.given))
      problem(
        p,
        `${p.given} has the form of the numbers cifraHQ issues; a later document would collide with it`,
      );
  }
}
