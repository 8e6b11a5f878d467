import type { BaseContext } from '@cifra/context';
import type { FirmFxDeps } from './services/stale-rate-usage.service.ts';

export interface Context extends BaseContext {
  /** The firm's FX view across clients: the control plane, the registry and the fan-out bounds. */
  firmFx: FirmFxDeps;
}
