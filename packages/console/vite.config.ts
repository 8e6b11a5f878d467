import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { env } from './env.ts';

/**
 * The build's persisted-documents manifest, as the gateway serving this build reads it
 * (`dist/persisted-documents.json`), and its version: the file's SHA-256, which the console sends
 * as `apollographql-client-version` so that the gateway runs the documents of *its* build, even
 * beside a newer one (docs/console.md, "versions side by side").
 */
const MANIFEST = readFileSync(new URL('./src/__generated__/persisted-documents.json', import.meta.url));
const MANIFEST_VERSION = createHash('sha256').update(MANIFEST).digest('hex');

const emitManifest = (): Plugin => ({
  name: 'cifra-console-manifest',
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'persisted-documents.json', source: MANIFEST });
  },
});

/** Paths the gateway answers itself; the dev server forwards them to a running stack. */
const API_PATHS = ['/graphql', '/auth'];

export default defineConfig({
  plugins: [react(), emitManifest()],
  define: { __CONSOLE_MANIFEST_VERSION__: JSON.stringify(MANIFEST_VERSION) },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The gateway's Content-Security-Policy allows scripts from its own origin only: nothing inline.
    assetsInlineLimit: 0,
    sourcemap: false,
    // Each screen is its own chunk (lazy in app.tsx); sizes in docs/console.md.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: env.CONSOLE_DEV_PORT,
    strictPort: true,
    proxy: Object.fromEntries(API_PATHS.map((p) => [p, { target: env.CIFRA_GATEWAY_ORIGIN }])),
  },
});
