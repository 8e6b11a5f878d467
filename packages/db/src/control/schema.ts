import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  char,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The control plane: the firm, its clients (tenants) and where each client's database lives, the
 * people and their roles, the currency list and the firm's master settings. No client's books are
 * here: those live in the client's own database.
 */

export const roleCluster = pgEnum('role_cluster', [
  'FirmAdmin',
  'Senior',
  'Junior',
  'ExternalReviewer',
  'ClientReadOnly',
  'NoAccess',
]);

/** DELETED: a sandbox client deleted (deleteSandboxClient); its database is gone, its row kept for the trail. */
export const tenantStatus = pgEnum('tenant_status', ['PROVISIONING', 'ACTIVE', 'SUSPENDED', 'DELETED']);

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const firms = pgTable('firms', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  /** A BCP 47 tag the console formats amounts and dates in (validated by packages/domain/src/locale.ts). */
  locale: text('locale').notNull().default('en-US'),
  createdAt: createdAt(),
});

/**
 * A PostgreSQL server that holds client databases. `adminUrl` may name secrets as `${ENV_NAME}`
 * placeholders so that production credentials stay in the environment, not in this table.
 */
export const dbServers = pgTable('db_servers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull().unique(),
  adminUrl: text('admin_url').notNull(),
  acceptsNewTenants: boolean('accepts_new_tenants').notNull().default(true),
  createdAt: createdAt(),
});

export const currencies = pgTable('currencies', {
  code: char('code', { length: 3 }).primaryKey(),
  numericCode: char('numeric_code', { length: 3 }),
  name: text('name').notNull(),
  minorUnits: smallint('minor_units').notNull(),
});

/** The slug a deleted sandbox keeps (control migration 0030): `~` and its id's hex, never a live slug. */
export const tombstoneSlug = (tenantId: string): string => `~${tenantId.replaceAll('-', '')}`;

export const tenants = pgTable(
  'tenants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firms.id),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    region: text('region').notNull(),
    baseCurrency: char('base_currency', { length: 3 })
      .notNull()
      .references(() => currencies.code),
    timezone: text('timezone').notNull(),
    serverId: uuid('server_id')
      .notNull()
      .references(() => dbServers.id),
    databaseName: text('database_name').notNull().unique(),
    /** Set while `pnpm migrate` renames the client's database to `databaseName` (migration 0013). */
    previousDatabaseName: text('previous_database_name'),
    status: tenantStatus('status').notNull().default('PROVISIONING'),
    /**
     * A sandbox client (provisionTenant's `sandbox`, control migration 0029): kept out of the firm's
     * views by default, and the only kind of client that may be deleted. Set once, at provisioning.
     */
    sandbox: boolean('sandbox').notNull().default(false),
    /** When the client was archived (archiveClient): its books read-only, hidden by default; null when not. */
    archivedAt: timestamp('archived_at', { withTimezone: true }),
    /** When the sandbox was deleted (status DELETED). */
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    /**
     * A deleted sandbox's slug (control migration 0030): `slug` then holds a tombstone made of the
     * id (`tombstoneSlug`), so the slug is free for another client; null for any other client.
     */
    deletedSlug: text('deleted_slug'),
    /** provisionTenant's idempotency key (per firm) and the hash of its input (migration 0008). */
    idempotencyKey: text('idempotency_key'),
    idempotencyHash: text('idempotency_hash'),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      'tenants_slug_format',
      sql`CASE WHEN ${t.status}::text = 'DELETED'
        THEN ${t.slug} = '~' || replace(${t.id}::text, '-', '') AND ${t.deletedSlug} IS NOT NULL
        ELSE ${t.slug} ~ '^[a-z0-9][a-z0-9-]{1,39}$' AND ${t.deletedSlug} IS NULL END`,
    ),
    unique('tenants_idempotency_key_unique').on(t.firmId, t.idempotencyKey),
    check('tenants_only_sandboxes_deleted', sql`${t.status}::text <> 'DELETED' OR ${t.sandbox}`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull().unique(),
    displayName: text('display_name').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [check('users_email_lower', sql`${t.email} = lower(${t.email})`)],
);

/**
 * Membership of the firm. `firmRole`, when set, applies to every client of the firm, including
 * clients provisioned later; a user with no firm role sees only the clients assigned below.
 */
export const firmMemberships = pgTable(
  'firm_memberships',
  {
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firms.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    firmRole: roleCluster('firm_role'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.firmId, t.userId] })],
);

