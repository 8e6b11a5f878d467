import { randomUUID } from 'node:crypto';
import {
  type Decimal,
  decimalEquals,
  formatDecimal,
  type IsoDate,
  ONE,
  parseDecimal,
  parseId,
  parseIsoDate,
  parseMoney,
  peggedRate,
  translateAtRate,
} from '@cifra/domain';
import { clientFxOf, fromScaled } from '@cifra/fx';
import type { Books } from '../services/books.ts';
import { attempt, UUID } from './check-lines.ts';
import type { OpeningItemInput, PlannedItem, Problem } from './inputs.ts';
import {
  importCount,
  numberingPrefixes,
  numbersTaken,
  type PartyRow,
  partiesNamed,
  type Reader,
} from './store.ts';

type Parties = Awaited<ReturnType<typeof partiesNamed>>;
const NOUN = { SALES_INVOICE: 'customer', PURCHASE_INVOICE: 'vendor' } as const;
const PARTY_KIND = { SALES_INVOICE: 'CUSTOMER', PURCHASE_INVOICE: 'VENDOR' } as const;

/** The customer or vendor an item names, by id or by code; undefined with a problem. */
function partyOf(problems: Problem[], item: OpeningItemInput, i: number, parties: Parties) {
  const kind = PARTY_KIND[item.kind];
  const field = `openItems[${i}].${item.partyId ? 'partyId' : 'partyCode'}`;
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
  if (!party || party.kind !== kind)
    return problem(`no ${NOUN[item.kind]} ${item.partyId ?? item.partyCode}`);
  if (!party.active) return problem(`${NOUN[item.kind]} ${party.code} is inactive`);
  return party;
}

/** Its dates: issued before the opening date, due on or after its issue. */
function datesOf(problems: Problem[], item: OpeningItemInput, i: number, openingDate: IsoDate) {
  const at = (f: string) => ({ index: i, field: `openItems[${i}].${f}`, code: 'BAD_DATE' as const });
  const date = attempt(problems, at('date'), () => parseIsoDate(item.date, `openItems[${i}].date`));
  const due = item.dueDate
    ? attempt(problems, at('dueDate'), () => parseIsoDate(item.dueDate as string, `openItems[${i}].dueDate`))
    : date;
  if (!date || !due) return undefined;
  if (date >= openingDate) {
    problems.push({
      ...at('date'),
      message: `openItems[${i}].date: ${date} is not before the opening date ${openingDate}`,
    });
    return undefined;
  }
  if (due < date) {
    problems.push({
      ...at('dueDate'),
      message: `openItems[${i}].dueDate: ${due} is before its date ${date}`,
    });
    return undefined;
  }
  return { date, due };
}

/** Original and open amounts in the item's currency: open more than zero, at most the original. */
function amountsOf(problems: Problem[], item: OpeningItemInput, i: number, minorUnits: number) {
  const parse = (f: 'originalAmount' | 'openAmount') => {
    const field = `openItems[${i}].${f}`;
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
    const field = `openItems[${i}].openAmount`;
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
function rateOf(problems: Problem[], item: OpeningItemInput, i: number, currency: string, books: Books) {
  const field = `openItems[${i}].rate`;
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

/** Each open item checked (party, dates, currency, amounts, rate), every problem reported. */
export async function checkItems(
  db: Reader,
  books: Books,
  items: readonly OpeningItemInput[],
  openingDate: IsoDate,
  problems: Problem[],
): Promise<PlannedItem[]> {
  const ids = items.flatMap((it) => (it.partyId && UUID.test(it.partyId) ? [it.partyId.toLowerCase()] : []));
  const parties = await partiesNamed(
    db,
    ids,
    items.flatMap((it) => (it.partyCode ? [it.partyCode.trim()] : [])),
  );
  const planned: PlannedItem[] = [];
  for (const [i, item] of items.entries()) {
    const party = partyOf(problems, item, i, parties);
    const dates = datesOf(problems, item, i, openingDate);
    const currency = (item.currency ?? party?.currency ?? '').trim().toUpperCase();
    const minorUnits = currency
      ? await books.minorUnits(currency, `openItems[${i}].currency`).catch(() => undefined)
      : undefined;
    if (minorUnits === undefined) {
      const field = `openItems[${i}].currency`;
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
      index: i,
      kind: item.kind,
      partyId: party.id,
      given: item.number.trim(),
      number: item.kind === 'SALES_INVOICE' ? item.number.trim() : `${party.code}-${item.number.trim()}`,
      date: dates.date,
      dueDate: dates.due,
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
  items: readonly OpeningItemInput[],
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
  const first = new Map<string, number>();
  const problem = (i: number, message: string) => {
    const field = `openItems[${i}].number`;
    problems.push({ index: i, field, code: 'DUPLICATE_NUMBER', message: `${field}: ${message}` });
  };
  // Twice in the file, whatever else is wrong with either line: a bill's number is its vendor's.
  for (const [i, it] of items.entries()) {
    const n = it.number.trim();
    if (!n) {
      problem(i, 'a number is required');
      continue;
    }
    const key = it.kind === 'SALES_INVOICE' ? n : `${it.partyId ?? it.partyCode}/${n}`;
    const earlier = first.get(key);
    if (earlier !== undefined) problem(i, `${n} is already openItems[${earlier}]`);
    else first.set(key, i);
  }
  for (const p of planned) {
    if (!p.given) continue;
    if (taken.get(p.number) === true) p.number = again(p.number);
    if (taken.has(p.number)) problem(p.index, `${p.number} is the number of a document already in the books`);
    if (ours(p.given))
      problem(
        p.index,
        `${p.given} has the form of the numbers cifraHQ issues; a later document would collide with it`,
      );
  }
}
