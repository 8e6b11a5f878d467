import { type Page, pageRows } from '@cifra/context';
import type { ControlDb } from '@cifra/db';
import {
  type IntegrationReader,
  type IntegrationRow,
  listEntityKeys,
  listIntegrations,
  type SecretRow,
  secretsOf,
} from './integrations.service.ts';
import { type FirmMember, listFirmMembers } from './members.service.ts';
import { type TrustedDocumentVersion, trustedDocumentVersions } from './trusted-documents.service.ts';

/** Pages of the firm's own lists: 100 by default, at most 500. */
export const LIST_PAGE = { default: 100, max: 500 } as const;

/**
 * `firmMembersConnection`: the firm's members by email then id. The firm's members are read whole
 * (one firm's people, with their client roles) and the answer is paged, so it never grows with them.
 */
export async function pageFirmMembers(
  db: ControlDb,
  firmId: string,
  args: { first?: number | null; after?: string | null; search?: string | null },
): Promise<Page<FirmMember>> {
  const needle = args.search?.trim().toLocaleLowerCase() || null;
  const members = (await listFirmMembers(db, firmId)).filter(
    (m) => !needle || `${m.email} ${m.displayName}`.toLocaleLowerCase().includes(needle),
  );
  return pageRows(members, 'member', (m) => [m.email, m.userId], args, LIST_PAGE);
}

/** `integrationsConnection`: the firm's integrations (entity keys included), by name then id. */
export async function pageIntegrations(
  db: ControlDb,
  reader: IntegrationReader,
  args: { first?: number | null; after?: string | null },
): Promise<Page<IntegrationRow>> {
  return pageRows(await listIntegrations(db, reader), 'integration', (i) => [i.name, i.id], args, LIST_PAGE);
}

/** `entityKeysConnection`: one client's entity keys, by name then id. */
export async function pageEntityKeys(
  db: ControlDb,
  caller: { userId: string; firmId: string },
  args: { tenant: string; first?: number | null; after?: string | null },
): Promise<Page<IntegrationRow>> {
  const keys = await listEntityKeys(db, caller, args.tenant);
  return pageRows(keys, `entity-key:${args.tenant}`, (i) => [i.name, i.id], args, LIST_PAGE);
}

/**
 * `Integration.secretsConnection`: one integration's secrets, oldest first (creation, then client
 * id). Read whole (one integration's rotations) and answered a page at a time; the tag names the
 * integration, so one integration's cursor is refused for another's.
 */
export async function pageSecrets(
  db: ControlDb,
  integrationId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<SecretRow>> {
  const secrets = await secretsOf(db, integrationId);
  return pageRows(
    secrets,
    `secret:${integrationId}`,
    (s) => [s.createdAt.toISOString(), s.prefix],
    args,
    LIST_PAGE,
  );
}

/**
 * `Integration.trustedDocumentVersionsConnection`: one integration's published versions, oldest
 * first (publication, then version), read whole and answered a page at a time.
 */
export async function pageTrustedDocumentVersions(
  db: ControlDb,
  integrationId: string,
  args: { first?: number | null; after?: string | null },
): Promise<Page<TrustedDocumentVersion>> {
  const versions = await trustedDocumentVersions(db, integrationId);
  return pageRows(
    versions,
    `trusted-version:${integrationId}`,
    (v) => [v.publishedAt.toISOString(), v.appVersion],
    args,
    LIST_PAGE,
  );
}