/** A role on one client; it takes precedence over the user's firm-wide role for that client. */
export const tenantRoleAssignments = pgTable(
  'tenant_role_assignments',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: roleCluster('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.userId] }), index('tra_user_idx').on(t.userId)],
);

/** The firm's master settings; every client inherits them unless it overrides a key. */
export const firmSettings = pgTable(
  'firm_settings',
  {
    firmId: uuid('firm_id')
      .notNull()
      .references(() => firms.id),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.firmId, t.key] })],
);

export const tenantSettingOverrides = pgTable(
  'tenant_setting_overrides',
  {
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.key] })],
);

/** Firm-level actions (provisioning, memberships, role changes, batch operations). */
export const controlAuditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    tenantId: uuid('tenant_id'),
    /**
     * The firm whose trail this is: given by the writer, else set by the database from the client's
     * firm or the actor's (control migration 0007); hashed when set. Null on events from before.
     */
    firmId: uuid('firm_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    reason: text('reason'),
    requestId: text('request_id'),
    clientName: text('client_name'),
    clientVersion: text('client_version'),
    /**
     * The tamper-evident chain, all set by the database (trigger `audit_events_chain`), never by the
     * writer: position in the chain, the previous event's hash and SHA-256 over this event's
     * content and that hash (hex). See docs/architecture/audit.md.
     */
    chainSeq: bigint('chain_seq', { mode: 'bigint' }).notNull(),
    prevHash: text('prev_hash'),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('cae_entity_idx').on(t.entityType, t.entityId),
    index('cae_time_idx').on(t.occurredAt),
    uniqueIndex('cae_chain_seq_idx').on(t.chainSeq),
    index('cae_action_idx').on(t.action),
    index('cae_actor_idx').on(t.actorEmail),
    index('cae_firm_idx').on(t.firmId, t.id),
  ],
);
export * from './batch.ts';

export * from './close-board.ts';

export * from './fx.ts';

export * from './integrations.ts';

export const backupStatus = pgEnum('backup_status', [
  'RUNNING',
  'COMPLETE',
  'FAILED',
  'INTERRUPTED',
  'PRUNED',
]);

/** A restore drill's outcome (control migration 0023). */
export const restoreDrillOutcome = pgEnum('restore_drill_outcome', ['VERIFIED', 'FAILED']);

