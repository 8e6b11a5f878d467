import type { IncomingMessage } from 'node:http';

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
const LOOPBACK_ORIGIN = /^https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;

/**
 * Whether a request comes from this machine and is addressed to it by a loopback name: what is
 * served only to this machine (the local sign-in, `/metrics` without its token) asks all three.
 *
 * The address alone is not enough: a page whose domain an attacker's DNS rebinds to 127.0.0.1 is
 * fetched by the browser over loopback, and the browser counts it as the page's own origin, so
 * it reads the answer. Such a request still names the attacker's domain in `Host` (and in
 * `Origin`, when the browser sends one), which no one on this machine types to reach the gateway.
 */
export function fromThisMachine(req: IncomingMessage): boolean {
  if (!LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '')) return false;
  if (!LOOPBACK_HOST.test(req.headers.host ?? '')) return false;
  const origin = req.headers.origin;
  return origin === undefined || LOOPBACK_ORIGIN.test(origin);
}
