/**
 * Attackers in a process of their own (demand-control.bench.ts): `senders` loops each POST the
 * reported bomb (1.4 MB) to the gateway as one caller, until SIGTERM; then one JSON line on stdout
 * with each refusal's time and the codes answered. Apart, so that what the bench measures is the
 * gateway, not the attackers' own JSON encoding and sockets on the bench's event loop.
 */
import { performance } from 'node:perf_hooks';
import { bomb } from '../support/bomb.ts';

export interface FloodConfig {
  url: string;
  token: string;
  tenant: string;
  senders: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as FloodConfig;
const body = JSON.stringify({ query: bomb(100, 1_200) });
const times: number[] = [];
const codes: Record<string, number> = {};
let flooding = true;

const senders = Array.from({ length: config.senders }, async () => {
  while (flooding) {
    const t0 = performance.now();
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${config.token}`,
          'x-tenant': config.tenant,
        },
        body,
      });
      const answer = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      const code = answer.errors?.[0]?.extensions?.code ?? `HTTP_${res.status}`;
      codes[code] = (codes[code] ?? 0) + 1;
      times.push(performance.now() - t0);
    } catch (err) {
      const code = `FAILED ${(err as Error).message}`;
      codes[code] = (codes[code] ?? 0) + 1;
    }
  }
});

process.stdout.write('flooding\n');
process.once('SIGTERM', () => {
  flooding = false;
  void Promise.all(senders).then(() => {
    process.stdout.write(`${JSON.stringify({ times, codes })}\n`);
    process.exit(0);
  });
});
