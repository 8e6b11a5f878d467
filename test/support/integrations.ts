import { deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import { clientToday } from './books-year.ts';
import { codes, gql } from './client.ts';
import type { DemoUser, TestStack } from './stack.ts';

/**
 * What the partner-integration suites share: the firm's admin registering, granting and issuing
 * secrets through the gateway, and a partner's token requests and calls, on one test stack.
 */
export const REASON = 'The partner contract ended in November';
export const INTEGRATION =
  'id name contact status grants { tenant { slug } permissions expiresAt } secrets { clientId revokedAt lastUsedAt }';

export interface Integration {
  id: string;
  name: string;
  status: string;
  grants: { tenant: { slug: string }; permissions: string[]; expiresAt: string | null }[];
  secrets: { clientId: string; revokedAt: string | null; lastUsedAt: string | null }[];
}

export const ENTRY = `mutation PartnerPost($input: PostJournalEntryInput!) { postJournalEntry(input: $input) { id number } }`;
export const entryInput = (memo: string) => ({
  input: {
    postingDate: clientToday(),
    memo,
    lines: [
      { accountCode: '1110', debit: '12.34' },
      { accountCode: '4101', credit: '12.34' },
    ],
  },
});

export const credentials = (c: { clientId: string; secret: string }) => ({
  grant_type: 'client_credentials',
  client_id: c.clientId,
  client_secret: c.secret,
});

export function partnerKit(harness: () => TestStack) {
  const as = (who: DemoUser) => harness().as(who);
  const tokenUrl = () => harness().stack.gatewayUrl.replace(/\/graphql$/, '/oauth/token');

  async function controlRows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await harness().stack.control.pool.query(sql, params)).rows as T[];
  }

  async function create(name: string): Promise<Integration> {
    const r = await as('admin')<{ createIntegration: Integration }>(
      `mutation($input: CreateIntegrationInput!) { createIntegration(input: $input) { ${INTEGRATION} } }`,
      { input: { name, contact: 'api@partner.example' } },
    );
    if (!r.data?.createIntegration) throw new Error(JSON.stringify(r.errors));
    return r.data.createIntegration;
  }

  async function newSecret(
    integrationId: string,
    expiresAt?: string,
  ): Promise<{ clientId: string; secret: string }> {
    const r = await as('admin')<{ createIntegrationSecret: { clientId: string; secret: string } }>(
      `mutation($id: ID!, $at: DateTime) { createIntegrationSecret(integrationId: $id, expiresAt: $at) { clientId secret } }`,
      { id: integrationId, at: expiresAt },
    );
    if (!r.data?.createIntegrationSecret) throw new Error(JSON.stringify(r.errors));
    return r.data.createIntegrationSecret;
  }

  const grant = (integrationId: string, tenant: string, permissions: string[], expiresAt?: string) =>
    as('admin')<{ grantIntegrationAccess: { permissions: string[] } }>(
      `mutation($id: ID!, $t: String!, $p: [String!]!, $at: DateTime) {
         grantIntegrationAccess(integrationId: $id, tenant: $t, permissions: $p, expiresAt: $at) { permissions expiresAt }
       }`,
      { id: integrationId, t: tenant, p: permissions, at: expiresAt },
    );

  /** A token request, the way a partner's HTTP client sends it. */
  async function token(
    form: Record<string, string>,
    init: {
      basic?: [string, string];
      contentType?: string;
      method?: string;
      encoding?: 'gzip' | 'deflate';
    } = {},
  ): Promise<{ status: number; body: Record<string, string | number>; headers: Headers }> {
    const headers: Record<string, string> = {
      'content-type': init.contentType ?? 'application/x-www-form-urlencoded',
    };
    if (init.basic)
      headers.authorization = `Basic ${Buffer.from(init.basic.map(encodeURIComponent).join(':')).toString('base64')}`;
    const text = new URLSearchParams(form).toString();
    if (init.encoding) headers['content-encoding'] = init.encoding;
    const res = await fetch(tokenUrl(), {
      method: init.method ?? 'POST',
      headers,
      body:
        init.method === 'GET'
          ? undefined
          : init.encoding
            ? (init.encoding === 'gzip' ? gzipSync : deflateSync)(text)
            : text,
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, string | number>,
      headers: res.headers,
    };
  }

  /**
   * A partner integration with a grant on cafe-boquete and a live secret, ready to call. Unless
   * `trustedOnly`, it may send query text (allowArbitraryDocuments), so the tests of grants and
   * attribution can write their queries inline.
   */
  async function partner(name: string, permissions: string[], trustedOnly = false) {
    const i = await create(name);
    expect(codes(await grant(i.id, 'cafe-boquete', permissions))).toEqual([]);
    if (!trustedOnly) {
      const allow = await as('admin')(
        `mutation($id: ID!) { allowArbitraryDocuments(integrationId: $id, allow: true, reason: "${REASON}") { id } }`,
        { id: i.id },
      );
      expect(codes(allow)).toEqual([]);
    }
    const c = await newSecret(i.id);
    const accessToken = async (scope?: string) => {
      const r = await token({ ...credentials(c), ...(scope ? { scope } : {}) });
      if (r.status !== 200) throw new Error(JSON.stringify(r.body));
      return String(r.body.access_token);
    };
    const call = async (tenant?: string, scope?: string) =>
      gql(harness().stack.gatewayUrl, await accessToken(scope), tenant);
    return { integration: i, credentials: c, accessToken, call };
  }

  return { as, controlRows, create, newSecret, grant, token, partner };
}
