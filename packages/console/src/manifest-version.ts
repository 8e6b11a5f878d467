declare const __CONSOLE_MANIFEST_VERSION__: string | undefined;

/**
 * The version of this build's persisted-documents manifest (the SHA-256 of the file, set by
 * vite.config.ts), sent as `apollographql-client-version` so the gateway runs this build's
 * documents even beside a newer build's (docs/console.md). Null outside a Vite build.
 */
export const MANIFEST_VERSION: string | null =
  typeof __CONSOLE_MANIFEST_VERSION__ === 'string' ? __CONSOLE_MANIFEST_VERSION__ : null;
