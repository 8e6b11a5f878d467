/**
 * What the gateway costs: one tenant query sent through the gateway (bearer token, X-Tenant,
 * membership and permission lookup, signed context, query planning, the hop to the subgraph) and
 * the same query sent straight to the ledger subgraph with a valid signed context, on the same
 * stack in the same run. Rounds alternate between the two paths so both see the same machine.
 */
import { performance } from 'node:perf_hooks';
import { CONTEXT_HEADER, ContextSigner } from '@cifra/context';
import { resolveAccess, signLocalToken } from '@cifra/gateway';
import { readSecrets } from '@cifra/ops';
import { type BenchRow, defineBench, ms, percentile, ratio } from './harness.ts';

export const TENANT = 'panaderia-valle';
export const QUERY = '{ accounts { code name type } }';
/** A benchmark measures the path, not the rate limits: one caller sends thousands of requests. */
export const UNLIMITED = { rateLimits: { personPoints: 1_000_000_000, anonymousPoints: 1_000_000_000 } };

interface Path {
  url: string;
  headers: () => Promise<Record<string, string>>;
  all: number[];
  elapsedMs: number;
}

interface Sample {
  latencies: number[];
  elapsedMs: number;
}

/** `requests` POSTs of `body` (QUERY) at `concurrency` in flight; every answer is checked, not just timed. */
export async function load(
  url: string,
  headers: () => Promise<Record<string, string>>,
  requests: number,
  concurrency: number,
  body: Record<string, unknown> = { query: QUERY },
): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await headers()) },
          body: JSON.stringify(body),
        });
        const answer = (await res.json()) as { data?: { accounts?: unknown[] }; errors?: unknown };
        latencies.push(performance.now() - t0);
        if (!res.ok || answer.errors || !answer.data?.accounts?.length) {
          throw new Error(`${url} answered ${res.status}: ${JSON.stringify(answer).slice(0, 300)}`);
        }
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

export default defineBench({
  name: 'gateway',
  title: 'Gateway against a direct subgraph call (one tenant query, same stack, alternating rounds)',
  async run(ctx) {
    const requests = ctx.size('gateway_requests', 1_000);
    const concurrency = ctx.size('gateway_concurrency', 8);
    const rounds = 3;
    const { stack, dataDir } = await ctx.stack({ perimeter: UNLIMITED });
    const email = 'senior@demo.firm';
    const token = await signLocalToken(stack.authPrivateJwk, email);
    const signer = await ContextSigner.fromJwk((await readSecrets(dataDir)).contextPrivateJwk);
    const client = { name: 'bench', version: '1' };

    const viaGateway = async () => ({ authorization: `Bearer ${token}`, 'x-tenant': TENANT });
    // The context the gateway itself would sign for this caller and client, signed afresh for
    // every request as the gateway does (it expires after a minute).
    const { requestId: _once, ...access } = await resolveAccess(stack.control.db, email, TENANT, client);
    const direct = async () => ({ [CONTEXT_HEADER]: await signer.sign(access, 'ledger') });

    const paths: Record<'gateway' | 'direct', Path> = {
      gateway: { url: stack.gatewayUrl, headers: viaGateway, all: [] as number[], elapsedMs: 0 },
      direct: {
        url: stack.subgraphUrls.ledger as string,
        headers: direct,
        all: [] as number[],
        elapsedMs: 0,
      },
    };
    for (const p of Object.values(paths)) await load(p.url, p.headers, 100, concurrency); // warm up
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [paths.gateway, paths.direct] : [paths.direct, paths.gateway];
      for (const p of order) {
        const sample = await load(p.url, p.headers, requests, concurrency);
        p.all.push(...sample.latencies);
        p.elapsedMs += sample.elapsedMs;
      }
      ctx.progress(`round ${round + 1}/${rounds} done`);
    }

    const total = requests * rounds;
    const rate = (p: Path) => total / (p.elapsedMs / 1000);
    const rows: BenchRow[] = [];
    for (const [name, p] of Object.entries(paths)) {
      rows.push({
        measure: name === 'gateway' ? 'through the gateway' : 'straight to the ledger subgraph',
        result: `${Math.round(rate(p)).toLocaleString('en')} req/s`,
        note: `p50 ${ms(percentile(p.all, 0.5))}, p99 ${ms(percentile(p.all, 0.99))}`,
      });
    }
    rows.push(
      {
        measure: 'throughput ratio direct / gateway',
        result: ratio(rate(paths.direct) / rate(paths.gateway)),
        note: `${total.toLocaleString('en')} requests per path, ${concurrency} in flight, ${rounds} alternating rounds`,
      },
      {
        measure: 'p50 ratio gateway / direct',
        result: ratio(percentile(paths.gateway.all, 0.5) / percentile(paths.direct.all, 0.5)),
        note: `p99 ratio ${ratio(percentile(paths.gateway.all, 0.99) / percentile(paths.direct.all, 0.99))}`,
      },
    );
    return rows;
  },
});
