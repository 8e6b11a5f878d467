import { connect as connectSocket, isIP, type Socket } from 'node:net';
import { type ConnectionOptions, connect as connectTls } from 'node:tls';
import type { pg } from './pg.ts';

/**
 * How long a statement canceled at its deadline has to stop before its connection is cut; and how
 * long the cancel's own connection may take.
 */
export const CANCEL_GRACE_MS = 2_000;

/** The protocol's CancelRequest code (PostgreSQL's frontend/backend protocol, "CancelRequest"). */
const CANCEL_REQUEST_CODE = 80_877_102;
/** The protocol's SSLRequest code: the server answers one byte, `S` (TLS follows) or `N`. */
const SSL_REQUEST_CODE = 80_877_103;

type Ssl = true | (ConnectionOptions & { key?: unknown });
interface CancelTarget {
  processID: number | null;
  secretKey: number | null;
  host: string;
  port: number;
  ssl: Ssl | false | undefined;
  sslNegotiation?: string;
}

function packet(code: number, ...ints: number[]): Buffer {
  const out = Buffer.alloc(8 + 4 * ints.length);
  out.writeInt32BE(out.length, 0);
  out.writeInt32BE(code, 4);
  for (const [i, n] of ints.entries()) out.writeInt32BE(n, 8 + 4 * i);
  return out;
}

/** The TLS options the session itself connected with (pg's own `upgradeToSSL`), on `socket`. */
function tlsOptions(target: CancelTarget, socket: Socket): ConnectionOptions {
  const options: ConnectionOptions = { socket, host: target.host };
  if (target.ssl && target.ssl !== true) {
    Object.assign(options, target.ssl);
    // pg keeps the key out of enumeration (it is hidden from logs); it is still the session's.
    if ('key' in target.ssl) options.key = target.ssl.key as ConnectionOptions['key'];
  }
  if (isIP(target.host) === 0) options.servername = target.host;
  if (target.sslNegotiation === 'direct') options.ALPNProtocols = ['postgresql'];
  return options;
}

/**
 * Cancels the statement `client`'s session is running, the way psql's Ctrl-C does: a CancelRequest
 * on a connection of its own, naming the session's process and secret key. The server checks the
 * key, not a privilege, so the investigator login needs none (`pg_cancel_backend` is closed to it,
 * tenant migration 0024). When the session uses TLS, so does the cancel — negotiated as the session
 * negotiated it (an SSLRequest answered `S`, or direct TLS), with the same TLS options, the request
 * sent only once the handshake is done; a server that refuses TLS gets no cancel in the clear (the
 * key would let anyone on the path cancel that session's statements). pg's own `cancel` and libpq's
 * `PQcancel` before PostgreSQL 17 send it in the clear. A request that cannot be delivered is no
 * error: the deadline cuts the connection after its grace.
 */
export function cancelStatement(client: pg.Client): void {
  const target = client as unknown as CancelTarget;
  if (target.processID === null || target.secretKey === null) return;
  const request = packet(CANCEL_REQUEST_CODE, target.processID, target.secretKey);
  const socket = target.host.startsWith('/')
    ? connectSocket(`${target.host}/.s.PGSQL.${target.port}`)
    : connectSocket(target.port, target.host);
  socket.on('error', () => undefined);
  socket.setTimeout(CANCEL_GRACE_MS, () => socket.destroy());
  if (!target.ssl) {
    socket.end(request);
    return;
  }
  const overTls = () => {
    const secure = connectTls(tlsOptions(target, socket), () => secure.end(request));
    secure.on('error', () => socket.destroy());
  };
  if (target.sslNegotiation === 'direct') {
    socket.once('connect', overTls);
    return;
  }
  socket.write(packet(SSL_REQUEST_CODE));
  socket.once('data', (answer: Buffer) => {
    if (answer.length === 1 && answer.toString('latin1') === 'S') overTls();
    else socket.destroy();
  });
}
