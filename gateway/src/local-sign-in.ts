import { type ControlDb, findMemberByEmail, listActiveMembers } from '@cifra/db';
import express, { type Request, type Response, type Router } from 'express';
import type { JWK } from 'jose';
import { type Authenticator, LOCAL_ISSUER, signLocalToken } from './auth.ts';
import { fromThisMachine } from './this-machine.ts';

/**
 * Signing in to the console in the embedded default (`pnpm start`), where the gateway itself is
 * the identity provider (the local issuer, as `pnpm token` is). It lists the firm's people and
 * mints a token for the one chosen — anyone who can call it can be anyone, so it exists only where
 * that is already true of the machine:
 *
 * - only when the gateway authenticates with the local issuer: startGateway refuses to start with
 *   it beside any other authenticator, and every token it mints is verified by the gateway's own
 *   authenticator before it is handed out (a token an external provider's gateway would not accept
 *   is never returned). Split mode (`pnpm serve gateway`) always authenticates with AUTH_ISSUER
 *   and never constructs it;
 * - only to callers on this machine (loopback), like /metrics without its token: a stack started
 *   with HOST=0.0.0.0 does not hand its users to the network, and a page whose name rebinds to
 *   127.0.0.1 gets nothing either (a loopback Host and Origin are required: this-machine.ts);
 * - tokens live 8 hours, and only active members of a firm are offered or accepted.
 */
export const LOCAL_SIGN_IN_TTL_SECONDS = 8 * 60 * 60;

export interface LocalSignIn {
  privateJwk: JWK;
}

function refuse(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** The member's role as a person reads it: the firm role, else their roles on single clients. */
function roleLabel(m: { firmRole: string | null; clientRoles: { slug: string; role: string }[] }): string {
  if (m.firmRole) return m.firmRole;
  return m.clientRoles.map((r) => `${r.role} on ${r.slug}`).join(', ') || 'No role';
}

export function localSignInRouter(opts: {
  signIn: LocalSignIn;
  authenticator: Authenticator;
  control: ControlDb;
}): Router {
  if (opts.authenticator.issuer !== LOCAL_ISSUER) {
    throw new Error('Local sign-in is served only by a gateway that authenticates with the local issuer');
  }
  const router = express.Router();
  router.use('/auth/local', (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!fromThisMachine(req)) {
      return refuse(res, 403, 'FORBIDDEN', 'Local sign-in is served only to this machine');
    }
    next();
  });
  router.get('/auth/local/users', async (_req, res, next) => {
    try {
      const members = await listActiveMembers(opts.control);
      res.json({
        users: members.map((m) => ({ email: m.email, displayName: m.displayName, role: roleLabel(m) })),
      });
    } catch (err) {
      next(err);
    }
  });
  router.post('/auth/local/token', express.json({ limit: '4kb' }), async (req: Request, res, next) => {
    try {
      // JSON only: a cross-site form cannot send it without a preflight this origin does not answer.
      if (!req.is('application/json')) {
        return refuse(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send {"email": …} as JSON');
      }
      const email = (req.body as { email?: unknown } | undefined)?.email;
      if (typeof email !== 'string' || email.length > 320) {
        return refuse(res, 400, 'BAD_USER_INPUT', 'Name the person to sign in as: {"email": …}');
      }
      const member = await findMemberByEmail(opts.control, email);
      if (!member) return refuse(res, 404, 'NOT_FOUND', `No active member ${email.toLowerCase()} of a firm`);
      const token = await signLocalToken(
        opts.signIn.privateJwk,
        member.email,
        `${LOCAL_SIGN_IN_TTL_SECONDS}s`,
      );
      const bearer = await opts.authenticator.identify(`Bearer ${token}`);
      if (!bearer || !('email' in bearer) || bearer.email !== member.email) {
        // The key is not the one this gateway verifies with: never hand out such a token.
        throw new Error('local sign-in minted a token its own gateway refuses');
      }
      res.json({ access_token: token, token_type: 'Bearer', expires_in: LOCAL_SIGN_IN_TTL_SECONDS });
    } catch (err) {
      next(err);
    }
  });
  return router;
}
