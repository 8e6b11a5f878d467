import type { BaseContext } from '@cifra/context';
import type { BatchQueue } from './services/batch-queue.ts';
import type { FirmViewDeps } from './services/close-board.service.ts';

export interface Context extends BaseContext {
  /** The firm's view across clients: fan-out settings, the client period seam, the batch queue. */
  firmView: FirmViewDeps & { queue: BatchQueue };
}
