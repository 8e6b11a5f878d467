import type { RateSnapshot, ScaledRate } from '@cifra/domain';
import { z } from 'zod';
import {
  type FetchFn,
  getText,
  ProviderError,
  publishedDate,
  type RateProvider,
  type RateRequest,
  readQuote,
} from './provider.ts';

/**
 * A configurable JSON rate endpoint. The configuration says where to GET and where in the body the
 * date, the anchor currency and the rates are; for example, with the defaults, a body
 *
 *   { "date": "2026-11-20", "base": "USD", "rates": { "EUR": "0.9249", "PAB": "1" } }
 *
 * means 0.9249 EUR for one USD (`style: UNITS_PER_ANCHOR`); with `style: ANCHOR_PER_UNIT` it would
 * mean 0.9249 USD for one EUR. Rates should be strings; a JSON number is accepted only when its
 * shortest decimal form has at most 15 significant digits (so it is exactly the digits that were
 * sent), and refused otherwise rather than rounded through a float.
 */
export const jsonProviderConfig = z.object({
  /** Stored as the `source` of every rate this endpoint supplied. */
  id: z.string().regex(/^[A-Z0-9_-]{2,40}$/i),
  /**
   * URL for a given day; `{date}` becomes YYYY-MM-DD, `{currencies}` a comma-separated list.
   * Without `latestUrl`, the latest rates use this URL with `{date}` = `latest`.
   */
  url: z.string().url(),
  latestUrl: z.string().url().optional(),
  /** Dotted paths into the body. */
  datePath: z.string().default('date'),
  ratesPath: z.string().default('rates'),
  /** Path to the anchor currency code in the body, or… */
  anchorPath: z.string().default('base'),
  /** …a fixed anchor when the body does not name it. */
  anchor: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .optional(),
  style: z.enum(['UNITS_PER_ANCHOR', 'ANCHOR_PER_UNIT']).default('UNITS_PER_ANCHOR'),
  headers: z.record(z.string(), z.string()).optional(),
  timeoutMs: z.number().int().positive().default(15_000),
});
export type JsonProviderConfig = z.input<typeof jsonProviderConfig>;

const at = (body: unknown, path: string): unknown =>
  path
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      body,
    );

function rateText(provider: string, currency: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) {
    const text = String(value);
    const significant = text.replace(/^0\.0*|\./g, '').replace(/^0+/, '');
    if (!/e/i.test(text) && significant.length <= 15) return text;
  }
  throw new ProviderError(
    provider,
    `${currency}: rate ${JSON.stringify(value)} is not an exact decimal; send it as a string`,
  );
}

export function parseJsonRates(body: unknown, cfg: z.output<typeof jsonProviderConfig>): RateSnapshot {
  const dated = at(body, cfg.datePath);
  if (typeof dated !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(dated)) {
    throw new ProviderError(cfg.id, `no date at "${cfg.datePath}"`);
  }
  const date = publishedDate(cfg.id, dated.slice(0, 10), cfg.datePath);
  const anchor = cfg.anchor ?? at(body, cfg.anchorPath);
  if (typeof anchor !== 'string' || !/^[A-Z]{3}$/.test(anchor)) {
    throw new ProviderError(cfg.id, `no anchor currency at "${cfg.anchorPath}"`);
  }
  const rates = at(body, cfg.ratesPath);
  if (!rates || typeof rates !== 'object' || Array.isArray(rates)) {
    throw new ProviderError(cfg.id, `no rates object at "${cfg.ratesPath}"`);
  }
  const quotes = new Map<string, ScaledRate>();
  const refused = new Map<string, string>();
  for (const [currency, value] of Object.entries(rates)) {
    if (!/^[A-Z]{3}$/.test(currency) || currency === anchor) continue;
    readQuote(cfg.id, currency, rateText(cfg.id, currency, value), { quotes, refused });
  }
  return { provider: cfg.id, date, anchor, style: cfg.style, quotes, refused };
}

export class JsonProvider implements RateProvider {
  readonly id: string;
  private readonly cfg: z.output<typeof jsonProviderConfig>;

  constructor(
    config: JsonProviderConfig,
    private readonly fetchFn?: FetchFn,
  ) {
    this.cfg = jsonProviderConfig.parse(config);
    this.id = this.cfg.id;
  }

  async fetchRates(request: RateRequest): Promise<RateSnapshot> {
    const template = request.date ? this.cfg.url : (this.cfg.latestUrl ?? this.cfg.url);
    const url = template
      .replaceAll('{date}', encodeURIComponent(request.date ?? 'latest'))
      .replaceAll('{currencies}', encodeURIComponent(request.currencies.join(',')));
    const text = await getText(this.id, url, {
      timeoutMs: this.cfg.timeoutMs,
      signal: request.signal,
      headers: this.cfg.headers,
      fetch: this.fetchFn,
    });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ProviderError(this.id, 'the body is not JSON');
    }
    const snapshot = parseJsonRates(body, this.cfg);
    if (request.date && snapshot.date > request.date) {
      throw new ProviderError(this.id, `asked for ${request.date}, got rates of ${snapshot.date}`);
    }
    return snapshot;
  }
}
