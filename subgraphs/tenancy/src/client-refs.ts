import { type ClientAccess, clientAccessByIds } from '@cifra/db';
import DataLoader from 'dataloader';
import type { Context } from './context.ts';

const perRequest = new WeakMap<Context, DataLoader<string, ClientAccess | null>>();

/**
 * The caller's access to a client named by another subgraph (a `Tenant` reference), batched per
 * request: the gateway sends every reference of an answer in one `_entities` call (a page of the
 * firm's audit trail names a client on each of its events), and they are read in one control-plane
 * query, each client once, instead of one query per reference.
 */
export function clientRef(ctx: Context, id: string): Promise<ClientAccess | null> {
  let loader = perRequest.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (ids: readonly string[]) => {
      const found = await clientAccessByIds(ctx.control, ctx.request, ids);
      return ids.map((id) => found.get(id) ?? null);
    });
    perRequest.set(ctx, loader);
  }
  return loader.load(id);
}