/** Backups of one client's database (control migration 0020; docs/architecture/backups.md). */
export const clientBackups = pgTable('client_backups', {
  id: uuid('id').primaryKey().defaultRandom(),
  firmId: uuid('firm_id')
    .notNull()
    .references(() => firms.id),
  tenantId: uuid('tenant_id').notNull(),
  tenantSlug: text('tenant_slug').notNull(),
  serverName: text('server_name').notNull(),
  status: backupStatus('status').notNull().default('RUNNING'),
  location: text('location').notNull().unique(),
  keyId: text('key_id').notNull(),
  schemaVersion: text('schema_version'),
  chainSeq: bigint('chain_seq', { mode: 'bigint' }),
  chainHeadHash: text('chain_head_hash'),
  sizeBytes: bigint('size_bytes', { mode: 'bigint' }),
  durationMs: integer('duration_ms'),
  error: text('error'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  verifiedAt: timestamp('verified_at', { withTimezone: true }),
  requestedBy: text('requested_by'),
  /** The process taking it (host and pid); it holds the backup's owner lock while it runs. */
  owner: text('owner'),
  /** When retention removed its files (status PRUNED). */
  prunedAt: timestamp('pruned_at', { withTimezone: true }),
  /** When the newest restore drill of it finished (control migration 0023). */
  drilledAt: timestamp('drilled_at', { withTimezone: true }),
  /** That drill's outcome. */
  drillOutcome: restoreDrillOutcome('drill_outcome'),
  /** The error code of that drill when it failed. */
  drillFailureCode: text('drill_failure_code'),
});
export type ClientBackupRow = typeof clientBackups.$inferSelect;

/** A legal hold on one client's backups: none is pruned while it is active (control migration 0021). */
export const backupLegalHolds = pgTable('backup_legal_holds', {
  id: uuid('id').primaryKey().defaultRandom(),
  firmId: uuid('firm_id')
    .notNull()
    .references(() => firms.id),
  tenantId: uuid('tenant_id').notNull(),
  tenantSlug: text('tenant_slug').notNull(),
  reason: text('reason').notNull(),
  setBy: text('set_by').notNull(),
  setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
  releasedBy: text('released_by'),
  releasedAt: timestamp('released_at', { withTimezone: true }),
  releaseReason: text('release_reason'),
});
export type BackupLegalHoldRow = typeof backupLegalHolds.$inferSelect;

/**
 * Restore drills (control migration 0023): a backup restored into a scratch database, verified and
 * dropped. The row is written before the scratch database exists, so a sweep finds the database of
 * a drill whose process died (its owner lock free, no `droppedAt`).
 */
export const restoreDrills = pgTable('restore_drills', {
  id: uuid('id').primaryKey().defaultRandom(),
  firmId: uuid('firm_id')
    .notNull()
    .references(() => firms.id),
  tenantId: uuid('tenant_id').notNull(),
  tenantSlug: text('tenant_slug').notNull(),
  backupId: uuid('backup_id')
    .notNull()
    .references(() => clientBackups.id),
  serverId: uuid('server_id')
    .notNull()
    .references(() => dbServers.id),
  /** `cifra_drill_<24 hex>`: never a client's name (`cifra_c_…`). */
  databaseName: text('database_name').notNull().unique(),
  owner: text('owner'),
  requestedBy: text('requested_by'),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  outcome: restoreDrillOutcome('outcome'),
  failureCode: text('failure_code'),
  error: text('error'),
  droppedAt: timestamp('dropped_at', { withTimezone: true }),
});
export type RestoreDrillRow = typeof restoreDrills.$inferSelect;

export const restoreInPlaceStatus = pgEnum('restore_in_place_status', [
  'PENDING',
  'RESTORING',
  'RESTORED',
  'FAILED',
  // Control migration 0028: withdrawn before approval, or left PENDING past its expiry.
  'WITHDRAWN',
  'EXPIRED',
]);

/**
 * Restores over a live client (control migration 0023): requested with a reason by one person,
 * approved by another; the replaced database is kept until `keepUntil`.
 */
export const restoreInPlaceRequests = pgTable('restore_in_place_requests', {
  id: uuid('id').primaryKey().defaultRandom(),
  firmId: uuid('firm_id')
    .notNull()
    .references(() => firms.id),
  tenantId: uuid('tenant_id')
    .notNull()
    .references(() => tenants.id),
  tenantSlug: text('tenant_slug').notNull(),
  backupId: uuid('backup_id')
    .notNull()
    .references(() => clientBackups.id),
  reason: text('reason').notNull(),
  requestedByUser: uuid('requested_by_user'),
  requestedBy: text('requested_by').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  status: restoreInPlaceStatus('status').notNull().default('PENDING'),
  approvedByUser: uuid('approved_by_user'),
  approvedBy: text('approved_by'),
  approvedAt: timestamp('approved_at', { withTimezone: true }),
  /** When the live books were made read-only for the swap. */
  readOnlyAt: timestamp('read_only_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  failureCode: text('failure_code'),
  error: text('error'),
  /** The replaced database's name once swapped out (kept until `keepUntil`). */
  replacedDatabaseName: text('replaced_database_name').unique(),
  keepUntil: timestamp('keep_until', { withTimezone: true }),
  droppedAt: timestamp('dropped_at', { withTimezone: true }),
  /** Who withdrew a WITHDRAWN request, and why (control migration 0028). */
  withdrawnByUser: uuid('withdrawn_by_user'),
  withdrawnBy: text('withdrawn_by'),
  withdrawalReason: text('withdrawal_reason'),
});
export type RestoreInPlaceRow = typeof restoreInPlaceRequests.$inferSelect;

/** Each active client's next scheduled backup (control migration 0021). */
export const backupSchedules = pgTable('backup_schedules', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  /** The next instant the client's own clock reads `backupLocalTime` in its time zone. */
  nextRunAt: timestamp('next_run_at', { withTimezone: true }).notNull(),
  lastQueuedAt: timestamp('last_queued_at', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The console's persisted-documents manifests side by side (control migration 0032,
 * docs/console.md): one version per console build, keyed by the SHA-256 of its manifest file.
 */
export const consoleManifestVersions = pgTable('console_manifest_versions', {
  version: text('version').primaryKey(),
  registeredAt: timestamp('registered_at', { withTimezone: true }).notNull().defaultNow(),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
});

/** The documents of one console manifest version: `sha256:<hex>` → text. */
export const consoleManifestDocuments = pgTable(
  'console_manifest_documents',
  {
    version: text('version')
      .notNull()
      .references(() => consoleManifestVersions.version),
    documentId: text('document_id').notNull(),
    body: text('body').notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.documentId] })],
);
