/**
 * `pnpm build`'s last step: every service package compiled to plain JavaScript in its own `dist/`
 * (a sibling of `src/`, so paths taken from `import.meta.url` — migrations, the supergraph, a
 * subgraph's schema files — resolve as they do from the sources). Production runs these with
 * `node` (ops/bin/run.mjs); development and the tests run the TypeScript sources with tsx.
 *
 * One file in, one file out (no bundling): esbuild strips the types and rewrites relative `.ts`
 * imports to `.js`; every other import stays as written, and a workspace package resolves to its
 * `dist/` through the `cifra-compiled` export condition. Types are checked by `pnpm typecheck`,
 * not here.
 */
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The packages a running cifraHQ loads: every workspace package but the console and test support. */
export const COMPILED_PACKAGES = [
  'gateway',
  'ops',
  ...['audit', 'fx', 'ledger', 'period', 'tenancy'].map((s) => `subgraphs/${s}`),
  ...['backups', 'context', 'db', 'domain', 'engine', 'exports', 'fx', 'permissions', 'tracing'].map(
    (p) => `packages/${p}`,
  ),
];

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return filesUnder(file, keep);
    return keep(file) ? [file] : [];
  });
}

const isSource = (f: string) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts');

/** Each import stays external; a relative one to a `.ts` file now names the `.js` file beside it. */
const oneFileEach: Plugin = {
  name: 'one-file-each',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relative = args.path.startsWith('./') || args.path.startsWith('../');
      return { path: relative ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
  },
};

export async function compile(packages: readonly string[] = COMPILED_PACKAGES): Promise<void> {
  for (const pkg of packages) {
    const src = path.join(ROOT, pkg, 'src');
    const dist = path.join(ROOT, pkg, 'dist');
    rmSync(dist, { recursive: true, force: true });
    await build({
      entryPoints: filesUnder(src, isSource),
      outdir: dist,
      outbase: src,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: true,
      logLevel: 'warning',
      plugins: [oneFileEach],
    });
    // What the code reads or loads beside itself at run time: a subgraph's schema files, and the
    // plain JavaScript entries of its worker threads (the bank statements' `read-boot.mjs`).
    for (const file of filesUnder(src, (f) => f.endsWith('.graphql') || f.endsWith('.mjs'))) {
      cpSync(file, path.join(dist, path.relative(src, file)));
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  await compile();
  const missing = COMPILED_PACKAGES.filter((p) => !existsSync(path.join(ROOT, p, 'dist')));
  if (missing.length > 0) throw new Error(`not compiled: ${missing.join(', ')}`);
  console.log(`compiled ${COMPILED_PACKAGES.length} packages to dist/ in ${Date.now() - started} ms`);
}
