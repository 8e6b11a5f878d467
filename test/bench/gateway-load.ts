/**
 * The load generator of `pnpm bench gateway` and the benches that reuse it: one tenant query,
 * checked as well as timed.
 */
import { performance } from 'node:perf_hooks';

export const TENANT = 'panaderia-valle';
export const QUERY = '{ accounts { code name type } }';
/** A benchmark measures the path, not the rate limits: one caller sends thousands of requests. */
export const UNLIMITED = { rateLimits: { personPoints: 1_000_000_000, anonymousPoints: 1_000_000_000 } };

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
