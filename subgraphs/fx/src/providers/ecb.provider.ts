import type { IsoDate, RateSnapshot, ScaledRate } from '@cifra/domain';
import { XMLParser } from 'fast-xml-parser';
import {
  type FetchFn,
  getText,
  ProviderError,
  publishedDate,
  type RateProvider,
  type RateRequest,
  readQuote,
} from './provider.ts';

export const ECB_DAILY_URL = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';

export interface EcbProviderOptions {
  id?: string;
  /**
   * The reference-rate file: the daily file (one day) or the 90-day / full history files in the
   * same format (several `Cube time=` days), which also answer for a past date.
   */
  url?: string;
  timeoutMs?: number;
  fetch?: FetchFn;
}

// Attribute values stay strings ("1.0812"): a rate must never pass through a float.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => name === 'Cube',
});

interface CubeNode {
  time?: string;
  currency?: string;
  rate?: string;
  Cube?: CubeNode[];
}

/**
 * The European Central Bank's euro foreign exchange reference rates: `<Cube time="YYYY-MM-DD">`
 * days, each with `<Cube currency="USD" rate="1.0812"/>` — units of the currency for one euro. Every
 * day in the file is returned, newest first.
 */
export function parseEcbXml(xml: string, provider = 'ECB'): RateSnapshot[] {
  let doc: { Envelope?: { Cube?: CubeNode[] } };
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new ProviderError(provider, `the reference-rate file is not XML: ${(err as Error).message}`);
  }
  const outer = doc.Envelope?.Cube?.[0]?.Cube;
  if (!outer?.length) throw new ProviderError(provider, 'the reference-rate file has no Cube time= day');
  const days: RateSnapshot[] = [];
  for (const day of outer) {
    if (!day.time) throw new ProviderError(provider, 'a Cube has no time attribute');
    const date = publishedDate(provider, day.time, 'Cube time');
    const quotes = new Map<string, ScaledRate>();
    const refused = new Map<string, string>();
    for (const cube of day.Cube ?? []) {
      if (!cube.currency || !/^[A-Z]{3}$/.test(cube.currency) || typeof cube.rate !== 'string') {
        throw new ProviderError(provider, `${date}: a Cube has no currency or rate`);
      }
      readQuote(provider, cube.currency, cube.rate, { quotes, refused });
    }
    days.push({ provider, date, anchor: 'EUR', style: 'UNITS_PER_ANCHOR', quotes, refused });
  }
  return days.sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
}

/** The day wanted from a file of days: that date, else the latest before it. */
export function pickDay(days: readonly RateSnapshot[], date: IsoDate | undefined): RateSnapshot | undefined {
  if (!date) return days[0];
  return days.find((d) => d.date <= date);
}

export class EcbProvider implements RateProvider {
  readonly id: string;
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly fetchFn?: FetchFn;

  constructor(opts: EcbProviderOptions = {}) {
    this.id = opts.id ?? 'ECB';
    this.url = opts.url ?? ECB_DAILY_URL;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.fetchFn = opts.fetch;
  }

  async fetchRates(request: RateRequest): Promise<RateSnapshot> {
    const xml = await getText(this.id, this.url, {
      timeoutMs: this.timeoutMs,
      signal: request.signal,
      fetch: this.fetchFn,
    });
    const day = pickDay(parseEcbXml(xml, this.id), request.date);
    if (!day) throw new ProviderError(this.id, `no reference rates on or before ${request.date}`);
    return day;
  }
}
