import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { firms, tenants, users } from './schema.ts';

/** Partner integrations and their access (control migration 0014; docs/partners.md). */
export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firms.id),
    name: text('name').notNull(),
    contact: text('contact').notNull(),
    status: text('status', { enum: ['ACTIVE', 'SUSPENDED', 'DELETED'] })
      .notNull()
      .default('ACTIVE'),
    allowArbitraryDocuments: boolean('allow_arbitrary_documents').notNull().default(false),
    /** An entity key: bound to this one client, granted only there. */
    boundTenantId: uuid('bound_tenant_id').references(() => tenants.id),
    /** Its client id at the firm's OIDC provider, when that provider issues its tokens. */
    oidcClientId: text('oidc_client_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('integrations_firm_name')
      .on(t.firmId, sql`lower(${t.name})`)
      .where(sql`${t.status} <> 'DELETED'`),
    // Installation-wide: a provider's token names the client, not the firm (control migration 0038).
    uniqueIndex('integrations_oidc_client_id_key').on(t.oidcClientId).where(sql`${t.status} <> 'DELETED'`),
  ],
);

/** What an integration may do on one client: explicit permissions, never more than the granter's. */
export const integrationGrants = pgTable(
  'integration_grants',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    permissions: text('permissions').array().notNull(),
    grantedBy: uuid('granted_by').references(() => users.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.tenantId] }),
    index('integration_grants_tenant_idx').on(t.tenantId),
  ],
);

/**
 * What an integration may do at the firm level, with no client chosen (control migration 0019):
 * read-only firm permissions (Firm.Dashboard, Audit.ReadFirm), granted explicitly and separately.
 */
export const integrationFirmGrants = pgTable('integration_firm_grants', {
  integrationId: uuid('integration_id')
    .primaryKey()
    .references(() => integrations.id),
  permissions: text('permissions').array().notNull(),
  grantedBy: uuid('granted_by').references(() => users.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Client secrets: the prefix is the OAuth client id, the secret itself is kept only as a scrypt hash. */
export const integrationSecrets = pgTable(
  'integration_secrets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    prefix: text('prefix').notNull().unique(),
    hash: text('hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('integration_secrets_integration_idx').on(t.integrationId)],
);

/** Requests of each integration per day, client (null: firm-level) and operation (control migration 0015). */
export const integrationUsage = pgTable('integration_usage', {
  integrationId: uuid('integration_id')
    .notNull()
    .references(() => integrations.id),
  tenantId: uuid('tenant_id').references(() => tenants.id),
  day: date('day').notNull(),
  operation: text('operation').notNull(),
  requests: bigint('requests', { mode: 'number' }).notNull().default(0),
});

/** The operations an integration may run, per application version (control migration 0016). */
export const trustedDocuments = pgTable(
  'trusted_documents',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id),
    appVersion: text('app_version').notNull(),
    documentId: text('document_id').notNull(),
    document: text('document').notNull(),
    publishedBy: uuid('published_by').references(() => users.id),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.appVersion, t.documentId] })],
);
