import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The firm console's package and what Vite builds into it (served by the gateway at `/`). */
export const CONSOLE_PACKAGE_DIR = fileURLToPath(new URL('../../packages/console', import.meta.url));
export const CONSOLE_DIST_DIR = path.join(CONSOLE_PACKAGE_DIR, 'dist');

/** The console's operations, `sha256:<hex>` → text: its client preset's checked-in manifest. */
export const CONSOLE_DOCUMENTS_PATH = path.join(
  CONSOLE_PACKAGE_DIR,
  'src/__generated__/persisted-documents.json',
);

/** The manifest as the console's build writes it beside its files (vite.config.ts). */
export const CONSOLE_BUILT_DOCUMENTS_PATH = path.join(CONSOLE_DIST_DIR, 'persisted-documents.json');

/**
 * The manifest the gateway runs the console's operations from (they are sent by id): the one of
 * the build it serves (`dist/persisted-documents.json`), or the checked-in one when there is no
 * build. `version` is the SHA-256 (hex) of the file, as the build tells the console
 * (`apollographql-client-version`): the key of its version side by side with others.
 */
export function readConsoleManifest(): { version: string; documents: Record<string, string> } {
  const file = existsSync(CONSOLE_BUILT_DOCUMENTS_PATH)
    ? CONSOLE_BUILT_DOCUMENTS_PATH
    : CONSOLE_DOCUMENTS_PATH;
  const bytes = readFileSync(file);
  const manifest = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  const documents: Record<string, string> = Object.create(null);
  for (const [id, text] of Object.entries(manifest)) {
    if (!/^sha256:[0-9a-f]{64}$/.test(id) || typeof text !== 'string') {
      throw new Error(`${file}: ${id.slice(0, 80)} is not a sha256 id with its text`);
    }
    documents[id] = text;
  }
  return { version: createHash('sha256').update(bytes).digest('hex'), documents };
}

/** The gateway's options for the manifest it serves: its documents and their version. */
export function consoleManifestOptions(): {
  consoleDocuments: Record<string, string>;
  consoleManifestVersion: string;
} {
  const { version, documents } = readConsoleManifest();
  return { consoleDocuments: documents, consoleManifestVersion: version };
}

/** The documents of the manifest the gateway serves (readConsoleManifest). */
export const readConsoleDocuments = (): Record<string, string> => readConsoleManifest().documents;

/** What the build reads: a change to any of these makes dist/ stale. */
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'env.ts', 'package.json', 'tsconfig.json'];

function newestMtimeMs(p: string): number {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtimeMs(path.join(p, entry)));
  return newest;
}

/**
 * This file's source: how the console is built. Compiled, this module runs from ops/dist/, written
 * by every `pnpm build` after the console's own build — its own mtime would make every production
 * start build the console again, emptying dist/ under a gateway serving it.
 */
const BUILD_RECIPE = fileURLToPath(new URL('../src/console-build.ts', import.meta.url));

/**
 * True when dist/ is missing or older than any of the console's sources, or than how it is built
 * (BUILD_RECIPE): a change to the build (as when builds stopped following the caller's NODE_ENV)
 * builds it again.
 */
export function consoleIsStale(): boolean {
  const built = path.join(CONSOLE_DIST_DIR, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  if (newestMtimeMs(BUILD_RECIPE) > builtAt) return true;
  return SOURCES.some((s) => newestMtimeMs(path.join(CONSOLE_PACKAGE_DIR, s)) > builtAt);
}

/**
 * Build the console with Vite when dist/ is missing or stale (`pnpm start`, the browser tests);
 * a fresh build is left alone. Returns whether it built. Vite's output goes to `log`.
 *
 * Vite builds into a directory of its own beside dist/, which is then moved in file by file
 * (installBuild): a gateway serving dist/ meanwhile, or another process building at the same
 * time, never sees it empty or half-written.
 */
export async function ensureConsoleBuilt(log: (line: string) => void = () => {}): Promise<boolean> {
  if (!consoleIsStale()) return false;
  const vite = path.join(CONSOLE_PACKAGE_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) throw new Error('The console cannot be built: run pnpm install first');
  const staging = mkdtempSync(`${CONSOLE_DIST_DIR}.building-`);
  try {
    await new Promise<void>((resolve, reject) => {
      const args = [vite, 'build', '--logLevel', 'warn', '--outDir', staging, '--emptyOutDir'];
      const child = spawn(process.execPath, args, {
        cwd: CONSOLE_PACKAGE_DIR,
        // Always React's production build: vite follows NODE_ENV, and under vitest (NODE_ENV=test) it
        // bundled React's development build, whose StrictMode runs every effect twice — a console that
        // `pnpm start` then served loaded the board twice.
        env: { ...process.env, NODE_ENV: 'production' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
      };
      child.stdout.on('data', collect);
      child.stderr.on('data', collect);
      child.on('error', reject);
      child.on('exit', (code) => {
        if (output.trim()) log(output.trim());
        if (code === 0) resolve();
        else reject(new Error(`Building the console failed (vite exited ${code}):\n${output}`));
      });
    });
    installBuild(staging, CONSOLE_DIST_DIR);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return true;
}

/** Every file under `dir`, relative to it (one another process removed meanwhile is left out). */
const filesIn = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile() ?? false,
  );

/**
 * Moves a finished build into `dist` so that a reader always finds a whole build: each file is
 * renamed over its old copy (atomic), index.html last, so that the page a browser is handed names
 * files that are there; then what the new build no longer has is removed. A build of the same
 * sources has the same hashed names: one running beside another changes nothing a reader sees.
 */
export function installBuild(staging: string, dist: string): void {
  const fresh = filesIn(staging).sort((a, b) => Number(a === 'index.html') - Number(b === 'index.html'));
  for (const file of fresh) {
    mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    renameSync(path.join(staging, file), path.join(dist, file));
  }
  const kept = new Set(fresh);
  for (const file of filesIn(dist)) if (!kept.has(file)) rmSync(path.join(dist, file), { force: true });
}
