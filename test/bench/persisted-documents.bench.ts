/**
 * A partner integration's request by trusted document (`documentId`) against the same operation
 * sent as text by the same integration, through the gateway, on one stack in alternating rounds:
 * what looking the document up costs against what parsing the text costs.
 */
import { createHash } from 'node:crypto';
import { signLocalToken } from '@cifra/gateway';
import { load, QUERY, TENANT, UNLIMITED } from './gateway.bench.ts';
import { type BenchRow, defineBench, ms, percentile, ratio } from './harness.ts';

export default defineBench({
  name: 'persisted-documents',
  title: 'A partner request by trusted document against the same operation as text (through the gateway)',
  async run(ctx) {
    const requests = ctx.size('documents_requests', 1_000);
    const concurrency = 8;
    const rounds = 3;
    const { stack } = await ctx.stack({ perimeter: UNLIMITED });
    const admin = await signLocalToken(stack.authPrivateJwk, 'admin@demo.firm');
    const asAdmin = async (query: string, variables: Record<string, unknown> = {}) => {
      const res = await fetch(stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: Record<string, Record<string, string>>; errors?: unknown };
      if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const made = await asAdmin(
      'mutation { createIntegration(input: { name: "Bench Partner", contact: "bench@partner.example" }) { id } }',
    );
    const id = made.createIntegration?.id as string;
    const documentId = `sha256:${createHash('sha256').update(QUERY).digest('hex')}`;
    const reason = 'Benchmark: the text path is measured too';
    await asAdmin(
      `mutation($id: ID!) { grantIntegrationAccess(integrationId: $id, tenant: "${TENANT}", permissions: ["GL.Read"]) { expiresAt } }`,
      { id },
    );
    await asAdmin(
      'mutation($id: ID!, $m: JSON!) { publishTrustedDocuments(integrationId: $id, appVersion: "1.0.0", manifest: $m) { documents } }',
      {
        id,
        m: { [documentId]: QUERY },
      },
    );
    await asAdmin(
      `mutation($id: ID!) { allowArbitraryDocuments(integrationId: $id, allow: true, reason: "${reason}") { id } }`,
      { id },
    );
    const secret = await asAdmin(
      'mutation($id: ID!) { createIntegrationSecret(integrationId: $id) { clientId secret } }',
      { id },
    );
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: secret.createIntegrationSecret?.clientId as string,
      client_secret: secret.createIntegrationSecret?.secret as string,
    });
    const tokenRes = await fetch(stack.gatewayUrl.replace(/\/graphql$/, '/oauth/token'), {
      method: 'POST',
      body: form,
    });
    const accessToken = ((await tokenRes.json()) as { access_token: string }).access_token;
    const headers = async () => ({ authorization: `Bearer ${accessToken}`, 'x-tenant': TENANT });

    const paths = {
      document: { body: { documentId }, all: [] as number[], elapsedMs: 0 },
      text: { body: { query: QUERY }, all: [] as number[], elapsedMs: 0 },
    };
    for (const p of Object.values(paths)) await load(stack.gatewayUrl, headers, 100, concurrency, p.body);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [paths.document, paths.text] : [paths.text, paths.document];
      for (const p of order) {
        const sample = await load(stack.gatewayUrl, headers, requests, concurrency, p.body);
        p.all.push(...sample.latencies);
        p.elapsedMs += sample.elapsedMs;
      }
      ctx.progress(`round ${round + 1}/${rounds} done`);
    }
    const total = requests * rounds;
    const rate = (p: { elapsedMs: number }) => total / (p.elapsedMs / 1000);
    const rows: BenchRow[] = Object.entries(paths).map(([name, p]) => ({
      measure: name === 'document' ? 'by documentId (trusted document)' : 'the same operation as text',
      result: `${Math.round(rate(p)).toLocaleString('en')} req/s`,
      note: `p50 ${ms(percentile(p.all, 0.5))}, p99 ${ms(percentile(p.all, 0.99))}`,
    }));
    rows.push({
      measure: 'throughput ratio document / text',
      result: ratio(rate(paths.document) / rate(paths.text)),
      note: `${total.toLocaleString('en')} requests per path, ${concurrency} in flight, ${rounds} alternating rounds`,
    });
    return rows;
  },
});
