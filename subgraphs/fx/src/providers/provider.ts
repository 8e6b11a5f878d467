import type { IsoDate, RateSnapshot } from '@cifra/domain';

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
