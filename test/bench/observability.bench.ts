/**
 * What the perimeter and traces cost the gateway: the same tenant query through four all-in-one
 * stacks — a gateway without the perimeter; the perimeter on (demand control, rate limits with
 * buckets no one empties, a JSON log line per request, Prometheus metrics); and the perimeter on
 * with every span exported over OTLP/HTTP in batches to a collector stand-in on loopback; and the
 * same with one trace in ten sampled at the gateway. Each stack runs in a process of its own;
 * rounds rotate which goes first.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signLocalToken } from '@cifra/gateway';
import { readSecrets } from '@cifra/ops';
import { load, TENANT, UNLIMITED } from './gateway.bench.ts';
import { type BenchRow, defineBench, ms, percentile, ratio } from './harness.ts';

/** The sampled side's share of traces (what `OTEL_TRACES_SAMPLER_ARG` would say). */
const SAMPLE_RATIO = 0.1;

/** Each span of an OTLP/JSON export names its id once (its parent's is `parentSpanId`). */
const SPAN_ID = Buffer.from('"spanId"');

/** An OTLP/HTTP receiver that counts what it is sent and keeps nothing. */
async function otlpSink() {
  const received = { requests: 0, bytes: 0, spans: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.requests += 1;
      received.bytes += body.length;
      // Counted, not decoded: this process also sends the load, and must not pay for the spans.
      for (let at = body.indexOf(SPAN_ID); at !== -1; at = body.indexOf(SPAN_ID, at + 1)) received.spans += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Side {
  label: string;
  url: string;
  headers: () => Promise<Record<string, string>>;
  all: number[];
  elapsedMs: number;
}

export default defineBench({
  name: 'observability',
  title:
    'The gateway without and with the perimeter, and with traces (each stack in its own process, rotating rounds)',
  async run(ctx) {
    const requests = ctx.size('observability_requests', 1_000);
    const concurrency = ctx.size('observability_concurrency', 8);
    const rounds = ctx.size('observability_rounds', 4);
    const sink = await otlpSink();
    ctx.defer(sink.close);
    const sampledSink = await otlpSink();
    ctx.defer(sampledSink.close);
    const perimeter = UNLIMITED;
    const side = async (
      label: string,
      tracesEndpoint?: string,
      bare = false,
      sampleRatio?: number,
    ): Promise<Side> => {
      const s = await ctx.stackProcess({ perimeter, logs: !bare, tracesEndpoint, bare, sampleRatio });
      const token = await signLocalToken((await readSecrets(s.dataDir)).authPrivateJwk, 'senior@demo.firm');
      const headers = async () => ({ authorization: `Bearer ${token}`, 'x-tenant': TENANT });
      return { label, url: s.gatewayUrl, headers, all: [], elapsedMs: 0 };
    };
    const bare = await side('perimeter off, traces off', undefined, true);
    const off = await side('perimeter on, traces off');
    const on = await side('perimeter on, every trace exported (OTLP/HTTP to loopback)', sink.url);
    const sampled = await side(
      `perimeter on, 1 trace in ${Math.round(1 / SAMPLE_RATIO)} exported (parent-based ratio)`,
      sampledSink.url,
      false,
      SAMPLE_RATIO,
    );
    const sides = [bare, off, on, sampled];
    for (const s of sides) await load(s.url, s.headers, 200, concurrency); // warm up
    const before = { ...sink.received };
    const sampledBefore = { ...sampledSink.received };
    for (let round = 0; round < rounds; round++) {
      const first = round % sides.length;
      for (const s of [...sides.slice(first), ...sides.slice(0, first)]) {
        const sample = await load(s.url, s.headers, requests, concurrency);
        s.all.push(...sample.latencies);
        s.elapsedMs += sample.elapsedMs;
      }
      ctx.progress(`round ${round + 1}/${rounds} done`);
    }
    // The last batch leaves within the processor's delay (5 s): wait for it before counting.
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    const total = requests * rounds;
    const rate = (s: Side) => total / (s.elapsedMs / 1000);
    const rows: BenchRow[] = sides.map((s) => ({
      measure: s.label,
      result: `${Math.round(rate(s)).toLocaleString('en')} req/s`,
      note: `p50 ${ms(percentile(s.all, 0.5))}, p99 ${ms(percentile(s.all, 0.99))}`,
    }));
    const spans = sink.received.spans - before.spans;
    rows.push(
      {
        measure: 'throughput ratio perimeter on / off',
        result: ratio(rate(off) / rate(bare)),
        note: `${total.toLocaleString('en')} requests per side, ${concurrency} in flight, ${rounds} rotating rounds`,
      },
      {
        measure: 'throughput ratio traces on / off (perimeter on)',
        result: ratio(rate(on) / rate(off)),
        note: `p50 ratio ${ratio(percentile(on.all, 0.5) / percentile(off.all, 0.5))}`,
      },
      {
        measure: 'throughput ratio sampled traces / traces off (perimeter on)',
        result: ratio(rate(sampled) / rate(off)),
        note: `p50 ratio ${ratio(percentile(sampled.all, 0.5) / percentile(off.all, 0.5))}`,
      },
      {
        measure: 'throughput ratio perimeter and traces on / both off',
        result: ratio(rate(on) / rate(bare)),
        note: `p50 ratio ${ratio(percentile(on.all, 0.5) / percentile(bare.all, 0.5))}`,
      },
      {
        measure: 'throughput ratio production default (perimeter, 1 trace in 10) / both off',
        result: ratio(rate(sampled) / rate(bare)),
        note: `p50 ratio ${ratio(percentile(sampled.all, 0.5) / percentile(bare.all, 0.5))}`,
      },
      {
        measure: 'spans exported per request, every trace',
        result: (spans / total).toFixed(1),
        note: `${(sink.received.requests - before.requests).toLocaleString('en')} OTLP requests, ${Math.round((sink.received.bytes - before.bytes) / 1024).toLocaleString('en')} KiB`,
      },
      {
        measure: 'spans exported per request, sampled',
        result: ((sampledSink.received.spans - sampledBefore.spans) / total).toFixed(2),
        note: `${(sampledSink.received.requests - sampledBefore.requests).toLocaleString('en')} OTLP requests, ${Math.round((sampledSink.received.bytes - sampledBefore.bytes) / 1024).toLocaleString('en')} KiB`,
      },
    );
    return rows;
  },
});
