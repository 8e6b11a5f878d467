/**
 * Demand control under attack: how fast the gateway refuses the reported bomb (100 aliases of
 * `document { entry { document … } } }`, 1,200 levels deep, 1.4 MB), and what it does to another
 * person's cheap query on another client — measured alone, then while bombs keep arriving, in
 * alternating rounds on one stack.
 */
import { performance } from 'node:perf_hooks';
import { signLocalToken } from '@cifra/gateway';
import { bomb } from '../support/bomb.ts';
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

export default defineBench({
  name: 'demand-control',
  title: 'Demand control: refusing the reported bomb, and another client answered meanwhile',
  async run(ctx) {
    const requests = ctx.size('demand_requests', 200);
    const bombers = ctx.size('demand_bombers', 3);
    const rounds = 3;
    const { stack } = await ctx.stack({ perimeter: UNLIMITED });
    const url = stack.gatewayUrl;
    const attacker = await signLocalToken(stack.authPrivateJwk, 'client@demo.firm');
    const other = await signLocalToken(stack.authPrivateJwk, 'senior@demo.firm');
    const heavy = bomb(100, 1_200);

    const refusals: number[] = [];
    const alone: number[] = [];
    const underAttack: number[] = [];
    const cheapRun = async (into: number[]) => {
      for (let i = 0; i < requests; i++) {
        const [t, code] = await timed(url, other, 'ferreteria-colon', CHEAP);
        if (code !== null) throw new Error(`the cheap query was refused: ${code}`);
        into.push(t);
      }
    };
    for (let i = 0; i < 20; i++) await timed(url, other, 'ferreteria-colon', CHEAP); // warm up
    for (let round = 0; round < rounds; round++) {
      await cheapRun(alone);
      let attacking = true;
      const attacks = Array.from({ length: bombers }, async () => {
        while (attacking) {
          const [t, code] = await timed(url, attacker, 'cafe-boquete', heavy);
          if (code !== 'QUERY_TOO_COMPLEX') throw new Error(`the bomb was answered with ${code}`);
          refusals.push(t);
        }
      });
      await cheapRun(underAttack);
      attacking = false;
      await Promise.all(attacks);
      ctx.progress(`round ${round + 1}/${rounds} done`);
    }
    const rows: BenchRow[] = [
      {
        measure: 'the bomb refused (QUERY_TOO_COMPLEX, 1.4 MB document)',
        result: `p50 ${ms(percentile(refusals, 0.5))}`,
        note: `p99 ${ms(percentile(refusals, 0.99))}, ${refusals.length} refusals by ${bombers} callers at once`,
      },
      {
        measure: "another person's cheap query, alone",
        result: `p50 ${ms(percentile(alone, 0.5))}`,
        note: `p99 ${ms(percentile(alone, 0.99))}`,
      },
      {
        measure: 'the same while the bombs arrive',
        result: `p50 ${ms(percentile(underAttack, 0.5))}`,
        note: `p99 ${ms(percentile(underAttack, 0.99))}`,
      },
      {
        measure: 'p50 ratio under attack / alone',
        result: ratio(percentile(underAttack, 0.5) / percentile(alone, 0.5)),
        note: `${(requests * rounds).toLocaleString('en')} cheap queries each way, ${rounds} alternating rounds; 2 cores shared by the attackers, the gateway and PostgreSQL`,
      },
    ];
    return rows;
  },
});
