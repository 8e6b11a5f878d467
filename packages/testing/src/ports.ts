import { readFileSync } from 'node:fs';
import net from 'node:net';

/** The OS's range for ports it hands out itself (listen on 0, a connection's local port). */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    return [Number(low), Number(high)];
  } catch {
    return [32768, 60999];
  }
}

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/**
 * A free port for a server a test starts later (`pnpm start` listens only after seeding the demo,
 * seconds on): chosen below the OS's ephemeral range, so that no other test's `listen(0)` and none
 * of the suite's hundreds of database connections — whose local ports the OS draws from that range —
 * can take it in the meantime (a port from `listen(0)` was, once: EADDRINUSE at the gateway).
 */
export async function reservedPort(): Promise<number> {
  const [low] = ephemeralRange();
  const first = 20_000;
  const last = Math.max(first + 1_000, low - 1);
  for (let tries = 0; tries < 200; tries++) {
    const port = first + Math.floor(Math.random() * (last - first));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${first} and ${last}`);
}
