/**
 * Provisioning a client: its database made by migrating an empty one statement by statement (how
 * it was done) against copying the server's migrated template (how it is done), side by side in
 * alternating rounds; then whole provisionings through the gateway (`provisionTenant`: directory
 * row, database from the template, logins, chart, settings and periods). Sizes: BENCH_PROVISION_DBS
 * (databases per path), BENCH_PROVISION_CLIENTS (clients provisioned through the gateway).
 */
import { performance } from 'node:perf_hooks';
import {
  createDatabase,
  dropDatabase,
  ensureTenantTemplate,
  migrateTenantDatabase,
  withDatabase,
} from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { gql } from '../support/client.ts';
import { UNLIMITED } from './gateway.bench.ts';
import { type BenchRow, defineBench, median, ms, percentile, ratio } from './harness.ts';

export default defineBench({
  name: 'provisioning',
  title: 'Provisioning a client: a migrated template copied against migrations run one by one',
  async run(ctx) {
    const databases = ctx.size('provision_dbs', 6);
    const clients = ctx.size('provision_clients', 20);
    const server = await ctx.server();
    const template = await ensureTenantTemplate(server.url);
    const fresh: number[] = [];
    const copied: number[] = [];
    const made: string[] = [];
    ctx.defer(async () => {
      for (const name of made) await dropDatabase(server.url, name);
    });
    for (let i = 0; i < databases; i++) {
      const steps: [number[], string | undefined][] = [
        [fresh, undefined],
        [copied, template],
      ];
      for (const [into, from] of i % 2 === 0 ? steps : steps.reverse()) {
        const name = `bench_provision_${into === fresh ? 'fresh' : 'copy'}_${i}`;
        made.push(name);
        const t0 = performance.now();
        await createDatabase(server.url, name, from);
        if (!from) await migrateTenantDatabase(withDatabase(server.url, name));
        into.push(performance.now() - t0);
      }
    }

    const { stack } = await ctx.stack({ perimeter: UNLIMITED });
    const admin = gql(stack.gatewayUrl, await signLocalToken(stack.authPrivateJwk, 'admin@demo.firm'));
    const whole: number[] = [];
    for (let i = 0; i < clients; i++) {
      const t0 = performance.now();
      const r = await admin<{ provisionTenant: { status: string } }>(
        `mutation($input: ProvisionTenantInput!) { provisionTenant(input: $input) { status } }`,
        { input: { slug: `bench-client-${i}`, name: `Bench Client ${i}, S.A.` } },
      );
      whole.push(performance.now() - t0);
      if (r.data?.provisionTenant?.status !== 'ACTIVE') throw new Error(JSON.stringify(r.errors));
    }
    ctx.progress(`${clients} clients provisioned`);

    const rows: BenchRow[] = [
      {
        measure: 'a client database migrated from empty',
        result: `median ${ms(median(fresh))}`,
        note: `${databases} databases`,
      },
      {
        measure: 'a copy of the migrated template',
        result: `median ${ms(median(copied))}`,
        note: `${databases} databases, alternating with the above`,
      },
      { measure: 'ratio migrated / copied', result: ratio(median(fresh) / median(copied)) },
      {
        measure: 'provisionTenant through the gateway, whole',
        result: `median ${ms(median(whole))}`,
        note: `p90 ${ms(percentile(whole, 0.9))}, ${clients} clients one after another (the template built by the first)`,
      },
    ];
    return rows;
  },
});
