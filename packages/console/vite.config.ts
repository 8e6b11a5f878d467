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
    // One bundle for now (React, Apollo, React Aria); split per screen when the console grows.
    chunkSizeWarningLimit: 800,
  },
  server: {
    port: env.CONSOLE_DEV_PORT,
    strictPort: true,
    proxy: Object.fromEntries(API_PATHS.map((p) => [p, { target: env.CIFRA_GATEWAY_ORIGIN }])),
  },
});
