import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { env } from './env.ts';

/** Paths the gateway answers itself; the dev server forwards them to a running stack. */
const API_PATHS = ['/graphql', '/auth'];

export default defineConfig({
  plugins: [react()],
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
