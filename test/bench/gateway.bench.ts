/**
 * What the gateway costs (issue 17 §3): one tenant query sent four ways, each server in a process
 * of its own, the load generator in the bench's process —
 *
 * - straight to the ledger subgraph (compiled, NODE_ENV=production, `pnpm serve ledger`) with a
 *   context the bench signed;
 * - through a bare `@apollo/gateway` that only forwards that header (bare-apollo-gateway.mjs);
 * - through Hive Gateway's runtime doing the same (hive-gateway.mjs);
 * - through cifraHQ's own gateway, compiled, NODE_ENV=production (`pnpm serve gateway`): bearer
 *   token, `X-Tenant`, access, signed context, perimeter.
 *
 * The three gateways forward to that one ledger subgraph. Rounds rotate and reverse the order of
 * the four so that all see the same machine; each process's CPU (and PostgreSQL's) is read from
 * /proc around each run, so the engine's cost and cifraHQ's own work are seen apart.
 *
 * `BENCH_GATEWAY_BASELINE=<another checkout, built>` adds that checkout's gateway as a fifth path,
 * so that a change to the gateway is measured before and after in the same rounds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { CONTEXT_HEADER, ContextSigner } from '@cifra/context';
import { resolveAccess } from '@cifra/gateway';
import { readSecrets, SUPERGRAPH_SDL_PATH } from '@cifra/ops';
import { importJWK, type JWK, SignJWT } from 'jose';
import { compile } from '../../scripts/compile.ts';
import { TENANT, UNLIMITED } from './gateway-load.ts';
import { startService } from './gateway-processes.ts';
import { measureRounds, type Path, reportRows } from './gateway-report.ts';
import { defineBench } from './harness.ts';

export { load, QUERY, TENANT, UNLIMITED } from './gateway-load.ts';

const RUN = 'ops/bin/run.mjs';
const ISSUER = 'https://identity.bench.invalid';
const AUDIENCE = 'cifra-bench';
const publicOf = ({ d: _private, ...key }: JWK): JWK => key;

/** The identity provider's keys, as a split-mode gateway fetches them (AUTH_JWKS_URL). */
async function serveJwks(key: JWK): Promise<{ url: string; close: () => void }> {
  const body = JSON.stringify({ keys: [{ ...publicOf(key), kid: 'bench', alg: 'EdDSA', use: 'sig' }] });
  const server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/jwks.json`, close: () => server.close() };
}

/** The supergraph with each subgraph's real address, for the engines that read it as it is. */
function supergraphWith(urls: Readonly<Record<string, string>>, file: string): string {
  const sdl = readFileSync(SUPERGRAPH_SDL_PATH, 'utf8').replace(
    /@join__graph\(name: "(\w+)", url: "[^"]*"\)/g,
    (whole, name: string) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole),
  );
  writeFileSync(file, sdl);
  return file;
}

export default defineBench({
  name: 'gateway',
  title:
    'Gateway against a direct subgraph call: direct, bare Apollo Gateway, Hive Gateway, cifraHQ (each its own process)',
  async run(ctx) {
    const requests = ctx.size('gateway_requests', 1_000);
    const concurrency = ctx.size('gateway_concurrency', 8);
    const rounds = ctx.size('gateway_rounds', 4);
    ctx.progress("compiling the services (pnpm build's last step)");
    await compile();
    // The control plane, the demo firm and the other four subgraphs (idle here).
    const { stack, dataDir } = await ctx.stack({ perimeter: UNLIMITED, worker: false });
    const keys = await readSecrets(dataDir);
    const production = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: '0',
      DATA_DIR: dataDir,
      CONTROL_DATABASE_URL: stack.control.appUrl,
      ...stack.serviceSecrets,
    };
    const ledger = await startService(ctx, 'ledger', [RUN, 'serve', 'ledger'], {
      ...production,
      CONTEXT_PUBLIC_JWK: JSON.stringify(publicOf(keys.contextPrivateJwk)),
    });
    const urls = { ...stack.subgraphUrls, ledger: ledger.url };
    const jwks = await serveJwks(keys.authPrivateJwk);
    ctx.defer(jwks.close);
    const gatewayEnv = {
      ...production,
      CONTEXT_PRIVATE_JWK: JSON.stringify(keys.contextPrivateJwk),
      AUTH_JWKS_URL: jwks.url,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      SUBGRAPH_URLS: Object.entries(urls)
        .map(([name, url]) => `${name}=${url}`)
        .join(','),
      RATE_LIMIT_PERSON_POINTS: '1000000000',
      RATE_LIMIT_ANONYMOUS_POINTS: '1000000000',
    };
    const ours = await startService(ctx, 'cifra', [RUN, 'serve', 'gateway'], gatewayEnv);
    // Another checkout's gateway (built: `pnpm build` there) beside this one, to measure a change
    // before and after in the same run rather than in two runs on a machine whose load moves.
    const baselineDir = process.env.BENCH_GATEWAY_BASELINE;
    const baseline = baselineDir
      ? await startService(ctx, 'cifra-baseline', [join(baselineDir, RUN), 'serve', 'gateway'], gatewayEnv)
      : undefined;
    const engineArgs = JSON.stringify({
      supergraphPath: supergraphWith(urls, `${dataDir}/supergraph-bench.graphql`),
      header: CONTEXT_HEADER,
    });
    const engine = { NODE_ENV: 'production' };
    const bare = await startService(
      ctx,
      'bare-apollo',
      ['test/bench/bare-apollo-gateway.mjs', engineArgs],
      engine,
    );
    const hive = await startService(ctx, 'hive', ['test/bench/hive-gateway.mjs', engineArgs], engine).catch(
      (err: Error) => err,
    );

    const email = 'senior@demo.firm';
    const token = await new SignJWT({ email })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
      .setSubject(email)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(await importJWK(keys.authPrivateJwk, 'EdDSA'));
    const signer = await ContextSigner.fromJwk(keys.contextPrivateJwk);
    // The context cifraHQ's gateway would sign for this caller, signed afresh for every request
    // (each is usable once); the engines forward it as they got it.
    const client = { name: 'bench', version: '1' };
    const { requestId: _once, ...access } = await resolveAccess(stack.control.db, email, TENANT, client);
    const signed = async () => ({ [CONTEXT_HEADER]: await signer.sign(access, 'ledger') });
    const bearer = async () => ({ authorization: `Bearer ${token}`, 'x-tenant': TENANT });

    const path = (label: string, url: string, headers: Path['headers'], server?: number): Path => ({
      label,
      url,
      headers,
      server,
      latencies: [],
      elapsedMs: 0,
      cpu: { server: 0, ledger: 0, postgres: 0, generator: 0 },
    });
    const paths = [
      path('straight to the ledger subgraph', ledger.url, signed),
      path('bare Apollo Gateway 2.14.4', bare.url, signed, bare.pid),
      ...(hive instanceof Error ? [] : [path('Hive Gateway runtime 2.12.1', hive.url, signed, hive.pid)]),
      ...(baseline ? [path("cifraHQ's gateway, baseline build", baseline.url, bearer, baseline.pid)] : []),
      path("cifraHQ's gateway", ours.url, bearer, ours.pid),
    ];
    await measureRounds(ctx, paths, {
      requests,
      concurrency,
      rounds,
      ledger: ledger.pid,
      pool: stack.control.pool,
    });
    const rows = reportRows(paths, { requests, concurrency, rounds });
    if (hive instanceof Error) {
      rows.push({
        measure: 'Hive Gateway runtime 2.12.1',
        result: 'not run',
        note: hive.message.split('\n')[0],
      });
    }
    return rows;
  },
});
