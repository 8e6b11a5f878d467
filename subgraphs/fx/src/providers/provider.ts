import {
  fetchedRateProblem,
  type IsoDate,
  parseIsoDate,
  type RateSnapshot,
  type ScaledRate,
  scalePublishedRate,
} from '@cifra/domain';

/**
 * A source of published exchange rates. A provider answers for one day: the rates it published on
 * `date`, or on the latest day before it (reference rates are not published on weekends and
 * holidays), or its latest rates when no date is asked. It quotes whatever it quotes; the caller
 * finds out which of the currencies it wanted are missing.
 */
export interface RateProvider {
  /** Stable id, stored as the `source` of every rate it supplied (`ECB`, or a JSON endpoint's id). */
  readonly id: string;
  fetchRates(request: RateRequest): Promise<RateSnapshot>;
}

export interface RateRequest {
  /** The day wanted; the latest published rates when absent. */
  date?: IsoDate;
  /** The currencies the caller wants (a provider may use them to narrow its request). */
  currencies: readonly string[];
  signal?: AbortSignal;
}

/** The provider could not answer (network, HTTP status, a body that does not parse). */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${provider}: ${message}`, options);
    this.name = 'ProviderError';
  }
}

export type FetchFn = typeof fetch;

/** GET a URL as text with a timeout; any non-2xx status is a ProviderError. */
export async function getText(
  provider: string,
  url: string,
  opts: { timeoutMs: number; signal?: AbortSignal; headers?: Record<string, string>; fetch?: FetchFn },
): Promise<string> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, { signal, headers: opts.headers });
  } catch (err) {
    throw new ProviderError(provider, `request failed: ${(err as Error).message}`, { cause: err });
  }
  if (!res.ok) throw new ProviderError(provider, `HTTP ${res.status} from the rate endpoint`);
  return res.text();
}

/** The day a provider dated its rates: a real calendar date (2026-13-45 is a ProviderError). */
export function publishedDate(provider: string, text: string, where: string): IsoDate {
  try {
    return parseIsoDate(text);
  } catch {
    throw new ProviderError(provider, `${where}: "${text}" is not a calendar date`);
  }
}

/**
 * One published quote into `quotes`, or into `refused` with the reason when it is a decimal outside
 * what a rate may be (`fetchedRateProblem`): that currency alone is then treated as not quoted.
 * Text that is not a decimal at all means the answer is garbled: a ProviderError.
 */
export function readQuote(
  provider: string,
  currency: string,
  text: string,
  into: { quotes: Map<string, ScaledRate>; refused: Map<string, string> },
): void {
  let rate: ScaledRate;
  try {
    rate = scalePublishedRate(text);
  } catch {
    throw new ProviderError(provider, `${currency}: rate "${text}" is not a positive decimal`);
  }
  const problem = fetchedRateProblem(rate);
  if (problem) into.refused.set(currency, `quote ${problem}`);
  else into.quotes.set(currency, rate);
}
