import { EcbProvider } from './ecb.provider.ts';
import { JsonProvider, type JsonProviderConfig } from './json.provider.ts';
import type { FetchFn, RateProvider } from './provider.ts';

export * from './ecb.provider.ts';
export * from './json.provider.ts';
export * from './provider.ts';

/** The configured providers by id; a client's `fxProvider` setting picks one. */
export type ProviderRegistry = ReadonlyMap<string, RateProvider>;

export interface ProvidersConfig {
  /** The ECB file to read (the daily file unless told otherwise). */
  ecbUrl?: string;
  json?: readonly JsonProviderConfig[];
  fetch?: FetchFn;
}

export function createProviders(config: ProvidersConfig = {}): ProviderRegistry {
  const providers: RateProvider[] = [new EcbProvider({ url: config.ecbUrl, fetch: config.fetch })];
  for (const json of config.json ?? []) providers.push(new JsonProvider(json, config.fetch));
  return new Map(providers.map((p) => [p.id, p]));
}
