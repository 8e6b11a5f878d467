import type { GqlResult } from '../support/client.ts';
import type { WorldUser } from './world.ts';

type Request = (
  token: string | undefined,
  tenant: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<GqlResult>;

const REASON = 'isolation fuzzer: machine callers on purpose';
/** Tokens live 15 minutes; a long `pnpm fuzz` renews them well before. */
const RENEW_AFTER_MS = 10 * 60_000;

interface MachineSpec {
  firm: 'demo' | 'zeta';
  name: string;
  /** Client-by-client grants; an entity key names its one client and ready-made access instead. */
  grants?: Record<string, string[]>;
  entityKey?: { tenant: string; access: 'READ_ONLY' | 'INVOICING' };
  firmDashboard?: boolean;
  /** Whether it may send query text (the fuzzer's requests are text); else it is refused all of them. */
  arbitrary: boolean;
}

/**
 * The machine callers of the fuzz world, set up through the gateway the way a firm would: a
 * partner of each firm granted some of its clients (the demo one with the firm dashboard), an
 * entity key bound to one client, and a partner held to its trusted documents.
 */
export const MACHINES: MachineSpec[] = [
  {
    firm: 'demo',
    name: 'Fuzz Partner',
    grants: {
      'cafe-boquete': [
        'GL.Read',
        'GL.Post',
        'GL.Export',
        'Invoice.Create',
        'Invoice.Approve',
        'Party.Manage',
        'Period.Read',
        'Tenant.Read',
        'FX.Read',
        'Audit.Read',
      ],
      'ferreteria-colon': ['GL.Read', 'Period.Read'],
    },
    firmDashboard: true,
    arbitrary: true,
  },
  {
    firm: 'zeta',
    name: 'Fuzz Zeta Partner',
    grants: { 'zeta-norte': ['GL.Read', 'GL.Post', 'Period.Read', 'Tenant.Read'] },
    arbitrary: true,
  },
  {
    firm: 'demo',
    name: 'Fuzz Shop Key',
    entityKey: { tenant: 'panaderia-valle', access: 'INVOICING' },
    arbitrary: true,
  },
  { firm: 'demo', name: 'Fuzz Trusted Partner', grants: { 'clinica-costa': ['GL.Read'] }, arbitrary: false },
];

function must<T>(res: GqlResult, what: string): T {
  if (res.errors?.length || !res.data) throw new Error(`${what}: ${JSON.stringify(res.errors)}`);
  return res.data as T;
}

/** Register every machine caller and give each a secret; each becomes a WorldUser keyed `integration:<client id>`. */
export async function addMachineCallers(
  request: Request,
  tokenUrl: string,
  admins: Record<'demo' | 'zeta', string>,
): Promise<WorldUser[]> {
  const callers: WorldUser[] = [];
  for (const spec of MACHINES) {
    const admin = admins[spec.firm];
    const id = spec.entityKey
      ? must<{ createEntityKey: { id: string } }>(
          await request(
            admin,
            undefined,
            'mutation($input: CreateEntityKeyInput!) { createEntityKey(input: $input) { id } }',
            { input: { ...spec.entityKey, name: spec.name, contact: 'it@fuzz.example' } },
          ),
          `entity key ${spec.name}`,
        ).createEntityKey.id
      : must<{ createIntegration: { id: string } }>(
          await request(
            admin,
            undefined,
            'mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { id } }',
            { input: { name: spec.name, contact: 'api@fuzz.example' } },
          ),
          `integration ${spec.name}`,
        ).createIntegration.id;
    for (const [tenant, permissions] of Object.entries(spec.grants ?? {})) {
      must(
        await request(
          admin,
          undefined,
          'mutation($id: ID!, $t: String!, $p: [String!]!) { grantIntegrationAccess(integrationId: $id, tenant: $t, permissions: $p) { grantedAt } }',
          { id, t: tenant, p: permissions },
        ),
        `grant ${spec.name} on ${tenant}`,
      );
    }
    if (spec.firmDashboard) {
      must(
        await request(
          admin,
          undefined,
          'mutation($id: ID!) { grantIntegrationFirmAccess(integrationId: $id, permissions: ["Firm.Dashboard"]) { id } }',
          { id },
        ),
        `firm grant for ${spec.name}`,
      );
    }
    if (spec.arbitrary) {
      must(
        await request(
          admin,
          undefined,
          'mutation($id: ID!, $why: String!) { allowArbitraryDocuments(integrationId: $id, allow: true, reason: $why) { id } }',
          { id, why: REASON },
        ),
        `arbitrary documents for ${spec.name}`,
      );
    }
    const secret = must<{ createIntegrationSecret: { clientId: string; secret: string } }>(
      await request(
        admin,
        undefined,
        'mutation($id: ID!) { createIntegrationSecret(integrationId: $id) { clientId secret } }',
        { id },
      ),
      `secret for ${spec.name}`,
    ).createIntegrationSecret;
    const caller: WorldUser = { email: `integration:${secret.clientId}`, firm: spec.firm, token: '' };
    let issuedAt = 0;
    caller.refresh = async () => {
      if (Date.now() - issuedAt < RENEW_AFTER_MS) return;
      const res = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: secret.clientId,
          client_secret: secret.secret,
        }).toString(),
      });
      const body = (await res.json()) as { access_token?: string };
      // Once the fuzzer has suspended or deleted it, its last token stands in (and must be refused).
      if (body.access_token) caller.token = body.access_token;
      issuedAt = Date.now();
    };
    await caller.refresh();
    if (!caller.token) throw new Error(`no access token for ${spec.name}`);
    callers.push(caller);
  }
  return callers;
}
