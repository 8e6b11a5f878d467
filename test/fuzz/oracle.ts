import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withClient } from '@cifra/db';
import type { GqlResult } from '../support/client.ts';
import type { WorldClient, WorldUser } from './world.ts';

/** What the fuzzer expects of each caller, by key: a person's email, `integration:<client id>`. */
export interface Expected {
  /** The clients each caller may use. */
  clients: Map<string, Set<string>>;
  /** The callers the gateway lets in: active members; integrations ACTIVE whose secret is live. */
  admitted: Set<string>;
  /** Integrations that may run only their trusted documents (no query text). */
  trustedOnly: Set<string>;
}

/**
 * Who may see which client, computed here with its own SQL from the control plane's rows rather
 * than through the product's access code, so the fuzzer checks the product instead of repeating
 * it. A person: a role assigned on a client wins over the firm-wide role; `NoAccess` (or no role at
 * all) means no access; only active users of the client's own firm and active clients count. An
 * integration: its unexpired grants on active clients of its own firm, while it is ACTIVE and the
 * secret its token came from is neither revoked nor expired.
 */
export async function expectedAccess(controlAdminUrl: string): Promise<Expected> {
  const [people, machines] = await withClient(controlAdminUrl, async (c) => [
    (
      await c.query<{ key: string; slug: string; role: string | null }>(
        `SELECT u.email AS key, t.slug, coalesce(a.role::text, m.firm_role::text) AS role
           FROM users u
           JOIN firm_memberships m ON m.user_id = u.id
           JOIN tenants t ON t.firm_id = m.firm_id AND t.status = 'ACTIVE'
           LEFT JOIN tenant_role_assignments a ON a.user_id = u.id AND a.tenant_id = t.id
          WHERE u.active`,
      )
    ).rows,
    (
      await c.query<{ key: string; slug: string | null; admitted: boolean; arbitrary: boolean }>(
        `SELECT 'integration:' || s.prefix AS key, t.slug, i.allow_arbitrary_documents AS arbitrary,
                (i.status = 'ACTIVE' AND s.revoked_at IS NULL
                  AND (s.expires_at IS NULL OR s.expires_at > now())) AS admitted
           FROM integration_secrets s
           JOIN integrations i ON i.id = s.integration_id
           LEFT JOIN integration_grants g ON g.integration_id = i.id
                 AND (g.expires_at IS NULL OR g.expires_at > now())
           LEFT JOIN tenants t ON t.id = g.tenant_id AND t.status = 'ACTIVE' AND t.firm_id = i.firm_id`,
      )
    ).rows,
  ]);
  const expected: Expected = { clients: new Map(), admitted: new Set(), trustedOnly: new Set() };
  const allow = (key: string, slug: string | null) => {
    if (!expected.clients.has(key)) expected.clients.set(key, new Set());
    if (slug) expected.clients.get(key)?.add(slug);
  };
  for (const r of people ?? []) {
    expected.admitted.add(r.key);
    allow(r.key, r.role && r.role !== 'NoAccess' ? r.slug : null);
  }
  for (const r of machines ?? []) {
    if (!r.admitted) continue;
    expected.admitted.add(r.key);
    if (!r.arbitrary) expected.trustedOnly.add(r.key);
    allow(r.key, r.slug);
  }
  return expected;
}

/** The documented error codes: every backticked code of the README's Errors section, and GraphQL's own. */
export function documentedCodes(): Set<string> {
  const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
  const section = readme.split(/^## Errors$/m)[1]?.split(/^## /m)[0] ?? '';
  const codes = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_USER_INPUT']);
  for (const m of section.matchAll(/`([A-Z][A-Z0-9_]{2,})`/g)) codes.add(m[1] as string);
  return codes;
}

export interface FuzzRequest {
  user?: WorldUser;
  tenant?: string;
  field: string;
  kind: 'query' | 'mutation';
  /** Root fields that read across the caller's clients (close board, firm trail, people). */
  firmLevel: boolean;
  /** What the request itself sent: an answer quoting it back ("no document X") leaks nothing. */
  variables?: Record<string, unknown>;
}

/** Every string the request sent, longest first (so a value that contains another goes first). */
function sentStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string' && value.length >= 3) into.push(value);
  else if (Array.isArray(value)) for (const v of value) sentStrings(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) sentStrings(v, into);
  return into.sort((a, b) => b.length - a.length);
}

