import { type Actor, control } from '@cifra/db';
import { signLocalToken } from '@cifra/gateway';
import { createFirm } from '@cifra/ops';
import { provisionTenant } from '@cifra/subgraph-tenancy';
import { TEST_LEGAL_DETAILS } from '@cifra/testing';
import { eq } from 'drizzle-orm';
import { isEnumType } from 'graphql';
import { clientToday } from '../support/books-year.ts';
import { type GqlResult, gql } from '../support/client.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';
import { addMachineCallers } from './machine-callers.ts';
import { loadApiSchema } from './operations.ts';

/**
 * A client of the fuzz world and the marks its data carries. A mark has six or more characters:
 * opaque tokens, ids and cursors are random base64url, and a shorter mark turns up in one of them
 * often enough to fail a run now and then (`W5Z` inside an export link's signature did).
 */
export interface WorldClient {
  index: number;
  slug: string;
  firm: 'demo' | 'zeta';
  /** Found in the client's party names, memos and document lines, and nowhere else (`MK<index>QJX`). */
  dataMark: string;
  /** Carried by every string the fuzzer sends to this client (`W<index>ZJX`). */
  writeMark: string;
}

export interface WorldUser {
  /** How the fuzzer's judge knows the caller: a person's email, or `integration:<client id>`. */
  email: string;
  firm: 'demo' | 'zeta';
  token: string;
  /** A machine caller renews its short-lived access token before it runs out. */
  refresh?: () => Promise<void>;
}

export interface ExportLink {
  url: string;
  client: WorldClient;
}

