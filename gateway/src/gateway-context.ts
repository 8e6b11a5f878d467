import type { ContextSigner } from '@cifra/context';
import type { RequestTrace } from './observability.ts';

/** What the gateway knows of a request once its caller is identified (its Apollo context). */
export interface GatewayContext {
  /** Who is asking what of which client: signed afresh for each subgraph fetch. */
  access?: Parameters<ContextSigner['sign']>[0];
  trace?: RequestTrace;
  /** The firm's own staff, acting as staff: the audience introspection may be open to. */
  staff?: boolean;
  /** Whose bucket the request draws from. */
  rateKey?: string;
}
