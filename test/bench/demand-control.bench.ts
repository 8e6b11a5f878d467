/**
 * A flood of the reported bomb (100 aliases of `document { entry { document … } } }`, 1,200 levels
 * deep, 1.4 MB) and another person's cheap query on another client: the cheap query timed alone,
 * while a read-only user floods (the body is over that user's limit: refused from its
 * Content-Length, never read), and while someone who may bulk-import floods (the body is within
 * that caller's limit: read, decoded and refused by the query length). The attackers loop in a
 * process of their own (flood-process.ts); rate limits are lifted, so nothing but the gateway's
 * own refusals stands in the flood's way. Alternating rounds on one stack.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { signLocalToken } from '@cifra/gateway';
import type { FloodConfig } from './flood-process.ts';
import { UNLIMITED } from './gateway.bench.ts';
import { type BenchRow, defineBench, ms, percentile, ratio } from './harness.ts';

const CHEAP = '{ accounts { code } }';

async function timed(url: string, token: string, tenant: string, query: string): Promise<[number, unknown]> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-tenant': tenant },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return [performance.now() - t0, body.errors?.[0]?.extensions?.code ?? null];
}

/** Starts the attackers' process; `stop` ends it and returns what they saw. */
async function flood(config: FloodConfig) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(new URL('./flood-process.ts', import.meta.url)),
      JSON.stringify(config),
    ],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (data: Buffer) => {
    out += data.toString();
  });
  const exited = once(child, 'exit');
  while (!out.includes('flooding\n')) {
    if (child.exitCode !== null) throw new Error('the flood process exited before flooding');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      const last = out.trim().split('\n').pop() ?? '{}';
      return JSON.parse(last) as { times: number[]; codes: Record<string, number> };
    },
  };
}

export default defineBench({
  name: 'demand-control',
  title: 'A flood of 1.4 MB bombs from another process, and another client answered meanwhile',
  async run(ctx) {
    const requests = ctx.size('demand_requests', 200);
    const senders = ctx.size('demand_bombers', 3);
    const rounds = ctx.size('demand_rounds', 3);
    const { stack } = await ctx.stack({ perimeter: UNLIMITED });
    const url = stack.gatewayUrl;
    const reader = await signLocalToken(stack.authPrivateJwk, 'client@demo.firm');
    const importer = await signLocalToken(stack.authPrivateJwk, 'admin@demo.firm');
    const other = await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm');

    const cheapRun = async (into: number[]) => {
      for (let i = 0; i < requests; i++) {
        const [t, code] = await timed(url, other, 'ferreteria-colon', CHEAP);
        if (code !== null) throw new Error(`the cheap query was refused: ${code}`);
        into.push(t);
      }
    };
    const floods = {
      reader: { token: reader, alone: [] as number[], under: [] as number[], refusals: [] as number[] },
      importer: { token: importer, alone: [] as number[], under: [] as number[], refusals: [] as number[] },
    };
    const codes: Record<string, number> = {};
    for (let i = 0; i < 20; i++) await timed(url, other, 'ferreteria-colon', CHEAP); // warm up
    for (let round = 0; round < rounds; round++) {
      for (const f of Object.values(floods)) {
        await cheapRun(f.alone);
        const attack = await flood({ url, token: f.token, tenant: 'cafe-boquete', senders });
        await cheapRun(f.under);
        const seen = await attack.stop();
        f.refusals.push(...seen.times);
        for (const [code, n] of Object.entries(seen.codes)) codes[code] = (codes[code] ?? 0) + n;
      }
      ctx.progress(`round ${round + 1}/${rounds} done`);
    }
    const expected = new Set(['PAYLOAD_TOO_LARGE', 'QUERY_TOO_COMPLEX']);
    const unexpected = Object.keys(codes).filter((c) => !expected.has(c));
    if (unexpected.length > 0) throw new Error(`the bombs were answered with ${unexpected.join(', ')}`);
    const rows: BenchRow[] = [];
    for (const [who, f] of Object.entries(floods)) {
      const how =
        who === 'reader'
          ? 'a read-only user (413 PAYLOAD_TOO_LARGE from the Content-Length, body never read)'
          : 'a bulk importer (body read, 400 QUERY_TOO_COMPLEX by length)';
      rows.push(
        {
          measure: `bombs from ${how}`,
          result: `p50 ${ms(percentile(f.refusals, 0.5))}`,
          note: `p99 ${ms(percentile(f.refusals, 0.99))}, ${f.refusals.length} refusals by ${senders} looping senders`,
        },
        {
          measure: "  another person's cheap query, alone / under that flood",
          result: `p50 ${ms(percentile(f.alone, 0.5))} / ${ms(percentile(f.under, 0.5))}`,
          note: `p99 ${ms(percentile(f.alone, 0.99))} / ${ms(percentile(f.under, 0.99))}`,
        },
        {
          measure: '  p50 ratio under that flood / alone',
          result: ratio(percentile(f.under, 0.5) / percentile(f.alone, 0.5)),
          note: `${(requests * rounds).toLocaleString('en')} cheap queries each way, ${rounds} alternating rounds`,
        },
      );
    }
    return rows;
  },
});