export interface World {
  test: TestStack;
  clients: WorldClient[];
  users: WorldUser[];
  exportLinks: ExportLink[];
  /** Run a GraphQL request through the gateway as anyone (or no one). */
  request(
    token: string | undefined,
    tenant: string | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GqlResult>;
  close(): Promise<void>;
}

export const ZETA_CLIENTS = [
  { slug: 'zeta-norte', name: 'Zeta Norte, S.A.' },
  { slug: 'zeta-sur', name: 'Zeta Sur, S.A.' },
] as const;

const OPERATOR: Actor = { userId: null, email: 'operator@cifra', reason: 'isolation fuzzer set-up' };

const SET_LEGAL_DETAILS =
  'mutation($input: LegalDetailsInput!) { updateLegalDetails(input: $input) { complete } }';

/**
 * Two firms that must never see each other: the demo firm (five clients, its demo users plus a
 * restricted, a walled-off and a client-scoped person, and its machine callers: a partner with the
 * firm dashboard, an entity key, a partner held to trusted documents) and a second firm with two
 * clients of its own and a partner. Every client is seeded with marked data through the gateway, the way a firm would.
 */
export async function buildWorld(): Promise<World> {
  const test = await startTestStack();
  const { stack } = test;
  const db = stack.control.db;
  const zetaFirm = await createFirm(db, OPERATOR, {
    name: 'Zeta Audit',
    slug: 'zeta-audit',
    adminEmail: 'admin@zeta.firm',
  });
  for (const c of ZETA_CLIENTS) {
    await provisionTenant({ control: db, secrets: stack.serviceSecrets }, OPERATOR, zetaFirm.firmId, c);
  }
  const demoSlugs = (
    await db
      .select()
      .from(control.tenants)
      .where(eq(control.tenants.firmId, (await demoFirmId(test))!))
  )
    .map((t) => t.slug)
    .sort();
  const clients: WorldClient[] = [
    ...demoSlugs.map((slug) => ({ slug, firm: 'demo' as const })),
    ...ZETA_CLIENTS.map((c) => ({ slug: c.slug, firm: 'zeta' as const })),
  ].map((c, index) => ({ ...c, index, dataMark: `MK${index}QJX`, writeMark: `W${index}ZJX` }));

  const sign = (email: string) => signLocalToken(stack.authPrivateJwk, email);
  const request: World['request'] = (token, tenant, query, variables) =>
    // The fuzzer's judge reports internal errors itself, with the request that caused them.
    gql(stack.gatewayUrl, token, tenant, { allowInternal: true })(query, variables);
  const demoAdmin = test.token('admin');
  const zetaAdmin = await sign('admin@zeta.firm');

  // People with every kind of access: firm-wide, client-level only, restricted on one client.
  await addMember(request, zetaAdmin, 'senior@zeta.firm', 'SENIOR');
  await addMember(request, demoAdmin, 'restricted@demo.firm', 'SENIOR');
  await assignRole(request, demoAdmin, 'restricted@demo.firm', 'ferreteria-colon', 'CLIENT_READ_ONLY');
  await addMember(request, demoAdmin, 'scoped@demo.firm', null);
  await assignRole(request, demoAdmin, 'scoped@demo.firm', 'logistica-canal', 'JUNIOR');
  const walled = roleExists('NO_ACCESS');
  if (walled) {
    await addMember(request, demoAdmin, 'walled@demo.firm', 'SENIOR');
    await assignRole(request, demoAdmin, 'walled@demo.firm', 'clinica-costa', 'NO_ACCESS');
  }

  const emails = [
    ...[
      'admin',
      'senior',
      'junior',
      'reviewer',
      'client',
      'restricted',
      'scoped',
      ...(walled ? ['walled'] : []),
    ].map((u) => `${u}@demo.firm`),
    'admin@zeta.firm',
    'senior@zeta.firm',
  ];
  const users: WorldUser[] = [];
  for (const email of emails) {
    users.push({ email, firm: email.endsWith('@zeta.firm') ? 'zeta' : 'demo', token: await sign(email) });
  }

  const tokenUrl = stack.gatewayUrl.replace(/\/graphql$/, '/oauth/token');
  users.push(...(await addMachineCallers(request, tokenUrl, { demo: demoAdmin, zeta: zetaAdmin })));

  const exportLinks: ExportLink[] = [];
  for (const c of clients) {
    const admin = c.firm === 'demo' ? demoAdmin : zetaAdmin;
    await seedMarkedData(request, admin, c);
    const res = await request(
      admin,
      c.slug,
      'mutation($from: Date!, $to: Date!) { exportLedger(format: GL_CSV, from: $from, to: $to) { url } }',
      yearRange(),
    );
    const url = (res.data as { exportLedger?: { url: string } } | null)?.exportLedger?.url;
    if (!url) throw new Error(`no export link for ${c.slug}: ${JSON.stringify(res.errors)}`);
    exportLinks.push({ url, client: c });
  }
  return { test, clients, users, exportLinks, request, close: () => test.close() };
}

async function demoFirmId(test: TestStack): Promise<string | undefined> {
  const [firm] = await test.stack.control.db
    .select()
    .from(control.firms)
    .where(eq(control.firms.slug, 'demo-firm'));
  return firm?.id;
}

export function yearRange() {
  const y = new Date().getUTCFullYear();
  return { from: `${y - 1}-01-01`, to: `${y}-12-31` };
}

function must(res: GqlResult, what: string): Record<string, unknown> {
  if (res.errors?.length || !res.data) throw new Error(`${what}: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** Whether the API has a role (the ethical wall, `NO_ACCESS`, arrives with the access rules). */
function roleExists(role: string): boolean {
  const type = loadApiSchema().getType('RoleCluster');
  return isEnumType(type) && type.getValues().some((v) => v.name === role);
}

async function addMember(request: World['request'], token: string, email: string, firmRole: string | null) {
  must(
    await request(
      token,
      undefined,
      'mutation($input: AddFirmMemberInput!) { addFirmMember(input: $input) { userId } }',
      { input: { email, displayName: email.split('@')[0], firmRole } },
    ),
    `add ${email}`,
  );
}

async function assignRole(
  request: World['request'],
  token: string,
  email: string,
  tenant: string,
  role: string,
) {
  const members = must(
    await request(
      token,
      undefined,
      'query($s: String) { firmMembersConnection(search: $s) { edges { node { userId email } } } }',
      { s: email },
    ),
    'members',
  );
  const page = members.firmMembersConnection as { edges: { node: { userId: string; email: string } }[] };
  const userId = page.edges.map((e) => e.node).find((m) => m.email === email)?.userId;
  must(
    await request(
      token,
      undefined,
      'mutation($u: ID!, $t: String!, $r: RoleCluster!, $why: String) { assignClientRole(userId: $u, tenant: $t, role: $r, reason: $why) { userId } }',
      { u: userId, t: tenant, r: role, why: 'isolation fuzzer: restricted access on purpose' },
    ),
    `assign ${role} to ${email} on ${tenant}`,
  );
}

/** A party, a posted journal entry and an approved invoice, each carrying the client's data mark. */
async function seedMarkedData(request: World['request'], token: string, c: WorldClient) {
  const today = clientToday();
  const party = must(
    await request(
      token,
      c.slug,
      'mutation($input: CreatePartyInput!) { createParty(input: $input) { id } }',
      { input: { kind: 'CUSTOMER', code: `${c.dataMark}-C`, name: `${c.dataMark} Customer` } },
    ),
    `party on ${c.slug}`,
  ).createParty as { id: string };
  must(
    await request(
      token,
      c.slug,
      'mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id } }',
      {
        input: {
          postingDate: today,
          memo: `${c.dataMark} entry`,
          lines: [
            { accountCode: '1110', debit: '10.00', memo: `${c.dataMark} cash` },
            { accountCode: '4101', credit: '10.00' },
          ],
        },
      },
    ),
    `entry on ${c.slug}`,
  );
  // A client issues no sales document before its legal details are set (LEGAL_DETAILS_REQUIRED).
  must(
    await request(token, c.slug, SET_LEGAL_DETAILS, { input: { ...TEST_LEGAL_DETAILS, legalName: c.slug } }),
    `legal details on ${c.slug}`,
  );
  const invoice = must(
    await request(
      token,
      c.slug,
      'mutation($input: InvoiceDraftInput!) { createSalesInvoice(input: $input) { id } }',
      {
        input: {
          partyId: party.id,
          documentDate: today,
          memo: `${c.dataMark} invoice`,
          lines: [
            {
              description: `${c.dataMark} service`,
              accountCode: '4102',
              quantity: '1',
              unitPrice: '25.00',
              taxCode: 'ITBMS7',
            },
          ],
        },
      },
    ),
    `invoice on ${c.slug}`,
  ).createSalesInvoice as { id: string };
  must(
    await request(token, c.slug, 'mutation($id: ID!) { approveSalesInvoice(id: $id) { id } }', {
      id: invoice.id,
    }),
    `approve invoice on ${c.slug}`,
  );
}
