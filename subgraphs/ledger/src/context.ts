import type { BaseContext } from '@cifra/context';
import type { LedgerLoaders } from './loaders.ts';

export interface Context extends BaseContext {
  loaders: LedgerLoaders;
}