/** Firm administration views: they name the firm's clients in roles and events by design. */
const FIRM_ADMIN_FIELDS = new Set([
  'firmMembers',
  'firmMembersConnection',
  'firmAuditEvents',
  'firmHistory',
  'firmHistoryConnection',
  'verifyFirmAuditChain',
]);

export interface Verdict {
  violations: string[];
  codes: string[];
}

/**
 * What may never be in an answer: another firm's clients at all; a client's marked data for
 * someone without access to it; a client's data in an answer about another client (only firm-level
 * views read across clients); an internal error or an undocumented code; data for a caller
 * without access to the client named.
 */
export function judge(
  req: FuzzRequest,
  res: GqlResult,
  clients: readonly WorldClient[],
  expected: Expected,
  documented: Set<string>,
): Verdict {
  const violations: string[] = [];
  const codes = (res.errors ?? []).map((e) => String(e.extensions?.code ?? 'NO_CODE'));
  const echoes = sentStrings(req.variables);
  const unechoed = (text: string) => echoes.reduce((t, v) => t.split(v).join(''), text);
  const dataText = JSON.stringify(res.data ?? null);
  const allText = unechoed(`${dataText}${JSON.stringify(res.errors ?? [])}`);
  const allowed = req.user ? (expected.clients.get(req.user.email) ?? new Set<string>()) : new Set<string>();

  if (res.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
    violations.push(`internal error (HTTP ${res.status}): ${JSON.stringify(res.errors)}`);
  }
  for (const code of codes) if (!documented.has(code)) violations.push(`undocumented code ${code}`);

  // Being throttled is always a fair answer; anything else must be the refusal the rules name.
  const refusedAs = (...refusals: string[]) =>
    codes.length > 0 && codes.every((c) => refusals.includes(c) || c === 'RATE_LIMITED');
  if (!req.user) {
    if (!refusedAs('UNAUTHENTICATED')) {
      violations.push(`an anonymous request got ${codes.join(',') || 'an answer'}`);
    }
  } else if (!expected.admitted.has(req.user.email)) {
    // A suspended or deleted integration, a revoked secret, a removed person. (An integration
    // held to trusted documents is told so before its liveness is looked at.)
    if (!refusedAs('UNAUTHENTICATED', 'PERSISTED_DOCUMENT_REQUIRED')) {
      violations.push(`${req.user.email} is no longer let in, yet got ${codes.join(',') || 'an answer'}`);
    }
  } else if (expected.trustedOnly.has(req.user.email)) {
    // The gateway judges the client named in the headers before it reads the body: a client
    // outside the integration's grants is FORBIDDEN before the query text is seen.
    const outside = req.tenant !== undefined && !allowed.has(req.tenant);
    if (!refusedAs('PERSISTED_DOCUMENT_REQUIRED', ...(outside ? ['FORBIDDEN'] : []))) {
      violations.push(
        `query text from a trusted-documents-only integration got ${codes.join(',') || 'an answer'}`,
      );
    }
  } else if (req.tenant !== undefined && !allowed.has(req.tenant)) {
    if (!refusedAs('FORBIDDEN')) {
      violations.push(`no access to ${req.tenant}, yet got ${codes.join(',') || 'an answer'}`);
    }
  }

  for (const c of clients) {
    // A data mark is the client's own books; a write mark is what this run wrote to that client
    // (the firm trail may quote it to anyone in the firm, so only the cross-client rule applies).
    const hasData = allText.includes(c.dataMark);
    const hasWrites = allText.includes(c.writeMark);
    if (hasData && !allowed.has(c.slug))
      violations.push(`${c.slug}'s data reached a caller without access to it`);
    if ((hasData || hasWrites) && req.tenant !== c.slug && !req.firmLevel) {
      violations.push(`${c.slug}'s data in an answer about ${req.tenant ?? 'no client'}`);
    }
    const named = dataText.includes(`"${c.slug}"`);
    if (named && req.user && c.firm !== req.user.firm)
      violations.push(`another firm's client ${c.slug} named in data`);
    if (named && !allowed.has(c.slug) && !FIRM_ADMIN_FIELDS.has(req.field) && req.user?.firm === c.firm) {
      violations.push(`client ${c.slug} named to a caller without access to it`);
    }
  }
  return { violations, codes };
}
