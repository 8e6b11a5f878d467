import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Response } from 'express';

/**
 * The firm console (packages/console), built by Vite, served from the gateway's own origin at `/`
 * so that it calls `/graphql` without CORS. Every API path keeps its own handler: this is mounted
 * after them, and its fallback never answers a path under one of them.
 */

/** Paths the gateway answers itself: never the console's, whatever the browser asks for. */
export const API_PATH_PREFIXES = ['/graphql', '/healthz', '/metrics', '/oauth', '/exports', '/auth'] as const;

/**
 * React Aria Components write two fixed stylesheets into the page at run time (usePress: the
 * pressables' touch-action; usePreventScroll, under a modal: overscroll-behavior). They are allowed
 * by their SHA-256 and nothing else inline is. The browser test fails on any CSP violation, so a
 * library update that changes them is caught there (test/e2e/console.e2e.test.ts).
 */
const REACT_ARIA_STYLE_HASHES = [
  "'sha256-38RhXrc7EdReTKsOm23ZPOCUgniTUUcjky8QOOrQx6o='",
  "'sha256-gYiS/BvZvRcK27JIXTuwhZ3hs2+VJ1X+2gUlE+farlg='",
];

/**
 * Scripts, styles, images and fonts from this origin only, no inline script, no inline style but
 * React Aria's two by hash, and no CDN; the console talks to this origin only — and, signing in
 * with OIDC, to the provider's origins it calls (`consoleConnectOrigins`: discovery, token
 * endpoint), nothing wider;
 * it may not be framed, and no <base> or plugin can change that.
 */
export function consoleCsp(connectOrigins: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' ${REACT_ARIA_STYLE_HASHES.join(' ')}`,
    "img-src 'self' data:",
    "font-src 'self'",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Vite names what it builds under assets/ by content hash: such a file never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

function secure(res: Response, csp: string): void {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
}

const isApiPath = (p: string) =>
  API_PATH_PREFIXES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`));

/** Static files of the built console, and its index.html for any other page path (client routing). */
export function consoleHandler(
  dir: string,
  connectOrigins: () => Promise<readonly string[]> = async () => [],
): RequestHandler {
  const root = path.resolve(dir);
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) throw new Error(`The console is not built: no ${index}`);
  const files = express.static(root, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    fallthrough: true,
    setHeaders: (res, file) => {
      secure(res, (res as Response).locals.csp as string);
      const rel = path.relative(root, file);
      res.setHeader('Cache-Control', rel.startsWith(`assets${path.sep}`) ? IMMUTABLE : 'no-cache');
    },
  });
  const router = express.Router();
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    connectOrigins().then((origins) => {
      const csp = consoleCsp(origins);
      res.locals.csp = csp;
      files(req, res, () => {
        // A page of the console (no file extension) gets index.html; a missing file stays a 404.
        if (path.extname(req.path) !== '' || !req.accepts('html')) return next();
        secure(res, csp);
        res.setHeader('Cache-Control', 'no-cache');
        res.sendFile(index);
      });
    }, next);
  });
  return router;
}
